import { definePlugin, z } from "@ual/core";
import { createConsoleReporter } from "./console_reporter.ts";

/** The console reporter as a manifest plugin: `reporters: [{ use: "@ual/reporter-console" }]`. */
export const plugin = definePlugin({
  name: "@ual/reporter-console",
  version: "0.1.0",
  kind: "reporter",
  apiVersion: 1,
  description: "progress bars, messages and a summary on stderr",
  options: z.strictObject({
    progress: z.boolean().default(true),
    verbose: z.boolean().default(false),
  }),
  create: (options) => createConsoleReporter(options),
});
