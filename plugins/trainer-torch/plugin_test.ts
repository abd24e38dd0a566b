import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EventDraft, Loss, LossSpec, OnlineEstimator } from "@ual/core";
import { loadTrainedModel } from "@ual/models";
import { lossFromSpec, selectBackend } from "@ual/nn";
import { readSafetensors } from "@ual/safetensors";
import { describe, expect, it } from "vitest";
import { freePort } from "./_launch.ts";
import { SCRIPT } from "./_train_run.ts";
import { arithmetic, drain, HAS_TORCH, losses, makeTinyGpt2, makeTorchTrainer, PYTHON, samplesOf, tempDir, TINY_LLAMA } from "./_test_helpers.ts";

const samples = arithmetic(16);
// ε per sample from a mapper (any fixed values in [0, 0.3])
const smoothing = new Map(samples.map((s, i) => [s.id, (i % 4) * 0.1]));
const LORA = { r: 4, alpha: 8, dropout: 0.1 };
const BASE = { init: TINY_LLAMA, lora: LORA, batchSize: 6, maxSteps: 4, lr: 1e-2, checkpointEvery: 2, launcher: "processes", threadsPerProcess: 1 };

function checkpointsOf(events: readonly EventDraft[]): string[] {
  return events.flatMap((e) => (e.type === "checkpoint" ? [e.path] : []));
}

async function adapters(dir: string): Promise<Map<string, Float32Array>> {
  const file = await readSafetensors(join(dir, "adapter_model.safetensors"));
  return new Map([...file.keys()].map((k) => [k, file.get(k)!.data as Float32Array]));
}

/** A manifest loss stage as a loss plugin gives it (what `@ual/losses` returns), from its spec. */
function stageOf(kind: string, options: LossSpec["options"], aggregation: LossSpec["aggregation"] = "token-mean"): Loss {
  const rebuilt = lossFromSpec({ kind, options, aggregation });
  const spec: LossSpec = { kind, options, aggregation, needsBaseLogits: rebuilt.needsBaseLogits };
  return {
    aggregation,
    needsBaseLogits: rebuilt.needsBaseLogits,
    spec: () => spec,
    info: () => ({ kind, ...options, aggregation }),
    perSample: () => {
      throw new Error("trainer-torch computes the loss in Python");
    },
    mean: () => {
      throw new Error("trainer-torch computes the loss in Python");
    },
  };
}
const EAFT = { alpha: 1, topK: 20, entropyScale: "log-k", convention: "reference" };

const skipped = HAS_TORCH ? "" : " (skipped: /usr/bin/python3 has no torch; apt-get install python3-torch python3-numpy libopenblas0-pthread)";

