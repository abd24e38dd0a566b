// Builds mixed.jsonl, the small bundled data set of the quickstart, from the real public data
// sets in ../shared/data (run once from the repository root: node examples/data/make_mixed.mjs).
//
// The `rating` field is NOT an LLM rating: it is an illustrative prior assigned by task type,
// in the 0–99 scale of spec §1.2, so that the pipeline can be run without an API key:
//   grade-school math (GSM8K)                 → 10  (one right answer)
//   self-instruct classification tasks        → 30  (a closed set of answers)
//   self-instruct open-ended generation tasks → 75  (many good answers)
// Every seventh open-ended task has no rating, to show how failed ratings are imputed.
import { readFileSync, writeFileSync } from "node:fs";

const shared = new URL("../../../shared/data/", import.meta.url);
const read = (path) =>
  readFileSync(new URL(path, shared), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));

const out = [];
for (const [i, row] of read("gsm8k/train.jsonl").slice(0, 40).entries()) {
  out.push({ id: `gsm8k-train-${i}`, question: row.question, answer: row.answer, subset: "math", rating: 10 });
}
let open = 0;
for (const row of read("self-instruct-seed/seed_tasks.jsonl").slice(0, 60)) {
  const first = row.instances[0];
  const record = { id: row.id, instruction: row.instruction, input: first.input, output: first.output, subset: row.is_classification ? "classification" : "open-ended" };
  if (row.is_classification) record.rating = 30;
  else if (open++ % 7 !== 6) record.rating = 75;
  out.push(record);
}
writeFileSync(new URL("mixed.jsonl", import.meta.url), `${out.map((r) => JSON.stringify(r)).join("\n")}\n`);
console.log(`wrote ${out.length} samples`);
