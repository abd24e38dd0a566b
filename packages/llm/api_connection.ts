/**
 * How an LLM plugin reaches its API: the key and the base URL, both from the stage's secrets
 * (plugins see no other environment).
 */
export interface ApiConnection {
  apiKey: string | undefined;
  /** Unset: the provider's own endpoint. */
  baseURL: string | undefined;
}
