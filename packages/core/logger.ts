import type { JsonObject, JsonValue } from "./json.ts";
import type { LogLevel } from "./events.ts";

/** A plugin's logger: every call becomes a `log` event on the run's stream. */
export interface Logger {
  debug(message: string, data?: JsonObject): void;
  info(message: string, data?: JsonObject): void;
  warn(message: string, data?: JsonObject): void;
  error(message: string, data?: JsonObject): void;
}

/** Where a logger's records go. */
export type LogSink = (level: LogLevel, message: string, data?: JsonObject) => void;

/**
 * Makes a {@linkcode Logger} that forwards to `sink`.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const logger = createLogger((level, message) => lines.push(`${level}: ${message}`));
 * logger.warn("3 lines skipped");
 * ```
 */
export function createLogger(sink: LogSink): Logger {
  return {
    debug: (message, data) => sink("debug", message, data),
    info: (message, data) => sink("info", message, data),
    warn: (message, data) => sink("warn", message, data),
    error: (message, data) => sink("error", message, data),
  };
}

/** A logger that drops everything; for tests and for code run outside a pipeline. */
export const silentLogger: Logger = createLogger(() => {});

/** Turns any thrown value into a message fit for people and logs. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error as JsonValue);
  } catch {
    return String(error);
  }
}
