import { describe, expect, it } from "vitest";
import { normalizeRecord, type NormalizeResult } from "./normalize_record.ts";

function ok(result: NormalizeResult) {
  if (!result.ok) throw new Error(`expected a sample, got: ${result.reason}`);
  return result;
}

function reason(result: NormalizeResult): string {
  if (result.ok) throw new Error(`expected an invalid record, got sample ${result.sample.id}`);
  return result.reason;
}

describe("normalizeRecord() shapes", () => {
  it("normalizeRecord() reads ShareGPT/Deita conversations and maps their role names", () => {
    const result = ok(
      normalizeRecord({
        id: "deita-1",
        conversations: [
          { from: "system", value: "Be brief." },
          { from: "human", value: "Hi" },
          { from: "gpt", value: "Hello" },
          { from: "user", value: "And?" },
          { from: "chatgpt", value: "More." },
          { from: "Human", value: "Bard?" },
          { from: "bard", value: "Yes" },
          { from: "human", value: "Bing?" },
          { from: "bing", value: "Yes" },
          { from: "human", value: "Model?" },
          { from: "model", value: "Yes" },
        ],
        source: "sharegpt",
      }),
    );
    expect(result.format).toBe("sharegpt");
    expect(result.sample.id).toBe("deita-1");
    expect(result.sample.turns.map((t) => t.role)).toEqual([
      "system", "user", "assistant", "user", "assistant", "user", "assistant", "user", "assistant", "user", "assistant",
    ]);
    expect(result.sample.turns[1]).toEqual({ role: "user", content: "Hi" });
    expect(result.sample.metadata).toEqual({ source: "sharegpt" });
  });

  it("normalizeRecord() maps extra role names given in roles, before the known ones", () => {
    const record = { id: "r", conversations: [{ from: "student", value: "Q" }, { from: "teacher", value: "A" }] };
    expect(reason(normalizeRecord(record))).toBe(
      'conversations[0]: unknown role "student" (known: human, user, gpt, assistant, chatgpt, bard, bing, model, system, developer; map others with the "roles" option)',
    );
    const result = ok(normalizeRecord(record, { roles: { student: "user", teacher: "assistant" } }));
    expect(result.sample.turns.map((t) => t.role)).toEqual(["user", "assistant"]);
  });

  it("normalizeRecord() does not take a role from Object's prototype", () => {
    const record = { id: "r", conversations: [{ from: "constructor", value: "Q" }] };
    expect(reason(normalizeRecord(record, { roles: {} }))).toContain('unknown role "constructor"');
  });

  it("normalizeRecord() reads LIMA string conversations as user, assistant, user, ...", () => {
    const result = ok(
      normalizeRecord({ conversations: ["Q1", "A1", "Q2", "A2"], source: "multi_turn" }, { fallbackId: "lima.jsonl:3" }),
    );
    expect(result.format).toBe("lima");
    expect(result.sample).toEqual({
      id: "lima.jsonl:3",
      turns: [
        { role: "user", content: "Q1" },
        { role: "assistant", content: "A1" },
        { role: "user", content: "Q2" },
        { role: "assistant", content: "A2" },
      ],
      metadata: { source: "multi_turn" },
    });
  });

  it("normalizeRecord() reads OpenAI chat messages, joining text parts", () => {
    const result = ok(
      normalizeRecord({
        id: 7,
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: [{ type: "text", text: "Line one" }, { type: "text", text: "line two" }] },
          { role: "assistant", content: "Done", name: "bot" },
        ],
      }),
    );
    expect(result.format).toBe("openai");
    expect(result.sample.id).toBe("7");
    expect(result.sample.turns).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "Line one\nline two" },
      { role: "assistant", content: "Done" },
    ]);
  });

  it("normalizeRecord() treats OpenAI's developer role as system", () => {
    const result = ok(
      normalizeRecord({ id: "d", messages: [{ role: "developer", content: "Rules" }, { role: "user", content: "Hi" }] }),
    );
    expect(result.sample.turns[0]?.role).toBe("system");
  });

  it("normalizeRecord() reads Alpaca instruction + input + output", () => {
    const withInput = ok(
      normalizeRecord({ id: "a", instruction: "Translate.", input: "Bonjour", output: "Hello", lang: "fr" }),
    );
    expect(withInput.format).toBe("alpaca");
    expect(withInput.sample.turns).toEqual([
      { role: "user", content: "Translate.\n\nBonjour" },
      { role: "assistant", content: "Hello" },
    ]);
    expect(withInput.sample.metadata).toEqual({ lang: "fr" });

    for (const input of ["", "  ", null, undefined]) {
      const result = ok(normalizeRecord({ id: "b", instruction: "Say hi.", input, output: "hi" }));
      expect(result.sample.turns[0]).toEqual({ role: "user", content: "Say hi." });
    }
  });

  it("normalizeRecord() reads a self-instruct seed task from its first instance", () => {
    const result = ok(
      normalizeRecord({
        id: "seed_task_1",
        name: "antonym_relation",
        instruction: "What is the relation between the given pairs?",
        instances: [
          { input: "Night : Day :: Right : Left", output: "Opposites." },
          { input: "Up : Down", output: "Opposites too." },
        ],
        is_classification: false,
      }),
    );
    expect(result.format).toBe("self-instruct");
    expect(result.sample).toEqual({
      id: "seed_task_1",
      turns: [
        { role: "user", content: "What is the relation between the given pairs?\n\nNight : Day :: Right : Left" },
        { role: "assistant", content: "Opposites." },
      ],
      metadata: { name: "antonym_relation", is_classification: false, instance_count: 2 },
    });
  });

  it("normalizeRecord() reads MT-bench questions as user turns only, with the question_id as id", () => {
    const result = ok(
      normalizeRecord({ question_id: 81, category: "writing", turns: ["Write a blog post.", "Rewrite it."] }),
    );
    expect(result.format).toBe("mt-bench");
    expect(result.sample).toEqual({
      id: "81",
      turns: [
        { role: "user", content: "Write a blog post." },
        { role: "user", content: "Rewrite it." },
      ],
      metadata: { category: "writing" },
    });
  });

  it("normalizeRecord() reads UAL's own samples, unnesting their metadata", () => {
    const sample = {
      id: "s1",
      turns: [{ role: "user", content: "2+2?" }, { role: "assistant", content: "4" }],
      metadata: { subset: "math", level: 1 },
      location: { file: "old.jsonl", line: 3 },
    };
    const result = ok(normalizeRecord(sample, { location: { file: "new.jsonl", line: 9 } }));
    expect(result.format).toBe("ual");
    expect(result.sample).toEqual({ ...sample, metadata: { subset: "math", level: 1 }, location: { file: "new.jsonl", line: 9 } });
    // MT-bench's string turns are still MT-bench.
    expect(ok(normalizeRecord({ id: 1, turns: ["a", "b"] })).format).toBe("mt-bench");
    expect(reason(normalizeRecord({ id: "s2", turns: [{ role: "user", content: 7 }] }))).toBe("turns[0].content must be a string, got number");
    expect(reason(normalizeRecord({ id: "s3", turns: [{ role: "user", content: "q" }], metadata: [] }))).toBe('"metadata" must be an object, got array');
    expect(reason(normalizeRecord({ id: "s4", turns: [{ role: "user", content: "q" }, { role: "user", content: "q" }] }))).toMatch(/both user turns/);
  });

  it("normalizeRecord() reads question + answer (GSM8K) as one exchange", () => {
    const result = ok(normalizeRecord({ question: "2+2?", answer: "2+2=<<2+2=4>>4\n#### 4" }, { fallbackId: "test.jsonl:1" }));
    expect(result.format).toBe("qa");
    expect(result.sample.turns).toEqual([
      { role: "user", content: "2+2?" },
      { role: "assistant", content: "2+2=<<2+2=4>>4\n#### 4" },
    ]);
    expect(result.sample.metadata).toEqual({});
  });

  it("normalizeRecord() uses the format it is told instead of detecting one", () => {
    const record = { id: "x", instruction: "i", output: "o", conversations: ["Q", "A"] };
    expect(ok(normalizeRecord(record)).format).toBe("lima");
    const alpaca = ok(normalizeRecord(record, { format: "alpaca" }));
    expect(alpaca.format).toBe("alpaca");
    expect(alpaca.sample.metadata).toEqual({ conversations: ["Q", "A"] });
  });

  it("normalizeRecord() takes the id from idField and keeps the rest as metadata", () => {
    const result = ok(normalizeRecord({ uid: "u1", id: "kept", question: "q", answer: "a" }, { idField: "uid" }));
    expect(result.sample.id).toBe("u1");
    expect(result.sample.metadata).toEqual({ id: "kept" });
  });

  it("normalizeRecord() copies location into the sample", () => {
    const result = ok(normalizeRecord({ id: "l", question: "q", answer: "a" }, { location: { file: "d.jsonl", line: 4 } }));
    expect(result.sample.location).toEqual({ file: "d.jsonl", line: 4 });
  });
});

