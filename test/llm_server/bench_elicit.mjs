// @ts-check
/**
 * `npm run bench:elicit` — the LLM elicitation benchmark (issue 3).
 *
 * 1. Throughput: 2,000 samples (10% of them duplicate conversations) run through the real
 *    pipeline (source-jsonl → @ual/uncertainty-openai → mapper) against the loopback server,
 *    which answers in 200–800 ms and enforces 600 requests/min with 429s. Reported: achieved
 *    requests/min as a share of the limit, and as a ratio to the ideal schedule (the baseline:
 *    every unique conversation at exactly the limit's pace); 429s received; paid calls per unique
 *    sample (must be 1.00); and paid calls of a rerun (must be 0). For contrast, the reference
 *    script's pacing (sequential, sleep 1 s after each call) is measured on a few requests.
 * 2. Overhead: the same number of requests with no latency and no limit, one at a time, through
 *    the bare OpenAI SDK and through our estimator (prompt rendering, hashing, cache look-up and
 *    write, limiter, retry wrapper, parsing). Reported: our time per request minus the SDK's, and
 *    the ratio of the two.
 *
 * Options: --samples 2000 --rpm 600 --latency 200,800 --duplicates 0.1 --overhead 1000
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { resolveManifest, runPipeline, usePlugin } from "@ual/core";
import { RUBRIC, renderPrompt } from "@ual/llm";
import { createOpenAIProvider, plugin } from "@ual/uncertainty-openai";
import { OpenAI } from "openai";
import { startLlmServer } from "./llm_server.mjs";

const { values } = parseArgs({
  options: {
    samples: { type: "string", default: "2000" },
    rpm: { type: "string", default: "600" },
    latency: { type: "string", default: "200,800" },
    duplicates: { type: "string", default: "0.1" },
    overhead: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "16" },
  },
});
const SAMPLES = Number(values.samples);
const RPM = Number(values.rpm);
const [LAT_MIN, LAT_MAX] = /** @type {[number, number]} */ (String(values.latency).split(",").map(Number));
const DUPLICATES = Number(values.duplicates);
const OVERHEAD_N = Number(values.overhead);
const CONCURRENCY = Number(values.concurrency);
const KEY = "sk-bench-0000000000000000";

// A seeded generator, so that every run rates the same data.
let seed = 20240604;
const random = () => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};
const words = "the a model answer question data sample ocean poem integral prime story recipe travel code function bug letter summary".split(" ");
const sentence = (/** @type {number} */ n) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(" ");

/** @param {number} n @param {number} duplicateShare @param {string} tag */
function dataset(n, duplicateShare, tag) {
  const unique = Math.round(n * (1 - duplicateShare));
  /** @type {Array<{ instruction: string, output: string }>} */
  const distinct = Array.from({ length: unique }, (_, k) => ({ instruction: `(${tag} ${k}) ${sentence(20 + (k % 40))}`, output: sentence(40 + (k % 80)) }));
  const records = [];
  for (let i = 0; i < n; i++) {
    const k = i < unique ? i : Math.floor(random() * unique);
    records.push({ id: `${tag}-${i}`, .../** @type {{ instruction: string, output: string }} */ (distinct[k]) });
  }
  // Duplicates interleaved, not all at the end: some arrive while their twin is still in flight.
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [records[i], records[j]] = [/** @type {any} */ (records[j]), /** @type {any} */ (records[i])];
  }
  return { records, unique };
}

const fmt = (/** @type {number} */ x, digits = 2) => x.toFixed(digits);
const dir = mkdtempSync(join(tmpdir(), "ual-bench-"));

