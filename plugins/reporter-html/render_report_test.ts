import type { JsonObject, RunEvents } from "@ual/core";
import { describe, expect, test } from "vitest";
import { renderReport } from "./render_report.ts";

/** A run as events.jsonl would hold it: ratings, ε, a falling loss, metrics per subset. */
function run(arm: string, seed: number, accuracy: number): RunEvents {
  const events: JsonObject[] = [{ type: "run.start", manifest: "exp.yaml", runId: `${arm}-${seed}`, time: "t" }];
  for (let i = 0; i < 40; i++) events.push({ type: "uncertainty", sampleId: `s${i}`, score: (i * 7) % 99, source: "field" });
  events.push({ type: "mapping", mapper: "tl", count: 40, mean: 0.1, imputed: 2, clipped: 0, details: { beta: 0.002 } });
  for (let i = 0; i < 40; i++) events.push({ type: "smoothing", sampleId: `s${i}`, epsilon: ((i * 7) % 99) * 0.002, score: 1, mapper: "tl" });
  for (let step = 1; step <= 30; step++) events.push({ type: "train.step", step, epoch: 0, loss: 3 / step + seed * 0.01, lr: 1e-3, epsilon: { mean: 0.1, min: 0, max: 0.2 } });
  events.push({ type: "eval", evaluator: "exact-match", metric: "accuracy", subset: "low-entropy", value: accuracy + seed * 0.01 });
  events.push({ type: "eval", evaluator: "exact-match", metric: "accuracy", subset: "high-entropy", value: accuracy / 2 });
  events.push({ type: "eval", evaluator: "clustering", metric: "silhouette", value: 0.4, details: { scatter: { title: "tokens a/b", points: [{ x: 0, y: 1, label: "a" }, { x: 2, y: 0, label: "b" }] } } });
  events.push({ type: "run.end", status: "completed", durationMs: 5, outputs: {}, summary: { samples: 40 } });
  return { runId: `${arm}-${seed}`, arm, seed, status: "completed", events };
}

describe("renderReport()", () => {
  const html = renderReport([run("sft", 1, 0.5), run("sft", 2, 0.5), run("ual", 1, 0.7), run("ual", 2, 0.7)], { generatedAt: new Date(0) });

  test("draws every chart kind from the runs' events", () => {
    const kinds = [...html.matchAll(/data-chart="(\w+)"/g)].map((m) => m[1]);
    // scores and ε histograms, loss and ε-over-steps lines, one bar chart per metric, one scatter per run.
    expect(kinds.filter((k) => k === "histogram")).toHaveLength(2);
    expect(kinds.filter((k) => k === "lines")).toHaveLength(2);
    expect(kinds.filter((k) => k === "bars")).toHaveLength(2);
    expect(kinds.filter((k) => k === "scatter")).toHaveLength(4);
    // 4 runs × 2 line charts, each run drawn raw and smoothed
    expect(html.match(/<path class="line raw"/g)).toHaveLength(8);
    expect(html.match(/<path class="line smooth"/g)).toHaveLength(8);
  });

  test("tabulates each metric per arm as mean ± CI over seeds", () => {
    // ual low-entropy: 0.71, 0.72 → mean 0.715, half-width t(0.975,1)·0.00707/√2 = 0.0635.
    expect(html).toContain("<td>exact-match</td><td>low-entropy</td><td>accuracy</td><td>0.5150 ± 0.0635 (n=2)</td><td>0.7150 ± 0.0635 (n=2)</td>");
    expect(html).toContain("ual · low-entropy: 0.715 ± 0.0635");
  });

  test("is self-contained: no scripts, no external resources, text escaped", () => {
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)|<link /);
    const evil = run("<b>x</b>", 1, 0.5);
    expect(renderReport([evil])).toContain("&lt;b&gt;x&lt;/b&gt;");
    expect(renderReport([evil])).not.toContain("<b>x</b>");
  });

  test("a run without training or metrics still renders its sections", () => {
    const bare: RunEvents = { runId: "r", arm: "a", events: [{ type: "uncertainty", sampleId: "s", score: 3, source: "f" }] };
    const out = renderReport([bare]);
    expect(out).toContain("Uncertainty scores");
    expect(out).not.toContain("Training loss");
  });
});