describe("normalizeRecord() invalid records", () => {
  const fallbackId = "f.jsonl:1";

  it("normalizeRecord() rejects a value that is not an object", () => {
    expect(reason(normalizeRecord([1, 2]))).toBe("expected a JSON object, got array");
    expect(reason(normalizeRecord(null))).toBe("expected a JSON object, got null");
    expect(reason(normalizeRecord("text"))).toBe("expected a JSON object, got string");
  });

  it("normalizeRecord() names the expected fields and the keys it got for an unknown shape", () => {
    expect(reason(normalizeRecord({ foo: 1, bar: 2 }))).toBe(
      'expected "conversations", "messages", "instruction"+"instances", "instruction"+"output", "turns" or "question"+"answer"; got keys {foo, bar}',
    );
    expect(reason(normalizeRecord({ instruction: "only" }))).toContain("got keys {instruction}");
  });

  it("normalizeRecord() says which fields a forced format expects", () => {
    expect(reason(normalizeRecord({ conversations: [] }, { format: "openai" }))).toBe(
      'format "openai" expects "messages"; got keys {conversations}',
    );
    expect(reason(normalizeRecord({ instruction: "i" }, { format: "alpaca" }))).toBe(
      'format "alpaca" expects "instruction"+"output"; got keys {instruction}',
    );
  });

  it("normalizeRecord() rejects an empty conversation", () => {
    expect(reason(normalizeRecord({ conversations: [] }, { fallbackId }))).toBe(
      '"conversations" is empty: the dialogue has no turns',
    );
    expect(reason(normalizeRecord({ messages: [] }, { fallbackId }))).toBe('"messages" is empty: the dialogue has no turns');
    expect(reason(normalizeRecord({ turns: [] }, { fallbackId }))).toBe('"turns" is empty: the dialogue has no turns');
    expect(reason(normalizeRecord({ conversations: "Hi" }, { fallbackId }))).toBe(
      '"conversations" must be an array, got string',
    );
  });

  it("normalizeRecord() rejects turns whose content is not a string", () => {
    expect(reason(normalizeRecord({ conversations: [{ from: "human", value: 3 }] }, { fallbackId }))).toBe(
      "conversations[0].value must be a string, got number",
    );
    expect(reason(normalizeRecord({ conversations: [{ value: "x" }] }, { fallbackId }))).toBe(
      "conversations[0].from must be a string, got undefined",
    );
    expect(reason(normalizeRecord({ conversations: ["Q", { a: 1 }] }, { fallbackId }))).toBe(
      "conversations[1] must be a string (LIMA turns are plain strings), got object",
    );
    expect(reason(normalizeRecord({ messages: [{ role: "user", content: null }] }, { fallbackId }))).toBe(
      'messages[0].content must be a string or an array of {type: "text", text} parts, got null',
    );
    expect(reason(normalizeRecord({ instruction: "i", output: 42 }, { fallbackId }))).toBe(
      '"output" must be a string, got number',
    );
    expect(reason(normalizeRecord({ instruction: "i", input: ["x"], output: "o" }, { fallbackId }))).toBe(
      '"input" must be a string, got array',
    );
    expect(reason(normalizeRecord({ turns: ["q", 2] }, { fallbackId }))).toBe("turns[1] must be a string, got number");
    expect(reason(normalizeRecord({ question: "q", answer: { n: 4 } }, { fallbackId }))).toBe(
      '"answer" must be a string, got object',
    );
  });

  it("normalizeRecord() points a forced ShareGPT format at LIMA string turns", () => {
    expect(reason(normalizeRecord({ conversations: ["Q", "A"] }, { format: "sharegpt", fallbackId }))).toBe(
      'conversations[0] must be an object {from, value}, got string (string turns are the LIMA shape: use format "lima" or "auto")',
    );
  });

  it("normalizeRecord() rejects non-text OpenAI content parts and tool messages", () => {
    const image = { type: "image_url", image_url: { url: "http://x" } };
    expect(
      reason(normalizeRecord({ messages: [{ role: "user", content: [{ type: "text", text: "see" }, image] }] }, { fallbackId })),
    ).toBe('messages[0].content[1] is a "image_url" part; only "text" parts are supported');
    expect(reason(normalizeRecord({ messages: [{ role: "user", content: [] }] }, { fallbackId }))).toBe(
      "messages[0].content has no text parts",
    );
    const tool = {
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: "calling" },
        { role: "tool", content: "{\"t\": 20}" },
      ],
    };
    expect(reason(normalizeRecord(tool, { fallbackId }))).toBe(
      'messages[2]: role "tool" is not supported: tool and function-call messages are not plain dialogue (drop them, or map the role with the "roles" option)',
    );
    expect(reason(normalizeRecord({ messages: [{ role: "function", content: "x" }] }, { fallbackId }))).toContain(
      'role "function" is not supported',
    );
  });

  it("normalizeRecord() rejects a dialogue that does not start with the user", () => {
    const record = { conversations: [{ from: "system", value: "s" }, { from: "gpt", value: "Hi" }, { from: "human", value: "Q" }] };
    expect(reason(normalizeRecord(record, { fallbackId }))).toBe(
      "the first non-system turn (conversations[1]) is an assistant turn; a dialogue must start with the user",
    );
    expect(reason(normalizeRecord({ messages: [{ role: "system", content: "s" }] }, { fallbackId }))).toBe(
      "the dialogue has only system turns; it needs a user turn",
    );
  });

  it("normalizeRecord() reports two consecutive turns of one role", () => {
    const record = {
      conversations: [
        { from: "human", value: "Q" },
        { from: "gpt", value: "A" },
        { from: "gpt", value: "A again" },
      ],
    };
    expect(reason(normalizeRecord(record, { fallbackId }))).toBe(
      "conversations[1] and conversations[2] are both assistant turns; turns must alternate",
    );
    const messages = { messages: [{ role: "user", content: "a" }, { role: "human", content: "b" }] };
    expect(reason(normalizeRecord(messages, { fallbackId }))).toBe(
      "messages[0] and messages[1] are both user turns; turns must alternate",
    );
  });

  it("normalizeRecord() rejects a self-instruct task without instances", () => {
    expect(reason(normalizeRecord({ instruction: "i", instances: [] }, { fallbackId }))).toBe(
      '"instances" is empty: there is no output to train on',
    );
    expect(reason(normalizeRecord({ instruction: "i", instances: [{ input: "" }] }, { fallbackId }))).toBe(
      "instances[0].output must be a string, got undefined",
    );
    expect(reason(normalizeRecord({ instruction: "i", instances: "none" }, { fallbackId }))).toBe(
      '"instances" must be an array, got string',
    );
  });

  it("normalizeRecord() needs an id field or a fallback id, and a usable id value", () => {
    expect(reason(normalizeRecord({ question: "q", answer: "a" }))).toBe(
      'no "id" field to take the sample id from (set idField, or pass fallbackId)',
    );
    expect(reason(normalizeRecord({ id: {}, question: "q", answer: "a" }))).toBe(
      '"id" must be a non-empty string or a number to serve as the sample id, got object',
    );
    expect(reason(normalizeRecord({ id: "", question: "q", answer: "a" }))).toBe(
      '"id" must be a non-empty string or a number to serve as the sample id, got string (empty)',
    );
    // A null id counts as no id.
    const result = ok(normalizeRecord({ id: null, question: "q", answer: "a" }, { fallbackId }));
    expect(result.sample.id).toBe(fallbackId);
    expect(result.sample.metadata).toEqual({ id: null });
  });
});
