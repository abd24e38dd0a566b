#!/usr/bin/env node
import { main } from "./main.ts";
import { processIO } from "./io.ts";

// First Ctrl-C: stop starting work, let in-flight writes finish, mark the run interrupted.
// Second Ctrl-C: leave at once.
const controller = new AbortController();
let interrupts = 0;
process.on("SIGINT", () => {
  interrupts++;
  if (interrupts === 1) {
    process.stderr.write("\nstopping: finishing in-flight work (Ctrl-C again to quit at once)\n");
    controller.abort(new Error("interrupted"));
  } else process.exit(130);
});
process.on("SIGTERM", () => controller.abort(new Error("terminated")));

process.exitCode = await main(process.argv.slice(2), processIO(controller.signal));
