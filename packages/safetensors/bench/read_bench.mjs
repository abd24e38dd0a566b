// Writes a ~210 MB F32 safetensors file (50 tensors of 1024 × 1024, like a small model's weights)
// and a BF16 file of the same element count in os.tmpdir(), reads them back several ways, and
// reports MB/s against a baseline measured in the same run: fs.readFile of the whole file, the
// least a reader can do. Each measurement runs in a fresh child process, so that its peak RSS
// growth (maxRSS at the end − RSS after start-up) is its own. The files are deleted at the end.
//
//   npm run build -w @ual/safetensors && npm run bench -w @ual/safetensors
//
// The page cache is warm after writing, so this measures the reader's own cost (allocation,
// copies, conversions, syscalls) rather than the disk. Plain JavaScript on the built package,
// because Node 20 cannot run TypeScript directly.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { iterateSafetensors, readSafetensors, readSafetensorsHeader, writeSafetensors } from "../dist/mod.js";

const TENSORS = 50;
const SIDE = 1024;
const RUNS = 5;

/** One measurement, in this (child) process: elapsed ms and peak RSS growth in bytes. */
async function measure(kind, path) {
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  let checksum = 0;
  if (kind === "readFile") {
    const bytes = await readFile(path);
    checksum = bytes[bytes.length - 1];
  } else if (kind === "readSafetensors" || kind === "readSafetensors widen") {
    const tensors = await readSafetensors(path, { widen: kind.endsWith("widen") });
    for (const { data } of tensors.values()) checksum += data[data.length - 1];
  } else if (kind === "iterateSafetensors" || kind === "iterateSafetensors widen") {
    // What a loader does: take each tensor, use it (here: one read), let it go.
    for await (const [, { data }] of iterateSafetensors(path, { widen: kind.endsWith("widen") })) checksum += data[data.length - 1];
  } else if (kind === "readSafetensorsHeader") {
    const header = await readSafetensorsHeader(path);
    checksum = Object.keys(header.tensors).length;
  } else {
    throw new Error(`unknown case ${kind}`);
  }
  const ms = performance.now() - start;
  const peak = process.resourceUsage().maxRSS * 1024;
  return { ms, rssGrowth: Math.max(0, peak - rssBefore), checksum };
}

if (process.argv[2] === "--child") {
  console.log(JSON.stringify(await measure(process.argv[3], process.argv[4])));
  process.exit(0);
}

const script = fileURLToPath(import.meta.url);
function runChild(kind, path) {
  return JSON.parse(execFileSync(process.execPath, [script, "--child", kind, path], { encoding: "utf8" }));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Interleaves the cases round by round, so that drift in the machine's load hits all of them. */
function bench(kinds, path) {
  const results = new Map(kinds.map((k) => [k, []]));
  for (let run = 0; run < RUNS; run++) for (const kind of kinds) results.get(kind).push(runChild(kind, path));
  return new Map([...results].map(([kind, rs]) => [kind, { ms: median(rs.map((r) => r.ms)), rssGrowth: median(rs.map((r) => r.rssGrowth)) }]));
}

function makeTensors(dtype) {
  const tensors = {};
  for (let t = 0; t < TENSORS; t++) {
    // Lazy data: the writer asks for each tensor when it writes it, so the bench itself never
    // holds all weights either.
    tensors[`model.layers.${t}.weight`] = {
      dtype,
      shape: [SIDE, SIDE],
      data: () => {
        const values = new Float32Array(SIDE * SIDE);
        for (let i = 0; i < values.length; i++) values[i] = Math.sin(i + t);
        return values;
      },
    };
  }
  return tensors;
}

const dir = mkdtempSync(join(tmpdir(), "ual-safetensors-bench-"));
const mb = (bytes) => bytes / 1e6;
const pad = (text, width) => String(text).padEnd(width);
try {
  const f32 = join(dir, "f32.safetensors");
  const bf16 = join(dir, "bf16.safetensors");

  // Writing: writeSafetensors (temp file, fsync, rename) against writing the same bytes with one
  // handle and an fsync. The generation of the values is outside neither; it is the same in both.
  const writeStart = performance.now();
  await writeSafetensors(f32, makeTensors("F32"), { format: "pt" });
  const writeMs = performance.now() - writeStart;
  const size = statSync(f32).size;
  const baselineStart = performance.now();
  const handle = await open(join(dir, "baseline.bin"), "w");
  for (const tensor of Object.values(makeTensors("F32"))) await handle.write(new Uint8Array(tensor.data().buffer));
  await handle.sync();
  await handle.close();
  const baselineWriteMs = performance.now() - baselineStart;
  rmSync(join(dir, "baseline.bin"));
  await writeSafetensors(bf16, makeTensors("BF16"), { format: "pt" });
  const bf16Size = statSync(bf16).size;

  console.log(`@ual/safetensors read bench: node ${process.version}, median of ${RUNS} runs, each in a fresh process, warm page cache`);
  console.log(`F32 file: ${TENSORS} tensors of ${SIDE}×${SIDE}, ${mb(size).toFixed(1)} MB; BF16 file: ${mb(bf16Size).toFixed(1)} MB\n`);

  const rows = [];
  const report = (label, bytes, result, baseline) => {
    const rate = mb(bytes) / (result.ms / 1000);
    const baseRate = mb(bytes) / (baseline.ms / 1000);
    rows.push([label, `${result.ms.toFixed(1)} ms`, `${rate.toFixed(0)} MB/s`, `${(rate / baseRate).toFixed(2)}×`, `${mb(result.rssGrowth).toFixed(0)} MB`]);
  };

  const f32Results = bench(["readFile", "readSafetensors", "iterateSafetensors", "readSafetensorsHeader"], f32);
  const base = f32Results.get("readFile");
  report("baseline: fs.readFile (F32 file)", size, base, base);
  report("readSafetensors (all tensors)", size, f32Results.get("readSafetensors"), base);
  report("iterateSafetensors (one at a time)", size, f32Results.get("iterateSafetensors"), base);
  const header = f32Results.get("readSafetensorsHeader");
  rows.push(["readSafetensorsHeader", `${header.ms.toFixed(2)} ms`, "", "", `${mb(header.rssGrowth).toFixed(0)} MB`]);

  const bf16Results = bench(["readFile", "readSafetensors widen", "iterateSafetensors widen"], bf16);
  const bf16Base = bf16Results.get("readFile");
  report("baseline: fs.readFile (BF16 file)", bf16Size, bf16Base, bf16Base);
  report("readSafetensors widen → F32", bf16Size, bf16Results.get("readSafetensors widen"), bf16Base);
  report("iterateSafetensors widen → F32", bf16Size, bf16Results.get("iterateSafetensors widen"), bf16Base);

  const widths = [36, 12, 12, 10, 12];
  console.log(["case", "time", "MB/s (file)", "vs base", "peak RSS +"].map((h, i) => pad(h, widths[i])).join(""));
  for (const row of rows) console.log(row.map((c, i) => pad(c, widths[i])).join(""));
  console.log(
    `\nwrite: writeSafetensors ${writeMs.toFixed(0)} ms (${(mb(size) / (writeMs / 1000)).toFixed(0)} MB/s) vs one handle + fsync ${baselineWriteMs.toFixed(0)} ms ` +
      `(${(mb(size) / (baselineWriteMs / 1000)).toFixed(0)} MB/s), both including generating the values`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
