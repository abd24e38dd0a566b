import { describe, expect, it } from "vitest";
import { createBatchSchedule } from "./create_batch_schedule.ts";

const lengths = Array.from({ length: 50 }, (_, i) => 10 + ((i * 37) % 90));

function padding(batches: number[][]): number {
  return batches.reduce((sum, b) => {
    const max = Math.max(...b.map((i) => lengths[i]!));
    return sum + b.reduce((s, i) => s + max - lengths[i]!, 0);
  }, 0);
}

describe("createBatchSchedule()", () => {
  it("createBatchSchedule() epoch-shuffle covers every sample once per epoch, the last batch short", () => {
    const schedule = createBatchSchedule(lengths, { mode: "epoch-shuffle", batchSize: 8, seed: 1, groupByLength: true });
    expect(schedule.stepsPerEpoch).toBe(7);
    for (let epoch = 0; epoch < 2; epoch++) {
      const batches = Array.from({ length: 7 }, () => schedule.next());
      expect(batches.every((b) => b.epoch === epoch)).toBe(true);
      expect(batches.flatMap((b) => b.indices).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(batches.map((b) => b.indices.length).sort()).toEqual([2, 8, 8, 8, 8, 8, 8]);
    }
  });

  it("createBatchSchedule() groups by length to cut padding", () => {
    const take = (groupByLength: boolean) => {
      const s = createBatchSchedule(lengths, { mode: "epoch-shuffle", batchSize: 8, seed: 1, groupByLength });
      return Array.from({ length: 7 }, () => s.next().indices);
    };
    expect(padding(take(true))).toBeLessThan(padding(take(false)) / 2);
  });

  for (const mode of ["epoch-shuffle", "with-replacement"] as const) {
    it(`createBatchSchedule() restored from a cursor continues identically (${mode})`, () => {
      const a = createBatchSchedule(lengths, { mode, batchSize: 8, seed: 3, groupByLength: true });
      for (let i = 0; i < 9; i++) a.next();
      const cursor = JSON.parse(JSON.stringify(a.cursor()));
      const b = createBatchSchedule(lengths, { mode, batchSize: 8, seed: 3, groupByLength: true });
      b.restore(cursor);
      for (let i = 0; i < 10; i++) expect(b.next()).toEqual(a.next());
    });
  }

  it("createBatchSchedule() with-replacement draws batchSize uniform indices per step", () => {
    const s = createBatchSchedule(lengths, { mode: "with-replacement", batchSize: 8, seed: 2, groupByLength: false });
    const counts = new Array<number>(50).fill(0);
    for (let i = 0; i < 500; i++) for (const j of s.next().indices) counts[j]!++;
    expect(Math.min(...counts)).toBeGreaterThan(40);
    expect(Math.max(...counts)).toBeLessThan(130);
  });
});
