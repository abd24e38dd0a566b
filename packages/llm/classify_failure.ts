import { retryAfterMs } from "./_retry_after.ts";

/**
 * What a failed API call means for the run:
 * - `auth` — the key was refused (401/403): stop the run and say which variable to set;
 * - `config` — the request can never work (404: no such model or endpoint): stop the run;
 * - `retryable` — try again later (408, 409, 429, 5xx, Anthropic's 529 "overloaded", a timeout,
 *   a dropped connection, a truncated or malformed body);
 * - `rejected` — this one request was refused (400, 413, 422, ...): the sample gets a null score;
 * - `abort` — the run is stopping;
 * - `unknown` — not an API error at all (a bug): rethrow it.
 */
export type FailureKind = "auth" | "config" | "retryable" | "rejected" | "abort" | "unknown";

/** A classified failure. */
export interface ApiFailure {
  kind: FailureKind;
  /** The HTTP status, when there was a response. */
  status?: number;
  /** The server's retry-after, in milliseconds. */
  retryAfterMs?: number;
  message: string;
}

const RETRYABLE_STATUS = new Set([408, 409, 429, 529]);
const CONNECTION_ERRORS = new Set(["APIConnectionError", "APIConnectionTimeoutError", "FetchError", "ConnectTimeoutError"]);

/**
 * Sorts an error thrown by the OpenAI or Anthropic SDK (or by `fetch` or `JSON.parse` under them)
 * into a {@linkcode FailureKind}. Duck-typed on `status`, `headers` and `name`, so it works with
 * any Stainless-generated SDK without depending on one.
 *
 * @example
 * ```ts
 * classifyFailure(Object.assign(new Error("429 slow down"), { status: 429, headers: { "retry-after": "2" } }));
 * // { kind: "retryable", status: 429, retryAfterMs: 2000, message: "429 slow down" }
 * ```
 */
export function classifyFailure(error: unknown, signal?: AbortSignal): ApiFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (signal?.aborted) return { kind: "abort", message };
  if (!(error instanceof Error)) return { kind: "unknown", message };
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number") {
    const wait = retryAfterMs((error as { headers?: unknown }).headers);
    const base = { status, message, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    if (status === 401 || status === 403) return { kind: "auth", ...base };
    if (status === 404) return { kind: "config", ...base };
    if (RETRYABLE_STATUS.has(status) || status >= 500) return { kind: "retryable", ...base };
    return { kind: "rejected", ...base };
  }
  // The OpenAI SDK leaves `name` as "Error"; its class names are the reliable tag.
  const names = [error.name, error.constructor?.name];
  if (names.includes("APIUserAbortError") || names.includes("AbortError")) return { kind: "abort", message };
  if (names.some((name) => name !== undefined && CONNECTION_ERRORS.has(name)) || names.includes("TimeoutError")) return { kind: "retryable", message };
  // A body cut short or not JSON: the SDKs let JSON.parse's SyntaxError through.
  if (error instanceof SyntaxError) return { kind: "retryable", message: `malformed response body (${message})` };
  if (error.name === "MalformedReplyError") return { kind: "retryable", message };
  // undici's "fetch failed", "terminated" (socket closed mid-body) and the like.
  if (error instanceof TypeError && /fetch failed|terminated|socket|network/i.test(message)) return { kind: "retryable", message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_)/.test(code)) return { kind: "retryable", message };
  return { kind: "unknown", message };
}