// ── 1. throughput ───────────────────────────────────────────────────────────────────
const server = await startLlmServer({ apiKey: KEY, latencyMs: [LAT_MIN, LAT_MAX], requestsPerMinute: RPM });
const { records, unique } = dataset(SAMPLES, DUPLICATES, "t");
const dataFile = join(dir, "bench.jsonl");
writeFileSync(dataFile, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
const manifest = {
  apiVersion: "ual/v1",
  name: "bench-elicit",
  stages: {
    source: { use: "@ual/source-jsonl", with: { path: dataFile } },
    uncertainty: { use: "@ual/uncertainty-openai", with: { model: "gpt-4.1-mini", concurrency: CONCURRENCY, requestsPerMinute: RPM } },
    mapper: { use: "@ual/mapper-truncated-linear" },
  },
};
const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiBaseURL };
const resolved = await resolveManifest(manifest, { baseDir: dir, env });
process.stderr.write(`bench:elicit — ${SAMPLES} samples (${unique} distinct), ${LAT_MIN}–${LAT_MAX} ms latency, limit ${RPM} requests/min; ideal ${fmt((unique / RPM) * 60, 0)} s\n`);

const seenRequests = server.requests;
const t0 = performance.now();
const progress = setInterval(() => process.stderr.write(`  ${server.completions.length}/${unique} rated, ${fmt((performance.now() - t0) / 1000, 0)} s\r`), 2000);
const first = await runPipeline(resolved, { runsDir: join(dir, "runs"), cacheDir: join(dir, ".ual"), env, resume: "never" });
const elapsedMs = performance.now() - t0;
clearInterval(progress);
if (first.status !== "completed") throw new Error(`the benchmark run ${first.status}: ${first.error?.message}`);
const paid = server.completions.length;
const rejected = seenRequests.filter((r) => r.status === 429).length;
const achievedRpm = paid / (elapsedMs / 60_000);
const idealMs = (unique / RPM) * 60_000;

// A rerun of the same manifest: everything from the cache.
server.resetCounts();
const rerun = await runPipeline(resolved, { runsDir: join(dir, "runs"), cacheDir: join(dir, ".ual"), env, resume: "never" });
const rerunPaid = server.completions.length;

// The reference script's pacing: one call at a time, sleep(1 s) after each (spec §1.2).
const client = new OpenAI({ apiKey: KEY, baseURL: server.openaiBaseURL, maxRetries: 0 });
const REF_N = 8;
const refStart = performance.now();
for (let i = 0; i < REF_N; i++) {
  await client.chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: `reference pacing ${i}` }] });
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
const referenceRpm = REF_N / ((performance.now() - refStart) / 60_000);
await server.close();

// ── 2. overhead per request ─────────────────────────────────────────────────────────
const quiet = await startLlmServer({ apiKey: KEY });
const overheadData = dataset(OVERHEAD_N, 0, "o").records.map((r) => ({ id: r.id, turns: [{ role: /** @type {const} */ ("user"), content: r.instruction }, { role: /** @type {const} */ ("assistant"), content: r.output }], metadata: {} }));
const signal = new AbortController().signal;
const sdk = new OpenAI({ apiKey: KEY, baseURL: quiet.openaiBaseURL, maxRetries: 0 });

// The baseline sends byte-for-byte the requests our estimator sends, prepared beforehand.
const { params } = createOpenAIProvider(plugin.options.parse({ model: "gpt-4.1-mini" }), { apiKey: KEY, baseURL: quiet.openaiBaseURL });
const bodies = overheadData.map((s) => ({ model: "gpt-4.1-mini", messages: [{ role: /** @type {const} */ ("user"), content: renderPrompt(RUBRIC, s.turns) }], ...params }));

async function bareSdk() {
  const start = performance.now();
  for (const body of bodies) await sdk.chat.completions.create(/** @type {any} */ (body));
  return (performance.now() - start) / bodies.length;
}

