import { describe, expect, it } from "vitest";
import { readCompletion } from "./read_completion.ts";

const completion = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  choices: [{ index: 0, message, finish_reason: "stop", ...extra }],
  usage: { prompt_tokens: 500, completion_tokens: 6 },
});

const tokens = (score: string, top: Array<[string, number]>) => ({
  content: ['{"', "score", '":', " ", score, "}"].map((token) => ({
    token,
    logprob: token === score ? Math.log(top[0]?.[1] ?? 1) : 0,
    top_logprobs: token === score ? top.map(([t, p]) => ({ token: t, logprob: Math.log(p) })) : [],
  })),
});

describe("readCompletion()", () => {
  it("readCompletion() reads the structured answer and the token usage", () => {
    expect(readCompletion(completion({ content: '{"score": 42}', refusal: null }))).toEqual({
      raw: { content: '{"score": 42}', finish_reason: "stop" },
      score: 42,
      inputTokens: 500,
      outputTokens: 6,
    });
  });

  it("readCompletion() gives null with the reason for refusals, empty replies and scores out of range", () => {
    expect(readCompletion(completion({ content: null, refusal: "I can't help with that." }))).toMatchObject({ score: null, reason: "refused: I can't help with that.", raw: { refusal: "I can't help with that." } });
    expect(readCompletion(completion({ content: "" }))).toMatchObject({ score: null, reason: "empty reply" });
    expect(readCompletion(completion({ content: '{"score": 150}' }))).toMatchObject({ score: null, reason: "score 150 is outside 0–99" });
    expect(readCompletion(completion({ content: '{"sco' }, { finish_reason: "length" }))).toMatchObject({ score: null, reason: expect.stringContaining("hit maxOutputTokens") });
  });

  it("readCompletion() reads free text by spec §1.3's rules", () => {
    expect(readCompletion(completion({ content: "Rating: 64 — mostly open." })).score).toBe(64);
  });

  it("readCompletion() with logprobs takes the probability-weighted score over the score token's alternatives", () => {
    const reply = readCompletion(completion({ content: '{"score": 30}' }, { logprobs: tokens("30", [["30", 0.7], ["40", 0.2], ["20", 0.1]]) }), { logprobs: true });
    expect(reply.score).toBeCloseTo(31, 6);
    expect(reply.raw).toMatchObject({ score_logprobs: [{ token: "30" }, { token: "40" }, { token: "20" }] });
    // Without the option, the sampled number stands.
    expect(readCompletion(completion({ content: '{"score": 30}' }, { logprobs: tokens("30", [["30", 0.7], ["40", 0.3]]) })).score).toBe(30);
  });

  it("readCompletion() keeps the sampled score when the alternatives hold too little probability", () => {
    const reply = readCompletion(completion({ content: '{"score": 30}' }, { logprobs: tokens("30", [["30", 0.3], ["thirty", 0.7]]) }), { logprobs: true });
    expect(reply.score).toBe(30);
  });

  it("readCompletion() calls a completion without choices malformed, to be retried", () => {
    expect(() => readCompletion({ choices: [] })).toThrow(expect.objectContaining({ name: "MalformedReplyError" }));
    expect(() => readCompletion(null)).toThrow("no choices");
  });
});
