// GFLOP/s of @ual/blas's sgemmBatch on the kernel paths present — the addon's own kernels
// (UAL_BLAS=own) and the system BLAS when one is found — on square products and on the shapes
// of the quickstart's and bench:train's steps, each path timed in its own child process of this
// run (the path is chosen once per process). Prints the CPU model and the ratio own ÷ system.
//
//   node packages/blas/bench/gemm_bench.mjs [--threads 1,2] [--quick]
import { execFileSync, spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

// [label, batch, m, n, k, transA, transB]
const SHAPES = [
  ["square 256", 1, 256, 256, 256, false, false],
  ["square 1024", 1, 1024, 1024, 1024, false, false],
  ["ual-base qkv fwd 288x128·128x384", 1, 288, 384, 128, false, false],
  ["ual-base mlp fwd 288x128·128x512", 1, 288, 512, 128, false, false],
  ["ual-base mlp dW 128x288·288x512 (Aᵀ)", 1, 128, 512, 288, true, false],
  ["ual-base head fwd 288x128·(4096x128)ᵀ", 1, 288, 4096, 128, false, true],
  ["ual-base head dX 288x4096·4096x128", 1, 288, 128, 4096, false, false],
  ["attention scores 64×(18x32·32x18)", 64, 18, 18, 32, false, true],
  ["small d256 fwd 512x256·256x1024", 1, 512, 1024, 256, false, false],
  ["small d256 dW 256x512·512x1024 (Aᵀ)", 1, 256, 1024, 512, true, false],
];


async function measure() {
  const { loadBlas } = await import(join(here, "..", "dist", "mod.js"));
  const load = loadBlas();
  if (load.status !== "loaded") {
    console.log(JSON.stringify({ error: load.reason }));
    return;
  }
  const blas = load.blas;
  blas.setThreads(Number(process.env.BENCH_THREADS));
  const rows = [];
  for (const [label, batch, m, n, k, ta, tb] of SHAPES) {
    const floats = batch * (m * k + k * n + m * n);
    const buffer = new ArrayBuffer(4 * floats);
    const heap = new Float32Array(buffer);
    for (let i = 0; i < floats; i++) heap[i] = Math.sin(i * 0.37);
    const aOff = 0, bOff = batch * m * k, cOff = bOff + batch * k * n;
    const call = () => blas.sgemmBatch(buffer, ta, tb, batch, m, n, k, aOff, m * k, bOff, k * n, cOff, m * n);
    call();
    const flops = 2 * batch * m * n * k;
    const reps = Math.max(3, Math.min(2000, Math.round(2e9 / flops)));
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const t0 = process.hrtime.bigint();
      for (let r = 0; r < reps; r++) call();
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / reps);
    }
    rows.push({ label, gflops: flops / best / 1e9 });
  }
  console.log(JSON.stringify({ path: blas.info().matmuls ?? "", rows }));
}

if (process.env.BENCH_CHILD === "1") {
  await measure();
} else {
  const threads = option("--threads", "1,2").split(",").map(Number);
  let model = cpus()[0]?.model ?? "unknown CPU";
  try {
    model = execFileSync("lscpu", { encoding: "utf8" }).match(/Model name:\s*(.+)/)?.[1] ?? model;
  } catch {}
  console.log(`CPU: ${model}, ${cpus().length} cores`);
  for (const t of threads) {
    const results = [];
    for (const mode of ["own", "auto"]) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
        env: { ...process.env, BENCH_CHILD: "1", BENCH_THREADS: String(t), UAL_BLAS: mode },
        encoding: "utf8",
      });
      results.push(JSON.parse(r.stdout.trim().split("\n").pop()));
    }
    const [own, system] = results;
    const hasSystem = system.rows !== undefined && system.path !== own.path;
    console.log(`\n${t} thread${t === 1 ? "" : "s"}: own = ${own.path}${hasSystem ? `; system = ${system.path}` : "; no system BLAS found"}`);
    console.log(`${"shape".padEnd(40)} ${"own GFLOP/s".padStart(12)}${hasSystem ? `${"system".padStart(10)}${"own÷system".padStart(12)}` : ""}`);
    own.rows.forEach((row, i) => {
      const sys = hasSystem ? system.rows[i].gflops : undefined;
      console.log(`${row.label.padEnd(40)} ${row.gflops.toFixed(1).padStart(12)}${sys !== undefined ? `${sys.toFixed(1).padStart(10)}${(row.gflops / sys).toFixed(2).padStart(12)}` : ""}`);
    });
  }
}
