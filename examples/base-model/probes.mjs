// The base-capability probes: held-out passages as raw text (NLL per token, @ual/eval-nll's
// `text:` data) and a HellaSwag-shaped cloze (@ual/eval-multiple-choice, format hellaswag): a
// held-out passage's first 12 words as context, the 6 words that follow as the true ending, and
// as distractors the 6 words that follow the opening of three other held-out passages, nearest
// in token length. (A first version asked for the next whole sentence among sentences of the
// same source: this model scored 27% ± 4 there, chance 25% — too hard to show forgetting.)
import { createHash } from "node:crypto";
import { sentencesOf } from "./corpus.mjs";

// Sized so that each probe scores in a few seconds on 2 cores (the quickstart runs them 30 times):
// ~16k tokens of text, 400 × 4 endings of ~8 tokens after ~16 tokens of context.
export const TEXT_ITEMS = 160;
const TEXT_MAX_TOKENS = 100;
export const CLOZE_ITEMS = 400;
const CHOICES = 4;
const CONTEXT_WORDS = 12;
const ENDING_WORDS = 6;

const hash = (text) => createHash("sha256").update(text).digest("hex");

/** The leading sentences of a passage that fit `maxTokens`, or undefined if even the first does not. */
function fitted(text, tokenizer, maxTokens) {
  if (tokenizer.encode(text).length <= maxTokens) return text;
  const sentences = sentencesOf(text);
  let out;
  for (let n = 1; n <= sentences.length; n++) {
    const candidate = sentences.slice(0, n).join(" ");
    if (tokenizer.encode(candidate).length > maxTokens) break;
    out = candidate;
  }
  return out;
}

/**
 * `{ text, cloze }` records from the held-out passages, in an order fixed by hashes of their text
 * (so that the selection does not depend on the corpus order). `maxTokens`: the model's context;
 * a text record fits it after the BOS, a cloze context and ending together too.
 */
export function buildProbes(heldout, tokenizer, contextLength) {
  const byHash = [...heldout].sort((a, b) => (hash(a.text) < hash(b.text) ? -1 : 1));
  const text = [];
  for (const p of byHash) {
    if (text.length === TEXT_ITEMS) break;
    const t = fitted(p.text, tokenizer, Math.min(TEXT_MAX_TOKENS, contextLength - 1));
    if (t !== undefined && t.length >= 80) text.push({ id: `base-text-${hash(t).slice(0, 12)}`, text: t, source: p.source });
  }

  // Candidate (context, ending) pairs: a passage's opening words, and the words that follow them
  // (cut mid-sentence, at word boundaries), so that grammar and topic both tell the true ending.
  const pairs = [];
  for (const p of byHash) {
    const words = p.text.split(" ");
    if (words.length < CONTEXT_WORDS + ENDING_WORDS) continue;
    const ctx = words.slice(0, CONTEXT_WORDS).join(" ");
    const ending = words.slice(CONTEXT_WORDS, CONTEXT_WORDS + ENDING_WORDS).join(" ");
    pairs.push({ source: p.source, passage: hash(p.text), ctx, ending, endTokens: tokenizer.encode(` ${ending}`).length });
  }
  pairs.sort((a, b) => (hash(a.ctx + a.ending) < hash(b.ctx + b.ending) ? -1 : 1));
  const cloze = [];
  const used = new Set();
  for (const item of pairs) {
    if (cloze.length === CLOZE_ITEMS) break;
    if (used.has(item.ending)) continue;
    // Distractors: endings of other passages of the same source, nearest in token length, ties by hash.
    const distractors = pairs
      .filter((o) => o.passage !== item.passage && o.ending !== item.ending)
      .map((o) => ({ o, key: Math.abs(o.endTokens - item.endTokens), h: hash(item.ctx + o.ending) }))
      .sort((a, b) => a.key - b.key || (a.h < b.h ? -1 : 1))
      .filter((d, i, all) => all.findIndex((e) => e.o.ending === d.o.ending) === i)
      .slice(0, CHOICES - 1)
      .map((d) => d.o.ending);
    if (distractors.length < CHOICES - 1) continue;
    used.add(item.ending);
    const label = Number.parseInt(hash(item.ctx).slice(0, 8), 16) % CHOICES;
    const endings = [...distractors];
    endings.splice(label, 0, item.ending);
    cloze.push({ id: `base-cloze-${hash(item.ctx).slice(0, 12)}`, ctx: item.ctx, endings, label, source: item.source });
  }
  return { text, cloze };
}
