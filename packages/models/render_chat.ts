import type { Tokenizer } from "./tokenizer.ts";

/** A turn as UAL samples carry it (`@ual/core`'s `Turn`; repeated here so this package needs no core). */
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * The chat templates: `"{user}"` is replaced by the instruction; the response follows directly.
 * - `"ual"` (default): the double-newline vicuna style the reference's evaluation scripts use
 *   (spec §5.4): `"\n\n### User: {user}\n\n### Assistant: "`;
 * - `"reference-single"`: the single-newline variant of the reference's LIMA/Deita data scripts;
 * - any other string containing `{user}` is used as it is.
 */
export const CHAT_TEMPLATES = {
  ual: "\n\n### User: {user}\n\n### Assistant: ",
  "reference-single": "\n### User: {user}\n\n### Assistant: ",
} as const;

/** Options of {@linkcode renderChat}. */
export interface RenderChatOptions {
  /** A name from {@linkcode CHAT_TEMPLATES} or a template with `{user}`; default `"ual"`. */
  template?: string;
  /**
   * true (default): label −1 on every prompt token (BOS, template, system and user text), so the
   * loss covers the responses and their EOS only. false: the reference's behaviour, loss on every
   * token (spec §5.4, §9).
   */
  maskPrompt?: boolean;
  /** Truncate to this many tokens (each turn first, then the whole dialogue; spec §5.4). Default: no limit. */
  maxLength?: number;
}

/** A rendered, tokenized dialogue. */
export interface RenderedChat {
  inputIds: Int32Array;
  /** The id to predict at each position, or −1 where the loss ignores it (the trainer shifts). */
  labels: Int32Array;
  /** True when tokens were cut to fit `maxLength`. */
  truncated: boolean;
}

/**
 * The template text for a name in {@linkcode CHAT_TEMPLATES} or a literal template; throws
 * unless the result contains `{user}`.
 *
 * @example
 * ```ts
 * import { resolveChatTemplate } from "@ual/models";
 *
 * resolveChatTemplate("reference-single"); // "\n### User: {user}\n\n### Assistant: "
 * resolveChatTemplate("Q: {user}\nA: "); // used as it is
 * ```
 */
export function resolveChatTemplate(template: string = "ual"): string {
  const named = (CHAT_TEMPLATES as Record<string, string>)[template];
  const text = named ?? template;
  if (!text.includes("{user}")) {
    throw new Error(`chat template ${JSON.stringify(template)} is neither one of ${Object.keys(CHAT_TEMPLATES).join(", ")} nor a template containing {user}`);
  }
  return text;
}

/**
 * Renders a dialogue the way the reference prepares training data (spec §5.4): every
 * user→assistant exchange becomes `BOS + template(user) + response + EOS`, the exchanges are
 * concatenated, each is truncated to `maxLength` and so is the whole, and no exchange starts once
 * the dialogue is full.
 *
 * Decisions the reference leaves open (it pairs turns by position and never checks roles):
 * - a system turn's text, plus a newline, goes before the next exchange's template (as the
 *   reference's unused system prompt would), and is part of the prompt;
 * - consecutive user turns are joined by a blank line into one instruction;
 * - an assistant turn with no user turn before it gets an empty instruction;
 * - user turns with no answer after them are dropped (there is nothing to learn from them);
 * - the prompt and the response are tokenized separately and concatenated, so the prompt mask
 *   falls exactly on a token boundary (for BPE tokenizers this may split the text at the
 *   boundary differently from tokenizing it whole).
 *
 * @example
 * ```ts
 * import { createByteTokenizer, renderChat } from "@ual/models";
 *
 * const { inputIds, labels } = renderChat(
 *   [{ role: "user", content: "2+2?" }, { role: "assistant", content: "4" }],
 *   createByteTokenizer(),
 * );
 * // inputIds: BOS "\n\n### User: 2+2?\n\n### Assistant: " "4" EOS; labels −1 except on "4" and EOS
 * ```
 */
export function renderChat(turns: readonly ChatTurn[], tokenizer: Tokenizer, options: RenderChatOptions = {}): RenderedChat {
  const template = resolveChatTemplate(options.template);
  const maskPrompt = options.maskPrompt ?? true;
  const maxLength = options.maxLength ?? Number.POSITIVE_INFINITY;
  if (!(maxLength >= 2)) throw new Error(`renderChat: maxLength must be at least 2, got ${maxLength}`);

  const exchanges: Array<{ prompt: string; response: string }> = [];
  let system = "";
  let user: string[] = [];
  for (const turn of turns) {
    if (turn.role === "system") system += `${turn.content}\n`;
    else if (turn.role === "user") user.push(turn.content);
    else {
      exchanges.push({ prompt: system + template.replace("{user}", user.join("\n\n")), response: turn.content });
      system = "";
      user = [];
    }
  }

  const ids: number[] = [];
  const labels: number[] = [];
  let truncated = false;
  for (const { prompt, response } of exchanges) {
    if (ids.length >= maxLength) {
      truncated = true;
      break;
    }
    const promptIds = [tokenizer.bos, ...tokenizer.encode(prompt)];
    const responseIds = [...tokenizer.encode(response), tokenizer.eos];
    let segment = [...promptIds, ...responseIds];
    let segmentLabels = [...promptIds.map((id) => (maskPrompt ? -1 : id)), ...responseIds];
    if (segment.length > maxLength) {
      segment = segment.slice(0, maxLength);
      segmentLabels = segmentLabels.slice(0, maxLength);
      truncated = true;
    }
    ids.push(...segment);
    labels.push(...segmentLabels);
  }
  if (ids.length > maxLength) {
    ids.length = maxLength;
    labels.length = maxLength;
    truncated = true;
  }
  return { inputIds: Int32Array.from(ids), labels: Int32Array.from(labels), truncated };
}
