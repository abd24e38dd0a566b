import { testbedMultipleChoice } from "@ual/testbed";
import type { MultipleChoiceItem } from "./multiple_choice_item.ts";
import type { DataSource } from "./options.ts";
import { readMultipleChoiceJsonl } from "./read_multiple_choice_jsonl.ts";

/** An item and whether it came from the testbed (asked in the chat template under `prompt: auto`). */
export interface SourcedItem {
  item: MultipleChoiceItem;
  fromTestbed: boolean;
}

/** Every source's items, one subset per source; two sources may not share a subset. */
export async function loadItems(sources: readonly DataSource[], resolvePath: (path: string) => string): Promise<SourcedItem[]> {
  const out: SourcedItem[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    let items: MultipleChoiceItem[];
    let label: string;
    if ("jsonl" in source) {
      label = source.jsonl;
      items = await readMultipleChoiceJsonl(resolvePath(source.jsonl), {
        format: source.format,
        seed: source.seed,
        ...(source.subset !== undefined ? { subset: source.subset } : {}),
        ...(source.choiceOrder !== undefined ? { choiceOrder: source.choiceOrder } : {}),
        ...(source.limit !== undefined ? { limit: source.limit } : {}),
      });
    } else {
      const t = source.testbed;
      label = "testbed";
      items = testbedMultipleChoice({ seed: t.seed, count: t.count, choices: t.choices, split: t.split, ...(t.kinds !== undefined ? { kinds: t.kinds } : {}) }).map((i) => ({
        id: i.id,
        subset: t.subset,
        question: i.question,
        kind: "question",
        choices: i.choices,
        answer: i.answer,
      }));
    }
    const subset = items[0]?.subset as string;
    const other = seen.get(subset);
    if (other !== undefined) throw new Error(`@ual/eval-multiple-choice: data sources ${other} and ${label} are both subset "${subset}"; give one of them a subset: name`);
    seen.set(subset, label);
    out.push(...items.map((item) => ({ item, fromTestbed: "testbed" in source })));
  }
  return out;
}
