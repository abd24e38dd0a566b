import { isStrings, readJsonl, recordId } from "./_jsonl.ts";

/** A question to judge answers to: its id, its category (a subset in the report), and its user turns. */
export interface JudgeQuestion {
  id: string;
  category?: string;
  turns: string[];
}

/**
 * Reads the questions of a judging run from JSONL, in file order. Two shapes:
 * MT-bench's `{question_id, category, turns: [q1, q2]}` and a generic `{id, prompt, category?}`
 * (one turn; `turns` instead of `prompt` works too). Ids are compared as strings (`81` and
 * `"81"` are the same question) and must be unique.
 *
 * @example
 * ```ts
 * const questions = await readQuestions("mt-bench/question.jsonl");
 * questions[0]; // { id: "81", category: "writing", turns: ["Compose an engaging travel blog post…", "Rewrite your previous response…"] }
 * ```
 */
export async function readQuestions(path: string): Promise<JudgeQuestion[]> {
  const questions: JudgeQuestion[] = [];
  const seen = new Map<string, number>();
  for (const { value, line } of await readJsonl(path, "prompts file")) {
    const where = `${path}:${line}`;
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`${where}: a question must be a JSON object`);
    const record = value as Record<string, unknown>;
    const id = recordId(record);
    if (id === undefined) throw new Error(`${where}: a question needs an id ("question_id" or "id")`);
    const first = seen.get(id);
    if (first !== undefined) throw new Error(`${where}: question id ${id} appears again (first on line ${first}); ids must be unique`);
    seen.set(id, line);
    const turns = typeof record.prompt === "string" ? [record.prompt] : record.turns;
    if (!isStrings(turns) || turns.length === 0) throw new Error(`${where}: question ${id} needs "turns" (a list of strings, MT-bench) or "prompt" (a string)`);
    const category = typeof record.category === "string" && record.category !== "" ? record.category : undefined;
    questions.push({ id, ...(category !== undefined ? { category } : {}), turns });
  }
  return questions;
}
