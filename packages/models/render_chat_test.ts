import { describe, expect, it } from "vitest";
import { createByteTokenizer } from "./byte_tokenizer.ts";
import { renderChat } from "./render_chat.ts";

const tok = createByteTokenizer();
const text = (ids: ArrayLike<number>) => Array.from(ids, (id) => (id === 256 ? "<s>" : id === 257 ? "</s>" : String.fromCharCode(id))).join("");

describe("renderChat()", () => {
  it("renderChat() renders BOS + template + response + EOS per exchange (spec §5.4) and masks the prompt", () => {
    const r = renderChat(
      [
        { role: "user", content: "2+2?" },
        { role: "assistant", content: "4" },
        { role: "user", content: "and 3+3?" },
        { role: "assistant", content: "6" },
      ],
      tok,
    );
    expect(text(r.inputIds)).toBe("<s>\n\n### User: 2+2?\n\n### Assistant: 4</s><s>\n\n### User: and 3+3?\n\n### Assistant: 6</s>");
    const kept = Array.from(r.labels).filter((l) => l !== -1);
    expect(text(kept)).toBe("4</s>6</s>");
    expect(r.truncated).toBe(false);
  });

  it("renderChat() with maskPrompt false puts a label on every token (the reference)", () => {
    const r = renderChat([{ role: "user", content: "q" }, { role: "assistant", content: "a" }], tok, { maskPrompt: false });
    expect(Array.from(r.labels)).toEqual(Array.from(r.inputIds));
  });

  it("renderChat() puts a system turn before the template, joins user turns, drops unanswered ones", () => {
    const r = renderChat(
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "a" },
        { role: "user", content: "b" },
        { role: "assistant", content: "c" },
        { role: "user", content: "unanswered" },
      ],
      tok,
      { template: "reference-single" },
    );
    expect(text(r.inputIds)).toBe("<s>Be brief.\n\n### User: a\n\nb\n\n### Assistant: c</s>");
  });

  it("renderChat() truncates each exchange and the whole dialogue to maxLength", () => {
    const turns = [
      { role: "user", content: "x" },
      { role: "assistant", content: "y".repeat(50) },
      { role: "user", content: "z" },
      { role: "assistant", content: "w" },
    ] as const;
    const r = renderChat(turns, tok, { maxLength: 40 });
    expect(r.inputIds.length).toBe(40);
    expect(r.truncated).toBe(true);
    expect(text(r.inputIds).startsWith("<s>\n\n### User: x")).toBe(true);
  });

  it("renderChat() rejects a template without {user}", () => {
    expect(() => renderChat([], tok, { template: "### {question}" })).toThrow(/containing \{user\}/);
  });
});
