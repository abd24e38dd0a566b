// `npm run bench:cell`: one trained quickstart cell (arm `sft`, seed 1: 400 LoRA steps on
// examples/models/ual-base, then the six evaluators) on every matmul path this machine has,
// back to back in the same run, alternating the paths so that a change in the machine's load
// falls on both. Prints the wall time of the cell and of its training stage per path, the median
// over the rounds, each path's ratio to the own kernels, and whether the metrics are the same.
//
//   npm run bench:cell                  # own kernels, and the system BLAS where one is found
//   npm run bench:cell -- --rounds 3    # three rounds (default 2)
//   npm run bench:cell -- --wasm        # also wasm's XNNPACK kernels (UAL_NATIVE_BLAS=0; slow)
//   npm run bench:cell -- --manifest examples/peers.yaml --arm dft --seed 2   # another cell
//
// Each cell runs in its own process (the matmul path is chosen once per process) with a fresh
// run directory, so nothing is reused between cells.
// @ts-check
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
/** @typedef {{ wall: number; train: number; path: string; metrics: Record<string, number> }} CellResult */
/** @typedef {{ name: string; env: Record<string, string> }} KernelPath */

/** @param {string} name @param {string} fallback @returns {string} */
const option = (name, fallback) => (args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback);
const MANIFEST = option("--manifest", join(root, "examples", "quickstart.yaml"));
const ARM = option("--arm", "sft");
const SEED = Number(option("--seed", "1"));

if (args[0] === "--child") await child(String(args[1]));
else await main();

