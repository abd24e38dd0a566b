/**
 * `@ual/trainer-torch`: the UAL trainer on PyTorch — per-sample label-smoothed fine-tuning of a
 * Hugging Face GPT-2 or Llama-family checkpoint, fully or with LoRA, on N processes (torchrun or
 * env:// rendezvous), resumable, with checkpoints the evaluators read.
 *
 * @module
 */
export { plugin } from "./plugin.ts";
export { trainerTorchOptions, type TrainerTorchOptions } from "./options.ts";
export { findTorchPython, type TorchPython } from "./find_torch_python.ts";
