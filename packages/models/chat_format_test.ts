import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createByteTokenizer } from "./byte_tokenizer.ts";
import { type ChatFormat, readHfChatTemplate, resolveChatFormat } from "./chat_format.ts";
import { chatAnswer, chatPrompt } from "./chat_prompt.ts";
import { renderChat } from "./render_chat.ts";

const tok = createByteTokenizer();
const text = (ids: ArrayLike<number>) => Array.from(ids, (id) => (id === 256 ? "<s>" : id === 257 ? "</s>" : String.fromCharCode(id))).join("");

// ChatML as Qwen2 ships it (structure only): a turn is <|im_start|>role\ncontent<|im_end|>\n.
const CHATML =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
// Llama-2 chat style: BOS and EOS as text from the template's variables, roles checked.
const LLAMA2 =
  "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
  "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'] + ' [/INST]' }}{% else %}{{ ' ' + message['content'] + ' ' + eos_token }}{% endif %}{% endfor %}";

const chatml: ChatFormat = { kind: "hf", chatTemplate: CHATML, bosToken: "", eosToken: "<|im_end|>" };

describe("resolveChatFormat()", () => {
  it("resolveChatFormat() names the built-in templates and takes literal ones", () => {
    expect(resolveChatFormat("reference-single")).toEqual({ kind: "template", name: "reference-single", text: "\n### User: {user}\n\n### Assistant: " });
    expect(resolveChatFormat("Q: {user}\nA: ")).toMatchObject({ kind: "template", text: "Q: {user}\nA: " });
    expect(() => resolveChatFormat("no placeholder")).toThrow(/neither one of ual, reference-single, model, auto/);
  });

  it("resolveChatFormat() takes the model's chat_template for model and auto, and falls back to ual for auto only", () => {
    const source = { chatTemplate: CHATML, bosToken: "", eosToken: "<|im_end|>" };
    expect(resolveChatFormat("model", source)).toEqual({ kind: "hf", ...source });
    expect(resolveChatFormat("auto", source).kind).toBe("hf");
    expect(resolveChatFormat("auto")).toMatchObject({ kind: "template", name: "ual" });
    expect(() => resolveChatFormat("model", undefined, "models/base")).toThrow('template "model": models/base has no chat_template');
  });
});

describe("readHfChatTemplate()", () => {
  it("readHfChatTemplate() reads the template and token texts, the default of a named list, or nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ual-template-"));
    expect(await readHfChatTemplate(dir)).toBeUndefined();
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ bos_token: { content: "<s>" }, eos_token: "</s>" }));
    expect(await readHfChatTemplate(dir)).toBeUndefined();
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ bos_token: { content: "<s>" }, eos_token: "</s>", chat_template: LLAMA2 }));
    expect(await readHfChatTemplate(dir)).toEqual({ chatTemplate: LLAMA2, bosToken: "<s>", eosToken: "</s>" });
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ chat_template: [{ name: "tool_use", template: "x" }, { name: "default", template: CHATML }] }));
    expect((await readHfChatTemplate(dir))?.chatTemplate).toBe(CHATML);
    writeFileSync(join(dir, "tokenizer_config.json"), "{ not json");
    await expect(readHfChatTemplate(dir)).rejects.toThrow(`${join(dir, "tokenizer_config.json")}: not valid JSON`);
  });
});

describe("renderChat() with a model's chat_template", () => {
  const dialogue = [
    { role: "system", content: "Be brief." },
    { role: "user", content: "2+2?" },
    { role: "assistant", content: "4" },
    { role: "user", content: "3+3?" },
    { role: "assistant", content: "6" },
  ] as const;

  it("renderChat() renders the whole dialogue as the template does and learns only the assistant turns with their end tokens", () => {
    const r = renderChat(dialogue, tok, { template: chatml });
    const whole =
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>\n" +
      "<|im_start|>user\n3+3?<|im_end|>\n<|im_start|>assistant\n6<|im_end|>\n";
    // the byte tokenizer sees no EOS in the template's text, so EOS follows each response
    expect(text(r.inputIds)).toBe(whole.replace("4<|im_end|>\n", "4<|im_end|>\n</s>").replace("6<|im_end|>\n", "6<|im_end|>\n</s>"));
    const learned = text(Array.from(r.labels).filter((l) => l !== -1));
    expect(learned).toBe("4<|im_end|>\n</s>6<|im_end|>\n</s>");
  });

  it("renderChat() lets a template that writes BOS and EOS place them itself", () => {
    // A tokenizer whose special tokens are real tokens in the text: "<s>" and "</s>" each map to one id.
    const special = { ...tok, encode: (s: string) => s.split(/(<s>|<\/s>)/).flatMap((part) => (part === "<s>" ? [256] : part === "</s>" ? [257] : tok.encode(part))) };
    const llama2: ChatFormat = { kind: "hf", chatTemplate: LLAMA2, bosToken: "<s>", eosToken: "</s>" };
    const r = renderChat(dialogue.slice(1), special, { template: llama2 });
    expect(text(r.inputIds)).toBe("<s>[INST] 2+2? [/INST] 4 </s><s>[INST] 3+3? [/INST] 6 </s>");
    expect(text(Array.from(r.labels).filter((l) => l !== -1))).toBe(" 4 </s> 6 </s>");
    expect(() => renderChat(dialogue, special, { template: llama2 })).toThrow("chat_template: Conversation roles must alternate");
  });

  it("renderChat() refuses a template whose earlier text changes as the dialogue grows", () => {
    const unstable: ChatFormat = { kind: "hf", chatTemplate: "{{ messages | length }}{% for m in messages %}{{ m.content }}{% endfor %}", bosToken: "", eosToken: "" };
    expect(() => renderChat(dialogue.slice(1), tok, { template: unstable })).toThrow("cannot be told apart");
  });

  it("chatPrompt() is the template's rendering with the generation prompt, exactly the prompt renderChat trains on", () => {
    const prompt = chatPrompt("2+2?", tok, chatml);
    expect(text(prompt)).toBe("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n");
    const r = renderChat([{ role: "user", content: "2+2?" }, { role: "assistant", content: "4" }], tok, { template: chatml });
    expect(Array.from(r.inputIds.slice(0, prompt.length))).toEqual(prompt);
    expect(r.labels.slice(0, prompt.length).every((l) => l === -1)).toBe(true);
  });

  it("chatAnswer() splits a question and answer where training's loss mask does, for either kind of template", () => {
    const plain = chatAnswer("2+2?", "4", tok);
    expect(plain.prompt).toEqual(chatPrompt("2+2?", tok));
    expect(text(plain.continuation)).toBe("4</s>");
    const chat = chatAnswer("2+2?", "4", tok, chatml);
    expect(chat.prompt).toEqual(chatPrompt("2+2?", tok, chatml));
    expect(text(chat.continuation)).toBe("4<|im_end|>\n</s>");
  });
});
