import { z } from "@ual/core";
import { TASK_NAMES } from "@ual/testbed";
import { MULTIPLE_CHOICE_FORMATS } from "./parse_multiple_choice_record.ts";

const jsonlSource = z.strictObject({
  /** A JSONL file of questions, relative to the manifest. */
  jsonl: z.string().min(1),
  /** The records' layout (`auto`: guessed from their fields). */
  format: z.enum(MULTIPLE_CHOICE_FORMATS).default("auto"),
  /** The metrics' subset (default: the file name without extension). */
  subset: z.string().min(1).optional(),
  /** `shuffled` reorders each question's choices (seeded); default `shuffled` for truthfulqa-mc1, else `as-is`. */
  choiceOrder: z.enum(["as-is", "shuffled"]).optional(),
  seed: z.int().default(0),
  /** Only the first `limit` questions. */
  limit: z.int().min(1).optional(),
});

const testbedSource = z.strictObject({
  testbed: z.strictObject({
    count: z.int().min(1).default(100),
    /** Choices per question, the right one included. */
    choices: z.int().min(2).max(26).default(4),
    /** Fixed (default 0), not the run's seed: every arm and seed is asked the same questions. */
    seed: z.int().default(0),
    split: z.enum(["train", "heldout"]).default("heldout"),
    /** Low-entropy families (default: all). */
    kinds: z.array(z.enum(TASK_NAMES)).min(1).optional(),
    subset: z.string().min(1).default("testbed"),
  }),
});

const dataSource = z.union([jsonlSource, testbedSource]);

/** One `data:` entry, defaults applied: a JSONL file or testbed questions. */
export type DataSource = z.output<typeof dataSource>;

/** The `with:` block of `@ual/eval-multiple-choice`. */
export const evalMultipleChoiceOptions = z.strictObject({
  /** One source or a list; each is a subset. Default: 100 four-choice questions from held-out testbed prompts. */
  data: z.union([dataSource, z.array(dataSource).min(1)]).default({ testbed: { count: 100, choices: 4, seed: 0, split: "heldout", subset: "testbed" } }),
  /** `loglik`: choice log-likelihoods (acc, acc_norm); `letter`: the reference's first-token Best-of-N (spec §6.1). */
  methods: z.array(z.enum(["loglik", "letter"])).min(1).default(["loglik"]),
  /** `raw` text after BOS (the benchmarks'), `chat` in the model's template; `auto`: chat for testbed questions, raw for files. */
  prompt: z.enum(["auto", "raw", "chat"]).default("auto"),
  /** N of Best-of-N. */
  bestOf: z.int().min(1).default(4),
  temperature: z.number().positive().default(0.8),
  topK: z.int().min(1).default(200),
  /** The letter prompt keeps its last this many tokens (and never more than the model's context). */
  maxPromptTokens: z.int().min(1).default(512),
  /** Demonstrations: the last `shots` questions of each subset (then not scored). */
  shots: z.int().min(0).default(0),
  /** Seeded sampled Best-of-N runs beside the analytic value (the reference makes one); 0 = none. */
  sampledRuns: z.int().min(0).default(0),
  /** Seeds the sampled runs (fixed, not the run's seed, like the data). */
  seed: z.int().default(0),
  backend: z.enum(["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"]).default("auto"),
  batchSize: z.int().min(1).default(16),
});

/** The options of `@ual/eval-multiple-choice`, defaults applied. */
export type EvalMultipleChoiceOptions = z.output<typeof evalMultipleChoiceOptions>;
