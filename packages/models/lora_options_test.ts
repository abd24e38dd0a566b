import { describe, expect, it } from "vitest";
import { resolveLoraOptions } from "./lora_options.ts";

describe("resolveLoraOptions()", () => {
  it("resolveLoraOptions() takes the family's default targets, and treats an undefined field as absent", () => {
    expect(resolveLoraOptions({ r: 4 })).toEqual({ r: 4, alpha: 16, dropout: 0.1, targets: ["q_proj", "v_proj"] });
    expect(resolveLoraOptions({}, "gpt2").targets).toEqual(["c_attn"]);
    expect(resolveLoraOptions({ targets: undefined, alpha: undefined }, "gpt2")).toEqual({ r: 8, alpha: 16, dropout: 0.1, targets: ["c_attn"] });
    expect(resolveLoraOptions({ targets: ["mlp.c_proj"] }).targets).toEqual(["mlp.c_proj"]);
  });

  it("resolveLoraOptions() names the wrong field, and lists the family's layers for an unknown target", () => {
    expect(() => resolveLoraOptions({ r: 0 })).toThrow(/lora.r must be a positive integer, got 0/);
    expect(() => resolveLoraOptions({ targets: [] })).toThrow(/at least one layer/);
    expect(() => resolveLoraOptions({ targets: ["c_attn"] }, "llama")).toThrow(/unknown layer "c_attn" of a Llama-family model \(one of q_proj, k_proj/);
    expect(() => resolveLoraOptions({ targets: ["lm_head"] })).toThrow(/unknown layer "lm_head" \(one of q_proj, .*, c_attn/);
  });
});
