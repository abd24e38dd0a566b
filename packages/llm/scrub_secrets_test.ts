import { describe, expect, it } from "vitest";
import { scrubSecrets } from "./scrub_secrets.ts";

describe("scrubSecrets()", () => {
  it("scrubSecrets() removes every given secret, longest first", () => {
    expect(scrubSecrets("key=abcdef123456 and abcdef123456", ["abcdef123456"])).toBe("key=[redacted] and [redacted]");
    expect(scrubSecrets("xyz123456789", ["123456789", "xyz123456789"])).toBe("[redacted]");
    expect(scrubSecrets("short abc", ["abc", undefined])).toBe("short abc");
  });

  it("scrubSecrets() removes key-shaped words an API echoes, masked or not", () => {
    expect(scrubSecrets("401: Incorrect API key provided: sk-proj-ab**********yz. See docs.")).toBe("401: Incorrect API key provided: [redacted]. See docs.");
    expect(scrubSecrets("header was Bearer abcdef.ghijk", [])).toBe("header was [redacted]");
    expect(scrubSecrets("invalid x-api-key sk-ant-api03-xyz", [])).toBe("invalid x-api-key [redacted]");
  });
});
