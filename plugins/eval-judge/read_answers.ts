import { isStrings, readJsonl, recordId } from "./_jsonl.ts";

/**
 * Reads one model's answers from JSONL into their turns by question id. Two shapes:
 * `{id, response}` (`response` a string, or a list of strings for several turns) and MT-bench's
 * answer files `{question_id, choices: [{turns: [a1, a2]}]}` (the first choice). Ids are compared
 * as strings and must be unique; answers to questions not being judged are ignored later.
 *
 * @example
 * ```ts
 * const answers = await readAnswers("model_answer/ual.jsonl");
 * answers.get("81"); // ["Aloha! …", "A trip to Hawaii …"]
 * ```
 */
export async function readAnswers(path: string): Promise<Map<string, string[]>> {
  const answers = new Map<string, string[]>();
  const lines = new Map<string, number>();
  for (const { value, line } of await readJsonl(path, "answers file")) {
    const where = `${path}:${line}`;
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`${where}: an answer must be a JSON object`);
    const record = value as Record<string, unknown>;
    const id = recordId(record);
    if (id === undefined) throw new Error(`${where}: an answer needs the id of its question ("id" or "question_id")`);
    const first = lines.get(id);
    if (first !== undefined) throw new Error(`${where}: a second answer to question ${id} (the first is on line ${first}); keep one per question`);
    lines.set(id, line);
    answers.set(id, turnsOf(record, where, id));
  }
  return answers;
}

function turnsOf(record: Record<string, unknown>, where: string, id: string): string[] {
  const { response, choices } = record;
  if (typeof response === "string") return [response];
  if (isStrings(response) && response.length > 0) return response;
  if (Array.isArray(choices)) {
    const turns = (choices[0] as { turns?: unknown } | undefined)?.turns;
    if (isStrings(turns) && turns.length > 0) return turns;
  }
  throw new Error(`${where}: the answer to question ${id} needs "response" (a string or a list of strings) or "choices": [{"turns": [...]}] (MT-bench)`);
}
