import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, type Sample } from "@ual/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRecordError } from "./invalid_record_error.ts";
import { readSamples, type ReadSamplesOptions, type ReadStats } from "./read_samples.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ual-formats-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (record: unknown) => JSON.stringify(record);
const qa = (id: string) => line({ id, question: `q ${id}`, answer: `a ${id}` });

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function collect(path: string, options?: ReadSamplesOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const sample of readSamples(path, options)) samples.push(sample);
  return samples;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

// Spy-free evidence that a file is closed: no descriptor of this process points at it.
function openDescriptors(path: string): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;
}
const hasProcFd = existsSync("/proc/self/fd");

describe("readSamples()", () => {
  it("readSamples() reads JSONL, ignores blank lines and locates each sample by its line", async () => {
    const path = await file("mixed.jsonl", [
      line({ id: "s1", conversations: [{ from: "human", value: "Hi" }, { from: "gpt", value: "Hello" }] }),
      "",
      "   ",
      line({ conversations: ["Q", "A"] }),
      line({ instruction: "Add.", input: "1+1", output: "2" }),
      "",
    ].join("\n"));
    const samples = await collect(path, { displayPath: "data/mixed.jsonl" });
    expect(samples.map((s) => [s.id, s.location])).toEqual([
      ["s1", { file: "data/mixed.jsonl", line: 1 }],
      ["mixed.jsonl:4", { file: "data/mixed.jsonl", line: 4 }],
      ["mixed.jsonl:5", { file: "data/mixed.jsonl", line: 5 }],
    ]);
    expect(samples[2]?.turns[0]?.content).toBe("Add.\n\n1+1");
  });

  it("readSamples() handles CRLF line ends and a byte-order mark", async () => {
    const path = await file("crlf.jsonl", `\uFEFF${qa("a")}\r\n\r\n${qa("b")}\r\n`);
    const samples = await collect(path);
    expect(samples.map((s) => [s.id, s.location?.line])).toEqual([
      ["a", 1],
      ["b", 3],
    ]);
    expect(samples[1]?.turns[1]?.content).toBe("a b");
  });

  it("readSamples() honours format, idField and roles", async () => {
    const path = await file("options.jsonl", [
      line({ key: "k1", conversations: [{ from: "student", value: "Q" }, { from: "teacher", value: "A" }] }),
    ].join("\n"));
    const samples = await collect(path, {
      format: "sharegpt",
      idField: "key",
      roles: { student: "user", teacher: "assistant" },
    });
    expect(samples[0]?.id).toBe("k1");
    expect(samples[0]?.turns.map((t) => t.role)).toEqual(["user", "assistant"]);
  });

  it("readSamples() reports file:line for a bad line", async () => {
    const lines = Array.from({ length: 16 }, (_, i) => qa(`ok${i + 1}`));
    lines.push(line({ foo: 1, bar: 2 }));
    const path = await file("train.jsonl", lines.join("\n"));
    const error = await failure(collect(path, { displayPath: "data/train.jsonl" }));
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).toBe(
      'data/train.jsonl:17: expected "conversations", "messages", "instruction"+"instances", "instruction"+"output", "turns" or "question"+"answer"; got keys {foo, bar}',
    );
    expect((error as InvalidRecordError).line).toBe(17);
  });

  it("readSamples() reports each kind of invalid record at its own line", async () => {
    const cases: Array<[string, string]> = [
      ['{"id": "x", "question": ', "invalid JSON: "],
      ["[1, 2]", "expected a JSON object, got array"],
      ["42", "expected a JSON object, got number"],
      [line({ conversations: [] }), '"conversations" is empty: the dialogue has no turns'],
      [line({ messages: [{ role: "user", content: 5 }] }), 'messages[0].content must be a string or an array of {type: "text", text} parts, got number'],
      [line({ conversations: [{ from: "gpt", value: "Hi" }] }), "the first non-system turn (conversations[0]) is an assistant turn; a dialogue must start with the user"],
      [line({ conversations: ["Q", "A", "Q2"], extra: 1 }), ""],
      [line({ messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }] }), "messages[0] and messages[1] are both user turns; turns must alternate"],
      [line({ conversations: [{ from: "narrator", value: "Once" }] }), 'conversations[0]: unknown role "narrator"'],
      [line({ messages: [{ role: "user", content: "x" }, { role: "tool", content: "y" }] }), 'messages[1]: role "tool" is not supported'],
      [line({ id: "first", question: "q", answer: "a" }), 'duplicate id "first": line 2 has the same id'],
    ];
    for (const [bad, expected] of cases) {
      const path = await file("case.jsonl", ["", qa("first"), "", bad, qa("after")].join("\n"));
      const run = collect(path, { displayPath: "case.jsonl" });
      if (expected === "") {
        // A three-turn LIMA dialogue ending with the user is valid: the control case.
        await expect(run).resolves.toHaveLength(3);
        continue;
      }
      const error = await failure(run);
      expect((error as Error).message.startsWith(`case.jsonl:4: ${expected}`), `${(error as Error).message}`).toBe(true);
    }
  });

  it("readSamples() names the earlier line of a duplicate id, including fallback ids", async () => {
    const path = await file("dupes.jsonl", [qa("a"), qa("b"), line({ id: "dupes.jsonl:1", question: "q", answer: "a" })].join("\n"));
    await expect(collect(path)).resolves.toHaveLength(3);
    const clash = await file("clash.jsonl", [line({ question: "q", answer: "a" }), line({ id: "clash.jsonl:1", question: "q", answer: "a" })].join("\n"));
    expect(((await failure(collect(clash, { displayPath: "clash.jsonl" }))) as Error).message).toBe(
      'clash.jsonl:2: duplicate id "clash.jsonl:1": line 1 has the same id',
    );
  });

  it("readSamples() with onInvalid skip skips, counts and warns about each invalid record", async () => {
    const path = await file("skip.jsonl", [qa("a"), "{oops", qa("b"), line({ foo: 1 }), qa("a")].join("\n"));
    const warnings: string[] = [];
    const stats: ReadStats[] = [];
    const samples = await collect(path, {
      onInvalid: "skip",
      displayPath: "skip.jsonl",
      logger: createLogger((level, message) => warnings.push(`${level} ${message}`)),
      onComplete: (s) => stats.push(s),
    });
    expect(samples.map((s) => s.id)).toEqual(["a", "b"]);
    expect(stats).toEqual([{ read: 2, skipped: 3 }]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^warn skip\.jsonl:2: invalid JSON: .* \(skipped\)$/);
    expect(warnings[1]).toMatch(/^warn skip\.jsonl:4: expected "conversations"/);
    expect(warnings[2]).toBe('warn skip.jsonl:5: duplicate id "a": line 1 has the same id (skipped)');
  });

  it("readSamples() caps the individual warnings and then sums up once", async () => {
    const lines = [qa("good")];
    for (let i = 0; i < 25; i++) lines.push("not json");
    const path = await file("many.jsonl", lines.join("\n"));
    const warnings: string[] = [];
    const stats: ReadStats[] = [];
    await collect(path, {
      onInvalid: "skip",
      displayPath: "many.jsonl",
      logger: createLogger((_, message) => warnings.push(message)),
      onComplete: (s) => stats.push(s),
    });
    expect(stats).toEqual([{ read: 1, skipped: 25 }]);
    expect(warnings).toHaveLength(21);
    expect(warnings[19]).toMatch(/^many\.jsonl:21: /);
    expect(warnings[20]).toBe("many.jsonl: skipped 25 invalid records (only the first 20 listed one by one)");
  });

  it("readSamples() stops after limit valid samples", async () => {
    const path = await file("limit.jsonl", [qa("a"), "bad", qa("b"), qa("c")].join("\n"));
    const stats: ReadStats[] = [];
    const samples = await collect(path, { limit: 2, onInvalid: "skip", onComplete: (s) => stats.push(s) });
    expect(samples.map((s) => s.id)).toEqual(["a", "b"]);
    expect(stats).toEqual([{ read: 2, skipped: 1 }]);
  });

  it("readSamples() can be iterated again, reading the file afresh each time", async () => {
    const path = await file("again.jsonl", [qa("a"), qa("b")].join("\n"));
    const samples = readSamples(path);
    const ids = async () => {
      const out: string[] = [];
      for await (const sample of samples) out.push(sample.id);
      return out;
    };
    expect(await ids()).toEqual(["a", "b"]);
    expect(await ids()).toEqual(["a", "b"]);
    await writeFile(path, [qa("a"), qa("b"), qa("c")].join("\n"));
    expect(await ids()).toEqual(["a", "b", "c"]);
  });

  it("readSamples() says which file is missing", async () => {
    const path = join(dir, "nowhere.jsonl");
    expect(((await failure(collect(path, { displayPath: "data/nowhere.jsonl" }))) as Error).message).toBe(
      `data/nowhere.jsonl: no such file (looked for ${path})`,
    );
    expect(((await failure(collect(dir, { displayPath: "data" }))) as Error).message).toBe(
      "data: is a directory, not a data file",
    );
  });

  it("readSamples() yields nothing for an empty file", async () => {
    const stats: ReadStats[] = [];
    expect(await collect(await file("empty.jsonl", "\n\n"), { onComplete: (s) => stats.push(s) })).toEqual([]);
    expect(stats).toEqual([{ read: 0, skipped: 0 }]);
  });
});

