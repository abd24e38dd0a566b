import type { z } from "zod";
import { closest } from "./_suggest.ts";
import type { ManifestIssue } from "./errors.ts";

type Path = ReadonlyArray<string | number>;

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "object") return "an object";
  return String(value);
}

function article(type: string): string {
  const names: Record<string, string> = {
    int: "an integer",
    array: "an array",
    object: "an object",
    number: "a number",
    string: "a string",
    boolean: "a boolean (true or false)",
  };
  return names[type] ?? `a ${type}`;
}

function bound(origin: string, op: string, limit: unknown): string {
  if (origin === "array" || origin === "set") return `at ${op.startsWith("≤") || op.startsWith("<") ? "most" : "least"} ${String(limit)} items`;
  if (origin === "string") return `at ${op.startsWith("≤") || op.startsWith("<") ? "most" : "least"} ${String(limit)} characters`;
  return `a number ${op} ${String(limit)}`;
}

/** Known keys of the object schema at `path` (for "did you mean" hints), if it is an object. */
export type KnownKeys = (path: Path) => readonly string[] | undefined;

/**
 * Turns zod's issues into manifest issues with messages for people, e.g.
 * `expected a number ≤ 0.99, got 1.5`, each under `prefix` (the place the validated value
 * has in the manifest).
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: Path,
  knownKeys?: KnownKeys,
): ManifestIssue[] {
  const out: ManifestIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    const got = "input" in issue ? issue.input : undefined;
    switch (issue.code) {
      case "invalid_type": {
        const expected = article(issue.expected);
        out.push({ path, message: got === undefined ? `required: expected ${expected}` : `expected ${expected}, got ${describe(got)}` });
        break;
      }
      case "too_big": {
        const op = issue.inclusive ? "≤" : "<";
        out.push({ path, message: `expected ${bound(issue.origin, op, issue.maximum)}, got ${describe(got)}` });
        break;
      }
      case "too_small": {
        const op = issue.inclusive ? "≥" : ">";
        out.push({ path, message: `expected ${bound(issue.origin, op, issue.minimum)}, got ${describe(got)}` });
        break;
      }
      case "invalid_value": {
        const values = issue.values.map((v) => JSON.stringify(v));
        const expected = values.length === 1 ? values[0] : `one of ${values.join(", ")}`;
        const hint = typeof got === "string" && values.length > 1 ? closest(got, issue.values.map(String)) : undefined;
        out.push({ path, message: `expected ${expected}, got ${describe(got)}${hint ? ` (did you mean "${hint}"?)` : ""}` });
        break;
      }
      case "unrecognized_keys": {
        const known = knownKeys?.(issue.path.filter((p): p is string | number => typeof p !== "symbol")) ?? [];
        for (const key of issue.keys) {
          const hint = closest(key, known);
          const list = known.length > 0 ? `; known keys: ${known.join(", ")}` : "";
          out.push({ path: [...path, key], atKey: true, message: `unknown key${hint ? ` (did you mean "${hint}"?)` : list}` });
        }
        break;
      }
      case "invalid_format":
        out.push({ path, message: `expected ${issue.format === "regex" ? `a string matching ${issue.pattern ?? "the pattern"}` : `a valid ${issue.format}`}, got ${describe(got)}` });
        break;
      case "not_multiple_of":
        out.push({ path, message: `expected a multiple of ${String(issue.divisor)}, got ${describe(got)}` });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}

/** The keys of a zod object schema, or undefined for other schemas. */
export function objectKeys(schema: unknown): readonly string[] | undefined {
  const shape = (schema as { shape?: unknown } | null)?.shape;
  return shape && typeof shape === "object" ? Object.keys(shape) : undefined;
}
