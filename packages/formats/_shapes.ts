import type { JsonObject, Role } from "@ual/core";
import { describeType, isRecord } from "./_describe.ts";
import type { SourcedTurn } from "./_dialogue.ts";
import type { RecordShape } from "./record_format.ts";
import { resolveRole } from "./_roles.ts";

/** The dialogue read out of one record, before the order of its turns is checked. */
export interface ShapeTurns {
  ok: true;
  turns: SourcedTurn[];
  /** Extra metadata the shape adds (the record's other fields are copied by the caller). */
  metadata?: JsonObject;
}

/** Why a record does not fit its shape. */
export interface ShapeProblem {
  ok: false;
  reason: string;
}

type Roles = Readonly<Record<string, Role>> | undefined;

/** How one record shape is recognised and read. */
interface ShapeReader {
  /** The fields that must be present, in the words of error messages. */
  requires: readonly string[];
  /** The fields that become turns, and so are not copied into the metadata. */
  consumes: readonly string[];
  /** False for prompt-only shapes whose user turns follow each other by design. */
  alternate: boolean;
  read(record: Record<string, unknown>, roles: Roles): ShapeTurns | ShapeProblem;
}

const problem = (reason: string): ShapeProblem => ({ ok: false, reason });

function nonEmptyArray(record: Record<string, unknown>, field: string): unknown[] | ShapeProblem {
  const value = record[field];
  if (!Array.isArray(value)) return problem(`"${field}" must be an array, got ${describeType(value)}`);
  if (value.length === 0) return problem(`"${field}" is empty: the dialogue has no turns`);
  return value;
}

function stringField(record: Record<string, unknown>, field: string, at = `"${field}"`): string | ShapeProblem {
  const value = record[field];
  if (typeof value !== "string") return problem(`${at} must be a string, got ${describeType(value)}`);
  return value;
}

// Alpaca and self-instruct put the task's input after the instruction; an empty input means the
// instruction stands alone (the Alpaca prompt templates make the same split).
function instructionTurn(instruction: string, input: unknown, at: string): string | ShapeProblem {
  if (input === undefined || input === null) return instruction;
  if (typeof input !== "string") return problem(`${at} must be a string, got ${describeType(input)}`);
  return input.trim() === "" ? instruction : `${instruction}\n\n${input}`;
}

const sharegpt: ShapeReader = {
  requires: ["conversations"],
  consumes: ["conversations"],
  alternate: true,
  read(record, roles) {
    const items = nonEmptyArray(record, "conversations");
    if (!Array.isArray(items)) return items;
    const turns: SourcedTurn[] = [];
    for (const [i, item] of items.entries()) {
      const at = `conversations[${i}]`;
      if (!isRecord(item)) {
        const hint = typeof item === "string" ? ' (string turns are the LIMA shape: use format "lima" or "auto")' : "";
        return problem(`${at} must be an object {from, value}, got ${describeType(item)}${hint}`);
      }
      if (typeof item.from !== "string") return problem(`${at}.from must be a string, got ${describeType(item.from)}`);
      if (typeof item.value !== "string") return problem(`${at}.value must be a string, got ${describeType(item.value)}`);
      const role = resolveRole(item.from, roles);
      if (!role.ok) return problem(`${at}: ${role.reason}`);
      turns.push({ role: role.role, content: item.value, at });
    }
    return { ok: true, turns };
  },
};

const lima: ShapeReader = {
  requires: ["conversations"],
  consumes: ["conversations"],
  alternate: true,
  read(record) {
    const items = nonEmptyArray(record, "conversations");
    if (!Array.isArray(items)) return items;
    const turns: SourcedTurn[] = [];
    for (const [i, item] of items.entries()) {
      const at = `conversations[${i}]`;
      if (typeof item !== "string") {
        return problem(`${at} must be a string (LIMA turns are plain strings), got ${describeType(item)}`);
      }
      // LIMA has no role labels: turns alternate, starting with the user (spec §5.5).
      turns.push({ role: i % 2 === 0 ? "user" : "assistant", content: item, at });
    }
    return { ok: true, turns };
  },
};

