import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { definePlugin, type JsonObject, type Trainer } from "@ual/core";
import { type HfModelSpec, hfModelSpec, type LoraFamily, loadTokenizer, readHfChatTemplate, resolveChatFormat, resolveLoraOptions } from "@ual/models";
import { findTorchPython, type TorchPython } from "./find_torch_python.ts";
import { SCRIPT, trainTorch } from "./_train_run.ts";
import { trainerTorchOptions } from "./options.ts";

const NAME = "@ual/trainer-torch";
const CONFIG_READER = join(dirname(SCRIPT), "_config.py");

/** The training script's own reader of config.json (python/_config.py) on the init folder: a refusal names the key and the value, before anything is launched. */
function checkConfig(python: string, folder: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(python, [CONFIG_READER, folder], { encoding: "utf8" }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${NAME}: ${stderr.trim() || error.message}`)) : resolve(),
    ),
  );
}

/** A Python that only reads config.json here (launcher none: torch is the training machine's business). */
function withoutTorch(command: string): TorchPython {
  return { command, executable: command, python: "?", torch: "(none here: launcher none)", cuda: false };
}

/** The init folder's config.json and @ual/models' reading of it (the same as python/_config.py's, which runs too); an unsupported architecture or setting is an error naming it. */
async function readInit(folder: string): Promise<{ config: JsonObject; family: LoraFamily; contextLength: number; vocabSize: number }> {
  const path = join(folder, "config.json");
  let config: JsonObject;
  try {
    config = JSON.parse(await readFile(path, "utf8")) as JsonObject;
  } catch (error) {
    throw new Error(`${NAME}: init ${folder} is not a Hugging Face model folder (${path}: ${(error as Error).message})`);
  }
  let spec: HfModelSpec;
  try {
    spec = hfModelSpec(config, path);
  } catch (error) {
    throw new Error(`${NAME}: ${(error as Error).message}`);
  }
  return { config, family: spec.family, contextLength: spec.context, vocabSize: spec.vocab };
}

/**
 * Fine-tunes a local Hugging Face GPT-2 or Llama-family checkpoint, fully or with LoRA, with
 * per-sample label smoothing (spec §3), or a manifest loss stage that has `spec()` (`@ual/losses`'
 * DFT, EAFT, ASFT; see the README's Losses), in PyTorch on N processes: torchrun where it starts, else
 * N processes with the same env:// rendezvous (gloo on CPU, NCCL on CUDA), on the Python script
 * shipped in the package. The options are `@ual/trainer-tfjs`'s where they mean the same, so
 * switching trainers is one `use:` line; the tokens, batches and lr schedule are computed here,
 * identically to trainer-tfjs. Checkpoints (`<run>/checkpoints/step-N/`) are PEFT adapters or an
 * HF folder, which `loadTrainedModel` and so every evaluator reads; a rerun resumes.
 *
 * @example
 * ```yaml
 * trainer:
 *   use: "@ual/trainer-torch"
 *   with: { init: ./models/tiny-llama, lora: { r: 8, alpha: 16 }, nprocPerNode: 2, maxSteps: 20 }
 * ```
 */
export const plugin = definePlugin({
  name: NAME,
  version: "0.1.0",
  kind: "trainer",
  apiVersion: 1,
  description: "per-sample label-smoothed fine-tuning (or a loss stage's DFT, EAFT, ASFT) of Hugging Face GPT-2 / Llama checkpoints in PyTorch on N processes (torchrun or env:// rendezvous)",
  options: trainerTorchOptions,
  async create(options, context): Promise<Trainer> {
    const init = context.resolvePath(options.init);
    const model = await readInit(init);
    if (options.lora !== undefined) resolveLoraOptions({ ...options.lora }, model.family); // names a target of the wrong family
    if (options.nnodes > 1 && options.rdzvEndpoint === undefined) {
      throw new Error(`${NAME}: nnodes ${options.nnodes} needs rdzvEndpoint (host:port of node 0, reachable from every node)`);
    }
    if (options.nodeRank >= options.nnodes) throw new Error(`${NAME}: nodeRank ${options.nodeRank} must be below nnodes ${options.nnodes}`);
    const initTokenizer = options.tokenizer === "byte" && existsSync(join(init, "tokenizer.json")) ? join(init, "tokenizer.json") : undefined;
    const tokenizerFile = options.tokenizer === "byte" ? initTokenizer : context.resolvePath(options.tokenizer);
    const tokenizer = await loadTokenizer(tokenizerFile ?? "byte");
    if (tokenizer.vocabSize > model.vocabSize) {
      throw new Error(`${NAME}: the tokenizer has ${tokenizer.vocabSize} ids but ${init} has only ${model.vocabSize} embedding rows`);
    }
    const chatFormat = resolveChatFormat(options.template, await readHfChatTemplate(init), init);
    const maxLength = options.maxLength ?? model.contextLength;
    if (maxLength > model.contextLength) throw new Error(`${NAME}: maxLength ${maxLength} exceeds the model's context length ${model.contextLength}`);
    const explicitPython = options.python === undefined ? undefined : options.python.includes("/") ? context.resolvePath(options.python) : options.python;
    // launcher none trains elsewhere: this machine needs only a Python for the config check
    const python = options.launcher === "none" ? await findTorchPython(explicitPython).catch(() => withoutTorch(explicitPython ?? "python3")) : await findTorchPython(explicitPython);
    await checkConfig(python.command, init);
    if (options.device === "cuda" && !python.cuda && options.launcher !== "none") {
      throw new Error(`${NAME}: device cuda, but torch ${python.torch} of ${python.executable} sees no CUDA device (torch.cuda.is_available() is false); use device: cpu or a CUDA build of torch`);
    }
    const tokenizerFiles = tokenizerFile === undefined ? [] : [tokenizerFile, join(dirname(tokenizerFile), "tokenizer_config.json")].filter((f) => existsSync(f));
    const info: JsonObject = {
      init,
      family: model.family,
      ...(options.lora !== undefined ? { lora: { ...options.lora } } : {}),
      tokenizer: tokenizer.name,
      python: python.executable,
      torch: python.torch,
      device: options.device,
      processes: options.nnodes * options.nprocPerNode,
      script: SCRIPT,
    };
    return {
      info: () => info,
      train: (input, call) =>
        trainTorch(
          {
            name: NAME,
            options,
            logger: context.logger,
            runDir: context.runDir,
            runId: context.runId,
            tokenizer,
            tokenizerFiles,
            seed: options.seed ?? context.seed,
            maxLength,
            chatFormat,
            init,
            hfConfig: model.config,
            family: model.family,
            python,
          },
          input,
          call,
        ),
    };
  },
});
