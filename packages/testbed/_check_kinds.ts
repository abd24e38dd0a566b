import { TASK_NAMES, type TaskName } from "./task_families.ts";

/** Throws for names that are not task families; returns the list otherwise. */
export function checkKinds(kinds: readonly string[]): readonly TaskName[] {
  for (const kind of kinds) {
    if (!(TASK_NAMES as readonly string[]).includes(kind)) {
      throw new RangeError(`unknown testbed task family "${kind}"; the families are: ${TASK_NAMES.join(", ")}`);
    }
  }
  return kinds as readonly TaskName[];
}
