import type { TokenAlternative } from "@ual/llm";

/** One token of a chat completion's `logprobs.content`. */
export interface ContentToken {
  token: string;
  logprob: number;
  top_logprobs?: TokenAlternative[] | null;
}

/**
 * The alternatives the model weighed for the score's token: the token that spells the number
 * after `"score":` in the reply. Undefined when the number is not one token of its own (then
 * the expected score cannot be had and the sampled one stands).
 */
export function scoreTokenAlternatives(tokens: readonly ContentToken[]): TokenAlternative[] | undefined {
  const text = tokens.map((t) => t.token).join("");
  const match = /"score"\s*:\s*(\d+)/.exec(text);
  if (!match) return undefined;
  const digits = match[1] as string;
  const start = match.index + match[0].length - digits.length;
  let offset = 0;
  for (const token of tokens) {
    const end = offset + token.token.length;
    if (start >= offset && start < end) {
      // The token holding the first digit must hold the whole number and nothing else but spaces.
      if (token.token.trim() !== digits) return undefined;
      return token.top_logprobs && token.top_logprobs.length > 0 ? token.top_logprobs : [{ token: token.token, logprob: token.logprob }];
    }
    offset = end;
  }
  return undefined;
}
