// Maps 10^6 random uncertainty scores with each solver and mapping and reports the time of each
// against a baseline measured in the same run: a plain Float64Array.prototype.sort of the same
// 10^6 numbers (the exact solver's own cost is dominated by one such sort, spec §2.3).
//
//   npm run build -w @ual/mapping && npm run bench -w @ual/mapping
//
// Plain JavaScript on the built package, because Node 20 cannot run TypeScript directly.
import { mapScores, powerSmoothing, rankSmoothing, truncatedLinear } from "../dist/mod.js";

const N = 1_000_000;
const RUNS = 7;

/** A seeded generator, so that every run maps the same numbers. */
function lcg(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function makeScores(kind) {
  const random = lcg(kind === "rating" ? 1 : 2);
  const scores = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const r = random();
    // "rating": integers 0..99 as an LLM rater gives them (many ties, nothing clips at α 0.1).
    // "heavy": a tenth zeros and a Pareto-like tail, so that thousands of samples clip at α 0.3.
    scores[i] = kind === "rating" ? Math.floor(r * 100) : r < 0.1 ? 0 : 1 / (1 - random()) ** 1.5;
  }
  return scores;
}

function kahanMean(values) {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i] - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  return sum / values.length;
}

/** Median wall time of RUNS runs after one warm-up; `prepare` runs outside the timing. */
function time(run, prepare = () => undefined) {
  let result;
  const times = [];
  for (let i = 0; i <= RUNS; i++) {
    const input = prepare();
    const start = performance.now();
    result = run(input);
    const elapsed = performance.now() - start;
    if (i > 0) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  return { ms: times[times.length >> 1], result };
}

const rating = makeScores("rating");
const heavy = makeScores("heavy");
const ratingWithNulls = Array.from(rating, (u, i) => (i % 100 === 7 ? null : u));

const baseline = time((copy) => copy.sort(), () => Float64Array.from(rating));
const cases = [
  ["truncatedLinear exact, 0..99 ratings, α 0.1", 0.1, () => truncatedLinear(rating, { alpha: 0.1 })],
  ["truncatedLinear iterative, 0..99 ratings, α 0.1", 0.1, () => truncatedLinear(rating, { alpha: 0.1, solver: "iterative" })],
  ["truncatedLinear exact, heavy tail, α 0.3", 0.3, () => truncatedLinear(heavy, { alpha: 0.3 })],
  ["truncatedLinear iterative, heavy tail, α 0.3", 0.3, () => truncatedLinear(heavy, { alpha: 0.3, solver: "iterative" })],
  ["rankSmoothing, 0..99 ratings, α 0.1", 0.1, () => rankSmoothing(rating, { alpha: 0.1 })],
  ["powerSmoothing γ 2, 0..99 ratings, α 0.1", 0.1, () => powerSmoothing(rating, { alpha: 0.1 })],
  ["mapScores truncated-linear, 1% nulls, α 0.1", 0.1, () => mapScores("truncated-linear", ratingWithNulls, { alpha: 0.1 })],
  ["mapScores constant, α 0.1", 0.1, () => mapScores("constant", ratingWithNulls, { alpha: 0.1 })],
  ["mapScores none", 0, () => mapScores("none", ratingWithNulls)],
];

console.log(`@ual/mapping bench: n = ${N.toLocaleString("en")}, median of ${RUNS} runs, node ${process.version}`);
console.log(`baseline: Float64Array.prototype.sort of the 0..99 ratings: ${baseline.ms.toFixed(1)} ms\n`);
const rows = cases.map(([name, alpha, run]) => {
  const { ms, result } = time(run);
  return {
    mapping: name,
    ms: Number(ms.toFixed(1)),
    "× sort": Number((ms / baseline.ms).toFixed(2)),
    "|mean ε − α|": Number(Math.abs(kahanMean(result.values) - alpha).toExponential(2)),
    clipped: result.clipped,
    iterations: result.iterations ?? "",
  };
});
console.table(rows);
