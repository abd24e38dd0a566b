import { toPointMatrix } from "./_matrix.ts";

/**
 * The mean silhouette coefficient of a clustering, as scikit-learn's `silhouette_score` with the
 * Euclidean metric (spec §6.5 item 4). For each point i:
 *
 * - a(i): the mean distance to the other points of its own cluster (divided by n_c − 1);
 * - b(i): the smallest mean distance to the points of another cluster;
 * - s(i) = (b − a) / max(a, b), and s(i) = 0 when its cluster has a single point (or when
 *   a = b = 0, where sklearn's 0/0 also becomes 0).
 *
 * The score is the mean of s(i): near 1 for tight, well-separated clusters, near 0 for
 * overlapping ones, negative when points sit closer to another cluster than to their own.
 *
 * Distances are computed directly as √Σ(xᵢ − yᵢ)², without sklearn's ‖x‖² − 2x·y + ‖y‖²
 * shortcut, so results agree with sklearn to round-off (≤ 2e-16 on the fixtures). Time is
 * O(n²·d), memory O(n·d + clusters): no n × n matrix is built.
 *
 * @param labels one cluster label per point; any numbers (token ids, say).
 * @throws {RangeError} unless there are 2 to n − 1 distinct labels, as sklearn requires; or for
 *   ragged or non-finite points, or a label count that differs from the point count.
 *
 * @example
 * ```ts
 * silhouetteScore([[0, 0], [0, 1], [4, 0], [4, 1]], [0, 0, 1, 1]); // 0.7537887…
 * ```
 */
export function silhouetteScore(points: ReadonlyArray<ArrayLike<number>>, labels: ArrayLike<number>): number {
  const { data, rows: n, dim: d } = toPointMatrix(points, "silhouetteScore() points");
  if (labels.length !== n) throw new RangeError(`silhouetteScore(): ${n} points but ${labels.length} labels`);

  const clusterOf = new Int32Array(n);
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    if (typeof label !== "number" || Number.isNaN(label)) throw new RangeError(`silhouetteScore(): label ${i} is ${String(label)}, not a number`);
    let cluster = index.get(label);
    if (cluster === undefined) {
      cluster = index.size;
      index.set(label, cluster);
    }
    clusterOf[i] = cluster;
  }
  const clusters = index.size;
  if (clusters < 2 || clusters > n - 1) {
    throw new RangeError(`silhouetteScore(): ${clusters} distinct labels for ${n} points; the silhouette needs 2 to n − 1 = ${n - 1} (as sklearn)`);
  }
  const sizes = new Float64Array(clusters);
  for (let i = 0; i < n; i++) sizes[clusterOf[i] as number] = (sizes[clusterOf[i] as number] as number) + 1;

  const sums = new Float64Array(clusters);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    const row = i * d;
    for (let j = 0; j < n; j++) {
      let squares = 0;
      const other = j * d;
      for (let c = 0; c < d; c++) {
        const diff = (data[row + c] as number) - (data[other + c] as number);
        squares += diff * diff;
      }
      const cluster = clusterOf[j] as number;
      sums[cluster] = (sums[cluster] as number) + Math.sqrt(squares);
    }
    const own = clusterOf[i] as number;
    const ownSize = sizes[own] as number;
    // A singleton has no a(i); sklearn's 0/0 → NaN → 0 (spec §6.5 item 4).
    if (ownSize === 1) continue;
    const a = (sums[own] as number) / (ownSize - 1);
    let b = Infinity;
    for (let c = 0; c < clusters; c++) if (c !== own) b = Math.min(b, (sums[c] as number) / (sizes[c] as number));
    const denominator = Math.max(a, b);
    if (denominator > 0) total += (b - a) / denominator;
  }
  return total / n;
}
