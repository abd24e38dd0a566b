import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ManifestError } from "@ual/core";
import { MAPPER_NAMES } from "@ual/mapping";
import { CliError, EXIT } from "./exit_codes.ts";
import type { CliIO } from "./io.ts";
import { compareCommand } from "./compare_command.ts";
import { estimateCommand } from "./estimate_command.ts";
import { mapCommand } from "./map_command.ts";
import { reportCommand } from "./report_command.ts";
import { pluginsCommand } from "./plugins_command.ts";
import { runCommand } from "./run_command.ts";
import { validateCommand } from "./validate_command.ts";

/** `--baseline sft,base` and `--baseline sft --baseline base` both give [sft, base]. */
function baselineList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(",").map((v) => v.trim()).filter((v) => v.length > 0)];
}

function number(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === "" || !Number.isFinite(parsed)) throw new InvalidArgumentError(`${name} must be a number, got "${value}"`);
    return parsed;
  };
}

/**
 * Runs the `ual` command with `argv` (without `node` and the script) and returns its exit code.
 * Nothing here calls `process.exit`, so scripts and tests can call it.
 *
 * @example
 * ```ts
 * const code = await main(["validate", "examples/map-scores.yaml"], processIO());
 * ```
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command("ual")
    .description("UAL: uncertainty-aware alignment — per-sample label smoothing for fine-tuning language models")
    .version("0.1.0", "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(run with --help for usage)");

  program
    .command("run")
    .description("run a pipeline manifest; an interrupted run resumes when run again")
    .argument("<manifest>", "a ual/v1 manifest (.yaml or .json)")
    .option("--runs-dir <dir>", "where run directories go (default: the manifest's run.runsDir, else ./runs)")
    .option("--resume <run-id>", "resume this run (default: the latest unfinished run of the same manifest)")
    .option("--fresh", "start a new run even if an unfinished one exists")
    .option("-q, --quiet", "no progress or messages (errors still go to stderr)")
    .option("--json", "print the run's result as JSON on stdout")
    .action(async (manifest: string, options) => {
      code = await runCommand(manifest, options, io);
    });

  program
    .command("validate")
    .description("check a manifest completely (plugins, kinds, options) without running it; lists every problem")
    .argument("<manifest>", "a ual/v1 manifest (.yaml or .json)")
    .option("--json", "print the result as JSON")
    .action(async (manifest: string, options) => {
      code = await validateCommand(manifest, options, io);
    });

  program
    .command("estimate")
    .description("what the manifest's uncertainty stage would cost (tokens, sync and batch prices), without calling anything")
    .argument("<manifest>", "a ual/v1 manifest (.yaml or .json)")
    .option("--json", "print the estimates as JSON")
    .action(async (manifest: string, options) => {
      code = await estimateCommand(manifest, options, io);
    });

  program
    .command("plugins")
    .description("list the plugins a manifest here can use, with kind and version")
    .option("--json", "print the list as JSON")
    .action(async (options) => {
      code = await pluginsCommand(options, io);
    });

  program
    .command("map")
    .description("map uncertainty scores to per-sample label-smoothing values ε (for training elsewhere)")
    .argument("[file]", "JSON array or JSON lines of {id, score} or numbers; - or omitted: stdin")
    .addOption(new Option("-m, --mapper <name>", "the mapping").choices([...MAPPER_NAMES]).default("truncated-linear"))
    .option("-a, --alpha <number>", "target mean ε over the samples (default 0.1)", number("--alpha"))
    .option("-c, --cap <number>", "largest ε (default 0.99)", number("--cap"))
    .addOption(new Option("--solver <solver>", "how β is found: exact, or the reference's iterative loop").choices(["exact", "iterative"]))
    .option("--gamma <number>", "exponent of the power mapping (default 2)", number("--gamma"))
    .option("--score-field <name>", "field holding the score in object records", "score")
    .option("--id-field <name>", "field holding the id", "id")
    .option("-o, --out <file>", "write JSON lines here (atomically) instead of stdout")
    .action(async (file: string | undefined, options) => {
      code = await mapCommand(file, options, io);
    });

  program
    .command("compare")
    .description("compare runs: every metric per arm as mean ± 95% CI over the runs (seeds) of each arm")
    .argument("<runs...>", "run directories, or a matrix summary (runs/<name>.matrix.json)")
    .option("--baseline <arms>", "also print each arm minus this one, paired by seed (mean ± 95% CI); several: --baseline sft,base or repeat the option", baselineList, [])
    .option("--json", "print the rows as JSON")
    .action(async (runs: string[], options) => {
      code = await compareCommand(runs, options, io);
    });

  program
    .command("report")
    .description("write one self-contained HTML report (inline SVG charts) for runs or a matrix")
    .argument("<runs...>", "run directories, or a matrix summary (runs/<name>.matrix.json)")
    .option("-o, --out <file>", "where to write (default: beside the matrix summary, or in the run directory)")
    .option("--title <text>", "the page title")
    .option("--baseline <arms>", "lead with each arm minus these arms, paired by seed (default: a matrix summary's matrix.baseline); several: sft,base", baselineList, [])
    .action(async (runs: string[], options) => {
      code = await reportCommand(runs, options, io);
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.invalid;
    }
    if (error instanceof ManifestError) {
      io.stderr.write(`${error.message}\n`);
      return EXIT.invalid;
    }
    if (error instanceof CliError) {
      io.stderr.write(`ual: ${error.message}\n`);
      return error.code;
    }
    io.stderr.write(`ual: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.failed;
  }
}