describe("readSamples() on JSON arrays", () => {
  it("readSamples() reads a JSON array, locating elements by their first line", async () => {
    const path = await file("set.json", [
      "[",
      "  {",
      '    "id": "x",',
      '    "conversations": ["Q", "A"]',
      "  },",
      '  {"question": "q", "answer": "a"}, {"question": "q2", "answer": "a2"}',
      "]",
    ].join("\n"));
    const samples = await collect(path, { displayPath: "set.json" });
    expect(samples.map((s) => [s.id, s.location?.line])).toEqual([
      ["x", 2],
      ["set.json#2", 6],
      ["set.json#3", 6],
    ]);
  });

  it("readSamples() names the element as well as the line of a bad array element", async () => {
    const path = await file("bad.json", '[\n{"question": "q", "answer": "a"}, {"foo": 1},\n{"bar": }\n]');
    const error = await failure(collect(path, { displayPath: "bad.json" }));
    expect((error as Error).message).toMatch(/^bad\.json:2: element 2: expected "conversations"/);
    const warnings: string[] = [];
    const samples = await collect(path, {
      onInvalid: "skip",
      displayPath: "bad.json",
      logger: createLogger((_, message) => warnings.push(message)),
    });
    expect(samples).toHaveLength(1);
    expect(warnings[1]).toMatch(/^bad\.json:3: element 3: invalid JSON: /);
  });

  it("readSamples() fails on a broken array even when skipping, since records cannot be told apart", async () => {
    const path = await file("open.json", '[\n{"question": "q", "answer": "a"},\n{"question": "q", "answer": "a"}\n');
    const error = await failure(collect(path, { onInvalid: "skip", displayPath: "open.json" }));
    expect((error as Error).message).toBe('open.json:3: the JSON array is never closed (missing "]")');
  });

  it("readSamples() reads a .json file of JSONL lines, and hints at the layout when it does not parse", async () => {
    const jsonl = await file("lines.json", [qa("a"), qa("b")].join("\n"));
    expect((await collect(jsonl)).map((s) => s.id)).toEqual(["a", "b"]);
    const pretty = await file("pretty.json", '{\n  "question": "q",\n  "answer": "a"\n}\n');
    expect(((await failure(collect(pretty, { displayPath: "pretty.json" }))) as Error).message).toMatch(
      /^pretty\.json:1: invalid JSON: .* \(a \.json file must hold one JSON array of records, or one record per line as JSONL\)$/,
    );
  });

  it("readSamples() sniffs the layout of a file without a known extension", async () => {
    const array = await file("records", `\uFEFF \n\t[${qa("a")}, ${qa("b")}]`);
    expect((await collect(array)).map((s) => s.id)).toEqual(["a", "b"]);
    const lines = await file("records.txt", `\n${qa("a")}\n${qa("b")}`);
    expect((await collect(lines)).map((s) => [s.id, s.location?.line])).toEqual([
      ["a", 2],
      ["b", 3],
    ]);
  });

  it("readSamples() stops a JSON array pass when the signal aborts", async () => {
    const path = await file("abort.json", `[${["a", "b", "c"].map(qa).join(",\n")}]`);
    const controller = new AbortController();
    let seen = 0;
    const error = await failure(
      (async () => {
        for await (const _ of readSamples(path, { signal: controller.signal })) {
          seen++;
          controller.abort(new Error("enough"));
        }
      })(),
    );
    expect((error as Error).message).toBe("enough");
    expect(seen).toBe(1);
  });

  it("readSamples() reads a .jsonl file line by line even when a line is an array", async () => {
    const path = await file("arrays.jsonl", "[1, 2]\n");
    expect(((await failure(collect(path, { displayPath: "arrays.jsonl" }))) as Error).message).toBe(
      "arrays.jsonl:1: expected a JSON object, got array",
    );
  });
});

