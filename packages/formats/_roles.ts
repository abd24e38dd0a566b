import type { Role } from "@ual/core";

// The role names seen in ShareGPT-style dumps (human/gpt, plus the names of the chatbots the
// conversations were scraped from) and in OpenAI chat files (`developer` is OpenAI's newer name
// for the system prompt).
const KNOWN_ROLES: ReadonlyMap<string, Role> = new Map<string, Role>([
  ["human", "user"],
  ["user", "user"],
  ["gpt", "assistant"],
  ["assistant", "assistant"],
  ["chatgpt", "assistant"],
  ["bard", "assistant"],
  ["bing", "assistant"],
  ["model", "assistant"],
  ["system", "system"],
  ["developer", "system"],
]);

// Tool traffic is structured data, not dialogue: training on it as text would teach the model
// the wire format, so it is refused unless the user maps it explicitly.
const TOOL_ROLES = new Set(["tool", "function", "ipython"]);

/** The outcome of mapping a dataset's role name onto a {@linkcode Role}. */
export type RoleResolution = { ok: true; role: Role } | { ok: false; reason: string };

/**
 * Maps a role name from a record onto user/assistant/system. The user's `roles` come first
 * (exact name), then the known names (case-insensitive).
 */
export function resolveRole(name: string, roles: Readonly<Record<string, Role>> | undefined): RoleResolution {
  // `Object.hasOwn`, not `roles[name]`: a role named "constructor" must not find Object's.
  if (roles !== undefined && Object.hasOwn(roles, name)) {
    const role = roles[name];
    if (role !== undefined) return { ok: true, role };
  }
  const lower = name.toLowerCase();
  const known = KNOWN_ROLES.get(lower);
  if (known !== undefined) return { ok: true, role: known };
  if (TOOL_ROLES.has(lower)) {
    return {
      ok: false,
      reason:
        `role "${name}" is not supported: tool and function-call messages are not plain dialogue ` +
        `(drop them, or map the role with the "roles" option)`,
    };
  }
  return {
    ok: false,
    reason: `unknown role "${name}" (known: ${[...KNOWN_ROLES.keys()].join(", ")}; map others with the "roles" option)`,
  };
}
