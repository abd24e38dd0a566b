import { labelScatter, pairProjection } from "./_label_scatter.ts";
import { featureGram, pairProjectionFromGram } from "./_pair_gram.ts";
import { toPointMatrix } from "./_matrix.ts";
import { pca } from "./pca.ts";

/**
 * Up to this feature dimension the pairs' covariances come from per-label statistics (topK
 * scatter matrices of d² doubles each: 5.5 MB at d = 128); above it (a 4096-d LLM's features)
 * each pair's PCA is formed from its own points.
 */
const SCATTER_MAX_DIM = 512;
/** Up to this many top-label features their Gram matrix is shared by the small pairs (N² doubles: 128 MB at 4096). */
const GRAM_MAX_FEATURES = 4096;
import { silhouetteScore } from "./silhouette_score.ts";

/** {@linkcode PairSilhouettesOptions.minSpread}'s default: 100× the spread float32 rounding leaves in a small model's features. */
const DEFAULT_MIN_SPREAD = 1e-5;

/** √(mean ‖x − x̄‖²) ÷ √(mean ‖x‖²) over the given rows, in double precision (0 for all-zero rows). */
function relativeSpread(features: ReadonlyArray<ArrayLike<number>>, rows: readonly number[]): number {
  const dim = (features[rows[0] as number] as ArrayLike<number>).length;
  const mean = new Float64Array(dim);
  for (const r of rows) {
    const x = features[r] as ArrayLike<number>;
    for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (x[j] as number);
  }
  for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) / rows.length;
  let spread = 0;
  let norm = 0;
  for (const r of rows) {
    const x = features[r] as ArrayLike<number>;
    for (let j = 0; j < dim; j++) {
      const v = x[j] as number;
      const d = v - (mean[j] as number);
      spread += d * d;
      norm += v * v;
    }
  }
  return norm === 0 ? 0 : Math.sqrt(spread / norm);
}

/** Options of {@linkcode pairSilhouettes}. */
export interface PairSilhouettesOptions {
  /** How many of the most frequent labels form pairs (default 42, the paper's: 861 pairs; spec §6.5 item 2). */
  topK?: number;
  /** The PCA dimension each pair is projected to before the silhouette (default 2; spec §6.5 item 3). */
  components?: number;
  /** Decompose each pair's covariance with LAPACK when it loads (default true; see {@linkcode pca}). */
  lapack?: boolean;
  /**
   * A pair whose features spread less than this around their mean — the root-mean-square
   * distance to the pair's mean, relative to the root-mean-square norm of its features — gets
   * `silhouette: null` (default 1e-5). Such a pair's features are one point up to float32
   * rounding: the same context precedes both tokens (in chat prompts, the template's fixed prefix
   * before the user's first word), so its PCA projects rounding noise and its silhouette is
   * anything from −1 to 1, changing with the matmul kernels and the CPU. In exact arithmetic every
   * distance is 0 and the pair says nothing about the model. 0 keeps every pair, as the
   * reference code (scikit-learn on the raw features) does.
   */
  minSpread?: number;
}

/** One unordered pair of labels and the silhouette of its features. */
export interface PairSilhouette {
  /** The two labels (token ids), the more frequent first. */
  labels: [number, number];
  /** How many features carry each label. */
  counts: [number, number];
  /** The silhouette of the pair's PCA-projected features, or null when it is undefined. */
  silhouette: number | null;
  /** Why `silhouette` is null. */
  reason?: string;
}

/** What {@linkcode pairSilhouettes} returns. */
export interface PairSilhouettes {
  /** The top-K labels, most frequent first (ties: the label seen first comes first). */
  labels: number[];
  /** How many features carry each of `labels`. */
  counts: number[];
  /** Every unordered pair of `labels`, in `itertools.combinations` order: (0,1), (0,2), …, (1,2), … */
  pairs: PairSilhouette[];
}

/**
 * Steps 2–3 of the paper's feature-clustering analysis (spec §6.5): keep the `topK` most frequent
 * labels (for the paper: next-token ids of the features before the LM head), form every unordered
 * pair, and for each pair fit a PCA to `components` dimensions on that pair's features only, then
 * take the silhouette of the projected points with the two labels as clusters. A higher value
 * means the model keeps the two tokens' representations apart.
 *
 * A pair whose silhouette is undefined (fewer than 3 features between them — or fewer than
 * `components` — which only happens when top-K labels occur once or twice) gets `silhouette: null` and a reason instead of failing the
 * whole analysis; so does a pair whose features are one point up to rounding (`minSpread`).
 * {@linkcode silhouetteAverages} leaves such pairs out.
 *
 * @param features one feature vector per position (all the same length, at least `components`).
 * @param labels the label of each feature (for the paper: the id of the next token).
 * @throws {RangeError} for mismatched lengths, ragged or non-finite features, or features of
 *   fewer than `components` dimensions.
 *
 * @example
 * ```ts
 * const { labels, pairs } = pairSilhouettes(features, nextTokenIds, { topK: 42 });
 * pairs.length; // 861 when at least 42 distinct tokens occur
 * silhouetteAverages(pairs.map((p) => p.silhouette), { seed: 1 }).allPairs.mean;
 * ```
 */