describe.skipIf(!HAS_TORCH)(`@ual/trainer-torch${skipped}`, () => {
  it.each([
    ["UAL's loss (no loss stage)", undefined],
    ["a token-mean loss stage (UAL+EAFT: the mapper's ε, EAFT's weights), micro-batches of 2 on 2 processes against 6 on 1", stageOf("eaft", EAFT)],
  ] as const)("trains on 2 processes as on 1: the same global batch gives the same losses and adapters after 4 steps (LoRA dropout on, mapper ε): %s", async (_, loss) => {
    const run = async (n: number) => {
      const dir = tempDir();
      const micro = loss === undefined ? {} : { microBatchSize: n === 1 ? 6 : 2 };
      const { trainer } = await makeTorchTrainer({ ...BASE, nprocPerNode: n, ...micro }, { runDir: dir });
      const events = await drain(trainer, { samples: samplesOf(samples), smoothing, ...(loss !== undefined ? { loss } : {}) });
      return { losses: losses(events), weights: await adapters(checkpointsOf(events).at(-1)!), events };
    };
    const [one, two] = [await run(1), await run(2)];
    expect(one.losses.length).toBe(4);
    const dLoss = Math.max(...one.losses.map((l, i) => Math.abs(l - two.losses[i]!)));
    let dWeight = 0;
    let moved = 0;
    for (const [name, w] of one.weights) {
      const other = two.weights.get(name)!;
      w.forEach((x, i) => (dWeight = Math.max(dWeight, Math.abs(x - other[i]!))));
      if (name.includes("lora_B")) w.forEach((x) => (moved = Math.max(moved, Math.abs(x))));
    }
    console.log(`N=1 vs N=2 after 4 steps: max |Δloss| ${dLoss.toExponential(2)}, max |Δweight| ${dWeight.toExponential(2)} (B moved to ${moved.toFixed(4)})`);
    // float32 sums in another order (per-rank sums, then all_reduce): rounding only
    expect(dLoss).toBeLessThan(1e-5);
    expect(dWeight).toBeLessThan(1e-5);
    expect(moved).toBeGreaterThan(1e-3); // training did something
    const eps = one.events.flatMap((e) => (e.type === "train.step" ? [e.epsilon!] : []));
    expect(Math.max(...eps.map((e) => e.max))).toBeCloseTo(0.3, 6);
  });

  it("takes online ε over rank 0's stdin: 2 processes give 1 process's ε and losses, and a stop while rank 0 waits for ε ends the run cleanly", async () => {
    // an online estimator as the plugins give one: ε from each sample's mean NLL, fed one sample at
    // a time; its state records what it saw
    const estimator = (onNext: (calls: number) => void = () => {}): OnlineEstimator & { nll: number[] } => {
      const nll: number[] = [];
      return {
        mode: "online",
        nll,
        next(values) {
          nll.push(...values);
          onNext(nll.length);
          return values.map((x) => Math.min(0.3, x / 20));
        },
        state: () => ({ seen: nll.length }),
        restore: () => {},
      };
    };
    const run = async (n: number) => {
      const online = estimator();
      const { trainer } = await makeTorchTrainer({ ...BASE, nprocPerNode: n, maxSteps: 3 }, { runDir: tempDir() });
      const events = await drain(trainer, { samples: samplesOf(samples), online });
      return { losses: losses(events), eps: events.flatMap((e) => (e.type === "train.step" ? [e.epsilon!.mean] : [])), nll: online.nll };
    };
    const [one, two] = [await run(1), await run(2)];
    expect(one.nll.length).toBe(samples.length); // 16 samples in batches of 6, 6, 4: each once
    expect(Math.max(...one.nll.map((x, i) => Math.abs(x - two.nll[i]!)))).toBeLessThan(1e-5);
    expect(Math.max(...one.losses.map((x, i) => Math.abs(x - two.losses[i]!)))).toBeLessThan(1e-5);
    expect(two.eps).toHaveLength(3);
    two.eps.forEach((e, i) => expect(e).toBeCloseTo(one.eps[i]!, 6));
    expect(Math.min(...two.eps)).toBeGreaterThan(0); // ε came from the NLL, not a default

    // stop during step 2's exchange: rank 0 is blocked reading stdin; the plugin ends it with SIGINT
    const controller = new AbortController();
    const online = estimator((calls) => calls === 7 && controller.abort()); // step 2's first sample
    const { trainer, logs } = await makeTorchTrainer({ ...BASE, nprocPerNode: 2, maxSteps: 3, graceSeconds: 40 }, { runDir: tempDir() });
    const events: EventDraft[] = [];
    for await (const event of trainer.train({ samples: samplesOf(samples), online }, { signal: controller.signal }) as AsyncIterable<EventDraft>) events.push(event);
    expect(losses(events)).toHaveLength(1);
    // the processes stopped by themselves at the step boundary (a SIGKILL after graceSeconds says nothing)
    expect(logs.some((m) => m.startsWith("info: the processes stopped after step 1")), logs.join("\n")).toBe(true);
  }, 120_000);

  it("trains with each loss stage on the CPU (DFT, EAFT, ASFT with the adapters off as the base, UAL+EAFT, EAFT sample-mean): finite losses that move the way each loss moves as the targets get likelier, on a repeated batch", async () => {
    const data = samples.slice(0, 8); // batch 8 of 8 samples: every step sees the same batch
    const run = async (loss: Loss, eps?: Map<string, number>) => {
      const { trainer, logs } = await makeTorchTrainer({ ...BASE, batchSize: 8, maxSteps: 5, lr: 2e-2, checkpointEvery: 5 }, { runDir: tempDir() });
      const events = await drain(trainer, { samples: samplesOf(data), loss, ...(eps !== undefined ? { smoothing: eps } : {}) });
      return { losses: losses(events), logs: logs.join("\n") };
    };
    const runs = {
      dft: await run(stageOf("dft", { convention: "reference" })),
      eaft: await run(stageOf("eaft", EAFT)),
      asft: await run(stageOf("asft", { alpha: 0.1, convention: "reference" })),
      "ual+eaft": await run(stageOf("eaft", EAFT), smoothing),
      "eaft sample-mean": await run(stageOf("eaft", EAFT, "sample-mean")),
    };
    for (const [kind, r] of Object.entries(runs)) {
      console.log(`${kind}: losses ${r.losses.map((l) => l.toFixed(4)).join(" ")}`);
      expect(r.losses, kind).toHaveLength(5);
      expect(r.losses.every(Number.isFinite), kind).toBe(true);
      if (kind === "dft" || kind === "asft") {
        // DFT's token loss is −p_y·log p_y, which rises with p_y while p_y < 1/e: here p_y starts
        // near 1/259 (a random byte model), so a rising loss is the targets getting likelier
        expect(r.losses.at(-1)!, kind).toBeGreaterThan(r.losses[0]! + 1e-3);
      } else {
        expect(r.losses.at(-1)!, kind).toBeLessThan(r.losses[0]! - 1e-2);
      }
    }
    expect(runs.asft.logs).toMatch(/loss: asft \{"alpha":0\.1,"convention":"reference"\}, token-mean, anchored to the base model \(the adapters off/);
    // the first step: LoRA's B is 0, so the base is the model and ASFT's KL is 0: ASFT = DFT
    expect(runs.asft.losses[0]).toBeCloseTo(runs.dft.losses[0]!, 6);
    expect(Math.abs(runs.asft.losses[4]! - runs.dft.losses[4]!)).toBeGreaterThan(1e-5);
    // the aggregation and the ε are honoured: the same model, other numbers at step 1
    expect(Math.abs(runs["eaft sample-mean"].losses[0]! - runs.eaft.losses[0]!)).toBeGreaterThan(1e-4);
    expect(Math.abs(runs["ual+eaft"].losses[0]! - runs.eaft.losses[0]!)).toBeGreaterThan(1e-4);
  }, 180_000);

  it("resumes after Ctrl-C on 2 processes from the last checkpoint with identical losses", async () => {
    const options = { ...BASE, nprocPerNode: 2, maxSteps: 6 };
    const whole = await drain((await makeTorchTrainer(options, { runDir: tempDir() })).trainer, { samples: samplesOf(samples), smoothing });
    const dir = tempDir();
    const first = await drain((await makeTorchTrainer(options, { runDir: dir })).trainer, { samples: samplesOf(samples), smoothing }, (e) => e.type === "train.step" && e.step === 3);
    const stoppedAt = Math.max(...first.flatMap((e) => (e.type === "train.step" ? [e.step] : [])));
    expect(stoppedAt).toBeLessThan(6);
    const { trainer, logs } = await makeTorchTrainer(options, { runDir: dir });
    const second = await drain(trainer, { samples: samplesOf(samples), smoothing });
    const resumedFrom = Number(/resuming from .*step-(\d+)/.exec(logs.join("\n"))?.[1]);
    expect(resumedFrom).toBeGreaterThanOrEqual(2);
    const steps = second.flatMap((e) => (e.type === "train.step" ? [e] : []));
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 6 - resumedFrom }, (_, i) => resumedFrom + 1 + i));
    const reference = losses(whole).slice(resumedFrom);
    const delta = Math.max(...steps.map((s, i) => Math.abs(s.loss - reference[i]!)));
    console.log(`resume: stopped after step ${stoppedAt}, resumed from step ${resumedFrom}, max |Δloss| vs uninterrupted ${delta}`);
    expect(delta).toBe(0);
    const a = await adapters(checkpointsOf(whole).at(-1)!);
    const b = await adapters(checkpointsOf(second).at(-1)!);
    for (const [name, w] of a) expect(Array.from(b.get(name)!)).toEqual(Array.from(w));
  }, 180_000);

  it("two nodes on this machine (nnodes 2, nodeRank 0 and 1, rendezvous on 127.0.0.1) train what one node with 2 processes does", async () => {
    const one = await drain((await makeTorchTrainer({ ...BASE, nprocPerNode: 2 }, { runDir: tempDir() })).trainer, { samples: samplesOf(samples), smoothing });
    const port = await freePort();
    const saved = process.env.GLOO_SOCKET_IFNAME;
    process.env.GLOO_SOCKET_IFNAME = "lo"; // both "machines" are this one
    try {
      const node = async (nodeRank: number) =>
        drain((await makeTorchTrainer({ ...BASE, nprocPerNode: 1, nnodes: 2, nodeRank, rdzvEndpoint: `127.0.0.1:${port}` }, { runDir: tempDir() })).trainer, { samples: samplesOf(samples), smoothing });
      const [first, second] = await Promise.all([node(0), node(1)]);
      expect(losses(second)).toEqual([]); // node 1 trains but reports nothing: node 0 writes events and checkpoints
      const dLoss = Math.max(...losses(one).map((l, i) => Math.abs(l - losses(first)[i]!)));
      const a = await adapters(checkpointsOf(one).at(-1)!);
      const b = await adapters(checkpointsOf(first).at(-1)!);
      let dWeight = 0;
      for (const [name, w] of a) w.forEach((x, i) => (dWeight = Math.max(dWeight, Math.abs(x - b.get(name)![i]!))));
      console.log(`2 nodes × 1 process vs 1 node × 2 processes: max |Δloss| ${dLoss}, max |Δweight| ${dWeight}`);
      expect(losses(first)).toHaveLength(4);
      // the same ranks, the same shares, the same all-reduce: identical up to float32 rounding
      expect(dLoss).toBeLessThan(1e-6);
      expect(dWeight).toBeLessThan(1e-6);
    } finally {
      if (saved === undefined) delete process.env.GLOO_SOCKET_IFNAME;
      else process.env.GLOO_SOCKET_IFNAME = saved;
    }
  }, 180_000);

  it("launcher none prepares the run and starts nothing; its printed command trains what launcher processes does, and the manifest run again goes on from its checkpoint", async () => {
    const options = { ...BASE, nprocPerNode: 1, maxSteps: 3 };
    const reference = losses(await drain((await makeTorchTrainer(options, { runDir: tempDir() })).trainer, { samples: samplesOf(samples), smoothing }));
    const dir = tempDir();
    const prepare = async () => drain((await makeTorchTrainer({ ...options, launcher: "none" }, { runDir: dir })).trainer, { samples: samplesOf(samples), smoothing });
    const error = await prepare().then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/launcher none: the run is prepared in .*torch \(plan\.json, ids\.bin, labels\.bin: 16 samples, 3 steps\) and nothing was started/);
    expect(existsSync(join(dir, "checkpoints"))).toBe(false);
    const command = /\n {2}(.+)\n/.exec(error!.message)![1]!.split(" ");
    expect(command.slice(0, 2)).toEqual([PYTHON, SCRIPT]);
    // what the user runs on the training machine, by hand: the script's JSON lines on stdout
    const out = execFileSync(command[0]!, command.slice(1), { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" } });
    const steps = out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { type: string; loss?: number });
    expect(steps.filter((l) => l.type === "step").map((l) => l.loss)).toEqual(reference);
    // the same manifest again: the finished checkpoint is the trainer's result, nothing is started
    const again = await prepare();
    expect(again).toEqual([{ type: "checkpoint", step: 3, path: join(dir, "checkpoints", "step-000003") }]);
  }, 120_000);

  it("launcher none prepares a cuda run on a machine without CUDA (the training machine checks it) and refuses an online estimator", async () => {
    const dir = tempDir();
    const { trainer } = await makeTorchTrainer({ ...BASE, device: "cuda", nprocPerNode: 4, launcher: "none" }, { runDir: dir });
    await expect(drain(trainer, { samples: samplesOf(samples), smoothing })).rejects.toThrow(/-m torch\.distributed\.run --nproc_per_node 4 --nnodes 1 --node_rank 0 .*train\.py .*plan\.json/);
    const plan = JSON.parse(readFileSync(join(dir, "torch", "plan.json"), "utf8")) as Record<string, unknown>;
    expect([plan.device, plan.precision, plan.distributedBackend, plan.gradientCheckpointing]).toEqual(["cuda", "auto", "nccl", true]);
    const online: OnlineEstimator = { mode: "online", next: (v) => [...v], state: () => ({}), restore: () => {} };
    await expect(drain(trainer, { samples: samplesOf(samples), online })).rejects.toThrow(/launcher none cannot train with an online estimator/);
  });

  it("a full fine-tune of a GPT-2 folder writes an HF folder that loadTrainedModel reads, with the trained weights", async () => {
    const folder = makeTinyGpt2(join(tempDir(), "gpt2"));
    const { trainer } = await makeTorchTrainer({ init: folder, nprocPerNode: 2, maxSteps: 2, batchSize: 4, lr: 1e-2, launcher: "processes", threadsPerProcess: 1 }, { runDir: tempDir() });
    const events = await drain(trainer, { samples: samplesOf(samples), smoothing });
    const last = checkpointsOf(events).at(-1)!;
    const saved = await readSafetensors(join(last, "model.safetensors"));
    const base = await readSafetensors(join(folder, "model.safetensors"));
    const after = saved.get("transformer.h.0.attn.c_attn.weight")!.data as Float32Array;
    const before = base.get("h.0.attn.c_attn.weight")!.data as Float32Array;
    expect(after.some((x, i) => Math.abs(x - before[i]!) > 1e-4)).toBe(true);
    await selectBackend("wasm");
    const trained = await loadTrainedModel(last);
    try {
      expect(trained.model.family).toBe("gpt2");
      expect(trained.maxLength).toBe(128);
    } finally {
      trained.model.dispose();
    }
  });

  it("refuses a config it cannot honour at create, naming the key and the value (RoPE scaling of type dynamic)", async () => {
    const folder = join(tempDir(), "llama-dynamic");
    mkdirSync(folder);
    const config = JSON.parse(readFileSync(join(TINY_LLAMA, "config.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(folder, "config.json"), JSON.stringify({ ...config, rope_scaling: { type: "dynamic", factor: 2 } }));
    writeFileSync(join(folder, "model.safetensors"), readFileSync(join(TINY_LLAMA, "model.safetensors")));
    // at create, before anything is launched: the script's own reader (python/_config.py) is asked
    await expect(makeTorchTrainer({ ...BASE, init: folder, maxSteps: 1 }, { runDir: tempDir() })).rejects.toThrow(/config\.json: rope_scaling\.rope_type "dynamic" is not supported: the RoPE types implemented are default, linear, llama3/);
  });

  it("reports a process that dies with its last stderr lines", async () => {
    const folder = makeTinyGpt2(join(tempDir(), "gpt2"));
    // a weight the forward pass needs is missing: the Python process raises and exits
    const text = readFileSync(join(folder, "model.safetensors"));
    const length = Number(text.readBigUInt64LE(0));
    const header = JSON.parse(text.subarray(8, 8 + length).toString()) as Record<string, unknown>;
    delete header["ln_f.bias"];
    let json = Buffer.from(JSON.stringify(header));
    json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(join(folder, "model.safetensors"), Buffer.concat([size, json, text.subarray(8 + length)]));
    const { trainer } = await makeTorchTrainer({ init: folder, nprocPerNode: 2, maxSteps: 2, batchSize: 4, launcher: "processes" }, { runDir: tempDir() });
    await expect(drain(trainer, { samples: samplesOf(samples) })).rejects.toThrow(/rank \d \(processes\) exited with code 1: its last stderr lines:[\s\S]*KeyError: 'transformer\.ln_f\.bias'/);
  });
});

describe("@ual/trainer-torch errors", () => {
  it("names the interpreter it tried and what to install when there is no torch", async () => {
    await expect(makeTorchTrainer({ init: TINY_LLAMA, python: "/nonexistent/python3" }, { runDir: tempDir() })).rejects.toThrow(
      /no Python with torch found \(tried the `python` option: \/nonexistent\/python3: not found\).*apt-get install python3-torch python3-numpy libopenblas0-pthread/,
    );
  });

  it("refuses a folder of an unknown architecture, naming its config.json", async () => {
    const folder = join(tempDir(), "bert");
    mkdirSync(folder);
    writeFileSync(join(folder, "config.json"), JSON.stringify({ architectures: ["BertForMaskedLM"], vocab_size: 100 }));
    await expect(makeTorchTrainer({ init: folder }, { runDir: tempDir() })).rejects.toThrow(`${join(folder, "config.json")}: architecture BertForMaskedLM is not supported (supported: GPT2LMHeadModel, LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)`);
    rmSync(folder, { recursive: true });
  });
});
