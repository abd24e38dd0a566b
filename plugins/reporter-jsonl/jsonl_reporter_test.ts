import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dispatchToReporter, type UalEvent } from "@ual/core";
import { describe, expect, test } from "vitest";
import { createJsonlReporter } from "./jsonl_reporter.ts";

const base = { runId: "r", time: "2026-01-01T00:00:00.000Z" };
const events: UalEvent[] = [
  { ...base, type: "sample", index: 0, sample: { id: "a", turns: [{ role: "user", content: "long text" }], metadata: {} } },
  { ...base, type: "uncertainty", sampleId: "a", score: 3, source: "f" },
  { ...base, type: "smoothing", sampleId: "a", epsilon: 0.1, score: 3, mapper: "m" },
];

describe("createJsonlReporter()", () => {
  test("writes each event as the run log does, filtered by type, and closes the file", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ual-jsonl-")), "sub", "log.jsonl");
    const reporter = createJsonlReporter({ path, exclude: ["uncertainty"] });
    for (const event of events) dispatchToReporter(reporter, event);
    await reporter.close?.();
    const lines = readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.type)).toEqual(["sample", "smoothing"]);
    // A sample is logged by id, not with its text.
    expect(lines[0]).toMatchObject({ sampleId: "a", turns: 1 });
    expect(JSON.stringify(lines[0])).not.toContain("long text");
  });

  test("include keeps only the named types", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ual-jsonl-")), "log.jsonl");
    const reporter = createJsonlReporter({ path, include: ["smoothing"] });
    for (const event of events) dispatchToReporter(reporter, event);
    await reporter.close?.();
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(1);
  });
});
