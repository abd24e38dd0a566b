import { createRng } from "@ual/random";

/** One ranking of the authors' rule: the pairs where `favoured` beats `against` by the largest ratio. */
export interface RatioRule {
  /** The model the favoured one is divided by (a key of the scores). */
  against: string;
  /** How many pairs of the highest ratio this rule contributes. */
  top: number;
}

/** Options of {@linkcode authorsPairSelection}. */
export interface AuthorsPairSelectionOptions {
  /** The model whose advantage the pairs are chosen for (the paper: UAL). */
  favoured: string;
  /**
   * The rankings whose top pairs are united. The paper's Llama analysis: `[{ against: "ls", top: 100 }]`
   * (`pca_cherry.py`); its Mistral one: `[{ against: "ls", top: 50 }, { against: "sft", top: 30 },
   * { against: "base", top: 20 }]` (`pca_cherry_mistral.py`).
   */
  rules: readonly RatioRule[];
  /** At most this many of the united pairs are kept after shuffling (default 100). */
  keep?: number;
  /** Seeds the shuffle, which the authors left unseeded (default 0). */
  seed?: number;
}

/** What {@linkcode authorsPairSelection} returns. */
export interface AuthorsPairSelection {
  /** Says what this is, for any table that shows it. */
  label: string;
  /** The kept pairs (indices into the score arrays, ascending). */
  indices: number[];
  /** Each model's mean raw silhouette over the kept pairs. */
  means: Record<string, number>;
}

/**
 * The authors' pair "selection" of spec §6.5 item 5 — **not a random sample**: it picks the pairs
 * on which the favoured model's silhouette is largest relative to the others', so its means
 * favour that model by construction. Kept only to reproduce the paper's Table 5; report it next to
 * {@linkcode silhouetteAverages}, labelled (spec §9).
 *
 * The rule, as `pca_cherry.py` applies it: for ranking only, every model's score of a pair whose
 * mean across the models is below 0 becomes 1e-9 (so its ratio is 1); each rule ranks the pairs
 * by favoured / against (descending; NaN from 0/0 ranks last) and contributes its `top` pairs;
 * the union is deduplicated, shuffled, cut to `keep`, and each model's mean is taken over the
 * *raw* scores of the kept pairs. Pairs where any model's silhouette is null are left out.
 *
 * @param scores per model, one silhouette per pair, every array over the same pairs in the same order.
 * @throws {RangeError} when a named model is missing or the arrays differ in length.
 *
 * @example
 * ```ts
 * const picked = authorsPairSelection(
 *   { base: baseScores, sft: sftScores, ls: lsScores, ual: ualScores },
 *   { favoured: "ual", rules: [{ against: "ls", top: 100 }] },
 * );
 * picked.label; // "authors' selection: pairs ranked by ual/ls (top 100) — favours ual, not random"
 * ```
 */
export function authorsPairSelection(
  scores: Readonly<Record<string, ReadonlyArray<number | null>>>,
  options: AuthorsPairSelectionOptions,
): AuthorsPairSelection {
  const models = Object.keys(scores);
  const keep = options.keep ?? 100;
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`authorsPairSelection(): keep must be a positive integer, got ${keep}`);
  for (const name of [options.favoured, ...options.rules.map((rule) => rule.against)]) {
    if (!(name in scores)) throw new RangeError(`authorsPairSelection(): no scores for model "${name}" (have: ${models.join(", ")})`);
  }
  for (const rule of options.rules) {
    if (!Number.isInteger(rule.top) || rule.top < 1) throw new RangeError(`authorsPairSelection(): top must be a positive integer, got ${rule.top}`);
  }
  const length = (scores[options.favoured] as ReadonlyArray<number | null>).length;
  for (const name of models) {
    const got = (scores[name] as ReadonlyArray<number | null>).length;
    if (got !== length) throw new RangeError(`authorsPairSelection(): model "${name}" has ${got} scores, "${options.favoured}" has ${length}`);
  }

  const usable: number[] = [];
  for (let i = 0; i < length; i++) if (models.every((name) => typeof scores[name]?.[i] === "number")) usable.push(i);
  const at = (name: string, i: number): number => scores[name]?.[i] as number;
  const ranked = (name: string, i: number): number => {
    const meanAcross = models.reduce((sum, model) => sum + at(model, i), 0) / models.length;
    return meanAcross < 0 ? 1e-9 : at(name, i);
  };

  const united = new Set<number>();
  for (const rule of options.rules) {
    const ratio = new Map(usable.map((i) => [i, ranked(options.favoured, i) / ranked(rule.against, i)]));
    const order = usable.slice().sort((i, j) => descendingNaNLast(ratio.get(i) as number, ratio.get(j) as number) || i - j);
    for (const i of order.slice(0, rule.top)) united.add(i);
  }
  const indices = createRng(options.seed ?? 0).shuffle([...united])
    .slice(0, keep)
    .sort((i, j) => i - j);
  const means: Record<string, number> = {};
  for (const name of models) means[name] = indices.length === 0 ? Number.NaN : indices.reduce((sum, i) => sum + at(name, i), 0) / indices.length;
  const described = options.rules.map((rule) => `${options.favoured}/${rule.against} (top ${rule.top})`).join(" ∪ ");
  return { label: `authors' selection: pairs ranked by ${described} — favours ${options.favoured}, not random`, indices, means };
}

function descendingNaNLast(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return x === y ? 0 : x > y ? -1 : 1;
}
