import { chatPrompt, createByteTokenizer, renderHfChatTemplate, resolveChatFormat } from "@ual/models";
import { describe, expect, it } from "vitest";
import { dialoguePrompt } from "./_dialogue_prompt.ts";

const tokenizer = createByteTokenizer();
const chatTemplate = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}<|end|>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";
const hf = resolveChatFormat("model", { chatTemplate, bosToken: "", eosToken: "" });
const ual = resolveChatFormat("ual");

describe("dialoguePrompt", () => {
  it("dialoguePrompt() of a first turn is chatPrompt(), for a {user} template and a chat_template", () => {
    expect(dialoguePrompt(["Hi"], [], tokenizer, ual)).toEqual(chatPrompt("Hi", tokenizer, ual));
    expect(dialoguePrompt(["Hi"], [], tokenizer, hf)).toEqual(chatPrompt("Hi", tokenizer, hf));
  });

  it("dialoguePrompt() of a later turn holds the earlier exchanges as renderChat() trains on them (end tokens included)", () => {
    const ualPrompt = [tokenizer.bos, ...tokenizer.encode("\n\n### User: Hi\n\n### Assistant: "), ...tokenizer.encode("Hello"), tokenizer.eos, tokenizer.bos, ...tokenizer.encode("\n\n### User: Bye\n\n### Assistant: ")];
    expect(dialoguePrompt(["Hi", "Bye"], ["Hello"], tokenizer, ual)).toEqual(ualPrompt);
    // A chat_template's exchange ends with its own end-of-turn text; the byte tokenizer's EOS follows, as in training.
    const render = (messages: Array<{ role: "user" | "assistant"; content: string }>, addGenerationPrompt: boolean) =>
      renderHfChatTemplate(chatTemplate, messages, { addGenerationPrompt, bosToken: "", eosToken: "" });
    const done = render([{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }], false);
    const next = render([{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }, { role: "user", content: "Bye" }], true);
    expect(dialoguePrompt(["Hi", "Bye"], ["Hello"], tokenizer, hf)).toEqual([...tokenizer.encode(done), tokenizer.eos, ...tokenizer.encode(next.slice(done.length))]);
  });

  it("dialoguePrompt() needs one answer fewer than user turns", () => {
    expect(() => dialoguePrompt(["Hi", "Bye"], [], tokenizer, ual)).toThrow("2 user turns need 1 earlier answers");
  });
});
