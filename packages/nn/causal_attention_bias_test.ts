import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { testBackends, useBackend } from "./_test_backends.ts";
import { causalAttentionBias } from "./causal_attention_bias.ts";

for (const { name, available } of await testBackends()) {
  describe.skipIf(!available)(`on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it("causalAttentionBias() hides future keys and padding, never a whole row", () => {
      const bias = causalAttentionBias([0, 1, 1], 1, 3).arraySync()[0]![0]!;
      const hidden = bias.map((row) => row.map((x) => x < -1e8));
      // query 0 is padding and would see nothing: it sees itself
      expect(hidden).toEqual([
        [false, true, true],
        [true, false, true],
        [true, false, false],
      ]);
      expect(() => causalAttentionBias([1, 1], 1, 3)).toThrow(/2 entries, expected 1×3/);
    });
  });
}
