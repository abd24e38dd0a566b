// @ts-check
/**
 * A loopback stand-in for the OpenAI and Anthropic APIs: the subset UAL's uncertainty plugins use
 * (chat completions, messages, files, batches, message batches), on 127.0.0.1 with a random port,
 * with scripted faults. The real SDKs are pointed at it with `baseURL`:
 *
 *   OPENAI_BASE_URL    = server.openaiBaseURL     (http://127.0.0.1:<port>/v1)
 *   ANTHROPIC_BASE_URL = server.anthropicBaseURL  (http://127.0.0.1:<port>)
 *
 * Plain JavaScript (checked with JSDoc) so that the benchmark can run it with `node` alone.
 * It rates a conversation with a score derived from its text (a hash), so a test can predict
 * every score, and it records every request and every paid completion for tests to count.
 * A pairwise judge's request (the `record_verdict` schema or tool, or a prompt with the judge's
 * answer fences) gets a verdict derived from the two answers' texts (`defaultVerdict`), so a
 * test can predict every verdict too.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";

/**
 * @typedef {"openai" | "anthropic"} Api
 * @typedef {"429" | "500" | "503" | "529" | "401" | "400" | "404" | "echo-key" | "slow" | "truncated" | "malformed" | "empty" | "refusal" | "out-of-range" | "echo-bands" | "text" | "invalid-verdict"} FaultKind
 * @typedef {"A" | "B" | "tie"} Verdict
 * @typedef {object} JudgedTexts What a judge prompt asks about (undefined parts: a template without our fences).
 * @property {string} prompt
 * @property {string | undefined} question
 * @property {string | undefined} first The answer shown first ("Answer A").
 * @property {string | undefined} second The answer shown second ("Answer B").
 * @typedef {object} Fault
 * @property {FaultKind} fault What goes wrong.
 * @property {string | ((request: SeenRequest) => boolean)} [when] Applies to prompts containing this text (or for which it returns true); every request when absent.
 * @property {number} [times] How many matching requests it hits (default 1; Infinity for all).
 * @property {Api} [api] Only this API.
 * @property {number} [retryAfterMs] For 429/503/529: sent as `retry-after-ms` (and `retry-after` in whole seconds, rounded up).
 * @property {number} [retryAfterSeconds] For 429/503/529: sent as `retry-after` only.
 * @property {number} [delayMs] For "slow": how late the answer comes (default 5000).
 * @property {string} [text] For "text" / "echo-bands": the reply's text.
 * @property {number} [score] For "out-of-range": the score (default 150).
 * @property {string} [verdict] For "invalid-verdict": the verdict put in the structured answer (default "C").
 * @typedef {object} SeenRequest
 * @property {Api} api
 * @property {string} method
 * @property {string} path
 * @property {string} [prompt] The user message of a completion request.
 * @property {number} [status] The status answered.
 * @property {string} [fault] The fault applied.
 * @property {"sync" | "batch"} [via]
 * @property {string} [customId]
 * @property {any} [body] The request body (completion requests).
 * @typedef {object} Completion A paid completion: a reply the server delivered whole.
 * @property {Api} api
 * @property {string} prompt
 * @property {number | null} score The score the server put in the reply (null for empty/refusal/text replies and verdicts).
 * @property {Verdict | null} [verdict] The verdict the server put in a judge's reply (null when a fault replaced it).
 * @property {"sync" | "batch"} via
 * @property {string} [customId]
 * @typedef {object} ServerOptions
 * @property {[number, number] | number} [latencyMs] Simulated latency of a completion, uniform in [min, max] (default 0).
 * @property {number} [requestsPerMinute] A server-side limit on completion requests: beyond it, 429 with retry-after-ms.
 * @property {number} [burst] Requests the limit lets through at once (default max(1, rpm/60)).
 * @property {string} [apiKey] When set, other keys get a 401.
 * @property {(prompt: string) => number} [score] The score of a prompt (default: from a hash of its conversation).
 * @property {(judged: JudgedTexts) => Verdict} [verdict] A judge's verdict (default {@link defaultVerdict}).
 * @property {number} [batchPolls] Status checks before a batch ends (default 1).
 * @property {boolean} [holdBatches] Batches stay in progress until `finishBatches()`.
 * @property {Fault[]} [faults]
 */

/** @param {string} text */
const sha = (text) => createHash("sha256").update(text).digest("hex");

