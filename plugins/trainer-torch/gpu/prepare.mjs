#!/usr/bin/env node
// The Node half of the GPU check (issue 15): runs check.yaml with launcher none, which writes the
// run's plan (tokens, batches, lr, ε per sample: what @ual/trainer-torch would hand its processes)
// and starts nothing, and copies that plan into prepared/ with its paths made relative to it:
// init → ../llama-7b, checkpointsDir → checkpoints. run_check.sh runs python/train.py on it on a
// GPU machine that has no Node. The files are committed; plugins/trainer-torch/gpu_check_test.ts
// fails when they are no longer what this script makes.
//     node plugins/trainer-torch/gpu/prepare.mjs [out dir, default plugins/trainer-torch/gpu/prepared]
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, "../../../packages/cli/bin/ual.js");
const out = process.argv[2] ?? join(HERE, "prepared");
const runs = mkdtempSync(join(tmpdir(), "ual-gpu-prepare-"));
try {
  const stderr = await new Promise((resolve, reject) =>
    execFile(process.execPath, [CLI, "run", join(HERE, "check.yaml"), "--runs-dir", runs, "--quiet"], { encoding: "utf8" }, (error, _stdout, err) =>
      error?.code === 1 ? resolve(err) : reject(new Error(`ual run ${join(HERE, "check.yaml")} should stop at "launcher none" (exit 1), but ${error ? `exited with ${error.code}` : "succeeded"}:\n${err}`)),
    ),
  );
  const prepared = /launcher none: the run is prepared in (\S+) \(/.exec(stderr)?.[1];
  if (prepared === undefined) throw new Error(`no "launcher none: the run is prepared in …" in ual run's stderr:\n${stderr}`);
  const plan = JSON.parse(readFileSync(join(prepared, "plan.json"), "utf8"));
  mkdirSync(out, { recursive: true });
  plan.init = relative(out, join(HERE, "llama-7b"));
  plan.checkpointsDir = "checkpoints";
  writeFileSync(join(out, "plan.json"), `{\n${Object.entries(plan).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n")}\n}\n`); // a key a line
  for (const file of ["ids.bin", "labels.bin", "samples.jsonl"]) copyFileSync(join(prepared, file), join(out, file));
  console.log(`prepared ${out}: ${plan.totalSteps} steps of ${plan.schedule[0].length} sample(s), ${plan.examples.offsets.at(-1)} tokens, ε ${Math.min(...plan.epsilon).toFixed(3)}–${Math.max(...plan.epsilon).toFixed(3)}`);
} finally {
  rmSync(runs, { recursive: true, force: true });
}
