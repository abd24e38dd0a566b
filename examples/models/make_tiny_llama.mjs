// Writes examples/models/tiny-llama/: a randomly initialised Llama-architecture checkpoint in
// Hugging Face layout (config.json + model.safetensors, ~0.4 MB), standing in for a downloaded
// pretrained model in examples/finetune-lora.yaml. Its 259-token vocabulary is UAL's byte
// tokenizer's, so the folder needs no tokenizer.json. Regenerate with:
//   npm run build && node examples/models/make_tiny_llama.mjs
import { fileURLToPath } from "node:url";
import { createLlama, saveHfModel } from "@ual/models";
import { selectBackend } from "@ual/nn";

await selectBackend("cpu");
const model = createLlama(
  { vocabSize: 259, dModel: 64, ffnDim: 128, layers: 2, heads: 4, kvHeads: 2, contextLength: 384, tieWordEmbeddings: true },
  { seed: 2026 },
);
await saveHfModel({ family: "llama", model }, fileURLToPath(new URL("./tiny-llama", import.meta.url)));
model.dispose();
