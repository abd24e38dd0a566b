import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { JsonObject, RunEvents } from "@ual/core";
import { createRng } from "@ual/random";
import { renderReport } from "@ual/reporter-html";
import { ROOT, tempDir, ual } from "./_cli.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const FIXTURES = join(ROOT, "packages/core/fixtures/plugins.mjs");

interface Measured {
  /** `data-chart` of the first chart and the class of the first section, in document order. */
  first: { chart?: string; section?: string };
  charts: Array<{
    kind: string;
    width: number;
    height: number;
    marks: number;
    /** Legend entries and forest labels whose box meets the plot area's (should be none). */
    overlaps: string[];
    /** Legend entries drawn. */
    legends: number;
  }>;
}

function chromiumArgs(dir: string): string[] {
  return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${join(dir, "profile")}`, "--allow-file-access-from-files"];
}

/** Opens `report` in headless Chromium inside a page whose script measures every chart as laid out. */
function measure(report: string): Measured {
  const dir = tempDir("ual-chromium-");
  const probe = join(dir, "probe.html");
  writeFileSync(
    probe,
    `<!doctype html><html><body><iframe id="f" src="${new URL(`file://${report}`).href}" width="1200" height="4000"></iframe><script>
document.getElementById("f").addEventListener("load", () => {
  const doc = document.getElementById("f").contentDocument;
  const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const charts = [...doc.querySelectorAll("svg.chart")].map((svg) => {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll("rect.bar, path.line, circle.point")].filter((el) => { const b = el.getBBox(); return b.width > 0 || b.height > 0; }).length;
    const area = svg.querySelector("rect.plot-area").getBoundingClientRect();
    const labels = [...svg.querySelectorAll("g.legend > g, text.arm, text.value")];
    const overlaps = labels.filter((el) => meets(el.getBoundingClientRect(), area)).map((el) => el.textContent);
    return { kind: svg.dataset.chart, width: box.width, height: box.height, marks, overlaps, legends: svg.querySelectorAll("g.legend > g").length };
  });
  const first = { chart: doc.querySelector("svg.chart")?.dataset.chart, section: doc.querySelector("section")?.className };
  const out = document.createElement("pre"); out.id = "result"; out.textContent = JSON.stringify({ first, charts }); document.body.appendChild(out);
});
</script></body></html>`,
  );
  const result = spawnSync(CHROMIUM as string, [...chromiumArgs(dir), "--virtual-time-budget=5000", "--dump-dom", `file://${probe}`], { encoding: "utf8", timeout: 60_000 });
  const found = /<pre id="result">(.*?)<\/pre>/s.exec(result.stdout);
  if (!found) throw new Error(`no measurement from chromium (exit ${result.status}): ${result.stderr.slice(0, 500)}`);
  return JSON.parse(found[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&")) as Measured;
}

/** A PNG of the report's top `height` pixels, for a person to look at (its path is logged). */
function screenshot(report: string, png: string, height: number): void {
  const result = spawnSync(CHROMIUM as string, [...chromiumArgs(tempDir("ual-chromium-")), "--hide-scrollbars", `--window-size=1240,${height}`, `--screenshot=${png}`, `file://${report}`], { encoding: "utf8", timeout: 60_000 });
  if (!existsSync(png)) throw new Error(`no screenshot from chromium (exit ${result.status}): ${result.stderr.slice(0, 500)}`);
}

/** A run's events as its events.jsonl holds them: ratings, ε, a noisy falling loss, two metrics. */
function syntheticRun(arm: string, seed: number, shift: number): RunEvents {
  const rng = createRng(seed * 31 + arm.length);
  const events: JsonObject[] = [{ type: "run.start", manifest: "exp.yaml", runId: `${arm}-${seed}`, time: "t" }];
  for (let i = 0; i < 200; i++) events.push({ type: "uncertainty", sampleId: `s${i}`, score: (i * 37) % 100, source: "oracle" });
  for (let i = 0; i < 200; i++) events.push({ type: "smoothing", sampleId: `s${i}`, epsilon: (((i * 37) % 100) / 100) * 0.2 * (arm === "sft" ? 0 : 1), score: 1, mapper: "tl" });
  if (arm !== "base") for (let step = 1; step <= 300; step++) events.push({ type: "train.step", step, epoch: 0, loss: 2.5 * Math.exp(-step / 80) + 0.6 + shift + 0.4 * (rng.float() - 0.5), lr: 1e-3, epsilon: { mean: 0.1 + 0.05 * (rng.float() - 0.5), min: 0, max: 0.2 } });
  events.push({ type: "eval", evaluator: "@ual/eval-nll", metric: "nll", subset: "low-entropy", value: 0.5 + shift + 0.05 * seed + 0.04 * (rng.float() - 0.5) });
  events.push({ type: "eval", evaluator: "@ual/eval-exact-match", metric: "accuracy", subset: "low-entropy", value: 0.8 - shift / 2 + 0.03 * rng.float() });
  events.push({ type: "run.end", status: "completed", durationMs: 5, outputs: {}, summary: { samples: 200 } });
  return { runId: `${arm}-${seed}`, arm, seed, status: "completed", events };
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
        "  baseline: a",
        "  arms:",
        "    a: {}",
        '    b: { "stages.evaluators[0].with.base": 2, "stages.mapper.with.factor": 0.1 }',
      ].join("\n"),
    );
    const run = ual(["run", manifest, "--runs-dir", join(dir, "runs"), "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    const report = join(dir, "runs", "exp.report.html");
    expect(existsSync(report)).toBe(true);
    const { first, charts } = measure(report);
    expect(first).toEqual({ chart: "forest", section: "paired" });
    expect(charts.map((c) => c.kind).sort()).toEqual(["bars", "forest", "histogram", "histogram"]);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(100);
      // a forest panel is as tall as its arms: one arm here
      expect(chart.height).toBeGreaterThan(chart.kind === "forest" ? 60 : 100);
      expect(chart.marks, chart.kind).toBeGreaterThan(0);
      expect(chart.overlaps, `${chart.kind}: legend or label over the plot area`).toEqual([]);
    }
    expect(charts.find((c) => c.kind === "bars")?.legends).toBe(2);
  });

  test("a report with two baselines opens with their forest plots, keeps legends off the data, and smooths the loss", () => {
    const shifts: Record<string, number> = { base: 0.9, sft: 0, ls: 0.05, "ual-oracle": -0.02, "ual-noisy": 0.01 };
    const runs = Object.entries(shifts).flatMap(([arm, shift]) => [1, 2, 3, 4, 5].map((seed) => syntheticRun(arm, seed, shift)));
    const dir = tempDir();
    const report = join(dir, "exp.report.html");
    writeFileSync(report, renderReport(runs, { title: "UAL experiment exp", baselines: ["sft", "base"], generatedAt: new Date(0) }));
    const { first, charts } = measure(report);
    expect(first).toEqual({ chart: "forest", section: "paired" });
    // two baselines × two metrics, then the rest
    expect(charts.slice(0, 4).map((c) => c.kind)).toEqual(["forest", "forest", "forest", "forest"]);
    expect(charts.filter((c) => c.kind === "lines")).toHaveLength(2);
    for (const chart of charts) {
      expect(chart.marks, chart.kind).toBeGreaterThan(0);
      expect(chart.overlaps, `${chart.kind}: legend or label over the plot area`).toEqual([]);
    }
    // every arm but the baseline is a point in each forest panel; 5 arms → 4 points
    expect(charts[0]?.marks).toBe(4);
    // 4 trained arms × 5 seeds, each raw and smoothed
    expect(charts.find((c) => c.kind === "lines")?.marks).toBe(40);
    const png = join(dir, "exp.report.png");
    screenshot(report, png, 900);
    console.log(`report screenshot: ${png}`);
  });
});
