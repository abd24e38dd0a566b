import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, type EventDraft, type Loss, type OnlineEstimator, parseManifestText, type Sample, type TrainInput, type Trainer, usePlugin } from "@ual/core";
import { asft, dft, eaft } from "@ual/losses";
import { loadTrainedModel } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { plugin as tfjsTrainer } from "@ual/trainer-tfjs";
import { plugin as torchTrainer } from "@ual/trainer-torch";
import { plugin as ppl } from "@ual/uncertainty-ppl";
import { describe, expect, test } from "vitest";
import { ROOT, startUal, tempDir, ual } from "./_cli.ts";
import { readEvents, trainSteps } from "./_train_runs.ts";

const PYTHON = "/usr/bin/python3";
const HAS_TORCH = (() => {
  try {
    execFileSync(PYTHON, ["-c", "import torch, numpy"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const skipped = HAS_TORCH ? "" : " (skipped: /usr/bin/python3 has no torch; apt-get install python3-torch python3-numpy libopenblas0-pthread)";
const tinyLlama = fileURLToPath(new URL("../examples/models/tiny-llama", import.meta.url));

const samples: Sample[] = Array.from({ length: 12 }, (_, i) => ({
  id: `q${i}`,
  turns: [
    { role: "user", content: `What is ${i} plus ${(i * 3) % 7}?` },
    { role: "assistant", content: `${i + ((i * 3) % 7)}${i % 2 ? "." : ", I think."}` },
  ],
  metadata: {},
}));
const input = (extra: Partial<TrainInput> = {}): TrainInput => ({
  samples: () =>
    (async function* () {
      yield* samples;
    })(),
  ...extra,
});

/** A random GPT-2 folder (byte vocabulary), written with numpy in the safetensors layout. */
function tinyGpt2(dir: string): string {
  const script = `
import json, struct, sys, numpy as np
d, v, L, n = 32, 259, 2, 128
rng = np.random.default_rng(11)
w = [("wte.weight", (v, d)), ("wpe.weight", (n, d))]
for i in range(L):
    p = f"h.{i}."
    w += [(p+"ln_1.weight",(d,)),(p+"ln_1.bias",(d,)),(p+"attn.c_attn.weight",(d,3*d)),(p+"attn.c_attn.bias",(3*d,)),
          (p+"attn.c_proj.weight",(d,d)),(p+"attn.c_proj.bias",(d,)),(p+"ln_2.weight",(d,)),(p+"ln_2.bias",(d,)),
          (p+"mlp.c_fc.weight",(d,4*d)),(p+"mlp.c_fc.bias",(4*d,)),(p+"mlp.c_proj.weight",(4*d,d)),(p+"mlp.c_proj.bias",(d,))]
w += [("ln_f.weight",(d,)),("ln_f.bias",(d,))]
header, chunks, off = {}, [], 0
for name, shape in w:
    a = 1 + rng.standard_normal(shape) * 0.05 if "ln" in name and name.endswith("weight") else rng.standard_normal(shape) * 0.1
    raw = a.astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [off, off + len(raw)]}
    chunks.append(raw); off += len(raw)
text = json.dumps(header).encode(); text += b" " * (-len(text) % 8)
with open(sys.argv[1] + "/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text))); f.write(text); [f.write(c) for c in chunks]
json.dump({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": v, "n_positions": n, "n_embd": d,
           "n_layer": L, "n_head": 4, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"}, open(sys.argv[1] + "/config.json", "w"))
`;
  execFileSync(PYTHON, ["-c", script, dir]);
  return dir;
}

async function firstStep(trainer: Trainer, train: TrainInput): Promise<Extract<EventDraft, { type: "train.step" }>> {
  const controller = new AbortController();
  for await (const event of trainer.train(train, { signal: controller.signal }) as AsyncIterable<EventDraft>) {
    if (event.type === "train.step") {
      controller.abort();
      return event;
    }
  }
  throw new Error("no train.step");
}

/** The losses of the first `count` steps (then the run is stopped). */
async function stepLosses(trainer: Trainer, train: TrainInput, count: number): Promise<number[]> {
  const controller = new AbortController();
  const out: number[] = [];
  for await (const event of trainer.train(train, { signal: controller.signal }) as AsyncIterable<EventDraft>) {
    if (event.type === "train.step") out.push(event.loss);
    if (out.length === count && !controller.signal.aborted) controller.abort();
  }
  return out.slice(0, count); // a step already on its way when the run was stopped
}

async function both(options: Record<string, unknown>, train: () => TrainInput): Promise<{ tfjs: Extract<EventDraft, { type: "train.step" }>; torch: Extract<EventDraft, { type: "train.step" }> }> {
  const logger = createLogger(() => {});
  const tfjs = await usePlugin(tfjsTrainer, { backend: "wasm", ...options }, { runDir: tempDir(), seed: 3, logger });
  const torch = await usePlugin(torchTrainer, { python: PYTHON, nprocPerNode: 2, launcher: "processes", threadsPerProcess: 1, ...options }, { runDir: tempDir(), seed: 3, logger });
  return { tfjs: await firstStep(tfjs, train()), torch: await firstStep(torch, train()) };
}

const smoothing = new Map(samples.map((s, i) => [s.id, (i % 5) * 0.07]));

describe.skipIf(!HAS_TORCH)(`@ual/trainer-torch against @ual/trainer-tfjs${skipped}`, () => {
  test("the first step's loss is trainer-tfjs's to 1e-4: tiny Llama with LoRA (dropout 0), mapper ε", async () => {
    const { tfjs, torch } = await both({ init: tinyLlama, lora: { r: 4, alpha: 8, dropout: 0 }, batchSize: 8, maxSteps: 2 }, () => input({ smoothing }));
    console.log(`first-step loss, tiny Llama + LoRA: tfjs ${tfjs.loss}, torch ${torch.loss}, |Δ| ${Math.abs(tfjs.loss - torch.loss).toExponential(2)}`);
    expect(Math.abs(tfjs.loss - torch.loss)).toBeLessThan(1e-4);
    expect(torch.epsilon).toEqual(tfjs.epsilon);
  });

  test("the first step's loss is trainer-tfjs's to 1e-4: a GPT-2 folder fully fine-tuned, uniform convention, reference denominator", async () => {
    const folder = tinyGpt2(tempDir());
    const { tfjs, torch } = await both({ init: folder, batchSize: 6, maxSteps: 2, convention: "uniform", denominator: "reference", maskPrompt: false }, () => input({ smoothing }));
    console.log(`first-step loss, GPT-2 full fine-tune: tfjs ${tfjs.loss}, torch ${torch.loss}, |Δ| ${Math.abs(tfjs.loss - torch.loss).toExponential(2)}`);
    expect(Math.abs(tfjs.loss - torch.loss)).toBeLessThan(1e-4);
  });

  test("a manifest loss stage (@ual/losses) gives trainer-tfjs's losses: DFT and UAL+EAFT (mapper ε) with LoRA at the first step to 1e-4; DFT and ASFT fully fine-tuned (the base a frozen copy) over 3 steps to 1e-5", async () => {
    const logger = createLogger(() => {});
    const stage = (plugin: typeof dft | typeof eaft | typeof asft, options: Record<string, unknown> = {}) => async () => (await usePlugin(plugin, options, { runDir: tempDir(), seed: 3, logger })) as Loss;
    const compare = async (name: string, options: Record<string, unknown>, loss: () => Promise<Loss>, steps: number, eps?: Map<string, number>) => {
      const train = async () => input({ loss: await loss(), ...(eps !== undefined ? { smoothing: eps } : {}) });
      const tfjs = await usePlugin(tfjsTrainer, { backend: "wasm", ...options }, { runDir: tempDir(), seed: 3, logger });
      const torch = await usePlugin(torchTrainer, { python: PYTHON, nprocPerNode: 2, launcher: "processes", threadsPerProcess: 1, ...options }, { runDir: tempDir(), seed: 3, logger });
      const [a, b] = [await stepLosses(tfjs, await train(), steps), await stepLosses(torch, await train(), steps)];
      const delta = Math.max(...a.map((l, i) => Math.abs(l - b[i]!)));
      console.log(`${name}: tfjs ${a.join(", ")}; torch ${b.join(", ")}; max |Δ| ${delta.toExponential(2)}`);
      expect(b, name).toHaveLength(steps);
      return { tfjs: a, torch: b, delta };
    };
    // LoRA: the trainers draw A from their own generators, so only the first step (B = 0) is comparable
    const lora = { init: tinyLlama, lora: { r: 4, alpha: 8, dropout: 0 }, batchSize: 8, maxSteps: 2 };
    expect((await compare("dft, LoRA", lora, stage(dft), 1)).delta).toBeLessThan(1e-4);
    expect((await compare("ual+eaft, LoRA", lora, stage(eaft), 1, smoothing)).delta).toBeLessThan(1e-4);
    // a full fine-tune starts both trainers from the same weights: every step is comparable, and
    // with lr 1e-2 the model leaves the base far enough for ASFT's KL to matter from step 2 on
    const full = { init: tinyGpt2(tempDir()), batchSize: 8, maxSteps: 3, lr: 1e-2, warmup: 0, gradClip: null, maskPrompt: false };
    const dftRun = await compare("dft, full", full, stage(dft), 3);
    const asftRun = await compare("asft, full (frozen copy)", full, stage(asft, { alpha: 0.5 }), 3);
    expect(dftRun.delta).toBeLessThan(1e-5);
    expect(asftRun.delta).toBeLessThan(1e-5);
    // ASFT's first step is DFT's (the model is the base: KL and its gradient are 0); then the anchor shows
    expect(asftRun.torch[0]).toBeCloseTo(dftRun.torch[0]!, 6);
    expect(asftRun.torch[1]! - dftRun.torch[1]!).toBeGreaterThan(1e-2);
  });

  test("the online PPL-ratio estimator gives the same first-step ε and loss through trainer-torch's NLL lines", async () => {
    const logger = createLogger(() => {});
    const estimator = async () => (await usePlugin(ppl, { alpha: 0.1 }, { runDir: tempDir(), seed: 3, logger })) as OnlineEstimator;
    const [a, b] = [await estimator(), await estimator()];
    let round = 0;
    const { tfjs, torch } = await both({ init: tinyLlama, lora: { r: 4, alpha: 8, dropout: 0 }, batchSize: 8, maxSteps: 2 }, () => input({ online: round++ === 0 ? a : b }));
    expect(Math.abs(tfjs.loss - torch.loss)).toBeLessThan(1e-4);
    expect(torch.epsilon!.mean).toBeCloseTo(tfjs.epsilon!.mean, 5);
    expect(torch.epsilon!.max).toBeCloseTo(tfjs.epsilon!.max, 5);
    expect(torch.epsilon!.max).toBeGreaterThan(torch.epsilon!.min);
  });
});

describe.skipIf(!HAS_TORCH)(`ual run examples/train-torch.yaml${skipped}`, () => {
  test("trains with 2 processes on CPU, stops on Ctrl-C, resumes with the same command, writes adapters the evaluators load", async () => {
    const dir = tempDir();
    const manifest = parseManifestText(await import("node:fs").then((fs) => fs.readFileSync(join(ROOT, "examples", "train-torch.yaml"), "utf8"))).data as {
      stages: { source: { with: { path: string } }; trainer: { with: Record<string, unknown> } };
    };
    manifest.stages.source.with.path = join(ROOT, "examples", "data", "mixed.jsonl");
    manifest.stages.trainer.with = { ...manifest.stages.trainer.with, init: tinyLlama, python: PYTHON, maxSteps: 8, checkpointEvery: 2 };
    const path = join(dir, "train-torch.json");
    writeFileSync(path, JSON.stringify(manifest));
    const runs = join(dir, "runs");
    const child = startUal(["run", path, "--runs-dir", runs], { cwd: dir });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // interrupt once the first checkpoint is on disk
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const run = existsSync(runs) ? readdirSync(runs).find((d) => d.startsWith("train-torch")) : undefined;
        if (run !== undefined && existsSync(join(runs, run, "checkpoints", "step-000002"))) {
          clearInterval(timer);
          child.kill("SIGINT");
          resolve();
        }
      }, 50);
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, stderr).toBe(130);
    const second = ual(["run", path, "--runs-dir", runs, "--json"], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    const result = JSON.parse(second.stdout) as { status: string; runDir: string; resumed: boolean };
    expect(result).toMatchObject({ status: "completed", resumed: true });
    const events = readEvents(result.runDir);
    const logs = events.filter((e) => e.type === "log").map((e) => String(e.message));
    expect(logs.some((m) => /^launcher: (torchrun|processes) .*2 processes on cpu/.test(m))).toBe(true);
    expect(logs.some((m) => m.startsWith("resuming from "))).toBe(true);
    expect(trainSteps(result.runDir).map((s) => s.step)).toEqual(Array.from({ length: 8 }, (_, i) => i + 1));
    const last = events.filter((e) => e.type === "checkpoint").map((e) => e.path as string).at(-1)!;
    expect(last.endsWith("step-000008")).toBe(true);
    expect(existsSync(join(last, "adapter_model.safetensors")) && existsSync(join(last, "adapter_config.json"))).toBe(true);
    const evals = events.filter((e) => e.type === "eval");
    expect(new Set(evals.map((e) => e.evaluator))).toEqual(new Set(["@ual/eval-nll", "@ual/eval-exact-match"]));
    await selectBackend("wasm");
    const trained = await loadTrainedModel(last);
    expect(trained.model.family).toBe("llama");
    trained.model.dispose();
  });
});
