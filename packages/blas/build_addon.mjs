// Compiles the addon into dist/ual_blas.node with the machine's C compiler and Node's own headers.
// Part of `npm run build`, and run again where the package is installed (its install script).
// It never fails the build: without a compiler or headers it says why on stderr and leaves no
// addon, and @ual/blas then reports the native path unavailable (the trainer and evaluators run
// on the wasm kernels alone).
//
// One build runs on any CPU of its architecture: nothing is compiled for the build machine
// (no -march=native). The kernels whose speed depends on vector width (ual_gemm_kernel.c,
// ual_kernels.c) are compiled once per instruction set — on x86-64 AVX-512, AVX2+FMA and the
// SSE2 baseline — and the addon picks one at run time from what the CPU reports.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist", "ual_blas.node");

function headerDirectory() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include", "node"),
    join(dirname(dirname(process.execPath)), "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
    join(homedir(), ".cache", "node-gyp", process.versions.node, "include", "node"),
  ];
  return candidates.find((dir) => dir && existsSync(join(dir, "node_api.h")));
}

function skip(reason) {
  process.stderr.write(`@ual/blas: native kernels not built (${reason}); the wasm kernels will be used\n`);
  process.exit(0);
}

if (process.env.UAL_NATIVE_BLAS === "0") skip("UAL_NATIVE_BLAS=0");
if (process.platform === "win32") skip("Windows is not supported by this build script");
const include = headerDirectory();
if (include === undefined) skip("Node's headers (node_api.h) not found; set npm_config_nodedir");
const compiler = process.env.CC ?? "cc";

// -fopenmp-simd vectorises the fused kernels' reductions (no OpenMP runtime is linked).
const common = ["-O3", "-fno-math-errno", "-fopenmp-simd", "-std=c11", "-fPIC", "-Wall", "-Wextra", "-Werror", `-I${include}`, "-DNAPI_VERSION=8"];
// The GEMM's multiply-adds contract to FMA instructions where the ISA has them.
const gemmFlags = ["-ffp-contract=fast"];
const variants =
  process.arch === "x64"
    ? [
        { name: "avx512", flags: ["-DUAL_ISA_AVX512", "-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl", "-mavx2", "-mfma", "-mf16c"] },
        { name: "avx2", flags: ["-DUAL_ISA_AVX2", "-mavx2", "-mfma", "-mf16c"] },
        { name: "base", flags: [] },
      ]
    : [{ name: "base", flags: [] }];

function run(args) {
  const result = spawnSync(compiler, args, { encoding: "utf8" });
  if (result.error) skip(`${compiler}: ${result.error.message}`);
  if (result.status !== 0) skip(`${compiler} failed:\n${result.stderr}`);
}

mkdirSync(dirname(out), { recursive: true });
const work = mkdtempSync(join(tmpdir(), "ual-blas-"));
try {
  const objects = [];
  for (const { name, flags } of variants) {
    for (const [source, extra] of [["ual_gemm_kernel.c", gemmFlags], ["ual_kernels.c", []]]) {
      const object = join(work, `${source.replace(/\.c$/, "")}_${name}.o`);
      run([...common, ...extra, ...flags, "-c", join(here, source), "-o", object]);
      objects.push(object);
    }
  }
  for (const source of ["ual_blas.c", "ual_gemm.c", "ual_eigen.c"]) {
    const object = join(work, source.replace(/\.c$/, ".o"));
    run([...common, "-c", join(here, source), "-o", object]);
    objects.push(object);
  }
  const link = ["-shared", ...(process.platform === "darwin" ? ["-undefined", "dynamic_lookup"] : [])];
  // Linked beside the old addon, then renamed over it: a process that has it loaded keeps its copy.
  const staged = `${out}.${process.pid}.tmp`;
  run([...link, ...objects, "-o", staged, "-ldl", "-lpthread", "-lm"]);
  renameSync(staged, out);
} finally {
  rmSync(work, { recursive: true, force: true });
}