export function pairSilhouettes(
  features: ReadonlyArray<ArrayLike<number>>,
  labels: ArrayLike<number>,
  options: PairSilhouettesOptions = {},
): PairSilhouettes {
  const topK = options.topK ?? 42;
  const components = options.components ?? 2;
  const minSpread = options.minSpread ?? DEFAULT_MIN_SPREAD;
  if (!(minSpread >= 0)) throw new RangeError(`pairSilhouettes(): minSpread must be ≥ 0, got ${minSpread}`);
  if (!Number.isInteger(topK) || topK < 2) throw new RangeError(`pairSilhouettes(): topK must be an integer ≥ 2, got ${topK}`);
  if (!Number.isInteger(components) || components < 1) {
    throw new RangeError(`pairSilhouettes(): components must be a positive integer, got ${components}`);
  }
  if (labels.length !== features.length) {
    throw new RangeError(`pairSilhouettes(): ${features.length} features but ${labels.length} labels`);
  }
  const dim = features.length === 0 ? components : (features[0] as ArrayLike<number>).length;
  if (dim < components) {
    throw new RangeError(`pairSilhouettes(): features have ${dim} dimensions, fewer than the ${components} PCA components`);
  }

  // Counts in first-seen order, then a stable sort by count: Python's Counter.most_common breaks
  // ties the same way, so the reference's top-K list is reproduced.
  const countOf = new Map<number, number>();
  const members = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (typeof label !== "number" || Number.isNaN(label)) throw new RangeError(`pairSilhouettes(): label ${i} is ${String(label)}, not a number`);
    countOf.set(label, (countOf.get(label) ?? 0) + 1);
    const list = members.get(label);
    if (list === undefined) members.set(label, [i]);
    else list.push(i);
  }
  const top = [...countOf.entries()].sort((x, y) => y[1] - x[1]).slice(0, topK);
  const matrix = dim <= SCATTER_MAX_DIM ? toPointMatrix(features, "pairSilhouettes() features") : undefined;
  const stats = matrix === undefined ? undefined : labelScatter(matrix.data, dim, labels, top.map(([label]) => label));
  // small pairs (fewer points than dimensions) read their Gram matrices out of one shared one
  const topRows = top.flatMap(([label]) => members.get(label) as number[]).sort((i, j) => i - j);
  const smallest = top.length < 2 ? Infinity : (top[top.length - 1]?.[1] ?? 0) + (top[top.length - 2]?.[1] ?? 0);
  const gram = matrix !== undefined && smallest <= dim && topRows.length <= GRAM_MAX_FEATURES ? featureGram(matrix.data, dim, topRows) : undefined;

  const pairs: PairSilhouette[] = [];
  for (let p = 0; p < top.length; p++) {
    for (let q = p + 1; q < top.length; q++) {
      const [a, countA] = top[p] as [number, number];
      const [b, countB] = top[q] as [number, number];
      const pair: PairSilhouette = { labels: [a, b], counts: [countA, countB], silhouette: null };
      if (countA + countB < Math.max(3, components)) {
        pair.reason = `only ${countA + countB} features; the silhouette needs at least 3 and PCA at least ${components}`;
        pairs.push(pair);
        continue;
      }
      // The pair's features in their original order, as the reference's boolean mask keeps them.
      const rows = [...(members.get(a) as number[]), ...(members.get(b) as number[])].sort((i, j) => i - j);
      const spread = minSpread > 0 ? relativeSpread(features, rows) : Infinity;
      if (spread < minSpread) {
        pair.reason = `the pair's ${rows.length} features are one point up to float32 rounding (relative spread ${spread.toExponential(1)} < minSpread ${minSpread}): the same context precedes both tokens, so their silhouette would be rounding noise`;
        pairs.push(pair);
        continue;
      }
      // From the per-label statistics when there are more points than dimensions; from the
      // shared Gram matrix otherwise (pca()'s Gram route; the same subspace either way).
      const projected =
        stats !== undefined && matrix !== undefined && countA + countB > dim
          ? pairProjection(stats, a, b, matrix.data, rows, components, options.lapack ?? true)
          : gram !== undefined
            ? pairProjectionFromGram(gram, rows, components, options.lapack ?? true)
            : pca(
              rows.map((i) => features[i] as ArrayLike<number>),
              components,
              { lapack: options.lapack ?? true },
            ).points;
      pair.silhouette = silhouetteScore(
        projected,
        rows.map((i) => labels[i] as number),
      );
      pairs.push(pair);
    }
  }
  return { labels: top.map(([label]) => label), counts: top.map(([, count]) => count), pairs };
}
