// The last part of `npm run pretrain-base`: the base's and a random model's scores on the probes,
// measured through the evaluator plugins exactly as a manifest runs them, and the folder's
// README.md written from training.json (so that every figure in it comes from this run).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, usePlugin } from "@ual/core";
import { plugin as multipleChoice } from "@ual/eval-multiple-choice";
import { plugin as evalNll } from "@ual/eval-nll";
import { createGpt2, saveHfModel } from "@ual/models";
import { selectBackend } from "@ual/nn";

async function evaluate(plugin, options, model) {
  const evaluator = await usePlugin(plugin, options, { baseDir: "/", logger: createLogger(() => {}) });
  const events = [];
  const start = Date.now();
  const run = evaluator.evaluate({ artifacts: { model }, samples: () => (async function* () {})() }, { signal: new AbortController().signal });
  for await (const e of run) if (e.type === "eval") events.push(e);
  const seconds = (Date.now() - start) / 1000;
  const pick = (metric) => {
    const e = events.find((x) => x.metric === metric);
    return e === undefined ? undefined : { value: Number(e.value.toFixed(4)), ...(e.ci95 !== undefined ? { ci95: Number(e.ci95.toFixed(4)) } : {}) };
  };
  return { nll: pick("nll"), acc: pick("acc"), acc_norm: pick("acc_norm"), seconds: Number(seconds.toFixed(1)) };
}

