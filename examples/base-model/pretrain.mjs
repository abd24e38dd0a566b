// npm run pretrain-base: builds examples/models/ual-base, the small pretrained GPT-2 the
// quickstart aligns, and the probes of what it knows (examples/data/base-*.jsonl), from nothing
// but the npm data packages — deterministically (see README.md in the model folder).
//
//   corpus → byte-level BPE (@ual/bpe) → GPT-2 (d 128, 4 layers, 4 heads, context 128) trained on
//   random windows of the train passages with AdamW and a cosine schedule, plain cross-entropy
//   (smoothedCrossEntropy, ε = 0) → Hugging Face folder → held-out NLL and the cloze probe.
//
// UAL_PRETRAIN_STEPS overrides the step count (for a quick look; the committed model uses the
// default); UAL_PRETRAIN_OUT writes the model folder and the probes under another folder (to
// compare a rerun with the committed files: `cmp` them, or compare the SHA-256 in training.json).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { bpeTokenizerJson, trainBpe } from "@ual/bpe";
import { createGpt2, loadHfTokenizer, saveHfModel, scoreContinuations } from "@ual/models";
import { clipGradNorm, createAdamW, createRng, learningRateAt, selectBackend, smoothedCrossEntropy } from "@ual/nn";
import { buildCorpus, HELDOUT_PER_MILLE, SOURCES } from "./corpus.mjs";
import { finish } from "./finish.mjs";
import { buildProbes } from "./probes.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const OUT = process.env.UAL_PRETRAIN_OUT ? join(process.env.UAL_PRETRAIN_OUT, "ual-base") : join(root, "examples/models/ual-base");
const DATA = process.env.UAL_PRETRAIN_OUT ?? join(root, "examples/data");

export const SHAPE = { vocabSize: 4096, contextLength: 128, dModel: 128, layers: 4, heads: 4 };
const TRAIN = {
  steps: Number(process.env.UAL_PRETRAIN_STEPS ?? 1500),
  batch: 16,
  window: 128,
  peakLr: 3e-3,
  warmup: 100,
  weightDecay: 0.01,
  gradClip: 1,
  seed: 20261203,
};
const EOS = "<|endoftext|>";

const t0 = Date.now();
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);

const backend = await selectBackend("wasm");
log(`backend: ${backend.detail}`);

// 1. Corpus.
const passages = buildCorpus();
const train = passages.filter((p) => p.split === "train");
const heldout = passages.filter((p) => p.split === "heldout");
log(`corpus: ${passages.length} passages (${train.length} train, ${heldout.length} held out), ${passages.reduce((a, p) => a + p.text.length, 0)} characters`);

// 2. Tokenizer, on the train passages only.
const bpe = trainBpe(train.map((p) => p.text), { vocabSize: SHAPE.vocabSize, specialTokens: [EOS] });
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, "tokenizer.json"), `${JSON.stringify(bpeTokenizerJson(bpe))}\n`);
// "Q: …\nA:" then " answer": words this tokenizer has (it splits "### User" into six pieces),
// and no trailing space after the colon, so that the answer's first word keeps the leading space
// it carries everywhere in pretraining (a lone " " token before a bare word is a pairing the base
// never saw). Half the template tokens of spec §5.4's format, so alignment runs twice as fast.
const chatTemplate =
  "{% for message in messages %}{% if message['role'] == 'user' %}{{ bos_token + 'Q: ' + message['content'] + '\\nA:' }}" +
  "{% elif message['role'] == 'assistant' %}{{ ' ' + message['content'] + eos_token }}{% endif %}{% endfor %}";
writeFileSync(
  join(OUT, "tokenizer_config.json"),
  `${JSON.stringify({ tokenizer_class: "GPT2TokenizerFast", bos_token: EOS, eos_token: EOS, unk_token: EOS, pad_token: EOS, model_max_length: SHAPE.contextLength, add_prefix_space: false, chat_template: chatTemplate }, null, 2)}\n`,
);
const tokenizer = await loadHfTokenizer(join(OUT, "tokenizer.json"));
log(`tokenizer: ${bpe.vocab.length} tokens (${bpe.merges.length} merges)`);

// 3. The training stream: EOS before every passage, as a document separator (and as the BOS the probes score after).
const encoded = train.map((p) => [tokenizer.eos, ...tokenizer.encode(p.text)]);
const streamLength = encoded.reduce((a, e) => a + e.length, 0);
const stream = new Int32Array(streamLength);
let at = 0;
for (const e of encoded) {
  stream.set(e, at);
  at += e.length;
}
log(`train stream: ${streamLength} tokens (${(train.reduce((a, p) => a + p.text.length, 0) / streamLength).toFixed(2)} characters per token)`);

