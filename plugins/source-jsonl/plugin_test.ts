import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createLogger, createPluginContext, isPlugin, type PluginContext, type Sample, type Source } from "@ual/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plugin } from "./plugin.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ual-source-jsonl-plugin-"));
  await mkdir(join(dir, "data"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(logs?: string[]): PluginContext {
  return createPluginContext({
    baseDir: dir,
    stage: "source",
    ...(logs === undefined ? {} : { logger: createLogger((level, message) => logs.push(`${level} ${message}`)) }),
  });
}

async function create(options: unknown, logs?: string[]): Promise<Source> {
  return plugin.create(plugin.options.parse(options), context(logs));
}

async function ids(source: Source, signal = new AbortController().signal): Promise<string[]> {
  const out: string[] = [];
  for await (const sample of source.read({ signal }) as AsyncIterable<Sample>) out.push(sample.id);
  return out;
}

const qa = (id: string) => JSON.stringify({ id, question: `q ${id}`, answer: `a ${id}` });

describe("plugin", () => {
  it("plugin is a source plugin named for its package", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin).toMatchObject({ name: "@ual/source-jsonl", version: "0.1.0", kind: "source", apiVersion: 1 });
  });

  it("plugin options have documented defaults and reject unknown keys", () => {
    expect(plugin.options.parse({ path: "d.jsonl" })).toEqual({
      path: "d.jsonl",
      format: "auto",
      onInvalid: "fail",
      idField: "id",
    });
    expect(plugin.options.safeParse({ path: "d.jsonl", pth: "x" }).success).toBe(false);
    expect(plugin.options.safeParse({}).success).toBe(false);
    expect(plugin.options.safeParse({ path: "d.jsonl", limit: 0 }).success).toBe(false);
    expect(plugin.options.safeParse({ path: "d.jsonl", limit: 1.5 }).success).toBe(false);
    expect(plugin.options.safeParse({ path: "d.jsonl", format: "csv" }).success).toBe(false);
    expect(plugin.options.safeParse({ path: "d.jsonl", roles: { teacher: "bot" } }).success).toBe(false);
    expect(plugin.options.safeParse({ path: [] }).success).toBe(false);
    expect(plugin.options.safeParse({ path: ["a.jsonl", { path: "b.jsonl", subst: "x" }] }).success).toBe(false);
    expect(plugin.options.safeParse({ path: "d.jsonl", split: { heldout: 1 } }).success).toBe(false);
    expect(plugin.options.safeParse({ path: "d.jsonl", split: { heldout: 0.1, part: "test" } }).success).toBe(false);
    expect(plugin.options.parse({ path: ["a.jsonl", { path: "b.jsonl", subset: "math" }], split: { heldout: 0.1 } })).toMatchObject({
      path: ["a.jsonl", { path: "b.jsonl", subset: "math" }],
      split: { heldout: 0.1, seed: 0, part: "train" },
    });
    expect(plugin.options.parse({ path: "d.jsonl", format: "qa", roles: { teacher: "assistant" } })).toMatchObject({
      format: "qa",
      roles: { teacher: "assistant" },
    });
  });

  it("plugin resolves path against the manifest directory and fails early when the file is missing", async () => {
    await expect(create({ path: "data/none.jsonl" })).rejects.toThrow(
      `source file "data/none.jsonl" not found (looked for ${join(dir, "data/none.jsonl")}, relative to ${dir})`,
    );
    await expect(create({ path: "data" })).rejects.toThrow(`source path "data" is not a file`);
  });

  it("plugin reads again on every read(), and names the file as the manifest does", async () => {
    await writeFile(join(dir, "data/train.jsonl"), [qa("a"), qa("b")].join("\n"));
    const source = await create({ path: "data/train.jsonl" });
    expect(await ids(source)).toEqual(["a", "b"]);
    expect(await ids(source)).toEqual(["a", "b"]);
    for await (const sample of source.read({ signal: new AbortController().signal })) {
      expect(sample.location).toEqual({ file: "data/train.jsonl", line: 1 });
      break;
    }
  });

  it("plugin counts records cheaply, capped by limit", async () => {
    await writeFile(join(dir, "data/count.jsonl"), [qa("a"), "", "broken", qa("b"), "  "].join("\n"));
    const signal = new AbortController().signal;
    expect(await (await create({ path: "data/count.jsonl" })).count?.({ signal })).toBe(3);
    expect(await (await create({ path: "data/count.jsonl", limit: 2 })).count?.({ signal })).toBe(2);
    await writeFile(join(dir, "data/count.json"), `[${qa("a")},\n${qa("b")}]`);
    expect(await (await create({ path: "data/count.json" })).count?.({ signal })).toBe(2);
    await writeFile(join(dir, "data/broken.json"), `[${qa("a")},`);
    expect(await (await create({ path: "data/broken.json" })).count?.({ signal })).toBeUndefined();
  });

  it("plugin stats() gives the tallies of the last completed pass", async () => {
    await writeFile(join(dir, "data/skip.jsonl"), [qa("a"), "broken", qa("b")].join("\n"));
    const logs: string[] = [];
    const source = await create({ path: "data/skip.jsonl", onInvalid: "skip" }, logs);
    expect(source.stats?.()).toEqual({ read: 0, skipped: 0 });
    expect(await ids(source)).toEqual(["a", "b"]);
    expect(source.stats?.()).toEqual({ read: 2, skipped: 1 });
    expect(logs).toEqual([expect.stringMatching(/^warn data\/skip\.jsonl:2: invalid JSON: .* \(skipped\)$/)]);

    // An abandoned pass leaves the last completed tallies in place.
    const controller = new AbortController();
    await writeFile(join(dir, "data/skip.jsonl"), [qa("a"), "broken", qa("b"), "broken", qa("c")].join("\n"));
    const abandoned = (async () => {
      for await (const _ of source.read({ signal: controller.signal })) controller.abort();
    })();
    await expect(abandoned).rejects.toThrow("aborted");
    expect(source.stats?.()).toEqual({ read: 2, skipped: 1 });
  });

  it("plugin warns about each invalid record on the first pass only, and sums up on later passes", async () => {
    await writeFile(join(dir, "data/twice.jsonl"), [qa("a"), "broken"].join("\n"));
    const logs: string[] = [];
    const source = await create({ path: "data/twice.jsonl", onInvalid: "skip" }, logs);
    await ids(source);
    await ids(source);
    expect(logs).toEqual([
      expect.stringMatching(/^warn data\/twice\.jsonl:2: invalid JSON/),
      "warn data/twice.jsonl: skipped 1 invalid record (none listed one by one)",
    ]);
  });

  it("plugin fails with file:line when onInvalid is fail", async () => {
    await writeFile(join(dir, "data/fail.jsonl"), [qa("a"), JSON.stringify({ foo: 1, bar: 2 })].join("\n"));
    const source = await create({ path: "data/fail.jsonl" });
    await expect(ids(source)).rejects.toThrow(/^data\/fail\.jsonl:2: expected "conversations", .* got keys \{foo, bar\}$/);
  });

  it("plugin passes format, idField, limit and roles through", async () => {
    await writeFile(
      join(dir, "data/opts.jsonl"),
      [1, 2, 3]
        .map((n) => JSON.stringify({ key: `k${n}`, conversations: [{ from: "student", value: "Q" }, { from: "teacher", value: "A" }] }))
        .join("\n"),
    );
    const source = await create({
      path: "data/opts.jsonl",
      format: "sharegpt",
      idField: "key",
      limit: 2,
      roles: { student: "user", teacher: "assistant" },
    });
    expect(await ids(source)).toEqual(["k1", "k2"]);
  });

  it("plugin reads a list of files, labels subsets, and checks every file before the run", async () => {
    await writeFile(join(dir, "data/list-a.jsonl"), [qa("a1"), qa("a2")].join("\n"));
    await writeFile(join(dir, "data/list-b.json"), `[${qa("b1")}]`);
    const source = await create({ path: ["data/list-a.jsonl", { path: "data/list-b.json", subset: "math" }] });
    const samples: Sample[] = [];
    for await (const sample of source.read({ signal: new AbortController().signal }) as AsyncIterable<Sample>) samples.push(sample);
    expect(samples.map((s) => [s.id, s.location?.file, s.metadata.subset])).toEqual([
      ["a1", "data/list-a.jsonl", undefined],
      ["a2", "data/list-a.jsonl", undefined],
      ["b1", "data/list-b.json", "math"],
    ]);
    expect(await source.count?.({ signal: new AbortController().signal })).toBe(3);
    await expect(create({ path: ["data/list-a.jsonl", "data/none.jsonl"] })).rejects.toThrow(`source file "data/none.jsonl" not found`);
  });

  it("plugin fails naming both files and lines when two files share an id", async () => {
    await writeFile(join(dir, "data/dup-a.jsonl"), [qa("a"), qa("same")].join("\n"));
    await writeFile(join(dir, "data/dup-b.jsonl"), qa("same"));
    const source = await create({ path: ["data/dup-a.jsonl", "data/dup-b.jsonl"] });
    await expect(ids(source)).rejects.toThrow(/^data\/dup-b\.jsonl:1: duplicate id "same": data\/dup-a\.jsonl:2 has the same id/);
  });

  it("plugin reads one part of a held-out split, and counts that part", async () => {
    const all = Array.from({ length: 60 }, (_, i) => `s${i}`);
    await writeFile(join(dir, "data/split.jsonl"), all.map(qa).join("\n"));
    const signal = new AbortController().signal;
    const train = await create({ path: "data/split.jsonl", split: { heldout: 0.25, seed: 1 } });
    const heldout = await create({ path: "data/split.jsonl", split: { heldout: 0.25, seed: 1, part: "heldout" } });
    const trainIds = await ids(train);
    const heldOutIds = await ids(heldout);
    expect(heldOutIds.length).toBeGreaterThan(0);
    expect(trainIds.filter((id) => heldOutIds.includes(id))).toEqual([]);
    expect([...trainIds, ...heldOutIds].sort()).toEqual([...all].sort());
    expect(await train.count?.({ signal })).toBe(trainIds.length);
    expect(train.stats?.()).toEqual({ read: trainIds.length, skipped: 0, otherPart: heldOutIds.length });
  });
});