/** Scores the base in `out` and a random model of its shape on the probes in `data`; writes training.json's `probes` and README.md. */
export async function finish(out, data, log) {
  await selectBackend("wasm");
  const summary = JSON.parse(readFileSync(join(out, "training.json"), "utf8"));
  const random = mkdtempSync(join(tmpdir(), "ual-base-random-"));
  const model = createGpt2(summary.shape, { seed: 1 });
  await saveHfModel({ family: "gpt2", model }, random);
  model.dispose();
  for (const f of ["tokenizer.json", "tokenizer_config.json"]) copyFileSync(join(out, f), join(random, f));
  const text = join(data, "base-text-heldout.jsonl");
  const cloze = join(data, "base-cloze-heldout.jsonl");
  const nllOptions = { backend: "wasm", data: { text, subset: "base-text" } };
  const mcOptions = { backend: "wasm", data: { jsonl: cloze, format: "hellaswag", subset: "base-cloze" } };
  const scores = {};
  for (const [name, dir] of [["base", out], ["random-init", random]]) {
    const nll = await evaluate(evalNll, nllOptions, dir);
    const mc = await evaluate(multipleChoice, mcOptions, dir);
    scores[name] = { textNll: nll.nll, textSeconds: nll.seconds, clozeAcc: mc.acc, clozeAccNorm: mc.acc_norm, clozeSeconds: mc.seconds };
    log(`${name}: base-text NLL/token ${nll.nll.value} (${nll.seconds} s), cloze acc ${mc.acc.value} ± ${mc.acc.ci95}, acc_norm ${mc.acc_norm.value} ± ${mc.acc_norm.ci95} (${mc.seconds} s)`);
  }
  rmSync(random, { recursive: true, force: true });
  summary.probeScores = scores;
  writeFileSync(join(out, "training.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(out, "README.md"), readme(summary));
}

function readme(s) {
  const t = s.training;
  const b = s.probeScores.base;
  const r = s.probeScores["random-init"];
  const pct = (x) => `${(100 * x.value).toFixed(1)}% ± ${(100 * x.ci95).toFixed(1)}`;
  return `# ual-base

A small GPT-2 (\`GPT2LMHeadModel\`) pretrained by this project on public-domain English, as the base
model the quickstart aligns (SFT vs label smoothing vs UAL, fully fine-tuned or with LoRA) and whose forgetting the
base-capability probes measure. Made by \`npm run pretrain-base\` (\`examples/base-model/pretrain.mjs\`).

| | |
|---|---|
| shape | d ${s.shape.dModel}, ${s.shape.layers} layers, ${s.shape.heads} heads, context ${s.shape.contextLength}, vocabulary ${s.shape.vocabSize} (tied embeddings) |
| tokenizer | byte-level BPE trained by \`@ual/bpe\` on the train passages (GPT-2 pre-tokenization, ${s.tokenizer.merges} merges, \`<|endoftext|>\` id 0 as BOS, EOS and padding) |
| chat template | \`tokenizer_config.json\`: each user turn \`<|endoftext|>Q: {content}\\nA:\`, each answer \` {content}<|endoftext|>\` (words the tokenizer has, and the answer keeps its leading space, as in pretraining) |
| training | ${t.steps} steps of ${t.batch} random windows of ${t.window} tokens = ${t.tokensSeen.toLocaleString("en")} tokens (${(t.tokensSeen / s.corpus.trainTokens).toFixed(2)} epochs); AdamW (weight decay ${t.weightDecay}, none on biases, LayerNorms and positions), peak lr ${t.peakLr}, ${t.warmup} warmup steps then cosine to 0, gradient clip ${t.gradClip}, plain cross-entropy (\`smoothedCrossEntropy\`, ε = 0), seed ${t.seed} |
| time | ${t.seconds} s of training (the whole script a little more) on 2 shared cores |
| backend | ${t.backend} |
| held-out NLL | ${s.heldoutNllPerToken} nats/token on the ${s.probes.text} held-out texts of the probe (raw text after BOS) |
| \`model.safetensors\` SHA-256 | \`${s.sha256}\` |

## Corpus

${s.corpus.sources.map((x) => `- \`${x.package}\`: ${x.what}; ${x.licence}.`).join("\n")}

Moby-Dick is cut into its paragraphs, the addresses (stored without paragraph breaks) into runs of
sentences of about 600 characters; duplicates are kept once. Each passage goes to held-out when
the first 4 bytes of the SHA-256 of its text, mod 1000, are below ${s.corpus.heldoutPerMille}: ${s.corpus.passages} passages,
${s.corpus.trainPassages} for training (${s.corpus.trainTokens.toLocaleString("en")} tokens with an \`<|endoftext|>\` before each) and
${s.corpus.heldoutPassages} held out, which neither the tokenizer nor the model ever saw.

## Probes (\`examples/data/\`)

- \`base-text-heldout.jsonl\`: ${s.probes.text} held-out passages (cut at a sentence to fit the context) as
  \`{"text"}\` records, for \`@ual/eval-nll\` with \`data: { text: …, subset: base-text }\`: NLL per token
  after BOS, no chat template.
- \`base-cloze-heldout.jsonl\`: ${s.probes.cloze} HellaSwag-shaped items (\`ctx\`, 4 \`endings\`, \`label\`): a
  held-out passage's first 12 words, the 6 words that follow them, and the 6 words that follow the
  opening of three other held-out passages, nearest in token length; for \`@ual/eval-multiple-choice\` (\`format:
  hellaswag\`, raw text: BOS + context, then " ending").

| model | base-text NLL/token | cloze acc | cloze acc_norm |
|---|---|---|---|
| ual-base | ${b.textNll.value} | ${pct(b.clozeAcc)} | ${pct(b.clozeAccNorm)} |
| random init, same shape | ${r.textNll.value} | ${pct(r.clozeAcc)} | ${pct(r.clozeAccNorm)} |

(± is the 95% normal interval over the items; chance is 25%.) Evaluating the base took
${b.textSeconds} s (text) and ${b.clozeSeconds} s (cloze) on the wasm backend.

## Reproduce

\`\`\`sh
npm ci && npm run pretrain-base     # rewrites this folder and the two probe files
UAL_PRETRAIN_OUT=/tmp/again npm run pretrain-base   # or elsewhere, to compare: cmp /tmp/again/ual-base/model.safetensors examples/models/ual-base/model.safetensors
\`\`\`

Everything is seeded and the data order fixed, so a rerun on the same machine gives the same bytes.
The matmuls run on OpenBLAS when it is there (else XNNPACK): another BLAS build, CPU kernel or
thread count can change float rounding, and then the weights differ at the level of float32
rounding amplified by training — the probe scores stay within their intervals, the hash does not.
`;
}
