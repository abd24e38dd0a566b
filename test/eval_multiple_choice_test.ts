import * as tf from "@tensorflow/tfjs-core";
import { type EventDraft, type Sample, usePlugin } from "@ual/core";
import { choiceLetter, letterPrompt, plugin as multipleChoice } from "@ual/eval-multiple-choice";
import { chatPrompt, loadTrainedModel } from "@ual/models";
import { testbedMultipleChoice } from "@ual/testbed";
import { plugin as trainer } from "@ual/trainer-tfjs";
import { describe, expect, it } from "vitest";
import { tempDir } from "./_cli.ts";

type EvalEvent = Extract<EventDraft, { type: "eval" }>;

/** Letter-format multiple-choice dialogues from training prompts: the user asks, the assistant answers with the letter. */
function letterDialogues(count: number): Sample[] {
  return testbedMultipleChoice({ split: "train", count, seed: 4 }).map((item) => ({
    id: item.id,
    turns: [
      { role: "user", content: letterPrompt({ ...item, subset: "train", kind: "question" }) },
      { role: "assistant", content: choiceLetter(item.answer) },
    ],
    metadata: {},
  }));
}

async function collect(iterable: unknown): Promise<EventDraft[]> {
  const events: EventDraft[] = [];
  for await (const e of iterable as AsyncIterable<EventDraft>) events.push(e);
  return events;
}

describe("@ual/trainer-tfjs → @ual/eval-multiple-choice", () => {
  it("a GPT-2 trained for a few steps to answer with a letter is scored on held-out testbed questions by both methods", async () => {
    const runDir = tempDir();
    const samples = letterDialogues(48);
    const train = await usePlugin(trainer, { model: { preset: "tiny", dModel: 32, layers: 2, heads: 2, contextLength: 256 }, backend: "wasm", maxSteps: 30, lr: 3e-3, batchSize: 8 }, { runDir, seed: 3 });
    const trained = await collect(train.train({ samples: () => (async function* () { yield* samples; })() }, { signal: new AbortController().signal }));
    const checkpoint = trained.find((e) => e.type === "checkpoint") as Extract<EventDraft, { type: "checkpoint" }>;
    expect(checkpoint).toBeDefined();

    const testbed = { count: 40, choices: 4, seed: 0 };
    const evaluator = await usePlugin(multipleChoice, { data: { testbed }, methods: ["loglik", "letter"], sampledRuns: 200, backend: "wasm" }, { runDir });
    const events = (await collect(evaluator.evaluate({ artifacts: { model: checkpoint.path }, samples: () => (async function* () {})() }, { signal: new AbortController().signal }))) as EvalEvent[];
    const get = (metric: string) => events.find((e) => e.metric === metric && e.subset === "testbed") as EvalEvent;
    expect(events.map((e) => e.metric)).toEqual(["acc", "acc_norm", "acc_norm_tokens", "best_of_n", "best_of_n_sampled", "first_token_acc"]);

    // the trained model answers with letters: an untrained one puts ≈ 4/259 on A–D, so P_gold ≈ 0.004
    const analytic = get("best_of_n");
    expect((analytic.details as { meanGoldMass: number }).meanGoldMass).toBeGreaterThan(0.1);
    const sampled = get("best_of_n_sampled");
    const { samplingSd } = sampled.details as { samplingSd: number };
    expect(samplingSd).toBeGreaterThan(0);
    expect(Math.abs(sampled.value - analytic.value)).toBeLessThan(4.5 * samplingSd);

    // loglik, recomputed from the checkpoint's logits one sequence at a time
    const { model, tokenizer, template } = await loadTrainedModel(checkpoint.path);
    try {
      const items = testbedMultipleChoice(testbed);
      let correct = 0;
      for (const item of items) {
        const prompt = chatPrompt(item.question, tokenizer, template);
        const scores = item.choices.map((choice) => {
          const continuation = [...tokenizer.encode(choice), tokenizer.eos];
          const ids = [...prompt, ...continuation];
          const logProbs = tf.tidy(() => tf.logSoftmax(model.logits(tf.tensor2d([ids], [1, ids.length], "int32"))).dataSync());
          const v = model.config.vocabSize;
          let sum = 0;
          for (let j = prompt.length; j < ids.length; j++) sum += logProbs[(j - 1) * v + ids[j]!]!;
          return sum;
        });
        if (scores.indexOf(Math.max(...scores)) === item.answer) correct++;
      }
      expect(get("acc").value).toBeCloseTo(correct / items.length, 12);
    } finally {
      model.dispose();
    }
  }, 120_000);
});