/**
 * The part of a prompt that identifies its conversation: between the rubric's fences when there
 * are some (so a re-ask, which adds a suffix, gets the same score), else the whole prompt.
 * @param {string} prompt
 */
export function conversationOf(prompt) {
  const start = prompt.indexOf("<<<conversation ");
  const endMarker = prompt.lastIndexOf(" ends>>>");
  return start >= 0 && endMarker > start ? prompt.slice(start, endMarker) : prompt;
}

/**
 * The score the server gives a prompt by default: a number in 0–99 from a hash of its conversation.
 * @param {string} prompt
 */
export function defaultScore(prompt) {
  return Number.parseInt(sha(conversationOf(prompt)).slice(0, 8), 16) % 100;
}

/** The name of the judge's response schema (OpenAI) and forced tool (Anthropic). */
export const VERDICT_TOOL_NAME = "record_verdict";

/**
 * The question and the two answers of a judge prompt, read from its fences
 * (`<<<answer A <code> begins>>>` … `<<<answer A <code> ends>>>`).
 * @param {string} prompt
 * @returns {JudgedTexts}
 */
export function judgedTexts(prompt) {
  /** @param {string} name */
  const fenced = (name) => {
    const match = new RegExp(`<<<${name} ([0-9a-f]{12}) begins>>>\\n([\\s\\S]*?)\\n<<<${name} \\1 ends>>>`).exec(prompt);
    return match ? match[2] : undefined;
  };
  return { prompt, question: fenced("request"), first: fenced("answer A"), second: fenced("answer B") };
}

/**
 * How good the server finds an answer: a number in 0–99 from a hash of its text.
 * @param {string} text
 */
export function answerQuality(text) {
  return Number.parseInt(sha(`quality:${text}`).slice(0, 8), 16) % 100;
}

/**
 * The verdict the server gives by default: the answer of higher {@link answerQuality} is better,
 * and answers within 15 points of each other tie. It depends on the answers, not on their
 * positions, so both orders of a question agree. Without our fences (a user's template), a hash
 * of the whole prompt decides.
 * @param {JudgedTexts} judged
 * @returns {Verdict}
 */
export function defaultVerdict(judged) {
  if (judged.first === undefined || judged.second === undefined) return /** @type {const} */ (["A", "B", "tie"])[Number.parseInt(sha(judged.prompt).slice(0, 8), 16) % 3] ?? "tie";
  const a = answerQuality(judged.first);
  const b = answerQuality(judged.second);
  return Math.abs(a - b) < 15 ? "tie" : a > b ? "A" : "B";
}

/**
 * True for a judge's request: the verdict schema or tool, or our judge fences in the prompt.
 * @param {any} body
 * @param {string} prompt
 */
export function isJudgeRequest(body, prompt) {
  if (body?.response_format?.json_schema?.name === VERDICT_TOOL_NAME) return true;
  if (Array.isArray(body?.tools) && body.tools.some((/** @type {any} */ t) => t?.name === VERDICT_TOOL_NAME)) return true;
  const judged = judgedTexts(prompt);
  return judged.first !== undefined && judged.second !== undefined;
}

/** @param {string} text */
const roughTokens = (text) => Math.max(1, Math.ceil(text.length / 4));

/**
 * Starts the server.
 * @param {ServerOptions} [options]
 */
