import { CATEGORIES, POOLS, WEEKDAYS, WORDS } from "./_word_lists.ts";
import { single, uniform, zipf } from "./_distributions.ts";
import type { AnswerProbability } from "./testbed_prompt.ts";

/** A prompt before the split is assigned. */
export interface PromptDraft {
  prompt: string;
  /** Shared by paraphrases of one question; the split keeps at least one of them for training. */
  group?: string;
  shape: "single" | "uniform" | "zipf";
  answers: AnswerProbability[];
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

// ── low entropy: the answer is a function of the prompt ──────────────────────────────────

/** "What is 17 + 25?" for operands 0–49: 2500 prompts. */
export function additionPrompts(): PromptDraft[] {
  const out: PromptDraft[] = [];
  for (let a = 0; a < 50; a++) for (let b = 0; b < 50; b++) out.push(point(`What is ${a} + ${b}?`, String(a + b)));
  return out;
}

/** "Reverse the word cat." → "tac". */
export function reverseWordPrompts(): PromptDraft[] {
  return WORDS.map((word) => point(`Reverse the word ${word}.`, [...word].reverse().join("")));
}

/** "Sort the letters of dog." → "dgo" (alphabetical). */
export function sortLettersPrompts(): PromptDraft[] {
  return WORDS.map((word) => point(`Sort the letters of ${word}.`, [...word].sort().join("")));
}

/** "Repeat the word cat." → "cat": copying, which even a two-layer model can learn for words it never saw in the task. */
export function repeatWordPrompts(): PromptDraft[] {
  return WORDS.map((word) => point(`Repeat the word ${word}.`, word));
}

/** "What is the first letter of cat?" → "c". */
export function firstLetterPrompts(): PromptDraft[] {
  return WORDS.map((word) => point(`What is the first letter of ${word}?`, word[0] as string));
}

/** "What day comes after Monday?", "… before …", "What day is two days after …?": 21 prompts. */
export function nextWeekdayPrompts(): PromptDraft[] {
  const templates: Array<[(day: string) => string, number]> = [
    [(day) => `What day comes after ${day}?`, 1],
    [(day) => `What day comes before ${day}?`, -1],
    [(day) => `What day is two days after ${day}?`, 2],
  ];
  return templates.flatMap(([template, offset]) =>
    WEEKDAYS.map((day, i) => point(template(day), WEEKDAYS[(i + offset + WEEKDAYS.length) % WEEKDAYS.length] as string)),
  );
}

/** "What letter comes after c?" (a–y) and "… before …" (b–z): 50 prompts. */
export function nextLetterPrompts(): PromptDraft[] {
  const out: PromptDraft[] = [];
  for (let i = 0; i < 25; i++) out.push(point(`What letter comes after ${LETTERS[i]}?`, LETTERS[i + 1] as string));
  for (let i = 1; i < 26; i++) out.push(point(`What letter comes before ${LETTERS[i]}?`, LETTERS[i - 1] as string));
  return out;
}

// ── high entropy: many valid answers with known probabilities ────────────────────────────

const NAME_TEMPLATES = [(p: string) => `Name ${p}.`, (p: string) => `Give me ${p}.`, (p: string) => `Say ${p}.`, (p: string) => `Tell me ${p}.`];

/** "Name a fruit.": 10 categories × 4 phrasings; Zipf over 5–12 answers or uniform (month, season, …). */
export function nameItemPrompts(): PromptDraft[] {
  return CATEGORIES.flatMap((category) =>
    NAME_TEMPLATES.map((template) => ({
      prompt: template(category.phrase),
      group: category.phrase,
      shape: category.shape,
      answers: category.shape === "zipf" ? zipf(category.answers) : uniform(category.answers),
    })),
  );
}

/** "Name an animal that starts with b.": uniform over the pool's words with that first letter (≥ 2 of them). */
export function startsWithPrompts(): PromptDraft[] {
  const out: PromptDraft[] = [];
  for (const pool of POOLS) {
    for (const letter of LETTERS) {
      const words = pool.words.filter((word) => word.startsWith(letter));
      // One word would make it a low-entropy prompt in disguise.
      if (words.length < 2) continue;
      for (const prompt of [`Name ${pool.phrase} that starts with ${letter}.`, `Give me ${pool.phrase} starting with ${letter}.`]) {
        out.push({ prompt, group: `${pool.phrase} ${letter}`, shape: "uniform", answers: uniform(words) });
      }
    }
  }
  return out;
}

/** "Pick a number from 3 to 7." (inclusive): 2–9 choices starting at 0–10, two phrasings, uniform. */
export function pickNumberPrompts(): PromptDraft[] {
  const out: PromptDraft[] = [];
  for (let low = 0; low <= 10; low++) {
    for (let k = 2; k <= 9; k++) {
      const high = low + k - 1;
      const answers = uniform(Array.from({ length: k }, (_, i) => String(low + i)));
      const group = `${low}-${high}`;
      out.push({ prompt: `Pick a number from ${low} to ${high}.`, group, shape: "uniform", answers });
      out.push({ prompt: `Choose a number between ${low} and ${high}.`, group, shape: "uniform", answers });
    }
  }
  return out;
}

/** "Pick a letter from c to g." (inclusive): 2–6 letters, uniform. */
export function pickLetterPrompts(): PromptDraft[] {
  const out: PromptDraft[] = [];
  for (let width = 2; width <= 6; width++) {
    for (let start = 0; start + width <= 26; start++) {
      const letters = [...LETTERS.slice(start, start + width)];
      out.push({ prompt: `Pick a letter from ${letters[0]} to ${letters[width - 1]}.`, shape: "uniform", answers: uniform(letters) });
    }
  }
  return out;
}

function point(prompt: string, answer: string): PromptDraft {
  return { prompt, shape: "single", answers: single(answer) };
}