// 4. Pretraining.
const model = createGpt2(SHAPE, { seed: TRAIN.seed });
const adam = createAdamW(model.variables, { weightDecay: TRAIN.weightDecay, noDecay: (name) => name.endsWith(".bias") || /\.ln_|ln_f|wpe/.test(name) });
const rng = createRng(TRAIN.seed);
const schedule = { schedule: "cosine", peak: TRAIN.peakLr, totalSteps: TRAIN.steps, warmupSteps: TRAIN.warmup };
const trainStart = Date.now();
let recent = [];
for (let step = 0; step < TRAIN.steps; step++) {
  const ids = new Int32Array(TRAIN.batch * TRAIN.window);
  for (let b = 0; b < TRAIN.batch; b++) {
    const start = rng.int(streamLength - TRAIN.window);
    ids.set(stream.subarray(start, start + TRAIN.window), b * TRAIN.window);
  }
  const loss = tf.tidy(() => {
    const x = tf.tensor2d(ids, [TRAIN.batch, TRAIN.window], "int32");
    const { value, grads } = tf.variableGrads(() => smoothedCrossEntropy(model.logits(x), x, 0), [...model.variables.values()]);
    const byName = {};
    for (const [name, v] of model.variables) byName[name] = grads[v.name];
    const clipped = clipGradNorm(byName, TRAIN.gradClip);
    adam.update(clipped.grads, learningRateAt(step, schedule));
    return value.dataSync()[0];
  });
  recent.push(loss);
  if ((step + 1) % 50 === 0 || step === 0) {
    const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
    const rate = ((step + 1) * TRAIN.batch * TRAIN.window) / ((Date.now() - trainStart) / 1000);
    log(`step ${step + 1}/${TRAIN.steps}: loss ${mean.toFixed(3)}, lr ${learningRateAt(step, schedule).toExponential(2)}, ${rate.toFixed(0)} tokens/s, ${tf.memory().numTensors} tensors`);
    recent = [];
  }
}
const trainSeconds = (Date.now() - trainStart) / 1000;
const tokensSeen = TRAIN.steps * TRAIN.batch * TRAIN.window;
adam.dispose();
await saveHfModel({ family: "gpt2", model }, OUT);
const sha = createHash("sha256").update(readFileSync(join(OUT, "model.safetensors"))).digest("hex");
log(`trained ${TRAIN.steps} steps (${tokensSeen} tokens) in ${trainSeconds.toFixed(0)} s; model.safetensors sha256 ${sha}`);

// 5. Probes from the held-out passages, and the base's scores on them.
const probes = buildProbes(heldout, tokenizer, SHAPE.contextLength);
writeFileSync(join(DATA, "base-text-heldout.jsonl"), probes.text.map((r) => JSON.stringify(r)).join("\n") + "\n");
writeFileSync(join(DATA, "base-cloze-heldout.jsonl"), probes.cloze.map((r) => JSON.stringify(r)).join("\n") + "\n");
const nllItems = probes.text.map((r) => ({ prompt: [tokenizer.eos], continuation: tokenizer.encode(r.text) }));
const scores = scoreContinuations(model, nllItems, { batchSize: 32 });
const nll = -scores.reduce((a, s) => a + s.logProb, 0) / scores.reduce((a, s) => a + s.tokens, 0);
log(`probes: ${probes.text.length} held-out texts (${scores.reduce((a, s) => a + s.tokens, 0)} tokens; NLL/token ${nll.toFixed(4)}), ${probes.cloze.length} cloze items`);
model.dispose();

const summary = {
  shape: SHAPE,
  training: { ...TRAIN, tokensSeen, seconds: Math.round(trainSeconds), backend: backend.detail },
  corpus: {
    sources: SOURCES,
    passages: passages.length,
    trainPassages: train.length,
    heldoutPassages: heldout.length,
    heldoutPerMille: HELDOUT_PER_MILLE,
    trainTokens: streamLength,
  },
  tokenizer: { vocabSize: bpe.vocab.length, merges: bpe.merges.length },
  heldoutNllPerToken: Number(nll.toFixed(4)),
  probes: { text: probes.text.length, cloze: probes.cloze.length },
  sha256: sha,
};
writeFileSync(join(OUT, "training.json"), `${JSON.stringify(summary, null, 2)}\n`);
await finish(OUT, DATA, log);
log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s; wrote ${OUT}`);
