// Compiles ual_blas.c into dist/ual_blas.node with the machine's C compiler and Node's own
// headers. Part of `npm run build`; it never fails the build: without a compiler or headers it
// says why on stderr and leaves no addon, and @ual/blas then reports the native path unavailable
// (the trainer and evaluators run on the wasm kernels alone).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
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
  process.stderr.write(`@ual/blas: native matmuls not built (${reason}); the wasm kernels will be used\n`);
  process.exit(0);
}

if (process.env.UAL_NATIVE_BLAS === "0") skip("UAL_NATIVE_BLAS=0");
if (process.platform === "win32") skip("Windows is not supported by this build script");
const include = headerDirectory();
if (include === undefined) skip("Node's headers (node_api.h) not found; set npm_config_nodedir");
const compiler = process.env.CC ?? "cc";
mkdirSync(dirname(out), { recursive: true });
// -fopenmp-simd vectorises the kernels' reductions (no OpenMP runtime); -march=native lets them
// use the CPU's widest vectors (the addon is built on the machine that runs it), and is dropped
// for compilers that do not know it.
const flags = ["-O3", "-fno-math-errno", "-fopenmp-simd", "-std=c11", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror", `-I${include}`, "-DNAPI_VERSION=8"];
if (process.platform === "darwin") flags.push("-undefined", "dynamic_lookup");
const sources = [join(here, "ual_blas.c"), join(here, "ual_kernels.c")];
const compile = (extra) => spawnSync(compiler, [...flags, ...extra, ...sources, "-o", out, "-ldl", "-lpthread", "-lm"], { encoding: "utf8" });
let result = compile(["-march=native"]);
if (!result.error && result.status !== 0) result = compile([]);
if (result.error) skip(`${compiler}: ${result.error.message}`);
if (result.status !== 0) skip(`${compiler} failed:\n${result.stderr}`);
