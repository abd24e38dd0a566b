import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";

/** How long the other ranks get to exit by themselves after one failed, before SIGTERM. */
const FAILURE_GRACE_MS = 3000;

/** How the N processes were started. */
export type LauncherName = "torchrun" | "processes";

/** Where and how many processes train. */
export interface LaunchPlan {
  python: string;
  script: string;
  args: readonly string[];
  nprocPerNode: number;
  nnodes: number;
  nodeRank: number;
  /** `host:port` of the rendezvous; default 127.0.0.1 and a free port (one machine). */
  rdzvEndpoint?: string;
  /** A run id for torchrun's c10d rendezvous (several machines). */
  runId: string;
  threadsPerProcess: number;
  env?: NodeJS.ProcessEnv;
}

/** The processes of one training run. */
export interface Launched {
  launcher: LauncherName;
  /** Resolves when every process has exited: the first failure (rank, code, signal), if any. */
  exited: Promise<{ failed?: { what: string; code: number | null; signal: NodeJS.Signals | null; stderr: string[] } }>;
  /**
   * One line to rank 0's stdin (the online-ε answers; torchrun's workers inherit its stdin, and
   * only rank 0 reads it). Does nothing once the processes are stopping or gone.
   */
  send(line: string): void;
  /** SIGINT to every process group and the end of rank 0's stdin, then SIGKILL after `graceMs` for those still running. */
  stop(graceMs: number): void;
  /** SIGKILL to every process group now. */
  kill(): void;
}

const STDERR_LINES = 20;

/** A TCP port nobody listens on now (the OS's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function endpointOf(plan: LaunchPlan, port: number): { host: string; port: number } {
  if (plan.rdzvEndpoint === undefined) return { host: "127.0.0.1", port };
  const at = plan.rdzvEndpoint.lastIndexOf(":");
  return { host: plan.rdzvEndpoint.slice(0, at), port: Number(plan.rdzvEndpoint.slice(at + 1)) };
}

function baseEnv(plan: LaunchPlan): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...plan.env,
    PYTHONUNBUFFERED: "1",
    PYTHONNOUSERSITE: "1",
    // no __pycache__ inside the installed package
    PYTHONDONTWRITEBYTECODE: "1",
    OMP_NUM_THREADS: String(plan.threadsPerProcess),
    // Debian's torch calls a pthread OpenBLAS, which starts one thread per core in every process
    // unless told otherwise, while torch's OpenMP threads spin between parallel regions: on
    // 2 cores, 1 process × 2 threads ran at 2467 tok/s with both defaults and ~4000 with these
    // (bench:torch). The user's own settings win.
    OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? String(plan.threadsPerProcess),
    OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? "PASSIVE",
    // gloo over loopback on one machine: the default interface may be unroutable in containers
    ...(plan.nnodes === 1 && plan.env?.GLOO_SOCKET_IFNAME === undefined && process.env.GLOO_SOCKET_IFNAME === undefined ? { GLOO_SOCKET_IFNAME: "lo" } : {}),
  };
}

function torchrunArgs(plan: LaunchPlan, port: number): string[] {
  const { host, port: p } = endpointOf(plan, port);
  // underscored flags: torch 1.13's torchrun knows no others, later ones accept both spellings
  const rendezvous =
    plan.nnodes > 1
      ? ["--rdzv_backend", "c10d", "--rdzv_endpoint", `${host}:${p}`, "--rdzv_id", plan.runId]
      : ["--master_addr", host, "--master_port", String(p)];
  return ["-m", "torch.distributed.run", "--nproc_per_node", String(plan.nprocPerNode), "--nnodes", String(plan.nnodes), "--node_rank", String(plan.nodeRank), ...rendezvous, plan.script, ...plan.args];
}

/** `'word'` where a shell would split or expand it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The command that starts `plan` on a machine by hand (launcher `none`): the script itself for one
 * process on one machine, else torchrun with this machine's `--node_rank` (every machine runs it
 * with its own). One rendezvous port, 29500 (torchrun's default), unless `rdzvEndpoint` names one.
 *
 * @example
 * ```ts
 * commandLine({ python: "python3", script: "/x/train.py", args: ["/r/plan.json"], nprocPerNode: 4, nnodes: 1, nodeRank: 0, runId: "r", threadsPerProcess: 4 });
 * // "python3 -m torch.distributed.run --nproc_per_node 4 --nnodes 1 --node_rank 0 --master_addr 127.0.0.1 --master_port 29500 /x/train.py /r/plan.json"
 * ```
 */
export function commandLine(plan: LaunchPlan): string {
  const words = plan.nprocPerNode === 1 && plan.nnodes === 1 ? [plan.python, plan.script, ...plan.args] : [plan.python, ...torchrunArgs(plan, 29500)];
  return words.map(shellWord).join(" ");
}

