import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT, tempDir, ual } from "./_cli.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const FIXTURES = join(ROOT, "packages/core/fixtures/plugins.mjs");

/** Opens `report` in headless Chromium inside a page whose script measures every chart as laid out. */
function measure(report: string): Array<{ kind: string; width: number; height: number; marks: number }> {
  const dir = tempDir("ual-chromium-");
  const probe = join(dir, "probe.html");
  writeFileSync(
    probe,
    `<!doctype html><html><body><iframe id="f" src="${new URL(`file://${report}`).href}" width="1200" height="4000"></iframe><script>
document.getElementById("f").addEventListener("load", () => {
  const doc = document.getElementById("f").contentDocument;
  const charts = [...doc.querySelectorAll("svg.chart")].map((svg) => {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll("rect.bar, path.line, circle.point")].filter((el) => { const b = el.getBBox(); return b.width > 0 || b.height > 0; }).length;
    return { kind: svg.dataset.chart, width: box.width, height: box.height, marks };
  });
  const out = document.createElement("pre"); out.id = "result"; out.textContent = JSON.stringify(charts); document.body.appendChild(out);
});
</script></body></html>`,
  );
  const result = spawnSync(
    CHROMIUM as string,
    ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${join(dir, "profile")}`, "--allow-file-access-from-files", "--virtual-time-budget=5000", "--dump-dom", `file://${probe}`],
    { encoding: "utf8", timeout: 60_000 },
  );
  const found = /<pre id="result">(.*?)<\/pre>/s.exec(result.stdout);
  if (!found) throw new Error(`no measurement from chromium (exit ${result.status}): ${result.stderr.slice(0, 500)}`);
  return JSON.parse(found[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&")) as ReturnType<typeof measure>;
}

describe.skipIf(!CHROMIUM)("the HTML report in a browser (headless Chromium)", () => {
  test("a matrix run's report lays out every chart with visible marks", () => {
    const dir = tempDir();
    const manifest = join(dir, "exp.yaml");
    writeFileSync(
      manifest,
      [
        "apiVersion: ual/v1",
        "name: exp",
        "stages:",
        `  source: { use: "${FIXTURES}#list-source", with: { count: 30 } }`,
        `  uncertainty: { use: "${FIXTURES}#slow-length", with: { delayMs: 0 } }`,
        `  mapper: { use: "${FIXTURES}#scale", with: { factor: 0.05 } }`,
        `  evaluators: [{ use: "${FIXTURES}#metric", with: { base: 1 } }]`,
        "matrix:",
        "  seeds: [1, 2]",
        "  arms:",
        "    a: {}",
        '    b: { "stages.evaluators[0].with.base": 2, "stages.mapper.with.factor": 0.1 }',
      ].join("\n"),
    );
    const run = ual(["run", manifest, "--runs-dir", join(dir, "runs"), "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    const report = join(dir, "runs", "exp.report.html");
    expect(existsSync(report)).toBe(true);
    const charts = measure(report);
    expect(charts.map((c) => c.kind).sort()).toEqual(["bars", "histogram", "histogram"]);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(100);
      expect(chart.height).toBeGreaterThan(100);
      expect(chart.marks, chart.kind).toBeGreaterThan(0);
    }
  });
});
