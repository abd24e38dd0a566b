import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRawTextRecords } from "./raw_text_record.ts";

function file(lines: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "eval-nll-raw-")), "texts.jsonl");
  writeFileSync(path, lines.join("\n"));
  return path;
}

describe("readRawTextRecords()", () => {
  it("readRawTextRecords() reads text and context + continuation records, with ids and subsets", async () => {
    const path = file([JSON.stringify({ text: "Call me Ishmael." }), "", JSON.stringify({ id: "b", subset: "sotu", context: "Mr. Speaker,", continuation: " the state of the Union is strong." })]);
    expect(await readRawTextRecords([path], "base-text")).toEqual([
      { id: "texts.jsonl:1", subset: "base-text", context: "", continuation: "Call me Ishmael." },
      { id: "b", subset: "sotu", context: "Mr. Speaker,", continuation: " the state of the Union is strong." },
    ]);
  });

  it("readRawTextRecords() names the file, the line and the shapes it expected", async () => {
    await expect(readRawTextRecords([file([JSON.stringify({ text: "ok" }), JSON.stringify({ question: "2+2?", answer: "4" })])], "s")).rejects.toThrow(
      /texts\.jsonl:2: expected one JSON object per line: \{"text": string\}.*\{"context": string, "continuation": string\}.*got \{"question"/,
    );
    await expect(readRawTextRecords([file(["{not json"])], "s")).rejects.toThrow(/texts\.jsonl:1: not JSON/);
    await expect(readRawTextRecords([file([JSON.stringify({ text: "" })])], "s")).rejects.toThrow(/texts\.jsonl:1: expected .* non-empty scored text/);
    await expect(readRawTextRecords([file(["", " "])], "s")).rejects.toThrow(/no records/);
  });
});
