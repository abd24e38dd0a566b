import type { ApiConnection } from "@ual/llm";

/** How the judge reaches its API: the key and base URL come from the stage's secrets (base URL unset: the provider's own endpoint). */
export type JudgeConnection = ApiConnection;