export async function startLlmServer(options = {}) {
  /** @type {ServerOptions} */
  let config = { ...options };
  /** @type {Array<Fault & { left: number }>} */
  let faults = (options.faults ?? []).map((f) => ({ ...f, left: f.times ?? 1 }));
  /** @type {SeenRequest[]} */
  const requests = [];
  /** @type {Completion[]} */
  const completions = [];
  /** @type {Map<string, { id: string, content: string, filename: string, purpose: string }>} */
  const files = new Map();
  /** @type {Map<string, { api: Api, id: string, polls: number, ended: boolean, lines: any[], body: any, outputFileId?: string, results?: string }>} */
  const batches = new Map();
  let seq = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let tat = Number.NEGATIVE_INFINITY;
  /** @type {number | undefined} */
  let holdAfter;
  /** @type {Array<() => void>} */
  let held = [];
  let holdBatches = options.holdBatches ?? false;

  const nextId = (/** @type {string} */ prefix) => `${prefix}${(++seq).toString(36).padStart(6, "0")}`;
  const latency = () => {
    const l = config.latencyMs ?? 0;
    if (typeof l === "number") return l;
    return l[0] + Math.random() * (l[1] - l[0]);
  };
  const scoreOf = (/** @type {string} */ prompt) => (config.score ?? defaultScore)(prompt);
  const verdictOf = (/** @type {string} */ prompt) => (config.verdict ?? defaultVerdict)(judgedTexts(prompt));

  /** @param {SeenRequest} request */
  const takeFault = (request) => {
    for (const f of faults) {
      if (f.left <= 0) continue;
      if (f.api && f.api !== request.api) continue;
      if (f.when !== undefined) {
        if (typeof f.when === "string" ? !(request.prompt ?? "").includes(f.when) : !f.when(request)) continue;
      }
      f.left--;
      return f;
    }
    return undefined;
  };

  /** A server-side rate limit (GCRA), as providers enforce. */
  const overLimit = () => {
    const rpm = config.requestsPerMinute;
    if (!rpm) return undefined;
    const interval = 60_000 / rpm;
    const burst = config.burst ?? Math.max(1, rpm / 60);
    const now = performance.now();
    const tolerance = (burst - 1) * interval;
    if (now < tat - tolerance) return Math.ceil(tat - tolerance - now);
    tat = Math.max(tat, now) + interval;
    return undefined;
  };

  /**
   * The reply content for a completion: a score, or what a fault makes of it.
   * @param {Api} api
   * @param {string} prompt
   * @param {Fault | undefined} fault
   * @param {any} body
   */
  const replyFor = (api, prompt, fault, body) => {
    const kind = fault?.fault;
    void api;
    if (kind === "empty") return { kind: "empty", score: null };
    if (kind === "refusal") return { kind: "refusal", score: null };
    if (kind === "echo-bands") return { kind: "text", text: fault?.text ?? "The bands are 0-39, 40-69 and 70-99.", score: null };
    if (kind === "text") return { kind: "text", text: fault?.text ?? "", score: null };
    if (kind === "out-of-range") return { kind: "score", score: fault?.score ?? 150 };
    if (isJudgeRequest(body, prompt)) {
      if (kind === "invalid-verdict") return { kind: "verdict", verdict: fault?.verdict ?? "C", valid: false, score: null };
      const verdict = verdictOf(prompt);
      return { kind: "verdict", verdict, valid: true, score: null };
    }
    return { kind: "score", score: scoreOf(prompt) };
  };

  /**
   * A judge's structured answer: a rationale and the verdict.
   * @param {string} verdict
   */
  const verdictAnswer = (verdict) => ({
    rationale: verdict === "tie" ? "Both answers serve the request about equally well." : `Answer ${verdict} follows the instruction more closely and is more helpful.`,
    verdict,
  });

  /**
   * An OpenAI chat completion body.
   * @param {any} body
   * @param {ReturnType<typeof replyFor>} reply
   * @param {string} prompt
   */
  const openaiCompletion = (body, reply, prompt) => {
    /** @type {string | null} */
    let content = null;
    /** @type {string | null} */
    let refusal = null;
    if (reply.kind === "score") content = JSON.stringify({ score: reply.score }).replace(":", ": ");
    else if (reply.kind === "verdict") content = JSON.stringify(verdictAnswer(reply.verdict ?? ""));
    else if (reply.kind === "text") content = reply.text ?? "";
    else if (reply.kind === "empty") content = "";
    else refusal = "I'm sorry, I can't help with that.";
    /** @type {any} */
    let logprobs = null;
    if (body.logprobs && reply.kind === "score" && typeof reply.score === "number") {
      const s = reply.score;
      const top = [
        { token: String(s), logprob: Math.log(0.7) },
        { token: String(Math.min(99, s + 10)), logprob: Math.log(0.2) },
        { token: String(Math.max(0, s - 10)), logprob: Math.log(0.1) },
      ].slice(0, body.top_logprobs ?? 3);
      const tokens = ['{"', "score", '":', " ", String(s), "}"];
      logprobs = {
        content: tokens.map((token) => ({
          token,
          logprob: token === String(s) ? Math.log(0.7) : -0.0001,
          bytes: [...Buffer.from(token)],
          top_logprobs: token === String(s) ? top.map((t) => ({ ...t, bytes: [...Buffer.from(t.token)] })) : [{ token, logprob: -0.0001, bytes: [...Buffer.from(token)] }],
        })),
        refusal: null,
      };
    }
    const completionTokens = roughTokens(content ?? refusal ?? "");
    return {
      id: nextId("chatcmpl-"),
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content, refusal }, logprobs, finish_reason: "stop" }],
      usage: { prompt_tokens: roughTokens(prompt), completion_tokens: completionTokens, total_tokens: roughTokens(prompt) + completionTokens },
    };
  };

  /**
   * An Anthropic message body.
   * @param {any} body
   * @param {ReturnType<typeof replyFor>} reply
   * @param {string} prompt
   */
  const anthropicMessage = (body, reply, prompt) => {
    const tool = Array.isArray(body.tools) && body.tools[0] ? body.tools[0].name : undefined;
    /** @type {any[]} */
    let content;
    let stop = "end_turn";
    if (reply.kind === "score") {
      if (tool) {
        content = [{ type: "tool_use", id: nextId("toolu_"), name: tool, input: { score: reply.score } }];
        stop = "tool_use";
      } else content = [{ type: "text", text: JSON.stringify({ score: reply.score }) }];
    } else if (reply.kind === "verdict") {
      if (tool) {
        content = [{ type: "tool_use", id: nextId("toolu_"), name: tool, input: verdictAnswer(reply.verdict ?? "") }];
        stop = "tool_use";
      } else content = [{ type: "text", text: JSON.stringify(verdictAnswer(reply.verdict ?? "")) }];
    } else if (reply.kind === "text") content = [{ type: "text", text: reply.text ?? "" }];
    else if (reply.kind === "empty") content = [];
    else {
      content = [{ type: "text", text: "I can't help with rating this." }];
      stop = "refusal";
    }
    return {
      id: nextId("msg_"),
      type: "message",
      role: "assistant",
      model: body.model,
      content,
      stop_reason: stop,
      stop_sequence: null,
      usage: { input_tokens: roughTokens(prompt) + (tool ? 350 : 0), output_tokens: content.length === 0 ? 1 : reply.kind === "verdict" ? 40 : 20 },
    };
  };

  /**
   * What a completion record says of a judge's verdict.
   * @param {ReturnType<typeof replyFor>} reply
   * @returns {{ verdict?: Verdict | null }}
   */
  const verdictField = (reply) => {
    if (reply.kind === "verdict") return { verdict: reply.valid ? /** @type {Verdict} */ (reply.verdict) : null };
    return {};
  };

  /** @param {any} body */
  const promptOf = (body) => {
    const messages = Array.isArray(body?.messages) ? body.messages : [];
    return messages
      .map((/** @type {any} */ m) => (typeof m.content === "string" ? m.content : Array.isArray(m.content) ? m.content.map((/** @type {any} */ b) => b.text ?? "").join("") : ""))
      .join("\n");
  };

  /**
   * @param {import("node:http").ServerResponse} res
   * @param {number} status
   * @param {unknown} body
   * @param {Record<string, string>} [headers]
   */
  const send = (res, status, body, headers = {}) => {
    if (res.destroyed || res.writableEnded) return;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };

  /**
   * @param {Api} api
   * @param {number} status
   * @param {string} message
   */
  const errorBody = (api, status, message) => {
    const type = { 400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error", 429: "rate_limit_error", 500: "api_error", 503: "api_error", 529: "overloaded_error" }[status] ?? "api_error";
    return api === "anthropic" ? { type: "error", error: { type, message } } : { error: { message, type, param: null, code: null } };
  };

  /** @param {Fault} fault */
  const retryHeaders = (fault) => {
    /** @type {Record<string, string>} */
    const headers = {};
    if (fault.retryAfterMs !== undefined) {
      headers["retry-after-ms"] = String(fault.retryAfterMs);
      headers["retry-after"] = String(Math.ceil(fault.retryAfterMs / 1000));
    } else if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
    return headers;
  };

  /**
   * A completion request (either API).
   * @param {Api} api
   * @param {import("node:http").IncomingMessage} req
   * @param {import("node:http").ServerResponse} res
   * @param {any} body
   * @param {string} key
   */
  const complete = async (api, req, res, body, key) => {
    const prompt = promptOf(body);
    /** @type {SeenRequest} */
    const seen = { api, method: req.method ?? "POST", path: req.url ?? "", prompt, via: "sync", body };
    requests.push(seen);
    if (config.apiKey !== undefined && key !== config.apiKey) {
      seen.status = 401;
      const masked = key.length > 8 ? `${key.slice(0, 3)}${"*".repeat(key.length - 7)}${key.slice(-4)}` : "***";
      return send(res, 401, errorBody(api, 401, `Incorrect API key provided: ${masked}. You can find your API key at https://example.invalid/keys.`));
    }
    const wait = overLimit();
    if (wait !== undefined) {
      seen.status = 429;
      seen.fault = "rate-limit";
      return send(res, 429, errorBody(api, 429, "Rate limit reached for requests"), { "retry-after-ms": String(wait), "retry-after": String(Math.ceil(wait / 1000)) });
    }
    const fault = takeFault(seen);
    if (fault) seen.fault = fault.fault;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let closed = false;
    /** @type {(() => void) | undefined} */
    let unhold;
    res.on("close", () => {
      closed = true;
      // The client gave up (a timeout, an abort, a killed process) before the answer came.
      if (!res.writableEnded) seen.status = 499;
      unhold?.();
    });
    try {
      const delay = fault?.fault === "slow" ? (fault.delayMs ?? 5000) : latency();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      // Checked right before answering (and the answer is counted in the same tick), so no more
      // than `holdAfter` answers ever go out while holding.
      while (holdAfter !== undefined && completions.length >= holdAfter && !closed) {
        await new Promise((resolve) => {
          unhold = () => resolve(undefined);
          held.push(unhold);
        });
      }
      if (closed) {
        seen.status = 499;
        return;
      }
      switch (fault?.fault) {
        case "429":
        case "503":
        case "529":
        case "500": {
          const status = Number(fault.fault);
          seen.status = status;
          return send(res, status, errorBody(api, status, status === 529 ? "Overloaded" : status === 429 ? "Rate limit reached" : "The server had an error while processing your request"), retryHeaders(fault));
        }
        case "401":
        case "400":
        case "404": {
          const status = Number(fault.fault);
          seen.status = status;
          return send(res, status, errorBody(api, status, status === 404 ? `The model '${body.model}' does not exist` : status === 401 ? "Invalid authentication" : "This request is invalid"));
        }
        case "echo-key":
          // An API that repeats the credential it got: the client must keep it out of everything it writes.
          seen.status = 400;
          return send(res, 400, errorBody(api, 400, `request rejected for credential ${key}`));
        case "truncated": {
          const whole = JSON.stringify(api === "openai" ? openaiCompletion(body, replyFor(api, prompt, undefined, body), prompt) : anthropicMessage(body, replyFor(api, prompt, undefined, body), prompt));
          seen.status = 200;
          return send(res, 200, whole.slice(0, Math.floor(whole.length / 2)));
        }
        case "malformed":
          seen.status = 200;
          return send(res, 200, api === "openai" ? { id: "x", object: "chat.completion", choices: [] } : { id: "x", type: "message", content: null });
        default: {
          const reply = replyFor(api, prompt, fault, body);
          seen.status = 200;
          completions.push({ api, prompt, score: reply.kind === "score" ? (reply.score ?? null) : null, ...verdictField(reply), via: "sync" });
          return send(res, 200, api === "openai" ? openaiCompletion(body, reply, prompt) : anthropicMessage(body, reply, prompt));
        }
      }
    } finally {
      inFlight--;
    }
  };

  /**
   * Runs a batch's requests (content faults apply; transport faults do not).
   * @param {Api} api
   * @param {any[]} items
   */
  const runBatch = (api, items) =>
    items.map((item) => {
      const body = api === "openai" ? item.body : item.params;
      const prompt = promptOf(body);
      /** @type {SeenRequest} */
      const seen = { api, method: "BATCH", path: api === "openai" ? item.url : "/v1/messages", prompt, via: "batch", customId: item.custom_id, body };
      requests.push(seen);
      const fault = takeFault(seen);
      const contentFault = fault && ["empty", "refusal", "echo-bands", "text", "out-of-range", "invalid-verdict"].includes(fault.fault) ? fault : undefined;
      const reply = replyFor(api, prompt, contentFault, body);
      completions.push({ api, prompt, score: reply.kind === "score" ? (reply.score ?? null) : null, ...verdictField(reply), via: "batch", customId: item.custom_id });
      seen.status = 200;
      if (api === "openai") {
        return { id: nextId("batch_req_"), custom_id: item.custom_id, response: { status_code: 200, request_id: nextId("req_"), body: openaiCompletion(body, reply, prompt) }, error: null };
      }
      return { custom_id: item.custom_id, result: { type: "succeeded", message: anthropicMessage(body, reply, prompt) } };
    });

  /** @param {string} id */
  const openaiBatchView = (id) => {
    const b = batches.get(id);
    if (!b) return undefined;
    const now = Math.floor(Date.now() / 1000);
    return {
      id: b.id,
      object: "batch",
      endpoint: b.body.endpoint,
      errors: null,
      input_file_id: b.body.input_file_id,
      completion_window: b.body.completion_window,
      status: b.ended ? "completed" : b.polls === 0 ? "validating" : "in_progress",
      output_file_id: b.ended ? (b.outputFileId ?? null) : null,
      error_file_id: null,
      created_at: now,
      in_progress_at: now,
      expires_at: now + 86400,
      completed_at: b.ended ? now : null,
      request_counts: { total: b.lines.length, completed: b.ended ? b.lines.length : 0, failed: 0 },
      metadata: b.body.metadata ?? null,
    };
  };

  /** @param {string} id @param {string} base */
  const anthropicBatchView = (id, base) => {
    const b = batches.get(id);
    if (!b) return undefined;
    const now = new Date().toISOString();
    const n = b.lines.length;
    return {
      id: b.id,
      type: "message_batch",
      processing_status: b.ended ? "ended" : "in_progress",
      request_counts: { processing: b.ended ? 0 : n, succeeded: b.ended ? n : 0, errored: 0, canceled: 0, expired: 0 },
      ended_at: b.ended ? now : null,
      created_at: now,
      expires_at: now,
      archived_at: null,
      cancel_initiated_at: null,
      results_url: b.ended ? `${base}/v1/messages/batches/${b.id}/results` : null,
    };
  };

  /** @param {string} id */
  const advance = (id) => {
    const b = batches.get(id);
    if (!b || b.ended) return;
    b.polls++;
    if (holdBatches || b.polls < (config.batchPolls ?? 1)) return;
    b.ended = true;
    const results = runBatch(b.api, b.lines);
    const text = `${results.map((r) => JSON.stringify(r)).join("\n")}\n`;
    if (b.api === "openai") {
      const fileId = nextId("file-");
      files.set(fileId, { id: fileId, content: text, filename: "output.jsonl", purpose: "batch_output" });
      b.outputFileId = fileId;
    } else b.results = text;
  };

  /**
   * @param {import("node:http").IncomingMessage} req
   * @returns {Promise<Buffer>}
   */
  const readBody = (req) =>
    new Promise((resolve, reject) => {
      /** @type {Buffer[]} */
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const path = url.pathname;
      const raw = await readBody(req);
      const auth = String(req.headers.authorization ?? "");
      const openaiKey = auth.startsWith("Bearer ") ? auth.slice(7) : "";
      // Anthropic SDKs send the key as x-api-key (older) or as a bearer token (1.x).
      const anthropicKey = String(req.headers["x-api-key"] ?? "") || openaiKey;
      const json = () => (raw.length > 0 ? JSON.parse(raw.toString("utf8")) : {});
      const base = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;

      if (req.method === "POST" && path === "/v1/chat/completions") return await complete("openai", req, res, json(), openaiKey);
      if (req.method === "POST" && path === "/v1/messages") return await complete("anthropic", req, res, json(), anthropicKey);

      // OpenAI files and batches.
      if (path.startsWith("/v1/files") || path.startsWith("/v1/batches")) {
        requests.push({ api: "openai", method: req.method ?? "", path });
        if (config.apiKey !== undefined && openaiKey !== config.apiKey) return send(res, 401, errorBody("openai", 401, "Incorrect API key provided"));
      }
      if (req.method === "POST" && path === "/v1/files") {
        const form = await new Request(`${base}${path}`, { method: "POST", headers: /** @type {Record<string, string>} */ (req.headers), body: raw }).formData();
        const file = form.get("file");
        if (!file || typeof file === "string") return send(res, 400, errorBody("openai", 400, "no file"));
        const id = nextId("file-");
        const content = await file.text();
        files.set(id, { id, content, filename: file.name, purpose: String(form.get("purpose")) });
        return send(res, 200, { id, object: "file", bytes: Buffer.byteLength(content), created_at: Math.floor(Date.now() / 1000), filename: file.name, purpose: String(form.get("purpose")), status: "processed" });
      }
      const fileContent = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
      if (req.method === "GET" && fileContent) {
        const file = files.get(fileContent[1] ?? "");
        if (!file) return send(res, 404, errorBody("openai", 404, "no such file"));
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(Buffer.byteLength(file.content)) });
        return res.end(file.content);
      }
      if (req.method === "POST" && path === "/v1/batches") {
        const body = json();
        const file = files.get(body.input_file_id);
        if (!file) return send(res, 400, errorBody("openai", 400, `no file ${body.input_file_id}`));
        const id = nextId("batch_");
        const lines = file.content.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
        batches.set(id, { api: "openai", id, polls: 0, ended: false, lines, body });
        return send(res, 200, openaiBatchView(id));
      }
      const openaiBatch = /^\/v1\/batches\/([^/]+)$/.exec(path);
      if (req.method === "GET" && openaiBatch) {
        const id = openaiBatch[1] ?? "";
        advance(id);
        const view = openaiBatchView(id);
        return view ? send(res, 200, view) : send(res, 404, errorBody("openai", 404, "no such batch"));
      }

      // Anthropic message batches.
      if (path.startsWith("/v1/messages/batches")) {
        requests.push({ api: "anthropic", method: req.method ?? "", path });
        if (config.apiKey !== undefined && anthropicKey !== config.apiKey) return send(res, 401, errorBody("anthropic", 401, "invalid x-api-key"));
      }
      if (req.method === "POST" && path === "/v1/messages/batches") {
        const body = json();
        const id = nextId("msgbatch_");
        batches.set(id, { api: "anthropic", id, polls: 0, ended: false, lines: body.requests ?? [], body });
        return send(res, 200, anthropicBatchView(id, base));
      }
      const anthropicResults = /^\/v1\/messages\/batches\/([^/]+)\/results$/.exec(path);
      if (req.method === "GET" && anthropicResults) {
        const b = batches.get(anthropicResults[1] ?? "");
        if (!b?.results) return send(res, 404, errorBody("anthropic", 404, "no results yet"));
        res.writeHead(200, { "content-type": "application/binary", "content-length": String(Buffer.byteLength(b.results)) });
        return res.end(b.results);
      }
      const anthropicBatch = /^\/v1\/messages\/batches\/([^/]+)$/.exec(path);
      if (req.method === "GET" && anthropicBatch) {
        const id = anthropicBatch[1] ?? "";
        advance(id);
        const view = anthropicBatchView(id, base);
        return view ? send(res, 200, view) : send(res, 404, errorBody("anthropic", 404, "no such batch"));
      }
      return send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
    } catch (error) {
      send(res, 500, { error: { message: `loopback server: ${error instanceof Error ? error.message : String(error)}` } });
    }
  });

  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    /** For OPENAI_BASE_URL / the OpenAI SDK's baseURL. */
    openaiBaseURL: `http://127.0.0.1:${port}/v1`,
    /** For ANTHROPIC_BASE_URL / the Anthropic SDK's baseURL. */
    anthropicBaseURL: `http://127.0.0.1:${port}`,
    /** Every request seen, in order. */
    requests,
    /** Every paid completion delivered, in order (sync and batch). */
    completions,
    /** The score the server gives a prompt. */
    scoreOf,
    /** The verdict the server gives a judge prompt (before faults). */
    verdictOf,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    /** Batches created, by id. */
    get batchIds() {
      return [...batches.keys()];
    },
    /** @param {Fault[]} list Replaces the fault script. */
    setFaults(list) {
      faults = list.map((f) => ({ ...f, left: f.times ?? 1 }));
    },
    /** @param {Partial<ServerOptions>} changes */
    configure(changes) {
      config = { ...config, ...changes };
      if (changes.holdBatches !== undefined) holdBatches = changes.holdBatches;
    },
    /** After `n` paid completions, hold every further completion request unanswered (until `release`). @param {number | undefined} n */
    holdAfter(n) {
      holdAfter = n;
    },
    /** Answers the held requests and stops holding. */
    release() {
      holdAfter = undefined;
      const waiting = held;
      held = [];
      for (const go of waiting) go();
    },
    /** Lets held batches end at their next status check. */
    finishBatches() {
      holdBatches = false;
    },
    /** Forgets requests and completions (not files, batches or faults). */
    resetCounts() {
      requests.length = 0;
      completions.length = 0;
      maxInFlight = inFlight;
    },
    async close() {
      this.release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
