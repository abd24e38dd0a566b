/** How the judge reaches its API: the key and base URL come from the stage's secrets. */
export interface JudgeConnection {
  apiKey: string | undefined;
  /** Unset: the provider's own endpoint. */
  baseURL: string | undefined;
}
