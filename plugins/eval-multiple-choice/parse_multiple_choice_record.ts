import type { MultipleChoiceItem } from "./multiple_choice_item.ts";

/** The record layouts {@linkcode parseMultipleChoiceRecord} reads; `auto` tells them apart by their fields. */
export const MULTIPLE_CHOICE_FORMATS = ["auto", "arc", "mmlu", "hellaswag", "truthfulqa-mc1", "generic"] as const;

/** A record layout. */
export type MultipleChoiceFormat = (typeof MULTIPLE_CHOICE_FORMATS)[number];

/** What each layout needs, for error messages. */
const EXPECTED: Record<Exclude<MultipleChoiceFormat, "auto">, string> = {
  arc: '{question: string, choices: {text: string[], label: string[]}, answerKey: one of the labels}',
  mmlu: "{question: string, choices: string[], answer: index of the right choice}",
  hellaswag: '{ctx: string, endings: string[], label: index of the right ending (number or "0".."n")}',
  "truthfulqa-mc1": "{question: string, mc1_targets: {choices: string[], labels: 0/1[] with exactly one 1}}",
  generic: '{question: string, choices: string[], answer: index, letter ("B") or the text of the right choice}',
};

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A record read: the item's fields and the layout it was read as (what `auto` guessed). */
export type ParsedRecord = Omit<MultipleChoiceItem, "id" | "subset"> & { format: Exclude<MultipleChoiceFormat, "auto"> };

/**
 * One JSON record of a multiple-choice dataset as a {@linkcode MultipleChoiceItem} (without `id`
 * and `subset`), in the layouts of the common datasets on the Hugging Face hub:
 *
 * - `arc` (`ai2_arc`): `question`, `choices: {text, label}`, `answerKey`. The key is looked up among
 *   the labels, so the few questions keyed "1".."4" are scored correctly (the reference compares the
 *   key with the letters A–D and can never match them, spec §8 item 10).
 * - `mmlu` (`cais/mmlu`): `question`, `choices`, `answer` (an index).
 * - `hellaswag` (`Rowan/hellaswag`): `ctx`, `endings`, `label`; a `continuation` item.
 * - `truthfulqa-mc1` (`truthful_qa`, `multiple_choice`): `question`, `mc1_targets: {choices, labels}`,
 *   the right choice being the one labelled 1 (it is always listed first, see `choiceOrder`).
 * - `generic`: `question`, `choices`, `answer` as an index, a letter, or the right choice's text.
 * - `auto`: the first of these whose fields the record has.
 *
 * @param where names the record in errors, e.g. `data/arc.jsonl:12`
 * @throws {Error} naming `where`, what was expected and what was found.
 *
 * @example
 * ```ts
 * parseMultipleChoiceRecord({ question: "2+2?", choices: { text: ["3", "4"], label: ["1", "2"] }, answerKey: "2" }, "arc", "a.jsonl:1");
 * // { question: "2+2?", kind: "question", choices: ["3", "4"], answer: 1, format: "arc" }
 * ```
 */