/** @param {string} runsDir */
async function child(runsDir) {
  const { loadMatrix, runPipeline } = await import("@ual/core");
  const { loadBlas } = await import("@ual/blas");
  const matrix = await loadMatrix(MANIFEST);
  const cell = matrix.cells.find((c) => c.arm === ARM && c.seed === SEED);
  if (!cell) throw new Error(`${MANIFEST}: no cell with arm ${ARM} and seed ${SEED} (arms: ${[...new Set(matrix.cells.map((c) => c.arm))].join(", ")}; seeds: ${[...new Set(matrix.cells.map((c) => c.seed))].join(", ")})`);
  const start = performance.now();
  const result = await runPipeline(cell.resolved, { runsDir, resume: "never" });
  const wall = (performance.now() - start) / 1000;
  if (result.status !== "completed") throw new Error(`the cell ended ${result.status}`);
  /** @type {Array<Record<string, any>>} */
  const events = readFileSync(join(result.runDir, "events.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
  /** @param {string} type @param {string} stage */
  const at = (type, stage) => Date.parse(events.find((e) => e.type === type && e.stage === stage)?.time ?? "");
  const train = (at("stage.end", "trainer") - at("stage.start", "trainer")) / 1000;
  const metrics = Object.fromEntries(events.filter((e) => e.type === "eval").map((e) => [[e.evaluator, e.subset, e.metric].filter(Boolean).join(" "), e.value]));
  const load = loadBlas();
  const path = process.env.UAL_NATIVE_BLAS === "0" ? "wasm XNNPACK" : load.status === "loaded" ? load.blas.info().matmuls : `wasm XNNPACK (${load.reason})`;
  process.stdout.write(`${JSON.stringify({ wall, train, path, metrics })}\n`);
}

/** @param {Record<string, string>} env @returns {CellResult} */
function runCell(env) {
  const runsDir = mkdtempSync(join(tmpdir(), "ual-bench-cell-"));
  try {
    const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", runsDir, ...args], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 26 });
    if (out.status !== 0) throw new Error(`cell (${JSON.stringify(env)}) failed:\n${out.stderr.slice(-4000)}`);
    return JSON.parse(out.stdout.trim().split("\n").at(-1) ?? "");
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
}

async function main() {
  const rounds = Number(args.includes("--rounds") ? args[args.indexOf("--rounds") + 1] : 2);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: expected a positive integer, got ${args[args.indexOf("--rounds") + 1]}`);
  const { loadBlas } = await import("@ual/blas");
  const probe = loadBlas();
  /** @type {KernelPath[]} */
  const paths = [{ name: "own", env: { UAL_BLAS: "own" } }];
  if (probe.status === "loaded" && probe.blas.info().kernels === "system") paths.push({ name: "system", env: {} });
  else console.log(`no system BLAS here (${probe.status === "loaded" ? probe.blas.info().systemMissing : probe.reason}): the own kernels only`);
  if (args.includes("--wasm")) paths.push({ name: "wasm", env: { UAL_NATIVE_BLAS: "0" } });
  console.log(`CPU: ${cpus()[0]?.model ?? "unknown"}, ${cpus().length} cores; Node ${process.version}; ${MANIFEST}, arm ${ARM}, seed ${SEED}: ${rounds} round(s) of ${paths.map((p) => p.name).join(", ")}`);
  /** @type {Record<string, CellResult[]>} */
  const results = Object.fromEntries(paths.map((p) => [p.name, []]));
  /** @param {string} name @returns {CellResult[]} */
  const of = (name) => results[name] ?? [];
  for (let r = 0; r < rounds; r++) {
    // alternate the order, so neither path always runs first
    for (const p of r % 2 === 0 ? paths : [...paths].reverse()) {
      const result = runCell(p.env);
      of(p.name).push(result);
      console.log(`round ${r + 1} ${p.name.padEnd(6)} cell ${result.wall.toFixed(1)} s, training ${result.train.toFixed(1)} s  (${result.path})`);
    }
  }
  /** @param {number[]} xs @returns {number} */
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
  const own = of("own");
  console.log("\npath    matmuls                                   cell (median)  training (median)  cell / own  training / own");
  for (const p of paths) {
    const rs = of(p.name);
    const cell = median(rs.map((x) => x.wall));
    const train = median(rs.map((x) => x.train));
    console.log(
      `${p.name.padEnd(7)} ${(rs[0]?.path ?? "").padEnd(41)} ${`${cell.toFixed(1)} s`.padStart(13)}  ${`${train.toFixed(1)} s`.padStart(17)}  ${(cell / median(own.map((x) => x.wall))).toFixed(2).padStart(10)}  ${(train / median(own.map((x) => x.train))).toFixed(2).padStart(14)}`,
    );
  }
  // Runs are deterministic per seed: say which metrics differ between the paths, by how much, and
  // whether any differs at the 4 decimals the quickstart's table prints.
  const reference = own[0]?.metrics ?? {};
  const names = Object.keys(reference);
  for (const p of paths) {
    for (const [i, x] of of(p.name).entries()) {
      if (p.name === "own" && i === 0) continue;
      const differ = names.filter((k) => x.metrics[k] !== reference[k]);
      if (differ.length === 0) {
        console.log(`${p.name} round ${i + 1}: all ${names.length} metrics equal the first own cell's`);
        continue;
      }
      /** @param {Record<string, number>} m @param {string} k */
      const v = (m, k) => m[k] ?? Number.NaN;
      const delta = (/** @type {string} */ k) => v(x.metrics, k) - v(reference, k);
      const largest = differ.reduce((a, k) => (Math.abs(delta(k)) > Math.abs(delta(a)) ? k : a));
      const printed = differ.filter((k) => v(x.metrics, k).toFixed(4) !== v(reference, k).toFixed(4));
      console.log(
        `${p.name} round ${i + 1}: ${differ.length} of ${names.length} metrics differ from the first own cell's, the most ${largest} (Δ ${delta(largest).toExponential(1)}); ` +
          (printed.length === 0 ? "none at 4 decimals" : `at 4 decimals: ${printed.map((k) => `${k} ${v(reference, k).toFixed(4)} → ${v(x.metrics, k).toFixed(4)}`).join("; ")}`),
      );
    }
  }
}