/** @param {number} round */
async function ours(round) {
  const cacheDir = join(dir, `.ual-overhead-${round}`);
  const estimator = /** @type {import("@ual/llm").Elicitor} */ (
    await usePlugin(plugin, { model: "gpt-4.1-mini" }, { baseDir: dir, cacheDir, stage: "uncertainty", signal, secrets: { apiKey: KEY, baseURL: quiet.openaiBaseURL } })
  );
  const start = performance.now();
  for (const s of overheadData) await estimator.estimate(s, { signal });
  const perRequest = (performance.now() - start) / overheadData.length;
  await estimator.close();
  return perRequest;
}

// Warm both paths up once (JIT, connection pool), then measure them alternately.
await bareSdk();
await ours(0);
const sdkMs = [];
const oursMs = [];
for (let round = 1; round <= 3; round++) {
  sdkMs.push(await bareSdk());
  oursMs.push(await ours(round));
}
await quiet.close();
const sdkPerRequest = Math.min(...sdkMs);
const oursPerRequest = Math.min(...oursMs);
rmSync(dir, { recursive: true, force: true });

// ── report ──────────────────────────────────────────────────────────────────────────
const report = {
  samples: SAMPLES,
  uniqueSamples: unique,
  limitRpm: RPM,
  latencyMs: [LAT_MIN, LAT_MAX],
  elapsedS: Number(fmt(elapsedMs / 1000, 1)),
  achievedRpm: Number(fmt(achievedRpm, 1)),
  shareOfLimit: Number(fmt(achievedRpm / RPM, 4)),
  vsIdealSchedule: Number(fmt(idealMs / elapsedMs, 4)),
  rateLimited429: rejected,
  paidCallsPerUniqueSample: Number(fmt(paid / unique, 4)),
  rerunPaidCalls: rerunPaid,
  rerunCached: rerun.summary.cached,
  referencePacingRpm: Number(fmt(referenceRpm, 1)),
  speedupOverReferencePacing: Number(fmt(achievedRpm / referenceRpm, 1)),
  overhead: {
    requests: OVERHEAD_N,
    sdkMsPerRequest: Number(fmt(sdkPerRequest, 3)),
    oursMsPerRequest: Number(fmt(oursPerRequest, 3)),
    addedMsPerRequest: Number(fmt(oursPerRequest - sdkPerRequest, 3)),
    ratio: Number(fmt(oursPerRequest / sdkPerRequest, 3)),
  },
};
const line = (/** @type {string} */ label, /** @type {string} */ value) => process.stdout.write(`  ${label.padEnd(44)}${value}\n`);
process.stdout.write(`\nbench:elicit (${SAMPLES} samples, ${unique} distinct, ${LAT_MIN}–${LAT_MAX} ms, limit ${RPM}/min, concurrency ${CONCURRENCY})\n`);
line("achieved requests/min", `${fmt(achievedRpm, 1)} = ${fmt((achievedRpm / RPM) * 100, 1)}% of the limit (aim ≥ 95%)`);
line("elapsed vs the ideal schedule (baseline)", `${fmt(elapsedMs / 1000, 1)} s vs ${fmt(idealMs / 1000, 1)} s → ${fmt(idealMs / elapsedMs, 3)}`);
line("429s received", String(rejected));
line("paid calls per unique sample", `${fmt(paid / unique)} (${paid} calls / ${unique} distinct; must be 1.00)`);
line("paid calls on a rerun", `${rerunPaid} (${rerun.summary.cached} cached)`);
line("reference pacing (sequential + sleep 1 s)", `${fmt(referenceRpm, 1)}/min → ours is ${fmt(achievedRpm / referenceRpm, 1)}×`);
line("time per request, bare SDK (baseline)", `${fmt(sdkPerRequest, 3)} ms`);
line("time per request, our estimator", `${fmt(oursPerRequest, 3)} ms`);
line("our overhead per request", `${fmt(oursPerRequest - sdkPerRequest, 3)} ms (ratio ${fmt(oursPerRequest / sdkPerRequest, 3)})`);
process.stdout.write(`${JSON.stringify(report)}\n`);
