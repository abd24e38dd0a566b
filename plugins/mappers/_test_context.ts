import { type PluginContext, silentLogger } from "@ual/core";

/** A minimal plugin context for tests: mappers use none of it, but `create` receives one. */
export const testContext: PluginContext = {
  runId: "test-run",
  runDir: "/tmp/ual-test/runs/test-run",
  baseDir: "/tmp/ual-test",
  cacheDir: "/tmp/ual-test/.ual",
  stage: "mapper",
  logger: silentLogger,
  signal: new AbortController().signal,
  secrets: {},
  resolvePath: (path) => `/tmp/ual-test/${path}`,
  seed: 1337,
};
