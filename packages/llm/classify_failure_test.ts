import { describe, expect, it } from "vitest";
import { classifyFailure } from "./classify_failure.ts";
import { MalformedReplyError } from "./malformed_reply_error.ts";

const http = (status: number, headers: Record<string, string> = {}) => Object.assign(new Error(`${status} status code`), { status, headers: new Headers(headers) });

describe("classifyFailure()", () => {
  it("classifyFailure() sorts HTTP statuses: auth, config, retryable, rejected", () => {
    expect(classifyFailure(http(401)).kind).toBe("auth");
    expect(classifyFailure(http(403)).kind).toBe("auth");
    expect(classifyFailure(http(404)).kind).toBe("config");
    for (const status of [408, 409, 429, 500, 502, 503, 529]) expect(classifyFailure(http(status)).kind, String(status)).toBe("retryable");
    for (const status of [400, 413, 422]) expect(classifyFailure(http(status)).kind, String(status)).toBe("rejected");
  });

  it("classifyFailure() reads retry-after-ms first, then retry-after in seconds or as a date", () => {
    expect(classifyFailure(http(429, { "retry-after-ms": "250", "retry-after": "9" })).retryAfterMs).toBe(250);
    expect(classifyFailure(http(429, { "retry-after": "2" })).retryAfterMs).toBe(2000);
    const date = new Date(Date.now() + 60_000).toUTCString();
    const fromDate = classifyFailure(http(503, { "retry-after": date })).retryAfterMs ?? 0;
    expect(fromDate).toBeGreaterThan(50_000);
    expect(fromDate).toBeLessThanOrEqual(60_000);
    expect(classifyFailure(Object.assign(new Error("x"), { status: 429, headers: { "Retry-After": "1" } })).retryAfterMs).toBe(1000);
    expect(classifyFailure(http(429, { "retry-after": "soon" })).retryAfterMs).toBeUndefined();
  });

  it("classifyFailure() retries timeouts, dropped connections and broken bodies", () => {
    const named = (name: string) => Object.assign(new Error(name), { name });
    expect(classifyFailure(named("APIConnectionTimeoutError")).kind).toBe("retryable");
    expect(classifyFailure(named("APIConnectionError")).kind).toBe("retryable");
    // The OpenAI SDK's errors keep the name "Error": their class tells them apart.
    class APIConnectionTimeoutError extends Error {}
    expect(classifyFailure(new APIConnectionTimeoutError("Request timed out.")).kind).toBe("retryable");
    expect(classifyFailure(new SyntaxError("Unexpected end of JSON input")).kind).toBe("retryable");
    expect(classifyFailure(new MalformedReplyError("no choices")).kind).toBe("retryable");
    expect(classifyFailure(new TypeError("fetch failed")).kind).toBe("retryable");
    expect(classifyFailure(Object.assign(new Error("reset"), { code: "ECONNRESET" })).kind).toBe("retryable");
  });

  it("classifyFailure() tells an abort and a bug apart from API failures", () => {
    expect(classifyFailure(Object.assign(new Error("aborted"), { name: "APIUserAbortError" })).kind).toBe("abort");
    expect(classifyFailure(http(500), AbortSignal.abort()).kind).toBe("abort");
    expect(classifyFailure(new TypeError("cannot read properties of undefined")).kind).toBe("unknown");
    expect(classifyFailure("a string").kind).toBe("unknown");
  });
});
