import type { Role } from "@ual/core";

/** A turn together with where it came from in the record (`conversations[2]`), for messages. */
export interface SourcedTurn {
  role: Role;
  content: string;
  at: string;
}

/**
 * Checks the order of a dialogue's turns; returns why it is unusable, or `undefined`.
 *
 * The reference code pairs turns as `conv[0::2]` / `conv[1::2]` without looking at roles (spec
 * §5.4), so a dialogue that starts with the assistant or has two turns of one role in a row
 * would be silently misaligned there. Here it is an invalid record instead.
 *
 * `alternate: false` skips the same-role check, for prompt-only shapes (MT-bench) whose user
 * turns follow each other by design.
 */
export function dialogueProblem(turns: readonly SourcedTurn[], alternate: boolean): string | undefined {
  const first = turns.find((turn) => turn.role !== "system");
  if (first === undefined) return "the dialogue has only system turns; it needs a user turn";
  if (first.role !== "user") {
    return `the first non-system turn (${first.at}) is an ${first.role} turn; a dialogue must start with the user`;
  }
  if (!alternate) return undefined;
  for (let i = 1; i < turns.length; i++) {
    const previous = turns[i - 1];
    const turn = turns[i];
    if (previous !== undefined && turn !== undefined && previous.role === turn.role) {
      return `${previous.at} and ${turn.at} are both ${turn.role} turns; turns must alternate`;
    }
  }
  return undefined;
}
