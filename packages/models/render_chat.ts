import { type ChatFormat, resolveChatFormat } from "./chat_format.ts";
import { renderHfChatTemplate } from "./hf_chat_template.ts";
import type { Tokenizer } from "./tokenizer.ts";

/** A turn as UAL samples carry it (`@ual/core`'s `Turn`; repeated here so this package needs no core). */
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Options of {@linkcode renderChat}. */
export interface RenderChatOptions {
  /**
   * A name from `CHAT_TEMPLATES`, a template with `{user}`, or a resolved {@linkcode ChatFormat}
   * (e.g. a model's Hugging Face chat_template, see `resolveChatFormat`); default `"ual"`.
   */
  template?: string | ChatFormat;
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
 * With a Hugging Face chat_template the template decides the text, BOS included: each exchange's
 * prompt is what rendering the dialogue so far with the generation prompt adds, and its response
 * is what rendering the assistant turn adds after that (its end-of-turn tokens included, so the
 * model learns to stop; EOS is appended only if the template writes none). The template's own
 * rules apply (many refuse a system turn or roles out of order, with their own message).
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
  const format = resolveChatFormat(options.template ?? "ual");
  const maskPrompt = options.maskPrompt ?? true;
  const maxLength = options.maxLength ?? Number.POSITIVE_INFINITY;
  if (!(maxLength >= 2)) throw new Error(`renderChat: maxLength must be at least 2, got ${maxLength}`);
  const exchanges = format.kind === "hf" ? hfExchanges(turns, format, tokenizer) : templateExchanges(turns, format.text, tokenizer);

  const ids: number[] = [];
  const labels: number[] = [];
  let truncated = false;
  for (const { promptIds, responseIds } of exchanges) {
    if (ids.length >= maxLength) {
      truncated = true;
      break;
    }
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

interface Exchange {
  promptIds: number[];
  responseIds: number[];
}

// spec §5.4: BOS + template(user) + response + EOS per exchange.
function templateExchanges(turns: readonly ChatTurn[], template: string, tokenizer: Tokenizer): Exchange[] {
  const exchanges: Exchange[] = [];
  let system = "";
  let user: string[] = [];
  for (const turn of turns) {
    if (turn.role === "system") system += `${turn.content}\n`;
    else if (turn.role === "user") user.push(turn.content);
    else {
      const prompt = system + template.replace("{user}", user.join("\n\n"));
      exchanges.push({ promptIds: [tokenizer.bos, ...tokenizer.encode(prompt)], responseIds: [...tokenizer.encode(turn.content), tokenizer.eos] });
      system = "";
      user = [];
    }
  }
  return exchanges;
}

// A chat template renders whole dialogues; an exchange is the difference between two renderings.
function hfExchanges(turns: readonly ChatTurn[], format: Extract<ChatFormat, { kind: "hf" }>, tokenizer: Tokenizer): Exchange[] {
  const render = (messages: readonly ChatTurn[], addGenerationPrompt: boolean): string =>
    renderHfChatTemplate(format.chatTemplate, messages, { addGenerationPrompt, bosToken: format.bosToken, eosToken: format.eosToken });
  const exchanges: Exchange[] = [];
  let done = "";
  turns.forEach((turn, i) => {
    if (turn.role !== "assistant") return;
    const before = render(turns.slice(0, i), true);
    const after = render(turns.slice(0, i + 1), false);
    if (!before.startsWith(done) || !after.startsWith(before)) {
      throw new Error("chat_template: rendering a longer dialogue changes the text of its start, so the prompt and the response cannot be told apart; use a {user} template instead");
    }
    const responseIds = tokenizer.encode(after.slice(before.length));
    if (!responseIds.includes(tokenizer.eos)) responseIds.push(tokenizer.eos);
    exchanges.push({ promptIds: tokenizer.encode(before.slice(done.length)), responseIds });
    done = after;
  });
  return exchanges;
}
