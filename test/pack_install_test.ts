// The packages as a user gets them from npm: every workspace packed, the tarballs installed into
// an empty project outside the repository (ours only from the tarballs, registry packages as usual,
// each package seeing only what it declares), the third-party plugin template built there against
// the installed @ual/core, and then `npx ual` and a script that subscribes to a run's events.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { beforeAll, describe, expect, test } from "vitest";
import { ROOT, tempDir } from "./_cli.ts";

interface Packed {
  name: string;
  filename: string;
  files: Array<{ path: string }>;
}

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
// Registry packages come from npm's cache when it has them (CI just ran npm ci).
const INSTALL = ["--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"];

function sh(command: string, args: string[], cwd: string, timeout = 240_000): SpawnSyncReturns<string> {
  const out = spawnSync(command, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, npm_config_update_notifier: "false" } });
  if (out.status !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${out.status}:\n${out.stdout}\n${out.stderr}`);
  return out;
}

let dir: string;
let packed: Packed[];
let app: string;

beforeAll(() => {
  dir = tempDir("ual-pack-");
  const tarballs = join(dir, "tarballs");
  mkdirSync(tarballs);
  // `npm test` has just built every dist/ (prepack would build each package again).
  packed = JSON.parse(sh(NPM, ["pack", "--workspaces", "--ignore-scripts", "--json", "--pack-destination", tarballs], ROOT).stdout) as Packed[];

  // The plugin template, developed as its README says before @ual/* is on npm: @ual/core from a tarball.
  const plugin = join(dir, "ual-uncertainty-lexical");
  cpSync(join(ROOT, "examples", "third-party-plugin"), plugin, { recursive: true, filter: (src) => !/node_modules|dist/.test(src.slice(ROOT.length)) });
  const core = packed.find((p) => p.name === "@ual/core")!;
  sh(NPM, ["install", "--save-dev", ...INSTALL, join(tarballs, core.filename)], plugin);
  // `npm pack` builds it (prepack: tsup → dist/ with .d.ts).
  const packOut = sh(NPM, ["pack", "--json", "--pack-destination", tarballs], plugin).stdout;
  // prepack's build prints to stdout before npm's JSON.
  const pluginTarball = JSON.parse(packOut.slice(packOut.search(/^\[\s*\{/m))) as Packed[];

  // An empty project that installs every @ual tarball and the plugin's, nothing else: a package
  // that uses a dependency it does not declare fails to load here (the script adds rxjs later).
  app = join(dir, "app");
  mkdirSync(app);
  const dependencies: Record<string, string> = { "ual-uncertainty-lexical": `file:../tarballs/${pluginTarball[0]!.filename}` };
  for (const p of packed) dependencies[p.name] = `file:../tarballs/${p.filename}`;
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module", dependencies }, null, 2));
  // linked: each package sees only what it declares, so an undeclared dependency fails here.
  sh(NPM, ["install", ...INSTALL, "--install-strategy=linked"], app);
  copyFileSync(join(ROOT, "examples", "data", "mixed.jsonl"), join(app, "mixed.jsonl"));
}, 600_000);

describe("npm pack of every workspace", () => {
  test("each tarball has its LICENSE, its entry points and types, and no compiled binary", () => {
    expect(packed.length).toBeGreaterThanOrEqual(36);
    const problems: string[] = [];
    for (const p of packed) {
      const files = new Set(p.files.map((f) => f.path));
      const manifest = JSON.parse(readFileSync(join(dir, "tarballs", "..", "app", "node_modules", p.name, "package.json"), "utf8")) as { main?: string; types?: string; license?: string; repository?: unknown };
      for (const needed of ["LICENSE", "package.json", "README.md", manifest.main, manifest.types]) {
        if (!needed || !files.has(needed.replace(/^\.\//, ""))) problems.push(`${p.name}: no ${needed ?? "main/types field"}`);
      }
      if (manifest.license !== "Apache-2.0") problems.push(`${p.name}: license ${manifest.license}`);
      if (!manifest.repository) problems.push(`${p.name}: no repository`);
      for (const f of files) if (f.endsWith(".node")) problems.push(`${p.name}: ships the binary ${f} (build it where it is installed)`);
    }
    expect(problems).toEqual([]);
  });

  test("publint and arethetypeswrong find nothing (ESM only: a CommonJS require is not offered)", async () => {
    const problems: string[] = [];
    for (const p of packed) {
      const data = readFileSync(join(dir, "tarballs", p.filename));
      const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
      const lint = await publint({ pack: { tarball }, level: "suggestion", strict: true });
      for (const m of lint.messages) problems.push(`${p.name}: publint ${m.type}: ${formatMessage(m, lint.pkg) ?? m.code}`);
      const types = await checkPackage(createPackageFromTarballData(new Uint8Array(data)));
      if (!types.types) problems.push(`${p.name}: attw: no types`);
      else for (const problem of types.problems) if (!("resolutionKind" in problem) || problem.resolutionKind !== "node16-cjs") problems.push(`${p.name}: attw ${problem.kind} ${"resolutionKind" in problem ? problem.resolutionKind : ""} ${"entrypoint" in problem ? problem.entrypoint : ""}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

describe("installed outside the repository", () => {
  test("npx ual lists every plugin, validates and runs a manifest with the third-party plugin", () => {
    const listed = JSON.parse(sh("npx", ["--offline", "ual", "plugins", "--json"], app).stdout) as { plugins: Array<{ specifier: string }>; problems: unknown[] };
    expect(listed.problems).toEqual([]);
    const specifiers = listed.plugins.map((p) => p.specifier);
    for (const p of packed.filter((x) => readdirSync(join(ROOT, "plugins")).includes(x.name.replace("@ual/", "")))) {
      expect(specifiers.some((s) => s === p.name || s.startsWith(`${p.name}#`)), p.name).toBe(true);
    }
    expect(specifiers).toContain("ual-uncertainty-lexical");
    writeFileSync(
      join(app, "lexical.yaml"),
      ["apiVersion: ual/v1", "name: lexical", "stages:", "  source: { use: \"@ual/source-jsonl\", with: { path: ./mixed.jsonl } }", "  uncertainty: { use: ual-uncertainty-lexical, with: { minWords: 3 } }", "  mapper: { use: \"@ual/mapper-truncated-linear\", with: { alpha: 0.1 } }", ""].join("\n"),
    );
    expect(sh("npx", ["--offline", "ual", "validate", "lexical.yaml"], app).stdout).toMatch(/uncertainty\s+ual-uncertainty-lexical@1\.0\.0/);
    const result = JSON.parse(sh("npx", ["--offline", "ual", "run", "lexical.yaml", "--json", "--quiet"], app).stdout) as { status: string; outputs: { smoothing: string }; summary: { scored: number } };
    expect(result).toMatchObject({ status: "completed", summary: { scored: 100 } });
    const rows = readFileSync(result.outputs.smoothing, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { smoothing: number });
    expect(rows).toHaveLength(100);
    expect(rows.reduce((a, r) => a + r.smoothing, 0) / rows.length).toBeCloseTo(0.1, 6);
  }, 120_000);

  test("a script subscribes to a run's events (the programmatic example: train, cancel, resume)", () => {
    // A user's script imports rxjs, so the user adds it.
    sh(NPM, ["install", ...INSTALL, "--install-strategy=linked", "rxjs@7.8.2"], app);
    copyFileSync(join(ROOT, "examples", "programmatic", "watch_training.mjs"), join(app, "watch_training.mjs"));
    const out = sh(process.execPath, ["watch_training.mjs", "--data", "./mixed.jsonl", "--stop-at-step", "4"], app);
    const result = JSON.parse(out.stdout.trim().split("\n").at(-1) ?? "") as { status: string; resumed: boolean; steps: number; curve: number[] };
    expect(result).toMatchObject({ status: "completed", resumed: true, steps: 16 });
    expect(result.curve).toHaveLength(1);
  }, 180_000);

  test("the public types resolve under nodenext and node10, and isEvent narrows pipeline drafts and run events", () => {
    writeFileSync(
      join(app, "check.ts"),
      [
        'import { filter } from "rxjs";',
        'import { buildPipeline, defineManifest, isEvent, run, type Source } from "@ual/core";',
        'import { plugin } from "ual-uncertainty-lexical";',
        "declare const source: Source;",
        'buildPipeline({ source: { name: "s", key: "source", instance: source } }).pipe(filter(isEvent("train.step"))).subscribe((e) => e.loss.toFixed(2));',
        'const manifest = defineManifest({ apiVersion: "ual/v1", stages: { source: { use: "@ual/source-jsonl", with: { path: "x.jsonl" } }, uncertainty: { use: plugin } } });',
        'run(manifest).pipe(filter(isEvent("run.end"))).subscribe((e) => e.status.toUpperCase() + e.runId);',
        "",
      ].join("\n"),
    );
    const tsc = join(dir, "ual-uncertainty-lexical", "node_modules", "typescript", "bin", "tsc");
    const common = ["--noEmit", "--strict", "--target", "es2022", "check.ts"];
    // node10: zod's own .d.cts files need esModuleInterop there, so its declarations are not checked (ours resolve or fail all the same).
    for (const resolution of [["--module", "nodenext", "--moduleResolution", "nodenext"], ["--module", "esnext", "--moduleResolution", "node10", "--skipLibCheck"]]) {
      const out = spawnSync(process.execPath, [tsc, ...resolution, ...common], { cwd: app, encoding: "utf8" });
      expect(out.stdout + out.stderr, resolution.join(" ")).toBe("");
    }
  }, 120_000);
});
