/**
 * Validity and diversity of K sampled answers to one prompt: `validity` = valid / K, `distinct` =
 * distinct valid answers / K (1 when every draw is a different valid answer; a model collapsed
 * onto one answer scores 1/K).
 *
 * @example
 * ```ts
 * answerDiversity(["apple", "pear", "apple", "rock"], (a) => a !== "rock"); // { validity: 0.75, distinct: 0.5 }
 * ```
 */
export function answerDiversity(normalizedAnswers: readonly string[], isValid: (answer: string) => boolean): { validity: number; distinct: number } {
  const k = normalizedAnswers.length;
  if (k === 0) throw new RangeError("answerDiversity: no answers");
  const valid = normalizedAnswers.filter(isValid);
  return { validity: valid.length / k, distinct: new Set(valid).size / k };
}