const openai: ShapeReader = {
  requires: ["messages"],
  consumes: ["messages"],
  alternate: true,
  read(record, roles) {
    const items = nonEmptyArray(record, "messages");
    if (!Array.isArray(items)) return items;
    const turns: SourcedTurn[] = [];
    for (const [i, item] of items.entries()) {
      const at = `messages[${i}]`;
      if (!isRecord(item)) return problem(`${at} must be an object {role, content}, got ${describeType(item)}`);
      if (typeof item.role !== "string") return problem(`${at}.role must be a string, got ${describeType(item.role)}`);
      const role = resolveRole(item.role, roles);
      if (!role.ok) return problem(`${at}: ${role.reason}`);
      const content = messageContent(item.content, `${at}.content`);
      if (typeof content !== "string") return content;
      turns.push({ role: role.role, content, at });
    }
    return { ok: true, turns };
  },
};

// OpenAI content is a string or an array of parts. Only text parts can be trained on as text;
// dropping an image part silently would change what the turn means, so it makes the record invalid.
function messageContent(content: unknown, at: string): string | ShapeProblem {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) {
    return problem(`${at} must be a string or an array of {type: "text", text} parts, got ${describeType(content)}`);
  }
  const texts: string[] = [];
  for (const [i, part] of content.entries()) {
    if (!isRecord(part)) return problem(`${at}[${i}] must be an object {type: "text", text}, got ${describeType(part)}`);
    if (part.type !== "text") {
      return problem(`${at}[${i}] is a ${JSON.stringify(part.type)} part; only "text" parts are supported`);
    }
    if (typeof part.text !== "string") return problem(`${at}[${i}].text must be a string, got ${describeType(part.text)}`);
    texts.push(part.text);
  }
  if (texts.length === 0) return problem(`${at} has no text parts`);
  return texts.join("\n");
}

const alpaca: ShapeReader = {
  requires: ["instruction", "output"],
  consumes: ["instruction", "input", "output"],
  alternate: true,
  read(record) {
    const instruction = stringField(record, "instruction");
    if (typeof instruction !== "string") return instruction;
    const output = stringField(record, "output");
    if (typeof output !== "string") return output;
    const prompt = instructionTurn(instruction, record.input, '"input"');
    if (typeof prompt !== "string") return prompt;
    return {
      ok: true,
      turns: [
        { role: "user", content: prompt, at: '"instruction"' },
        { role: "assistant", content: output, at: '"output"' },
      ],
    };
  },
};

const selfInstruct: ShapeReader = {
  requires: ["instruction", "instances"],
  consumes: ["instruction", "instances"],
  alternate: true,
  read(record) {
    const instruction = stringField(record, "instruction");
    if (typeof instruction !== "string") return instruction;
    const instances = record.instances;
    if (!Array.isArray(instances)) return problem(`"instances" must be an array, got ${describeType(instances)}`);
    const first: unknown = instances[0];
    if (first === undefined) return problem(`"instances" is empty: there is no output to train on`);
    if (!isRecord(first)) return problem(`instances[0] must be an object {input, output}, got ${describeType(first)}`);
    const output = stringField(first, "output", "instances[0].output");
    if (typeof output !== "string") return output;
    const prompt = instructionTurn(instruction, first.input, "instances[0].input");
    if (typeof prompt !== "string") return prompt;
    // Only the first instance becomes the dialogue (as Alpaca's own conversion does); the count
    // tells a reader that others existed.
    return {
      ok: true,
      turns: [
        { role: "user", content: prompt, at: '"instruction"' },
        { role: "assistant", content: output, at: "instances[0].output" },
      ],
      metadata: { instance_count: instances.length },
    };
  },
};

