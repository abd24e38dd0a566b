import type { JsonObject } from "./json.ts";

/** Who speaks a turn. Source plugins map their dataset's role names onto these. */
export type Role = "system" | "user" | "assistant";

/** One turn of a dialogue. */
export interface Turn {
  role: Role;
  content: string;
}

/** Where a sample came from, so that errors can point at it (`file:line`). */
export interface SampleLocation {
  file: string;
  /** 1-based line where the record starts (for a JSON array: where the element starts). */
  line: number;
}

/**
 * The one normalised training sample every plugin sees, whatever the dataset's shape
 * (ShareGPT, LIMA, OpenAI chat, Alpaca, ...).
 *
 * @example
 * ```ts
 * const sample: Sample = {
 *   id: "gsm8k-17",
 *   turns: [{ role: "user", content: "2+2?" }, { role: "assistant", content: "4" }],
 *   metadata: { subset: "math" },
 * };
 * ```
 */
export interface Sample {
  /** Unique within a run. */
  id: string;
  turns: Turn[];
  /** Every field of the record that is not part of the dialogue (scores, tags, source names, ...). */
  metadata: JsonObject;
  location?: SampleLocation;
}
