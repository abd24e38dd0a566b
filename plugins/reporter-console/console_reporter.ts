import type { JsonObject, Reporter, UalEvent } from "@ual/core";
import { ProgressBar, type ProgressStream } from "./progress_bar.ts";

/** Options of {@linkcode createConsoleReporter}. */
export interface ConsoleReporterOptions {
  /** Show progress bars (default true). */
  progress?: boolean;
  /** Also show debug messages (default false). */
  verbose?: boolean;
  /** Where to write (default `process.stderr`, keeping stdout for data). */
  stream?: ProgressStream;
}

function fmt(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  return String(value);
}

function details(obj: JsonObject): string {
  return Object.entries(obj)
    .filter(([, v]) => v !== null && typeof v !== "object")
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(", ");
}

/**
 * A reporter for people at a terminal: a progress bar per stage that knows its total, log
 * messages, the mapping summary, metrics, and how the run ended with its outputs.
 */
export function createConsoleReporter(options: ConsoleReporterOptions = {}): Reporter {
  const stream = options.stream ?? process.stderr;
  const showProgress = options.progress ?? true;
  let bar: ProgressBar | undefined;
  let rated = 0;
  let cost = 0;
  const say = (line: string) => (bar ? bar.note(line) : stream.write(`${line}\n`));

  return {
    onEvent(event: UalEvent) {
      switch (event.type) {
        case "stage.start":
          if (showProgress && (event.stage === "uncertainty" || event.stage.startsWith("trainer"))) {
            bar?.done();
            bar = new ProgressBar({ label: event.stage === "uncertainty" ? "rating" : "training", ...(event.total !== undefined ? { total: event.total } : {}), stream });
            rated = 0;
          }
          break;
        case "stage.end":
          if (bar && (event.stage === "uncertainty" || event.stage.startsWith("trainer"))) {
            bar.done();
            bar = undefined;
          }
          if (Object.keys(event.counts).length > 0) say(`${event.stage} (${event.plugin}): ${details(event.counts)}`);
          break;
        case "uncertainty":
          rated++;
          cost += event.cost?.usd ?? 0;
          bar?.update(rated, cost > 0 ? `$${cost.toFixed(4)}` : undefined);
          break;
        case "train.step":
          bar?.update(event.step, `loss ${event.loss.toFixed(4)}`);
          break;
        default:
      }
    },
    onRunStart(event) {
      say(`run ${event.runId}${event.resumed ? " (resumed)" : ""} → ${event.runDir}`);
      for (const p of event.plugins) if (p.kind !== "reporter") say(`  ${p.stage.padEnd(12)} ${p.name}@${p.version}`);
    },
    onMapping(event) {
      say(`mapped ${event.count} scores with ${event.mapper}: mean ε ${event.mean.toFixed(4)}, ${event.imputed} imputed, ${event.clipped} clipped${Object.keys(event.details).length ? ` (${details(event.details)})` : ""}`);
    },
    onEval(event) {
      say(`eval ${event.evaluator} ${event.subset ? `${event.subset} ` : ""}${event.metric} = ${fmt(event.value)}${event.ci95 !== undefined ? ` ± ${fmt(event.ci95)}` : ""}`);
    },
    onLog(event) {
      if (event.level === "debug" && !options.verbose) return;
      say(`${event.level === "info" ? "" : `${event.level}: `}${event.plugin ? `[${event.plugin}] ` : ""}${event.message}`);
    },
    onError(event) {
      say(`error${event.stage ? ` in ${event.stage}` : ""}: ${event.message}`);
    },
    onRunEnd(event) {
      bar?.done();
      bar = undefined;
      const seconds = (event.durationMs / 1000).toFixed(1);
      say(`run ${event.status} in ${seconds}s${Object.keys(event.summary).length ? `: ${details(event.summary)}` : ""}`);
      for (const [name, path] of Object.entries(event.outputs)) say(`  ${name}: ${path}`);
      if (event.status === "interrupted") say("  run the same command again to resume");
    },
  };
}
