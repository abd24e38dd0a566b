import { createRng, type Rng, type RngState } from "@ual/random";

/** Where sampling stands, as a checkpoint keeps it. */
export interface SamplingCursor {
  mode: "epoch-shuffle" | "with-replacement";
  /** Optimizer steps taken. */
  step: number;
  /** epoch-shuffle: the epoch (0-based) and the batch within it that the next step takes. */
  epoch: number;
  position: number;
  /** epoch-shuffle: the seed each epoch's permutation comes from (seed + epoch). */
  epochSeed: number;
  /** with-replacement: the sampling RNG's state before the next step's draws. */
  rng?: RngState;
}

/** Gives each optimizer step its batch (indices into the examples), deterministically. */
export interface BatchSchedule {
  /** Optimizer steps in one pass over the data. */
  readonly stepsPerEpoch: number;
  /** The next batch; advances the cursor. */
  next(): { indices: number[]; epoch: number };
  cursor(): SamplingCursor;
  restore(cursor: SamplingCursor): void;
}

/** Options of {@linkcode createBatchSchedule}. */
export interface BatchScheduleOptions {
  mode: "epoch-shuffle" | "with-replacement";
  batchSize: number;
  seed: number;
  groupByLength: boolean;
}

// How many batches are sorted by length together: enough to cut padding, few enough to keep
// batches random (Hugging Face's LengthGroupedSampler uses 50).
const GROUP_BATCHES = 16;

/**
 * Epoch-shuffle: a permutation per epoch from seed+epoch; with `groupByLength`, runs of 16
 * batches are sorted by length, cut into batches, and the epoch's batches shuffled again — so
 * batches need little padding but their order stays random. The last batch of an epoch may be
 * short. With-replacement: `batchSize` uniform draws per step (the reference, spec §5.3).
 *
 * @example
 * ```ts
 * import { createBatchSchedule } from "@ual/training-data";
 *
 * const schedule = createBatchSchedule([12, 40, 33], { mode: "epoch-shuffle", batchSize: 2, seed: 1, groupByLength: false });
 * schedule.next(); // { indices: [2, 0], epoch: 0 } (a seeded permutation)
 * ```
 */
export function createBatchSchedule(lengths: readonly number[], options: BatchScheduleOptions): BatchSchedule {
  const n = lengths.length;
  const { batchSize, seed } = options;
  if (n === 0) throw new Error("no training samples");
  const stepsPerEpoch = Math.ceil(n / batchSize);
  let step = 0;
  let epoch = 0;
  let position = 0;
  let epochBatches: number[][] | undefined;
  const sampler: Rng = createRng(seed);

  const batchesOf = (e: number): number[][] => {
    const rng = createRng(seed + e);
    const order = Array.from(rng.permutation(n));
    let batches: number[][] = [];
    if (options.groupByLength) {
      const groupSize = batchSize * GROUP_BATCHES;
      for (let g = 0; g < n; g += groupSize) {
        // stable: equal lengths keep the permutation's order
        const group = order.slice(g, g + groupSize).sort((a, b) => (lengths[b] as number) - (lengths[a] as number));
        for (let i = 0; i < group.length; i += batchSize) batches.push(group.slice(i, i + batchSize));
      }
      batches = rng.shuffle(batches);
    } else {
      for (let i = 0; i < n; i += batchSize) batches.push(order.slice(i, i + batchSize));
    }
    return batches;
  };

  return {
    stepsPerEpoch,
    next() {
      step++;
      if (options.mode === "with-replacement") {
        const indices = Array.from({ length: batchSize }, () => sampler.int(n));
        const e = Math.floor(((step - 1) * batchSize) / n);
        return { indices, epoch: e };
      }
      if (position >= stepsPerEpoch) {
        epoch++;
        position = 0;
        epochBatches = undefined;
      }
      epochBatches ??= batchesOf(epoch);
      const indices = epochBatches[position] as number[];
      position++;
      return { indices, epoch };
    },
    cursor: () => ({
      mode: options.mode,
      step,
      epoch,
      position,
      epochSeed: seed + epoch,
      ...(options.mode === "with-replacement" ? { rng: sampler.state() } : {}),
    }),
    restore(cursor) {
      if (cursor.mode !== options.mode) throw new Error(`the checkpoint sampled ${cursor.mode}, the options say ${options.mode}`);
      step = cursor.step;
      epoch = cursor.epoch;
      position = cursor.position;
      epochBatches = undefined;
      if (cursor.rng) sampler.restore(cursor.rng);
    },
  };
}
