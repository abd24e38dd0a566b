import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { createGpt2 } from "./create_gpt2.ts";
import { loadGpt2Weights, saveGpt2Weights } from "./gpt2_weights.ts";

const config = { vocabSize: 11, contextLength: 8, dModel: 16, layers: 2, heads: 4 };

for (const backend of ["wasm", "cpu"] as const) {
  describe(`GPT-2 weights on ${backend}`, () => {
    beforeAll(() => selectBackend(backend));

    it("saveGpt2Weights() and loadGpt2Weights() round-trip every weight exactly", async () => {
      const a = createGpt2(config, { seed: 3 });
      const b = createGpt2(config, { seed: 4 });
      const path = join(mkdtempSync(join(tmpdir(), "ual-gpt2-")), "model.safetensors");
      await saveGpt2Weights(a, path);
      await loadGpt2Weights(b, path);
      for (const [name, v] of a.variables) expect(Array.from(b.variables.get(name)!.dataSync())).toEqual(Array.from(v.dataSync()));
      const wrong = createGpt2({ ...config, dModel: 8, heads: 2 });
      await expect(loadGpt2Weights(wrong, path)).rejects.toThrow(/transformer.wte.weight is \[11,16\], the model's is \[11,8\]/);
      for (const m of [a, b, wrong]) m.dispose();
    });
  });
}
