import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPromptTemplate, promptTemplateFromText, PromptTemplateError } from "./prompt_template.ts";

describe("promptTemplateFromText()", () => {
  it("promptTemplateFromText() versions a template by a hash of its text", () => {
    const a = promptTemplateFromText("A {conversation}", "a.txt");
    const b = promptTemplateFromText("B {conversation}", "b.txt");
    expect(a.version).toMatch(/^file:[0-9a-f]{12}$/);
    expect(a.version).not.toBe(b.version);
    expect(promptTemplateFromText("A {conversation}", "elsewhere.txt").version).toBe(a.version);
  });

  it("promptTemplateFromText() requires the placeholder exactly once, and points reference users at it", () => {
    expect(() => promptTemplateFromText("no placeholder", "x.txt")).toThrow(PromptTemplateError);
    expect(() => promptTemplateFromText("{conversation} {conversation}", "x.txt")).toThrow("it has 2");
    expect(() => promptTemplateFromText("Example:\n{example}\n", "paper.txt")).toThrow('"{example}"');
  });
});

describe("loadPromptTemplate()", () => {
  it("loadPromptTemplate() reads a template file, and says so when there is none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ual-template-"));
    writeFileSync(join(dir, "t.txt"), "Rate it.\n{conversation}\n");
    const template = await loadPromptTemplate(join(dir, "t.txt"));
    expect(template).toMatchObject({ text: "Rate it.\n{conversation}\n", origin: join(dir, "t.txt") });
    await expect(loadPromptTemplate(join(dir, "missing.txt"))).rejects.toThrow("no such file");
  });
});
