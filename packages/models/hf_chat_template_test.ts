import { describe, expect, it } from "vitest";
import { renderHfChatTemplate } from "./hf_chat_template.ts";

// The shape of Llama-2-chat's and Zephyr's templates, trimmed: role checks, special tokens, generation prompt.
const TEMPLATE =
  "{{ bos_token }}{% for message in messages %}" +
  "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('roles must alternate') }}{% endif %}" +
  "<|{{ message['role'] }}|>\n{{ message['content'] }}{{ eos_token }}\n{% endfor %}" +
  "{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

describe("renderHfChatTemplate()", () => {
  it("renderHfChatTemplate() fills messages, special tokens and the generation prompt", () => {
    const text = renderHfChatTemplate(TEMPLATE, [{ role: "user", content: "Hi" }], { bosToken: "<s>", eosToken: "</s>", addGenerationPrompt: true });
    expect(text).toBe("<s><|user|>\nHi</s>\n<|assistant|>\n");
  });

  it("renderHfChatTemplate() surfaces the template's raise_exception and parse errors", () => {
    expect(() => renderHfChatTemplate(TEMPLATE, [{ role: "assistant", content: "x" }])).toThrow(/roles must alternate/);
    expect(() => renderHfChatTemplate("{% for %}", [])).toThrow(/chat_template/);
  });
});
