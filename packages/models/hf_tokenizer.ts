import { readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import type { Tokenizer } from "./tokenizer.ts";
import { tokenText } from "./_tokenizer_config.ts";

/** Options of {@linkcode loadHfTokenizer}: the special tokens, when the files do not say. */
export interface HfTokenizerOptions {
  /** The BOS token's text, e.g. `"<s>"`. Default: `tokenizer_config.json`'s `bos_token`, else a known name. */
  bos?: string;
  /** The EOS token's text. Default: `tokenizer_config.json`'s `eos_token`, else a known name. */
  eos?: string;
  /** The padding token's text. Default: `pad_token`, else the EOS token (as GPT-2 fine-tuning does). */
  pad?: string;
}

interface TokenizerJson {
  model?: { type?: string; vocab?: Record<string, number> | Array<[string, number]>; unk_token?: string | null };
  added_tokens?: Array<{ id: number; content: string; special?: boolean }>;
}

const KNOWN_BOS = ["<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>", "<|endoftext|>"];
const KNOWN_EOS = ["</s>", "<|end_of_text|>", "<eos>", "<|endoftext|>", "<|im_end|>"];

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`loadHfTokenizer: cannot read ${path}: ${(error as Error).message}`);
  }
}

/** How many encodings are remembered per tokenizer file before the memo starts over. */
const MEMO_ENTRIES = 50_000;
const encodings = new Map<string, Map<string, number[]>>();

function encodingsOf(key: string): Map<string, number[]> {
  let memo = encodings.get(key);
  if (memo === undefined) {
    memo = new Map();
    encodings.set(key, memo);
  }
  return memo;
}

/**
 * Loads a Hugging Face `tokenizer.json` (BPE, WordPiece, Unigram, WordLevel; any normalizer and
 * pre-tokenizer `@huggingface/tokenizers` supports), reading `tokenizer_config.json` beside it,
 * when there is one, for the BOS, EOS and padding tokens.
 *
 * An unknown word that the model cannot map maps to its `unk_token` (WordLevel in
 * @huggingface/tokenizers 0.2.0 returns no id for it) or is an error naming the text.
 *
 * @example
 * ```ts
 * import { loadHfTokenizer } from "@ual/models";
 *
 * const tok = await loadHfTokenizer("models/gpt2/tokenizer.json", { pad: "<|endoftext|>" });
 * tok.encode("Hello world"); // [15496, 995]
 * ```
 */
export async function loadHfTokenizer(path: string, options: HfTokenizerOptions = {}): Promise<Tokenizer> {
  const json = (await readJson(path)) as TokenizerJson | undefined;
  // Encodings are remembered per tokenizer (its files' paths, sizes and mtimes) for the process:
  // a matrix evaluates the same probes in every cell, with a new tokenizer each time.
  const version = async (file: string) => stat(file).then((s) => `${file}\u0000${s.size}\u0000${s.mtimeMs}`, () => `${file}\u0000-`);
  const memo = encodingsOf(`${await version(path)}\u0000${await version(join(dirname(path), "tokenizer_config.json"))}`);
  if (json === undefined || typeof json !== "object" || json === null || typeof json.model !== "object") {
    throw new Error(`loadHfTokenizer: ${path} is not a Hugging Face tokenizer.json (no "model" section)`);
  }
  const config = ((await readJson(join(dirname(path), "tokenizer_config.json"))) ?? {}) as Record<string, unknown>;
  let hf: HfTokenizer;
  try {
    hf = new HfTokenizer(json, config);
  } catch (error) {
    throw new Error(`loadHfTokenizer: ${path}: ${(error as Error).message}`);
  }
  let vocabSize = 0;
  for (const id of hf.get_vocab(true).values()) vocabSize = Math.max(vocabSize, id + 1);
  const idOf = (text: string | undefined): number | undefined => (text === undefined ? undefined : hf.token_to_id(text));
  const pick = (role: string, given: string | undefined, configured: unknown, known: readonly string[]): number => {
    const candidates = given !== undefined ? [given] : [tokenText(configured), ...known].filter((t): t is string => t !== undefined);
    for (const text of candidates) {
      const id = idOf(text);
      if (id !== undefined) return id;
    }
    throw new Error(
      `loadHfTokenizer: ${path} has no ${role} token` +
        (given !== undefined ? ` "${given}"` : ` (tried ${candidates.map((c) => JSON.stringify(c)).join(", ")})`) +
        `; name it with the tokenizer option ${role} (a token text in the vocabulary)`,
    );
  };
  const bos = pick("bos", options.bos, config.bos_token, KNOWN_BOS);
  const eos = pick("eos", options.eos, config.eos_token, KNOWN_EOS);
  const padText = options.pad ?? tokenText(config.pad_token);
  const pad = padText !== undefined ? pick("pad", padText, undefined, []) : eos;
  const unkText = json.model.unk_token ?? undefined;
  const unk = unkText !== null && unkText !== undefined ? idOf(unkText) : undefined;
  return {
    name: `tokenizer.json (${json.model.type ?? "unknown model"})`,
    vocabSize,
    bos,
    eos,
    pad,
    encode(text) {
      const known = memo.get(text);
      if (known !== undefined) return known.slice();
      const { ids } = hf.encode(text, { add_special_tokens: false });
      const out = new Array<number>(ids.length);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number | undefined;
        if (id === undefined) {
          if (unk === undefined) throw new Error(`tokenizer ${path}: no id for a piece of ${JSON.stringify(text.slice(0, 80))} and no unk_token`);
          out[i] = unk;
        } else out[i] = id;
      }
      if (memo.size >= MEMO_ENTRIES) memo.clear();
      memo.set(text, out.slice());
      return out;
    },
    // @huggingface/tokenizers rejects an empty list; an answer that is only EOS decodes to ""
    decode: (ids) => (ids.length === 0 ? "" : hf.decode(Array.from(ids), { skip_special_tokens: true })),
  };
}
