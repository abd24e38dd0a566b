import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const script = join(dirname(fileURLToPath(import.meta.url)), "watch_training.mjs");

test("watch_training.mjs: a live loss curve, cancelled at step 8, then resumed from its checkpoint to the end", () => {
  const runsDir = mkdtempSync(join(tmpdir(), "ual-programmatic-"));
  const out = spawnSync(process.execPath, [script, "--stop-at-step", "8", "--runs-dir", runsDir], { encoding: "utf8", timeout: 120_000 });
  expect(out.status, out.stderr).toBe(0);
  const lines = out.stdout.trim().split("\n");
  const result = JSON.parse(lines.at(-1) ?? "") as { curve: number[]; status: string; resumed: boolean; steps: number; runDir: string };
  expect(result).toMatchObject({ status: "completed", resumed: true, steps: 16 });
  // Two points of 4-step means, printed as they grew.
  expect(result.curve).toHaveLength(2);
  expect(result.curve.every((loss) => Number.isFinite(loss) && loss > 0)).toBe(true);
  expect(lines.filter((l) => l.startsWith("loss curve"))).toHaveLength(2);

  const events = readFileSync(join(result.runDir, "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; step?: number; status?: string; resumed?: boolean });
  const ends = events.flatMap((e, i) => (e.type === "run.end" ? [i] : []));
  expect(ends).toHaveLength(2);
  const first = events.slice(0, ends[0]! + 1);
  const second = events.slice(ends[0]! + 1);
  expect(first.at(-1)).toMatchObject({ type: "run.end", status: "interrupted" });
  // Cancelling stopped training within a step of the condition, keeping the checkpoint of step 8 …
  expect(Math.max(...first.filter((e) => e.type === "train.step").map((e) => e.step ?? 0))).toBeLessThanOrEqual(9);
  expect(first.some((e) => e.type === "checkpoint" && e.step === 8)).toBe(true);
  // … from which the rerun went on.
  expect(second.find((e) => e.type === "run.start")).toMatchObject({ resumed: true });
  expect(second.find((e) => e.type === "train.step")?.step).toBe(9);
  expect(second.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
});
