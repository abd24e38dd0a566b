import type { Verdict } from "./verdict_schema.ts";
import { jsonReplyObjects, quoteReply as quote } from "./_json_reply.ts";

/** Which rule read the verdict: the JSON answer, the reference's 1/2/3 judgment (spec §6.4), or an A/B/tie label. */
export type VerdictRule = "json" | "judgment-number" | "label";

/** A verdict read from a judge's reply (with its rationale when there is one), or `null` with the reason. */
export type ParsedVerdict = { verdict: Verdict; rule: VerdictRule; rationale?: string } | { verdict: null; reason: string };

// The reference's numbers (spec §6.4): 1 = the first answer is better, 2 = neither, 3 = the first is worse.
const BY_NUMBER = new Map<string, Verdict>([
  ["1", "A"],
  ["2", "tie"],
  ["3", "B"],
]);

// Every form a verdict may take in free text. The last match in the judged section wins, as in
// the spec's rule ("the last standalone 1|2|3"), whatever its form. The letters are matched
// case-sensitively: "the verdict is a tie" must not read the article "a" as Answer A.
const TOKENS: ReadonlyArray<{ rule: VerdictRule; pattern: RegExp }> = [
  // A standalone 1, 2 or 3, bare or in bold (`**1**`), but not part of a number, a date, a
  // fraction or a version ("1.5", "2/3", "3rd").
  { rule: "judgment-number", pattern: /(?<![\w.,/-])\**([123])\**(?![\w/%-]|[.,]\d)/g },
  // [[A]], **B**, **tie**.
  { rule: "label", pattern: /\[\[\s*(A|B|[Tt]ie|TIE)\s*\]\]|\*\*\s*(A|B|[Tt]ie|TIE)\s*\*\*/g },
  // "verdict: A", "the winner is B", "Judgment - tie", "my choice: Answer B".
  {
    rule: "label",
    pattern: /\b(?:[Vv]erdict|VERDICT|[Ww]inner|WINNER|[Jj]udge?ment|JUDGE?MENT|[Dd]ecision|[Cc]hoice)\s*(?:is|:|=|-)?\s*["'“*]*(?:[Aa]nswer\s+)?(A|B|[Tt]ie|TIE)\b(?!['’]\w)/g,
  },
  // "Answer B is better", "A is the stronger one".
  { rule: "label", pattern: /\b(?:[Aa]nswer\s+)?(A|B)\s+is\s+(?:the\s+)?(?:better|stronger|preferred|superior)\b/g },
  // "a tie", "It's a tie." — but not "not a tie" or "no tie".
  { rule: "label", pattern: /(?<!\bnot\s+(?:a\s+)?|\bno\s+)\b(tie)\b/gi },
];

function asVerdict(value: string): Verdict | undefined {
  const v = value.trim();
  if (v === "A" || v === "B") return v;
  if (/^(a|b)$/i.test(v)) return v.toUpperCase() as Verdict;
  if (/^tie$/i.test(v)) return "tie";
  return BY_NUMBER.get(v);
}

function fromJson(text: string): ParsedVerdict | undefined {
  const { objects, body, startsLikeJson } = jsonReplyObjects(text, "verdict");
  for (const { value, text: candidate } of objects) {
    if (!("verdict" in value)) return { verdict: null, reason: `the JSON reply has no "verdict": ${quote(candidate)}` };
    const raw = value.verdict;
    const verdict = typeof raw === "string" || typeof raw === "number" ? asVerdict(String(raw)) : undefined;
    if (!verdict) return { verdict: null, reason: `"verdict" must be "A", "B" or "tie", not ${quote(JSON.stringify(raw) ?? "")}` };
    const rationale = value.rationale;
    return { verdict, rule: "json", ...(typeof rationale === "string" && rationale.trim() !== "" ? { rationale: rationale.trim() } : {}) };
  }
  // Starts like JSON but does not parse: a reply cut short. Reading a verdict out of the
  // rationale of `{"rationale": "A is better because` would be a guess, so no prose rule runs.
  if (startsLikeJson) return { verdict: null, reason: `malformed JSON reply: ${quote(body)}` };
  return undefined;
}

/**
 * Reads a pairwise judge's verdict from its reply — "A" (the answer shown first is better), "B"
 * or "tie":
 *
 * 1. a JSON object `{"verdict": "A" | "B" | "tie", "rationale": ...}` (what our prompt and
 *    schema ask for; fenced or inside prose);
 * 2. otherwise spec §6.4's rule: the text after the last `### Judgment:` (or the whole reply
 *    when there is none), and in it the last verdict given — a standalone `1`, `2` or `3`
 *    (also `**1**`; 1 = the first answer is better, 2 = neither, 3 = the first is worse), or
 *    one of our labels: `[[A]]`, `**B**`, `verdict: tie`, `A is better`, "a tie". The text
 *    before that header (less a `### Rationale:` header) is the rationale.
 *
 * An empty reply, a JSON object cut short or without a valid verdict, or a reply with no
 * verdict in it gives `null` with the reason (the judge re-asks once, spec §9).
 *
 * @example
 * ```ts
 * parseVerdict('{"rationale": "B invents a date.", "verdict": "A"}'); // { verdict: "A", rule: "json", rationale: "B invents a date." }
 * parseVerdict("### Rationale: close.\n### Judgment: **2**");       // { verdict: "tie", rule: "judgment-number", rationale: "close." }
 * parseVerdict("Both are fine.");                                   // { verdict: null, reason: "no verdict in the reply: ..." }
 * ```
 */
export function parseVerdict(reply: string): ParsedVerdict {
  const text = reply.trim();
  if (text === "") return { verdict: null, reason: "empty reply" };
  const json = fromJson(text);
  if (json) return json;

  const header = [...text.matchAll(/#{1,6}\s*judge?ment\s*:?/gi)].at(-1);
  const section = header ? text.slice((header.index ?? 0) + header[0].length) : text;
  // Without a header the whole reply is the judge's reasoning, verdict and all.
  const rationale = (header ? text.slice(0, header.index) : text).replace(/^#{1,6}\s*rationale\s*:?\s*/i, "").trim();
  const withRationale = (verdict: Verdict, rule: VerdictRule): ParsedVerdict => ({ verdict, rule, ...(rationale !== "" ? { rationale } : {}) });

  // The section is nothing but a label: "A", "**B**", "Answer A.", "Tie".
  const bare = section.replace(/[\s*"'“”`.!\[\]]/g, "").replace(/^answer(?=[AB]$)/i, "");
  if (/^(A|B|tie)$/i.test(bare)) return withRationale(asVerdict(bare) as Verdict, "label");

  let best: { verdict: Verdict; rule: VerdictRule; end: number } | undefined;
  for (const { rule, pattern } of TOKENS) {
    for (const match of section.matchAll(pattern)) {
      const token = match.slice(1).find((group) => group !== undefined);
      const verdict = token === undefined ? undefined : asVerdict(token);
      const end = (match.index ?? 0) + match[0].length;
      if (verdict && (!best || end > best.end)) best = { verdict, rule, end };
    }
  }
  if (!best) return { verdict: null, reason: `no verdict in the reply: ${quote(section)}` };
  return withRationale(best.verdict, best.rule);
}
