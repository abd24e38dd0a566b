import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { createLlama } from "./create_llama.ts";
import { llamaParameterCount, llamaWeightShapes } from "./llama_config.ts";

const config = { vocabSize: 13, dModel: 16, ffnDim: 24, layers: 2, heads: 4, kvHeads: 2, contextLength: 8 };

for (const backend of ["wasm", "cpu"] as const) {
  describe(`createLlama() on ${backend}`, () => {
    beforeAll(() => selectBackend(backend));

    it("createLlama() names its weights as Hugging Face Llama, [out, in]", () => {
      const model = createLlama(config, { seed: 3 });
      expect([...model.variables.keys()]).toEqual(llamaWeightShapes(config).map(([n]) => n));
      expect(model.variables.get("model.layers.0.self_attn.k_proj.weight")!.shape).toEqual([8, 16]);
      expect([...model.variables.values()].reduce((n, v) => n + v.size, 0)).toBe(llamaParameterCount(config));
      expect(createLlama({ ...config, tieWordEmbeddings: true }).variables.has("lm_head.weight")).toBe(false);
      model.dispose();
    });

    it("createLlama() logits are causal and ignore padded keys", () => {
      const model = createLlama(config, { seed: 1 });
      const full = model.logits(tf.tensor2d([[1, 2, 3, 4]], [1, 4], "int32")).arraySync()[0]!;
      const changedLast = model.logits(tf.tensor2d([[1, 2, 3, 9]], [1, 4], "int32")).arraySync()[0]!;
      for (let t = 0; t < 3; t++) for (let v = 0; v < 13; v++) expect(changedLast[t]![v]).toBeCloseTo(full[t]![v]!, 5);
      const padded = model.logits(tf.tensor2d([[1, 2, 3, 0]], [1, 4], "int32"), [1, 1, 1, 0]).arraySync()[0]!;
      for (let v = 0; v < 13; v++) expect(padded[2]![v]).toBeCloseTo(full[2]![v]!, 5);
      model.dispose();
    });

    it("createLlama() gives gradients to every weight and keeps the tensor count flat", () => {
      const model = createLlama(config, { seed: 2 });
      const ids = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32");
      const step = () => {
        const { grads, value } = tf.variableGrads(() => tf.mean(model.logits(ids)) as tf.Scalar);
        expect(Object.keys(grads).length).toBe(model.variables.size);
        tf.dispose([value, ...Object.values(grads)]);
      };
      step();
      const before = tf.memory().numTensors;
      step();
      expect(tf.memory().numTensors).toBe(before);
      ids.dispose();
      model.dispose();
    });
  });
}
