import { compareRuns, excludesZero, EXCLUDES_ZERO_MARK, formatMeanCi, metricDirection, pairedDifferences, type JsonObject, type RunEvents } from "@ual/core";
import { bars, escapeXml, forest, histogram, lines, PALETTE, scatter } from "./_svg.ts";

/** Options of {@linkcode renderReport}. */
export interface RenderReportOptions {
  title?: string;
  /** When the report was made (default now); fixed in tests. */
  generatedAt?: Date;
  /**
   * Arms to subtract from the others, seed by seed (a matrix's `matrix.baseline`): the report then
   * opens with a forest plot of the paired differences, one group per baseline. Default none.
   */
  baselines?: readonly string[];
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function byArm(runs: readonly RunEvents[]): Map<string, RunEvents[]> {
  const out = new Map<string, RunEvents[]>();
  for (const run of runs) out.set(run.arm, [...(out.get(run.arm) ?? []), run]);
  return out;
}

function values(runs: readonly RunEvents[], type: string, field: string): number[] {
  return runs.flatMap((r) => r.events.filter((e) => e.type === type).map((e) => num(e[field])).filter((v): v is number => v !== undefined));
}

function table(header: string[], rows: string[][]): string {
  const th = header.map((h) => `<th>${escapeXml(h)}</th>`).join("");
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

/**
 * The opening section: for each baseline, one forest panel per metric (each arm − baseline, paired
 * by seed, with its 95% CI), captioned with the direction in which the metric is better.
 */
function pairedSection(runs: readonly RunEvents[], baselines: readonly string[], color: (arm: string) => string): string {
  const groups: string[] = [];
  for (const baseline of baselines) {
    const panels = pairedDifferences(runs, baseline).map((row) => {
      const rows = Object.entries(row.byArm).map(([arm, ci]) => ({ name: arm, mean: ci.mean, halfWidth: ci.halfWidth, text: formatMeanCi(ci, { signed: true, marked: true }), excludesZero: excludesZero(ci), color: color(arm) }));
      const direction = metricDirection(row.metric);
      const caption =
        direction === undefined
          ? `${row.metric}: its name does not say which way is better`
          : `${row.metric}: ${direction} is better — ${direction === "lower" ? "left" : "right"} of 0, the arm beats ${baseline}`;
      return `<figure class="forest">${forest(`${row.evaluator} · ${row.subset ?? "all"} · ${row.metric}`, `arm − ${baseline}`, rows)}<figcaption>${escapeXml(caption)}</figcaption></figure>`;
    });
    groups.push(`<h3>each arm − ${escapeXml(baseline)}, paired by seed</h3><div class="charts">${panels.join("")}</div>`);
  }
  return `<section class="paired"><h2>Paired differences: ${baselines.map((b) => `each arm − ${escapeXml(b)}`).join("; ")}</h2>
<p>Each point is an arm's mean difference from the baseline over the seeds both ran (seed paired with seed: same data order, same initial weights); the whisker is its 95% confidence interval (Student t), and the numbers on the right are mean ± half-width (n seeds). Filled points and ${EXCLUDES_ZERO_MARK}: the interval excludes 0 (the arms differ at the 5% level); hollow: it does not. A true difference well inside the half-width is one this run could not have detected. Each panel has its own scale.</p>
${groups.join("\n")}</section>`;
}

function fmt(v: number | undefined, digits = 4): string {
  return v === undefined || !Number.isFinite(v) ? "—" : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(digits);
}

/**
 * Renders one self-contained HTML report for one run or many (the cells of an experiment matrix).
 * With `baselines`, it opens with the answer: a forest plot of each arm minus each baseline,
 * paired by seed, with 95% intervals. Then histograms of the uncertainty scores and of ε per arm, loss curves per run coloured by arm (faint per step, bold a centred moving average),
 * every metric per subset and arm with 95% CI error bars, PCA scatters that evaluators attach to
 * their events (`details.scatter`), and the tables behind the charts. Charts are inline SVG;
 * the page loads nothing from the network and runs no script.
 *
 * @example
 * ```ts
 * const html = renderReport([await readRunEvents("runs/quickstart-…")]);
 * ```
 */
export function renderReport(runs: readonly RunEvents[], options: RenderReportOptions = {}): string {
  const title = options.title ?? (runs.length === 1 ? `UAL run ${runs[0]?.runId}` : `UAL experiment (${runs.length} runs)`);
  const arms = byArm(runs);
  const armNames = [...arms.keys()];
  // one colour per arm throughout the report, whichever arms a chart has
  const color = (arm: string) => PALETTE[Math.max(0, armNames.indexOf(arm)) % PALETTE.length] as string;
  const sections: string[] = [];
  const baselines = (options.baselines ?? []).filter((b) => arms.has(b));
  // the answer first: what each arm changed, seed by seed
  if (baselines.length > 0 && armNames.length > 1) sections.push(pairedSection(runs, baselines, color));

  sections.push(
    `<section><h2>Runs</h2>${table(
      ["run", "arm", "seed", "status", "samples", "steps", "final loss"],
      runs.map((r) => {
        const end = r.events.find((e) => e.type === "run.end");
        const steps = r.events.filter((e) => e.type === "train.step" && e.skipped !== true);
        const summary = (end?.summary ?? {}) as JsonObject;
        return [r.runId, r.arm, r.seed === undefined ? "—" : String(r.seed), String(r.status ?? end?.status ?? "?"), String(summary.samples ?? "—"), String(steps.length), fmt(num(steps.at(-1)?.loss))];
      }),
    )}</section>`,
  );

  const scoreSeries = [...arms].map(([arm, rs]) => ({ name: arm, values: values(rs, "uncertainty", "score"), color: color(arm) })).filter((s) => s.values.length > 0);
  const epsSeries = [...arms].map(([arm, rs]) => ({ name: arm, values: values(rs, "smoothing", "epsilon"), color: color(arm) })).filter((s) => s.values.length > 0);
  if (scoreSeries.length > 0 || epsSeries.length > 0) {
    const mappings = runs.flatMap((r) => r.events.filter((e) => e.type === "mapping").map((e) => [r.arm, r.runId, String(e.mapper), fmt(num(e.mean)), String(e.imputed), String(e.clipped), fmt(num((e.details as JsonObject | undefined)?.beta), 6)]));
    sections.push(
      `<section><h2>Uncertainty and smoothing</h2><div class="charts">${histogram("Uncertainty scores", "score", scoreSeries)}${histogram("Label smoothing ε per sample", "ε", epsSeries)}</div>${
        mappings.length > 0 ? table(["arm", "run", "mapper", "mean ε", "imputed", "clipped", "β"], mappings) : ""
      }</section>`,
    );
  }

  const lossSeries = runs
    .map((r) => ({ name: `${r.arm} · ${r.runId}`, group: r.arm, color: color(r.arm), points: r.events.filter((e) => e.type === "train.step" && e.skipped !== true).map((e) => [num(e.step) ?? Number.NaN, num(e.loss) ?? Number.NaN] as [number, number]) }))
    .filter((s) => s.points.length > 0);
  if (lossSeries.length > 0) {
    const epsOverSteps = runs
      .map((r) => ({ name: `${r.arm} · ${r.runId}`, group: r.arm, color: color(r.arm), points: r.events.filter((e) => e.type === "train.step" && e.epsilon).map((e) => [num(e.step) ?? Number.NaN, num((e.epsilon as JsonObject).mean) ?? Number.NaN] as [number, number]) }))
      .filter((s) => s.points.length > 0);
    sections.push(`<section><h2>Training</h2><div class="charts">${lines("Training loss", "step", "loss", lossSeries, { smooth: true })}${lines("Mean ε of the batch", "step", "ε", epsOverSteps, { smooth: true })}</div></section>`);
  }

  const metrics = compareRuns(runs);
  if (metrics.length > 0) {
    const charts: string[] = [];
    const groups = new Map<string, typeof metrics>();
    for (const row of metrics) {
      const key = `${row.evaluator} · ${row.metric}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    for (const [key, rows] of groups) {
      const subsets = rows.map((r) => r.subset ?? "all");
      charts.push(bars(key, rows[0]?.metric ?? "", subsets, armNames.map((arm) => ({ name: arm, values: rows.map((r) => r.byArm[arm]), color: color(arm) }))));
    }
    const tableRows = metrics.map((r) => [r.evaluator, r.subset ?? "all", r.metric, ...armNames.map((a) => {
      const ci = r.byArm[a];
      return ci ? formatMeanCi(ci) : "—";
    })]);
    sections.push(`<section><h2>Metrics (mean ± 95% CI over seeds)</h2><div class="charts">${charts.join("")}</div>${table(["evaluator", "subset", "metric", ...armNames], tableRows)}</section>`);
  }

  const scatters = runs.flatMap((r) =>
    r.events
      .filter((e) => e.type === "eval" && (e.details as JsonObject | undefined)?.scatter)
      .map((e) => {
        const s = (e.details as JsonObject).scatter as JsonObject;
        const points = Array.isArray(s.points) ? (s.points as JsonObject[]).map((p) => ({ x: Number(p.x), y: Number(p.y), label: String(p.label) })) : [];
        return scatter(`${r.arm}: ${String(s.title ?? e.metric)}`, points);
      }),
  );
  if (scatters.length > 0) sections.push(`<section><h2>Feature clustering</h2><div class="charts">${scatters.join("")}</div></section>`);

  const generated = (options.generatedAt ?? new Date()).toISOString();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}
.charts{display:flex;flex-wrap:wrap;gap:12px}
table{border-collapse:collapse;margin:10px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}
svg .title{font-size:13px;font-weight:600}svg .label,svg .tick,svg .legend{font-size:11px;fill:#444}svg .arm,svg .value{font-size:11px;fill:#222;font-variant-numeric:tabular-nums}
figure{margin:0}figcaption{font-size:12px;color:#555;max-width:560px;margin:2px 0 6px}h3{font-size:15px;margin:18px 0 6px}
svg .axis{stroke:#444}svg .grid{stroke:#eee}
</style></head><body>
<h1>${escapeXml(title)}</h1><p>Generated ${escapeXml(generated)} by @ual/reporter-html from ${runs.length} run${runs.length === 1 ? "" : "s"}.</p>
${sections.join("\n")}
</body></html>
`;
}