/**
 * Whether torchrun starts here: one process, the script's `--probe` (which opens the env://
 * process group and does one all_reduce). Debian's torch 1.13 under Python 3.11 fails at start
 * (`'NoneType' object has no attribute 'get'` in elastic's Std handling); then the reason is
 * returned and the caller starts the processes itself.
 */
export async function probeTorchrun(python: string, script: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const port = await freePort();
  const plan: LaunchPlan = { python, script, args: ["--probe"], nprocPerNode: 1, nnodes: 1, nodeRank: 0, runId: "probe", threadsPerProcess: 1 };
  return new Promise((resolve) => {
    const child = spawn(python, torchrunArgs(plan, port), { env: baseEnv(plan), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0 && out.includes('"probe"')) return resolve({ ok: true });
      const lines = err.trim().split("\n").filter((l) => l.trim() !== "");
      resolve({ ok: false, reason: lines.pop() ?? `exit code ${code}` });
    });
  });
}

/**
 * Starts the training processes, each (or torchrun with its workers) in a process group of its
 * own, so that a stop reaches every worker: torchrun, or N processes with RANK, WORLD_SIZE,
 * LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT (env:// rendezvous) — one script
 * either way. Rank 0's stdout lines go to `onLine`; every process's last stderr lines are kept
 * for the error of a process that dies.
 */
export async function launch(plan: LaunchPlan, launcher: LauncherName, onLine: (line: string) => void): Promise<Launched> {
  const port = await freePort();
  const children: Array<{ child: ChildProcess; what: string; stderr: string[] }> = [];
  // rank 0's stdin (torchrun's, which its workers inherit): where the online-ε answers go
  let input: Writable | undefined;
  const start = (args: string[], env: NodeJS.ProcessEnv, what: string, events: boolean) => {
    const child = spawn(plan.python, args, { env, stdio: [events ? "pipe" : "ignore", "pipe", "pipe"], detached: true });
    const entry = { child, what, stderr: [] as string[] };
    if (events) {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", onLine);
      // a process that died closes its end: its exit is reported, not the write's EPIPE
      child.stdin?.on("error", () => undefined);
      input = child.stdin ?? undefined;
    } else child.stdout?.resume();
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => {
      entry.stderr.push(line);
      if (entry.stderr.length > STDERR_LINES) entry.stderr.shift();
    });
    children.push(entry);
  };
  if (launcher === "torchrun") {
    start(torchrunArgs(plan, port), baseEnv(plan), "torchrun", true);
  } else {
    const { host, port: p } = endpointOf(plan, port);
    const world = plan.nnodes * plan.nprocPerNode;
    for (let local = 0; local < plan.nprocPerNode; local++) {
      const rank = plan.nodeRank * plan.nprocPerNode + local;
      const env = {
        ...baseEnv(plan),
        RANK: String(rank),
        WORLD_SIZE: String(world),
        LOCAL_RANK: String(local),
        LOCAL_WORLD_SIZE: String(plan.nprocPerNode),
        GROUP_RANK: String(plan.nodeRank),
        MASTER_ADDR: host,
        MASTER_PORT: String(p),
      };
      start([plan.script, ...plan.args], env, `rank ${rank}`, rank === 0);
    }
  }
  const signalAll = (signal: NodeJS.Signals) => {
    for (const { child } of children) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
      try {
        process.kill(-child.pid, signal); // the whole group: torchrun's workers too
      } catch {
        // already gone
      }
    }
  };
  let killTimer: NodeJS.Timeout | undefined;
  const exited = Promise.all(
    children.map(
      (entry) =>
        new Promise<{ what: string; code: number | null; signal: NodeJS.Signals | null; stderr: string[] }>((resolve) => {
          entry.child.on("error", (error) => {
            entry.stderr.push(error.message);
            resolve({ what: entry.what, code: -1, signal: null, stderr: entry.stderr });
          });
          entry.child.on("close", (code, signal) => {
            // one process died: the others would wait for it in all_reduce forever. They get a
            // moment first: a rank failing on the same error exits by itself, and its own exit
            // code is what gets reported, not the SIGTERM we would send it.
            if (code !== 0) setTimeout(() => signalAll("SIGTERM"), FAILURE_GRACE_MS).unref();
            resolve({ what: entry.what, code, signal, stderr: entry.stderr });
          });
        }),
    ),
  ).then((results) => {
    if (killTimer !== undefined) clearTimeout(killTimer);
    // the process that failed by itself, not one the others' failure made us stop
    const failed = results.find((r) => r.code !== 0 && r.signal === null) ?? results.find((r) => r.code !== 0);
    return failed === undefined ? {} : { failed };
  });
  return {
    launcher,
    exited,
    send(line) {
      if (input !== undefined && !input.writableEnded) input.write(`${line}\n`);
    },
    stop(graceMs) {
      signalAll("SIGINT");
      input?.end();
      killTimer = setTimeout(() => signalAll("SIGKILL"), graceMs);
      killTimer.unref();
    },
    kill: () => signalAll("SIGKILL"),
  };
}
