import { describe, expect, it } from "vitest";
import { promptTemplateFromText } from "./prompt_template.ts";
import { renderPrompt } from "./render_prompt.ts";
import { RUBRIC } from "./rubric.ts";

describe("renderPrompt()", () => {
  it("renderPrompt() puts the rendered dialogue where the template's placeholder was", () => {
    const template = promptTemplateFromText("Rate:\n{conversation}\nDone.", "t.txt");
    expect(renderPrompt(template, [{ role: "user", content: "hi" }], "plain")).toBe("Rate:\nhi\nDone.");
  });

  it("renderPrompt() copies a sample's own placeholders and replacement patterns as they are", () => {
    const template = promptTemplateFromText("<{conversation}>", "t.txt");
    expect(renderPrompt(template, [{ role: "user", content: "$& $' {conversation} $1" }], "plain")).toBe("<$& $' {conversation} $1>");
  });

  it("renderPrompt() with the rubric asks for JSON after the fenced dialogue", () => {
    const prompt = renderPrompt(RUBRIC, [{ role: "user", content: "Tell me a story." }]);
    expect(prompt).toContain("Tell me a story.");
    expect(prompt.indexOf("Tell me a story.")).toBeLessThan(prompt.lastIndexOf('{"score"'));
    expect(prompt).not.toContain("{conversation}");
  });
});
