import { definePlugin, type JsonObject, type Trainer } from "@ual/core";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  GPT2_PRESETS,
  gpt2ConfigFromHf,
  gpt2ParameterCount,
  type Gpt2Config,
  hfArchitecture,
  llamaConfigFromHf,
  llamaParameterCount,
  loadTokenizer,
  resolveGpt2Config,
  readHfChatTemplate,
  resolveChatFormat,
  type Tokenizer,
} from "@ual/models";
import { selectBackend } from "@ual/nn";
import { trainLoop } from "./_train_loop.ts";
import { type TrainerOptions, trainerOptions } from "./options.ts";

const NAME = "@ual/trainer-tfjs";

function modelConfig(model: TrainerOptions["model"], tokenizer: Tokenizer): Required<Gpt2Config> {
  const { preset, ...fields } = typeof model === "string" ? { preset: model } : model;
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const config = resolveGpt2Config({ ...GPT2_PRESETS[preset], vocabSize: tokenizer.vocabSize, ...defined });
  if (config.vocabSize < tokenizer.vocabSize) {
    throw new Error(`${NAME}: model.vocabSize ${config.vocabSize} is smaller than the tokenizer's vocabulary (${tokenizer.vocabSize} ids)`);
  }
  return config;
}

/**
 * The shape of a pretrained Hugging Face folder: its parameter count, and a GPT-2 config of the
 * same width, depth and vocabulary, which is what the micro-batch planner's memory estimate reads
 * (an approximation for the Llama family, whose MLP is SwiGLU).
 */
async function initShape(folder: string): Promise<{ planning: Required<Gpt2Config>; parameters: number }> {
  const path = join(folder, "config.json");
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${NAME}: init ${folder} is not a Hugging Face model folder (${path}: ${(error as Error).message})`);
  }
  if (hfArchitecture(json) === "GPT2LMHeadModel") {
    const config = gpt2ConfigFromHf(json, path);
    return { planning: config, parameters: gpt2ParameterCount(config) };
  }
  const llama = llamaConfigFromHf(json, path);
  const planning = resolveGpt2Config({ vocabSize: llama.vocabSize, contextLength: llama.contextLength, dModel: llama.dModel, layers: llama.layers, heads: llama.dModel % llama.heads === 0 ? llama.heads : 1 });
  return { planning, parameters: llamaParameterCount(llama) };
}

/**
 * Fine-tunes a GPT-2-family model — or, with `init`, a local Hugging Face GPT-2 or Llama-family
 * checkpoint, fully or with LoRA adapters (`lora`) — on the run's samples with per-sample label smoothing
 * (spec §3), in TensorFlow.js: ε per sample from the mapper (`smoothing`), from an online
 * estimator such as `@ual/uncertainty-ppl` (spec §4), or 0. Writes resumable checkpoints to
 * `<run>/checkpoints/step-N/` (Hugging Face GPT-2 weight names); a rerun of an interrupted run
 * continues from the newest one with the same loss curve.
 *
 * @example
 * ```yaml
 * trainer:
 *   use: "@ual/trainer-tfjs"
 *   with: { model: tiny, batchSize: 8, maxSteps: 200, lr: 1e-3, checkpointEvery: 50 }
 * ```
 */
const loggedBackends = new Set<string>();

export const plugin = definePlugin({
  name: NAME,
  version: "0.1.0",
  kind: "trainer",
  apiVersion: 1,
  description: "per-sample label-smoothed fine-tuning of GPT-2-family models in TensorFlow.js (wasm, or native TensorFlow when installed)",
  options: trainerOptions,
  async create(options, context): Promise<Trainer> {
    const backend = await selectBackend(options.backend);
    // Once per process and backend at info level (a matrix trains many cells in one process).
    const level = loggedBackends.has(backend.detail) ? "debug" : "info";
    loggedBackends.add(backend.detail);
    context.logger[level](`backend: ${backend.detail}`, { backend: backend.name });
    const init = options.init === undefined ? undefined : context.resolvePath(options.init);
    const initTokenizer = init !== undefined && options.tokenizer === "byte" && existsSync(join(init, "tokenizer.json")) ? join(init, "tokenizer.json") : undefined;
    const tokenizerFile = options.tokenizer === "byte" ? initTokenizer : context.resolvePath(options.tokenizer);
    const tokenizer = await loadTokenizer(tokenizerFile ?? "byte");
    const pretrained = init === undefined ? undefined : await initShape(init);
    const config = pretrained?.planning ?? modelConfig(options.model, tokenizer);
    if (pretrained !== undefined && tokenizer.vocabSize > config.vocabSize) {
      throw new Error(`${NAME}: the tokenizer has ${tokenizer.vocabSize} ids but ${init} has only ${config.vocabSize} embedding rows`);
    }
    // The model's own chat_template (when `template` is model or auto) comes from the init folder.
    const chatFormat = resolveChatFormat(options.template, init === undefined ? undefined : await readHfChatTemplate(init), init ?? "a model built from scratch");
    const maxLength = options.maxLength ?? config.contextLength;
    if (maxLength > config.contextLength) {
      throw new Error(`${NAME}: maxLength ${maxLength} exceeds the model's context length ${config.contextLength}`);
    }
    const seed = options.seed ?? context.seed;
    const info: JsonObject = {
      backend: backend.name,
      backendDetail: backend.detail,
      model: { ...config },
      parameters: pretrained?.parameters ?? gpt2ParameterCount(config),
      ...(init !== undefined ? { init } : {}),
      ...(options.lora !== undefined ? { lora: { ...options.lora } } : {}),
      tokenizer: tokenizer.name,
    };
    return {
      info: () => info,
      train: (input, call) =>
        trainLoop(
          {
            name: NAME,
            options,
            logger: context.logger,
            runDir: context.runDir,
            backend: backend.name,
            tokenizer,
            config,
            seed,
            maxLength,
            chatFormat,
            ...(tokenizerFile ? { tokenizerFile } : {}),
            ...(init !== undefined ? { init } : {}),
            ...(pretrained !== undefined ? { initParameters: pretrained.parameters } : {}),
            ...(options.lora !== undefined ? { lora: options.lora } : {}),
          },
          input,
          call,
        ),
    };
  },
});
