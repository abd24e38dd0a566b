import { type ChatFormat, type ChatTurn, renderChat, type Tokenizer } from "@ual/models";

/**
 * The token ids a model sees before its answer to the last of `users`, the earlier user turns
 * followed by its own `answers` to them: exactly the prompt `renderChat` would train the next
 * answer on. The dialogue is rendered with an empty last answer and cut where that answer's
 * labels begin, so a `{user}` template and a model's own chat_template are handled alike (for the
 * first turn this equals `chatPrompt`).
 */
export function dialoguePrompt(users: readonly string[], answers: readonly string[], tokenizer: Tokenizer, template: ChatFormat): number[] {
  if (users.length !== answers.length + 1) throw new RangeError(`dialoguePrompt: ${users.length} user turns need ${users.length - 1} earlier answers, got ${answers.length}`);
  const turns: ChatTurn[] = users.flatMap((user, i) => [
    { role: "user" as const, content: user },
    { role: "assistant" as const, content: answers[i] ?? "" },
  ]);
  const { inputIds, labels } = renderChat(turns, tokenizer, { template });
  // Prompt tokens are labelled −1; the last exchange's response (its end tokens, for the empty answer) is not.
  let end = labels.length;
  while (end > 0 && labels[end - 1] !== -1) end--;
  return Array.from(inputIds.subarray(0, end));
}
