// Builds the training and held-out files of examples/real-data.yaml from the two verbatim copies
// beside this script (run from the repository root after `npm install`, which builds the packages:
//   node examples/data/make_real_data.mjs):
//   self-instruct-seed.jsonl  the 175 self-instruct seed tasks (Apache-2.0, LICENSE.self-instruct)
//   gsm8k-train-200.jsonl     the first 200 records of GSM8K train (MIT, LICENSE.gsm8k)
//
// Why derived files at all: @ual/source-jsonl reads one `path`, so both data sets go into one
// JSONL file (their shapes differ, but `format: auto` detects the shape per record); and an
// evaluator's `data: { jsonl }` wants samples already in UAL's `{id, turns, metadata}` form, which
// normalizeRecord (the source's own reading) makes, so training and evaluation see the same turns.
//
// Held out: walking back from the end of each set, the first 25 seed tasks and the first 20 GSM8K
// records whose dialogue fits in MAX_HELD_OUT_BYTES (eval-nll scores a whole answer and does not
// truncate, so a held-out sample must fit the trained model's 512-byte context with its template);
// every other record trains, in the sets' order.
// Every record gets an `id` and a `subset`: `math` (GSM8K), `classification` or `open-ended`
// (the seed task's `is_classification`), for per-subset metrics.
import { readFileSync, writeFileSync } from "node:fs";
import { normalizeRecord } from "@ual/source-jsonl";

const HELD_OUT_SEEDS = 25;
const HELD_OUT_MATH = 20;
const MAX_HELD_OUT_BYTES = 448;

const here = (name) => new URL(name, import.meta.url);
const read = (name) =>
  readFileSync(here(name), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));

const seeds = read("self-instruct-seed.jsonl").map((row) => ({ ...row, subset: row.is_classification ? "classification" : "open-ended" }));
const math = read("gsm8k-train-200.jsonl").map((row, i) => ({ id: `gsm8k-train-${i}`, ...row, subset: "math" }));

const sample = (record) => {
  const normalized = normalizeRecord(record);
  if (!normalized.ok) throw new Error(`${record.id}: ${normalized.reason}`);
  const { id, turns, metadata } = normalized.sample;
  return { id, turns, metadata };
};
const bytes = (s) => s.turns.reduce((sum, turn) => sum + Buffer.byteLength(turn.content), 0);
/** The last `count` records whose sample fits, in file order. */
const holdOut = (records, count) => {
  const picked = [];
  for (let i = records.length - 1; i >= 0 && picked.length < count; i--) {
    if (bytes(sample(records[i])) <= MAX_HELD_OUT_BYTES) picked.unshift(records[i]);
  }
  if (picked.length < count) throw new Error(`only ${picked.length} records fit in ${MAX_HELD_OUT_BYTES} bytes`);
  return picked;
};

const heldOutRecords = [...holdOut(seeds, HELD_OUT_SEEDS), ...holdOut(math, HELD_OUT_MATH)];
const train = [...seeds, ...math].filter((record) => !heldOutRecords.includes(record));
const heldOut = heldOutRecords.map(sample);

const jsonl = (rows) => rows.map((row) => JSON.stringify(row)).join("\n") + "\n";
writeFileSync(here("real-data-train.jsonl"), jsonl(train));
writeFileSync(here("real-data-heldout.jsonl"), jsonl(heldOut));
console.log(`real-data-train.jsonl: ${train.length} records; real-data-heldout.jsonl: ${heldOut.length} samples`);
