import { describe, expect, test } from "vitest";
import { compareRuns, type RunEvents } from "./compare_runs.ts";
import { meanCi95 } from "./mean_ci95.ts";
import { pairedDifferences } from "./paired_differences.ts";

function run(arm: string, seed: number, metrics: Record<string, number>, extra: Array<Record<string, unknown>> = []): RunEvents {
  const events = Object.entries(metrics).map(([key, value]) => {
    const [metric, subset] = key.split("@");
    return { type: "eval", evaluator: "@ual/eval-nll", metric, ...(subset ? { subset } : {}), value };
  });
  return { runId: `${arm}-${seed}`, arm, seed, events: [...events, ...extra] as RunEvents["events"] };
}

describe("pairedDifferences()", () => {
  // Seeds move every arm together (seed 3 is hard for all): the per-arm intervals overlap widely,
  // the paired difference is the same 0.1 each time.
  const runs = [
    run("sft", 1, { "nll@low": 0.5, "nll@high": 2.0 }),
    run("sft", 2, { "nll@low": 0.9, "nll@high": 2.4 }),
    run("sft", 3, { "nll@low": 1.5, "nll@high": 2.1 }),
    run("ual", 3, { "nll@low": 1.4, "nll@high": 2.3 }),
    run("ual", 1, { "nll@low": 0.4, "nll@high": 1.9 }),
    run("ual", 2, { "nll@low": 0.8, "nll@high": 2.2 }),
  ];

  test("pairedDifferences() subtracts the baseline seed by seed, whatever order the runs come in", () => {
    const rows = pairedDifferences(runs, "sft");
    const low = rows.find((r) => r.subset === "low");
    const high = rows.find((r) => r.subset === "high");
    expect(low?.baseline).toBe("sft");
    expect(Object.keys(low?.byArm ?? {})).toEqual(["ual"]);
    expect(low?.byArm.ual).toEqual(meanCi95([1.4 - 1.5, 0.4 - 0.5, 0.8 - 0.9]));
    expect(low?.byArm.ual?.mean).toBeCloseTo(-0.1, 12);
    expect(low?.byArm.ual?.halfWidth).toBeLessThan(1e-12);
    expect(high?.byArm.ual).toEqual(meanCi95([2.3 - 2.1, 1.9 - 2.0, 2.2 - 2.4]));
    // the unpaired table sees only two wide, overlapping intervals
    const unpaired = compareRuns(runs).find((r) => r.subset === "low");
    expect(unpaired?.byArm.sft?.halfWidth).toBeGreaterThan(1);
  });

  test("pairedDifferences() pairs only seeds both arms ran and only metrics both reported, with the last value of each", () => {
    const rows = pairedDifferences(
      [
        run("sft", 1, { "nll@low": 0.5 }),
        run("sft", 2, { "nll@low": 0.9, "only-in-sft": 1 }),
        run("ls", 1, { "nll@low": 0.7 }, [{ type: "eval", evaluator: "@ual/eval-nll", metric: "nll", subset: "low", value: 0.6 }]),
        run("ls", 2, { "nll@low": 1.0, "only-in-sft": 2 }),
        run("ls", 4, { "nll@low": 9 }),
      ],
      "sft",
    );
    const low = rows.find((r) => r.subset === "low");
    expect(low?.byArm.ls?.n).toBe(2);
    expect(low?.byArm.ls?.mean).toBeCloseTo((0.6 - 0.5 + (1.0 - 0.9)) / 2, 12);
    expect(rows.find((r) => r.metric === "only-in-sft")?.byArm.ls?.n).toBe(1);
  });

  test("pairedDifferences() names the arms when the baseline has no run", () => {
    expect(() => pairedDifferences(runs, "ls")).toThrow('baseline arm "ls" has no runs; the arms are sft, ual');
  });
});
