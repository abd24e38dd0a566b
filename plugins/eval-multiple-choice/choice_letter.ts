const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * The letter a choice is shown and answered with: 0 → "A", 25 → "Z".
 *
 * @throws {RangeError} past Z.
 *
 * @example
 * ```ts
 * choiceLetter(2); // "C"
 * ```
 */
export function choiceLetter(index: number): string {
  const letter = LETTERS[index];
  if (letter === undefined) throw new RangeError(`choiceLetter: choice ${index} has no letter (A–Z are 0–25)`);
  return letter;
}