export function parseMultipleChoiceRecord(record: unknown, format: MultipleChoiceFormat, where: string): ParsedRecord {
  if (typeof record !== "object" || record === null || Array.isArray(record)) throw new Error(`${where}: expected a JSON object, got ${describe(record)}`);
  const r = record as Record<string, unknown>;
  const layout = format === "auto" ? detect(r, where) : format;
  const fail = (problem: string): never => {
    throw new Error(`${where}: ${problem}; the ${layout} layout is ${EXPECTED[layout]}${format === "auto" ? " (format: auto guessed it from the fields; set format: to the dataset's layout)" : ""}`);
  };
  const text = (value: unknown, name: string): string => (typeof value === "string" ? value : fail(`${name} is ${describe(value)}, not a string`));
  const strings = (value: unknown, name: string): string[] => {
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) return fail(`${name} is ${describe(value)}, not an array of strings`);
    if (value.length < 2) return fail(`${name} has ${value.length} choice${value.length === 1 ? "" : "s"}; a question needs at least 2`);
    if (value.length > LETTERS.length) return fail(`${name} has ${value.length} choices; at most ${LETTERS.length} can be lettered A–Z`);
    return value as string[];
  };
  const index = (value: unknown, name: string, size: number): number => {
    const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n >= size) return fail(`${name} is ${describe(value)}, not an index from 0 to ${size - 1}`);
    return n;
  };

  switch (layout) {
    case "arc": {
      const question = text(r.question, "question");
      const c = r.choices as { text?: unknown; label?: unknown } | undefined;
      if (typeof c !== "object" || c === null || Array.isArray(c)) return fail(`choices is ${describe(c)}, not {text, label}`);
      const choices = strings(c.text, "choices.text");
      const labels = Array.isArray(c.label) && c.label.length === choices.length && c.label.every((l) => typeof l === "string") ? (c.label as string[]) : fail(`choices.label is ${describe(c.label)}, not ${choices.length} strings`);
      const key = text(r.answerKey, "answerKey");
      const answer = labels.indexOf(key.trim());
      if (answer < 0) return fail(`answerKey ${JSON.stringify(key)} is not one of the labels ${JSON.stringify(labels)}`);
      return { question, kind: "question", choices, answer, format: layout };
    }
    case "mmlu": {
      const question = text(r.question, "question");
      const choices = strings(r.choices, "choices");
      if (typeof r.answer !== "number") return fail(`answer is ${describe(r.answer)}, not an index`);
      return { question, kind: "question", choices, answer: index(r.answer, "answer", choices.length), format: layout };
    }
    case "hellaswag": {
      const question = text(r.ctx, "ctx");
      const choices = strings(r.endings, "endings");
      if (r.label === "" || r.label === undefined || r.label === null) return fail("label is empty (the test split of HellaSwag has no labels; use validation)");
      return { question, kind: "continuation", choices, answer: index(r.label, "label", choices.length), format: layout };
    }
    case "truthfulqa-mc1": {
      const question = text(r.question, "question");
      const targets = r.mc1_targets as { choices?: unknown; labels?: unknown } | undefined;
      if (typeof targets !== "object" || targets === null || Array.isArray(targets)) return fail(`mc1_targets is ${describe(targets)}, not {choices, labels}`);
      const choices = strings(targets.choices, "mc1_targets.choices");
      const labels = targets.labels;
      if (!Array.isArray(labels) || labels.length !== choices.length || !labels.every((l) => l === 0 || l === 1)) return fail(`mc1_targets.labels is ${describe(labels)}, not ${choices.length} zeros and ones`);
      const ones = labels.flatMap((l, i) => (l === 1 ? [i] : []));
      if (ones.length !== 1) return fail(`mc1_targets.labels has ${ones.length} ones; mc1 has exactly one right answer`);
      return { question, kind: "question", choices, answer: ones[0] as number, format: layout };
    }
    case "generic": {
      const question = text(r.question, "question");
      const choices = strings(r.choices, "choices");
      const a = r.answer;
      if (typeof a === "string") {
        const exact = choices.indexOf(a);
        if (exact >= 0) return { question, kind: "question", choices, answer: exact, format: layout };
        const letter = LETTERS.indexOf(a.trim().toUpperCase());
        if (a.trim().length === 1 && letter >= 0 && letter < choices.length) return { question, kind: "question", choices, answer: letter, format: layout };
        return fail(`answer ${JSON.stringify(a)} is neither one of the choices nor a letter A–${LETTERS[choices.length - 1]}`);
      }
      return { question, kind: "question", choices, answer: index(a, "answer", choices.length), format: layout };
    }
  }
}

/** The layout a record's fields show. */
function detect(r: Record<string, unknown>, where: string): Exclude<MultipleChoiceFormat, "auto"> {
  if ("mc1_targets" in r) return "truthfulqa-mc1";
  if ("ctx" in r && "endings" in r) return "hellaswag";
  if ("answerKey" in r) return "arc";
  if ("question" in r && "choices" in r && "answer" in r) return "generic";
  throw new Error(
    `${where}: cannot tell the record's layout from its fields (${Object.keys(r).join(", ") || "none"}); expected one of ` +
      Object.entries(EXPECTED).map(([name, shape]) => `${name} ${shape}`).join("; "),
  );
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}
