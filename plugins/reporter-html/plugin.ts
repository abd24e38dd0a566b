import { writeFileAtomic, definePlugin, z, toLogRecord, type JsonObject } from "@ual/core";
import { renderReport } from "./render_report.ts";

/**
 * Writes `report.html` into the run directory when the run ends (also when it fails or is
 * interrupted, so that what happened can be seen). It keeps the events the report needs — not
 * the samples — in memory while the run goes.
 *
 * @example
 * ```yaml
 * reporters:
 *   - use: "@ual/reporter-html"
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/reporter-html",
  version: "0.1.0",
  kind: "reporter",
  apiVersion: 1,
  description: "one self-contained HTML report (inline SVG charts) per run",
  options: z.strictObject({
    /** File name inside the run directory. */
    file: z.string().regex(/^[^/\\]+\.html$/).default("report.html"),
    title: z.string().optional(),
  }),
  create: (options, ctx) => {
    const events: JsonObject[] = [];
    let status: string | undefined;
    return {
      onEvent(event) {
        if (event.type === "sample" || event.type === "log") return;
        if (event.type === "run.end") status = event.status;
        events.push(toLogRecord(event));
      },
      async close() {
        const html = renderReport([{ runId: ctx.runId, arm: String(events.find((e) => e.type === "run.start")?.manifest ?? ctx.runId), ...(status ? { status } : {}), events }], {
          ...(options.title ? { title: options.title } : {}),
        });
        await writeFileAtomic(`${ctx.runDir}/${options.file}`, html);
      },
    };
  },
});
