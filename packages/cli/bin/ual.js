#!/usr/bin/env node
// The `ual` executable. A committed stub, so that npm links it even before the first build;
// the command itself is compiled to dist/ (npm ci builds it through the root `prepare` script).
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("ual: @ual/cli is not built yet; run `npm run build` in the repository root\n");
  process.exit(1);
}
await import(entry.href);