const mtBench: ShapeReader = {
  requires: ["turns"],
  consumes: ["turns"],
  // MT-bench holds the user's questions only; the answers come from the model under test.
  alternate: false,
  read(record) {
    const items = nonEmptyArray(record, "turns");
    if (!Array.isArray(items)) return items;
    const turns: SourcedTurn[] = [];
    for (const [i, item] of items.entries()) {
      const at = `turns[${i}]`;
      if (typeof item !== "string") return problem(`${at} must be a string, got ${describeType(item)}`);
      turns.push({ role: "user", content: item, at });
    }
    return { ok: true, turns };
  },
};

// UAL's own sample form, as UAL writes samples: the dialogue as `turns: [{role, content}]`, and
// the fields of `metadata` become the sample's metadata (not a nested `metadata` field).
const ual: ShapeReader = {
  requires: ["turns"],
  // A stored `location` is where the sample came from before; the file being read is where it is now.
  consumes: ["turns", "metadata", "location"],
  alternate: true,
  read(record, roles) {
    const items = nonEmptyArray(record, "turns");
    if (!Array.isArray(items)) return items;
    const turns: SourcedTurn[] = [];
    for (const [i, item] of items.entries()) {
      const at = `turns[${i}]`;
      if (!isRecord(item)) return problem(`${at} must be an object {role, content}, got ${describeType(item)}`);
      if (typeof item.role !== "string") return problem(`${at}.role must be a string, got ${describeType(item.role)}`);
      const role = resolveRole(item.role, roles);
      if (!role.ok) return problem(`${at}: ${role.reason}`);
      if (typeof item.content !== "string") return problem(`${at}.content must be a string, got ${describeType(item.content)}`);
      turns.push({ role: role.role, content: item.content, at });
    }
    const metadata = record.metadata;
    if (metadata === undefined || metadata === null) return { ok: true, turns };
    if (!isRecord(metadata)) return problem(`"metadata" must be an object, got ${describeType(metadata)}`);
    return { ok: true, turns, metadata: { ...(metadata as JsonObject) } };
  },
};

const qa: ShapeReader = {
  requires: ["question", "answer"],
  consumes: ["question", "answer"],
  alternate: true,
  read(record) {
    const question = stringField(record, "question");
    if (typeof question !== "string") return question;
    const answer = stringField(record, "answer");
    if (typeof answer !== "string") return answer;
    return {
      ok: true,
      turns: [
        { role: "user", content: question, at: '"question"' },
        { role: "assistant", content: answer, at: '"answer"' },
      ],
    };
  },
};

/** Every shape's reader, by name. */
export const SHAPES: Readonly<Record<RecordShape, ShapeReader>> = {
  sharegpt,
  lima,
  openai,
  alpaca,
  "self-instruct": selfInstruct,
  "mt-bench": mtBench,
  ual,
  qa,
};

/** What `"auto"` looks for, in the order it looks, for the "expected ..." message. */
export const DETECTABLE = '"conversations", "messages", "instruction"+"instances", "instruction"+"output", "turns" or "question"+"answer"';

/**
 * Finds a record's shape from its fields, or `undefined`. The order matters where fields
 * overlap: self-instruct seed tasks have an `instruction` but no `output`, and a record with
 * both `conversations` and `instruction` is a dialogue with a leftover field.
 */
export function detectShape(record: Record<string, unknown>): RecordShape | undefined {
  const has = (field: string) => Object.hasOwn(record, field);
  if (has("conversations")) {
    const conversations = record.conversations;
    return Array.isArray(conversations) && typeof conversations[0] === "string" ? "lima" : "sharegpt";
  }
  if (has("messages")) return "openai";
  if (has("instruction") && has("instances")) return "self-instruct";
  if (has("instruction") && has("output")) return "alpaca";
  // MT-bench's turns are the user's strings; UAL's own are {role, content} objects.
  if (has("turns")) return Array.isArray(record.turns) && isRecord(record.turns[0]) ? "ual" : "mt-bench";
  if (has("question") && has("answer")) return "qa";
  return undefined;
}
