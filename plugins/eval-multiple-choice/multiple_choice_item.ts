/** One multiple-choice question, whatever file or generator it came from. */
export interface MultipleChoiceItem {
  /** Where it came from, e.g. `arc.jsonl:12` or `testbed-mc-heldout-3`. */
  id: string;
  /** What metrics are grouped by (default: the file's name without extension, or `testbed`). */
  subset: string;
  /** The question or, for a `continuation` item (HellaSwag), the context to continue. */
  question: string;
  /** `question`: "which answer is right"; `continuation`: "which ending follows the context". */
  kind: "question" | "continuation";
  /** The choices as shown, A first. */
  choices: string[];
  /** The index of the correct choice. */
  answer: number;
}
