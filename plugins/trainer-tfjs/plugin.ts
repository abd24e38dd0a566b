import { definePlugin, type JsonObject, type Trainer } from "@ual/core";
import { GPT2_PRESETS, gpt2ParameterCount, type Gpt2Config, loadTokenizer, resolveGpt2Config, resolveChatTemplate, type Tokenizer } from "@ual/models";
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
 * Fine-tunes a GPT-2-family model on the run's samples with per-sample label smoothing
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
export const plugin = definePlugin({
  name: NAME,
  version: "0.1.0",
  kind: "trainer",
  apiVersion: 1,
  description: "per-sample label-smoothed fine-tuning of GPT-2-family models in TensorFlow.js (wasm, or native TensorFlow when installed)",
  options: trainerOptions,
  async create(options, context): Promise<Trainer> {
    const backend = await selectBackend(options.backend);
    context.logger.info(`backend: ${backend.detail}`, { backend: backend.name });
    const tokenizerFile = options.tokenizer === "byte" ? undefined : context.resolvePath(options.tokenizer);
    const tokenizer = await loadTokenizer(tokenizerFile ?? "byte");
    const config = modelConfig(options.model, tokenizer);
    resolveChatTemplate(options.template);
    const maxLength = options.maxLength ?? config.contextLength;
    if (maxLength > config.contextLength) {
      throw new Error(`${NAME}: maxLength ${maxLength} exceeds the model's context length ${config.contextLength}`);
    }
    const seed = options.seed ?? context.seed;
    const info: JsonObject = {
      backend: backend.name,
      backendDetail: backend.detail,
      model: { ...config },
      parameters: gpt2ParameterCount(config),
      tokenizer: tokenizer.name,
    };
    return {
      info: () => info,
      train: (input, call) =>
        trainLoop(
          { name: NAME, options, logger: context.logger, runDir: context.runDir, backend: backend.name, tokenizer, config, seed, maxLength, ...(tokenizerFile ? { tokenizerFile } : {}) },
          input,
          call,
        ),
    };
  },
});