describe("readSamples() streaming", () => {
  const total = 200_000;
  let big: string;
  beforeAll(async () => {
    const lines: string[] = [];
    for (let i = 1; i < total; i++) lines.push(qa(`r${i}`));
    // The last line is broken: a pass that reached it with onInvalid "fail" would throw, so a
    // pass that does not throw has provably not read the whole file.
    lines.push("{broken");
    big = await file("big.jsonl", lines.join("\n"));
  });

  it("readSamples() with limit stops early without reading the whole file, and closes it", async () => {
    const stats: ReadStats[] = [];
    const samples = await collect(big, { limit: 5, onComplete: (s) => stats.push(s) });
    expect(samples.map((s) => s.id)).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(stats).toEqual([{ read: 5, skipped: 0 }]);
    if (hasProcFd) expect(openDescriptors(big)).toBe(0);
  });

  it("readSamples() reads the whole large file when asked, reaching its last line", async () => {
    const stats: ReadStats[] = [];
    const samples = readSamples(big, { onInvalid: "skip", onComplete: (s) => stats.push(s) });
    let seen = 0;
    for await (const _ of samples) seen++;
    expect(seen).toBe(total - 1);
    expect(stats).toEqual([{ read: total - 1, skipped: 1 }]);
  });

  it("readSamples() stops promptly when the signal aborts, rejecting with its reason and closing the file", async () => {
    const controller = new AbortController();
    const stats: ReadStats[] = [];
    let seen = 0;
    const error = await failure(
      (async () => {
        for await (const _ of readSamples(big, { signal: controller.signal, onComplete: (s) => stats.push(s) })) {
          seen++;
          if (seen === 10) controller.abort(new Error("stop now"));
        }
      })(),
    );
    expect((error as Error).message).toBe("stop now");
    expect(seen).toBe(10);
    expect(stats).toEqual([]);
    if (hasProcFd) expect(openDescriptors(big)).toBe(0);
  });

  it("readSamples() stops when the signal aborts while the consumer is busy elsewhere", async () => {
    const controller = new AbortController();
    let seen = 0;
    setTimeout(() => controller.abort(), 20);
    const error = await failure(
      (async () => {
        for await (const _ of readSamples(big, { signal: controller.signal })) {
          seen++;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })(),
    );
    expect((error as Error).name).toBe("AbortError");
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(total - 1);
    if (hasProcFd) expect(openDescriptors(big)).toBe(0);
  });

  it("readSamples() does not start when the signal is already aborted", async () => {
    const error = await failure(collect(big, { signal: AbortSignal.abort(new Error("too late")) }));
    expect((error as Error).message).toBe("too late");
  });

  it("readSamples() closes the file when the consumer breaks out", async () => {
    let seen = 0;
    for await (const _ of readSamples(big)) {
      if (++seen === 3) break;
    }
    expect(seen).toBe(3);
    if (hasProcFd) expect(openDescriptors(big)).toBe(0);
  });
});

describe("readSamples() on the fixture slices of real data", () => {
  const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

  it("readSamples() reads the GSM8K slice as question/answer samples", async () => {
    const samples = await collect(join(fixtures, "gsm8k/test_first20.jsonl"));
    expect(samples).toHaveLength(20);
    expect(samples[0]?.id).toBe("test_first20.jsonl:1");
    expect(samples[0]?.turns[0]?.content).toMatch(/^Janet’s ducks lay 16 eggs per day/);
    expect(samples[0]?.turns[1]?.content).toMatch(/#### 18$/);
    expect(samples[0]?.metadata).toEqual({});
  });

  it("readSamples() reads the self-instruct slice with its task names in the metadata", async () => {
    const samples = await collect(join(fixtures, "self-instruct-seed/seed_tasks_first20.jsonl"));
    expect(samples).toHaveLength(20);
    expect(samples[1]).toMatchObject({
      id: "seed_task_1",
      turns: [
        { role: "user", content: "What is the relation between the given pairs?\n\nNight : Day :: Right : Left" },
        { role: "assistant", content: "The relation between the given pairs is that they are opposites." },
      ],
      metadata: { name: "antonym_relation", is_classification: false, instance_count: 1 },
    });
  });

  it("readSamples() reads the MT-bench slice as two user turns per question", async () => {
    const samples = await collect(join(fixtures, "mt-bench/question_first10.jsonl"));
    expect(samples).toHaveLength(10);
    expect(samples[0]?.id).toBe("81");
    expect(samples[0]?.metadata).toEqual({ category: "writing" });
    for (const sample of samples) expect(sample.turns.map((t) => t.role)).toEqual(["user", "user"]);
  });
});

// CI keeps the shared data beside the repository (`../shared/data`); a user's clone may not.
const shared = fileURLToPath(new URL("../../../shared/data/", import.meta.url));
const hasShared = existsSync(shared);

describe.skipIf(!hasShared)(`readSamples() on the full real data sets (needs ${shared}; skipped when absent)`, () => {
  async function pass(relative: string) {
    const stats: ReadStats[] = [];
    const samples = await collect(join(shared, relative), { onInvalid: "skip", onComplete: (s) => stats.push(s) });
    return { samples, stats: stats[0] };
  }

  it("readSamples() reads every GSM8K test and train problem", async () => {
    const test = await pass("gsm8k/test.jsonl");
    expect(test.stats).toEqual({ read: 1319, skipped: 0 });
    expect(test.samples.every((s) => s.turns.length === 2 && /#### -?[\d,.]+$/.test(s.turns[1]?.content ?? ""))).toBe(true);
    const train = await pass("gsm8k/train.jsonl");
    expect(train.stats).toEqual({ read: 7473, skipped: 0 });
  });

  it("readSamples() reads every self-instruct seed task", async () => {
    const { samples, stats } = await pass("self-instruct-seed/seed_tasks.jsonl");
    expect(stats).toEqual({ read: 175, skipped: 0 });
    const classification = samples.filter((s) => s.metadata.is_classification === true).length;
    expect(classification).toBeGreaterThan(0);
    expect(classification).toBeLessThan(175);
  });

  it("readSamples() reads every MT-bench question, in 8 categories", async () => {
    const { samples, stats } = await pass("mt-bench/question.jsonl");
    expect(stats).toEqual({ read: 80, skipped: 0 });
    expect(new Set(samples.map((s) => s.metadata.category)).size).toBe(8);
    expect(samples.every((s) => s.turns.length === 2)).toBe(true);
  });

  it("readSamples() refuses MT-bench reference answers, which hold no question", async () => {
    const error = await failure(collect(join(shared, "mt-bench/reference_answer_gpt-4.jsonl"), { displayPath: "ref.jsonl" }));
    expect((error as Error).message).toMatch(/^ref\.jsonl:1: expected .*; got keys \{question_id, answer_id, model_id, choices, tstamp\}$/);
  });
});

describe("readSamples() on several files", () => {
  it("readSamples() reads files in order, each record's shape detected on its own, and labels subsets", async () => {
    const chat = await file("many-chat.jsonl", [line({ id: "c1", messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "hello" }] })].join("\n"));
    const math = await file("many-math.json", `[${line({ question: "1+1?", answer: "#### 2", subset: "arith" })},\n${line({ question: "2+2?", answer: "#### 4" })}]`);
    const stats: ReadStats[] = [];
    const samples = await collect2([{ path: chat, displayPath: "chat.jsonl" }, { path: math, displayPath: "math.json", subset: "math" }], { onComplete: (s) => stats.push(s) });
    expect(samples.map((s) => [s.id, s.metadata.subset, s.location?.file, s.turns[0]?.content])).toEqual([
      ["c1", undefined, "chat.jsonl", "hi"],
      ["many-math.json#1", "math", "math.json", "1+1?"],
      ["many-math.json#2", "math", "math.json", "2+2?"],
    ]);
    expect(stats).toEqual([{ read: 3, skipped: 0 }]);
  });

  it("readSamples() names both files and lines of an id used in two files", async () => {
    const a = await file("ids-a.jsonl", [qa("x"), qa("shared")].join("\n"));
    const b = await file("ids-b.jsonl", [qa("y"), "", qa("shared")].join("\n"));
    const files = [{ path: a, displayPath: "data/a.jsonl" }, { path: b, displayPath: "data/b.jsonl" }];
    const error = await failure(collect2(files));
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).toBe('data/b.jsonl:3: duplicate id "shared": data/a.jsonl:2 has the same id (ids must be unique across all the files; give the records ids of their own)');
    // Skipping keeps the first one.
    expect((await collect2(files, { onInvalid: "skip" })).map((s) => s.id)).toEqual(["x", "shared", "y"]);
  });

  it("readSamples() applies limit across the files", async () => {
    const a = await file("limit-a.jsonl", [qa("a1"), qa("a2")].join("\n"));
    const b = await file("limit-b.jsonl", [qa("b1"), qa("b2")].join("\n"));
    expect((await collect2([{ path: a }, { path: b }], { limit: 3 })).map((s) => s.id)).toEqual(["a1", "a2", "b1"]);
  });
});

describe("readSamples() with a held-out split", () => {
  const ids = Array.from({ length: 300 }, (_, i) => `task_${i}`);

  it("readSamples() splits files into disjoint parts that together hold every sample, in file order", async () => {
    const a = await file("split-a.jsonl", ids.slice(0, 200).map(qa).join("\n"));
    // Records without ids: their fallback ids (`split-b.jsonl:<line>`) are split the same way.
    const b = await file("split-b.jsonl", ids.slice(200).map((id) => line({ question: id, answer: "x" })).join("\n"));
    const files = [{ path: a }, { path: b, subset: "b" }];
    const stats: ReadStats[] = [];
    const train = await collect2(files, { split: { heldout: 0.2, seed: 0, part: "train" }, onComplete: (s) => stats.push(s) });
    const heldout = await collect2(files, { split: { heldout: 0.2, seed: 0, part: "heldout" } });
    const all = await collect2(files);
    const heldOutIds = new Set(heldout.map((s) => s.id));
    expect(train.some((s) => heldOutIds.has(s.id))).toBe(false);
    expect(train.length + heldout.length).toBe(300);
    expect(heldout.length).toBeGreaterThan(30);
    expect(heldout.length).toBeLessThan(90);
    expect(heldout.some((s) => s.metadata.subset === "b")).toBe(true);
    expect(stats).toEqual([{ read: train.length, skipped: 0, otherPart: heldout.length }]);
    // Each part keeps the files' order, and is the same subsequence of all samples on every read.
    const inOrder = all.filter((s) => heldOutIds.has(s.id)).map((s) => s.id);
    expect(heldout.map((s) => s.id)).toEqual(inOrder);
    expect((await collect2(files, { split: { heldout: 0.2, seed: 0, part: "heldout" } })).map((s) => s.id)).toEqual(inOrder);
  });

  it("readSamples() puts a sample in the same part whatever the other records and their order", async () => {
    const full = await file("stable-full.jsonl", ids.map(qa).join("\n"));
    const partial = await file("stable-partial.jsonl", ids.slice(100).reverse().map(qa).join("\n"));
    const split = { heldout: 0.3, seed: 7, part: "heldout" as const };
    const fromFull = new Set((await collect(full, { split })).map((s) => s.id));
    const fromPartial = (await collect(partial, { split })).map((s) => s.id);
    expect(new Set(fromPartial)).toEqual(new Set(ids.slice(100).filter((id) => fromFull.has(id))));
    // Another seed, another split.
    const reseeded = new Set((await collect(full, { split: { ...split, seed: 8 } })).map((s) => s.id));
    expect(reseeded).not.toEqual(fromFull);
  });

  it("readSamples() applies limit to the chosen part only", async () => {
    const path = await file("split-limit.jsonl", ids.map(qa).join("\n"));
    const heldout = await collect(path, { split: { heldout: 0.5, part: "heldout" } });
    expect(await collect(path, { split: { heldout: 0.5, part: "heldout" }, limit: 5 })).toEqual(heldout.slice(0, 5));
  });
});

async function collect2(files: Parameters<typeof readSamples>[0], options?: ReadSamplesOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const sample of readSamples(files, options)) samples.push(sample);
  return samples;
}
