import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chatPrompt, createLlama, loadTrainedModel, saveHfModel } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { arithmetic, drain, losses, makeTrainer, runDir, samplesOf } from "./_test_helpers.ts";

const input = { samples: samplesOf(arithmetic(8)) };
// A chat template whose rendering is unmistakable in the token count: every turn is wrapped in
// [role]…[/role] and the generation prompt opens an assistant turn.
const TEMPLATE = "{% for m in messages %}[{{ m.role }}]{{ m.content }}[/{{ m.role }}]{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}";
let base = "";

describe("@ual/trainer-tfjs template", () => {
  beforeAll(async () => {
    await selectBackend("wasm");
    base = join(runDir(), "tiny-chat-llama");
    const model = createLlama({ vocabSize: 259, dModel: 32, ffnDim: 64, layers: 2, heads: 4, kvHeads: 2, contextLength: 96, tieWordEmbeddings: true }, { seed: 5 });
    await saveHfModel({ family: "llama", model }, base);
    model.dispose();
    writeFileSync(join(base, "tokenizer_config.json"), JSON.stringify({ chat_template: TEMPLATE, bos_token: "<s>", eos_token: "</s>" }));
  });

  it("train() with the default template uses the init model's chat_template and records it as model", async () => {
    const dir = runDir();
    const { trainer } = await makeTrainer({ backend: "wasm", init: base, lora: {}, maxSteps: 2, batchSize: 4, checkpointEvery: 2 }, { runDir: dir });
    const events = await drain(trainer, input);
    expect(losses(events)).toHaveLength(2);
    const config = JSON.parse(readFileSync(join(dir, "checkpoints", "step-000002", "config.json"), "utf8")) as { ual: { template: string } };
    expect(config.ual.template).toBe("model");
    // evaluation prompts exactly as training rendered: the checkpoint carries the chat_template
    const trained = await loadTrainedModel(join(dir, "checkpoints", "step-000002"));
    try {
      expect(trained.template).toEqual({ kind: "hf", chatTemplate: TEMPLATE, bosToken: "<s>", eosToken: "</s>" });
      expect(trained.tokenizer.decode(chatPrompt("2+2?", trained.tokenizer, trained.template))).toBe("[user]2+2?[/user][assistant]");
    } finally {
      trained.model.dispose();
    }
  });

  it("train() with template ual ignores the chat_template, and the two render different tokens", async () => {
    const withModel = await drain((await makeTrainer({ backend: "wasm", init: base, template: "model", maxSteps: 1, batchSize: 8 }, { runDir: runDir() })).trainer, input);
    const dir = runDir();
    const withUal = await drain((await makeTrainer({ backend: "wasm", init: base, template: "ual", maxSteps: 1, batchSize: 8, checkpointEvery: 1 }, { runDir: dir })).trainer, input);
    const config = JSON.parse(readFileSync(join(dir, "checkpoints", "step-000001", "config.json"), "utf8")) as { ual: { template: string } };
    expect(config.ual.template).toBe("ual");
    // the same samples, rendered two ways: the first step's losses differ
    expect(losses(withModel)[0]).not.toBeCloseTo(losses(withUal)[0]!, 4);
  });

  it("makeTrainer() refuses template model for a model built from scratch, naming why", async () => {
    await expect(makeTrainer({ backend: "wasm", template: "model", maxSteps: 1 }, { runDir: runDir() })).rejects.toThrow(
      'template "model": a model built from scratch has no chat_template',
    );
  });
});
