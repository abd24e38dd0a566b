/**
 * A response that arrived whole but does not have the shape the protocol promises (no choices,
 * no content). {@linkcode classifyFailure} treats it like a truncated body: retried.
 *
 * @example
 * ```ts
 * if (!Array.isArray(body.choices)) throw new MalformedReplyError("the completion has no choices");
 * ```
 */
export class MalformedReplyError extends Error {
  override name = "MalformedReplyError";
}
