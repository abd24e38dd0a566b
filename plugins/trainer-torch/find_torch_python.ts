import { execFile } from "node:child_process";

/** A Python interpreter that imports torch, and what it has. */
export interface TorchPython {
  /** The command as given (`python3`, `/usr/bin/python3`). */
  command: string;
  /** The interpreter's own path (`sys.executable`). */
  executable: string;
  python: string;
  torch: string;
  cuda: boolean;
}

/** What to install, for the error messages. */
export const INSTALL_HINT =
  "install PyTorch and numpy for it — on Debian/Ubuntu: `apt-get install python3-torch python3-numpy libopenblas0-pthread` " +
  "(then the interpreter is /usr/bin/python3), elsewhere `pip install torch numpy` — or set the trainer's `python` option " +
  "(or UAL_TORCH_PYTHON) to an interpreter that has them";

const PROBE = "import json, sys, numpy, torch; print(json.dumps({'executable': sys.executable, 'python': sys.version.split()[0], 'torch': torch.__version__, 'cuda': torch.cuda.is_available()}))";

function tryPython(command: string): Promise<TorchPython | string> {
  return new Promise((resolve) => {
    execFile(command, ["-c", PROBE], { timeout: 120_000, env: { ...process.env, PYTHONNOUSERSITE: "1" } }, (error, stdout, stderr) => {
      if (error !== null) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return resolve("not found");
        const last = stderr.trim().split("\n").pop() ?? error.message;
        return resolve(last);
      }
      try {
        const info = JSON.parse(stdout.trim().split("\n").pop() ?? "") as Omit<TorchPython, "command">;
        resolve({ command, ...info });
      } catch {
        resolve(`unexpected output ${JSON.stringify(stdout.slice(0, 200))}`);
      }
    });
  });
}

/**
 * The interpreter to train with: `explicit` (the `python` option) alone when given, else
 * `$UAL_TORCH_PYTHON`, else the first of `python3` on PATH and `/usr/bin/python3` that imports
 * torch and numpy (a pyenv or venv `python3` without torch is passed over, Debian's is found).
 * Throws naming each interpreter tried, why it failed, and what to install.
 *
 * @example
 * ```ts
 * const python = await findTorchPython(undefined); // { command: "/usr/bin/python3", torch: "1.13.0a0", … }
 * ```
 */
export async function findTorchPython(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<TorchPython> {
  const fromEnv = env.UAL_TORCH_PYTHON;
  const candidates = explicit !== undefined ? [explicit] : fromEnv !== undefined && fromEnv !== "" ? [fromEnv] : ["python3", "/usr/bin/python3"];
  const failures: string[] = [];
  for (const command of [...new Set(candidates)]) {
    const found = await tryPython(command);
    if (typeof found !== "string") return found;
    failures.push(`${command}: ${found}`);
  }
  const where = explicit !== undefined ? "the `python` option" : fromEnv ? "UAL_TORCH_PYTHON" : "python3 on PATH and /usr/bin/python3";
  throw new Error(`@ual/trainer-torch: no Python with torch found (tried ${where}: ${failures.join("; ")}); ${INSTALL_HINT}`);
}
