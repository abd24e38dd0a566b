import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Gpt2Config, LoraOptions } from "@ual/models";
import type { BackendChoice, LossSpecLike, SmoothedCrossEntropyAndNllOptions } from "@ual/nn";
import type { Part } from "./_part_gradients.ts";

/**
 * What a replica builds, with the main thread's own `setUpModel`: a fresh GPT-2 of `config`, or
 * the `init` folder's model (fully trainable, or frozen with LoRA adapters attached with `seed`).
 * A pretrained model is loaded from disk by every replica: each holds its own copy of the weights.
 */
export interface ReplicaModel {
  name: string;
  config: Required<Gpt2Config>;
  seed: number;
  init?: string;
  lora?: LoraOptions;
  /** Keep the base model's distribution at hand (a loss with `needsBaseLogits`). */
  needsBase?: boolean;
}

/** One micro-batch of a replica's share: the samples, their ε, and (token-mean losses) their weights. */
export interface ReplicaPart {
  part: Part;
  epsilon: number[];
  /** Per-sample weights in the batch's loss; absent: every sample weighs `sampleWeight`. */
  weights?: number[];
}

/** Messages to a replica. */
export type ReplicaRequest =
  | {
      type: "init";
      model: ReplicaModel;
      backend: BackendChoice;
      /** A manifest loss stage, as data (its `spec()`): the replica rebuilds it with `@ual/nn`'s lossFromSpec. */
      loss?: LossSpecLike;
    }
  | {
      type: "step";
      /** The optimizer step (1-based): seeds the per-sample randomness (LoRA dropout). */
      step: number;
      /** The trainable weights in the model's order, or null when unchanged since the last step. */
      weights: Float32Array[] | null;
      parts: ReplicaPart[];
      sampleWeight: number;
      loss: Pick<SmoothedCrossEntropyAndNllOptions, "convention" | "denominator">;
    };

/** Messages from a replica. */
export type ReplicaResponse =
  | { type: "ready"; backend: string }
  | { type: "grads"; loss: number; grads: Float32Array[]; epsilon: number[] }
  | { type: "error"; message: string };

/** A replica's answer to one step. */
export interface ReplicaGrads {
  loss: number;
  grads: Float32Array[];
  epsilon: number[];
}

/** Worker threads that each hold a copy of the model and compute gradients of a share of a batch. */
export interface Replicas {
  readonly count: number;
  /** Sends each replica its share of step `step`; resolves with their gradients in replica order. */
  step(step: number, weights: Float32Array[] | null, shares: ReplicaPart[][], sampleWeight: number, loss: Pick<SmoothedCrossEntropyAndNllOptions, "convention" | "denominator">): Promise<ReplicaGrads[]>;
  close(): Promise<void>;
}

function workerScript(): URL {
  // dist/mod.js sits beside dist/_replica_worker.js; the TypeScript sources (tests) use the build.
  for (const candidate of ["./_replica_worker.js", "./dist/_replica_worker.js"]) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error("@ual/trainer-tfjs: dist/_replica_worker.js is missing; build the package (npm run build)");
}

function once(worker: Worker): Promise<ReplicaResponse> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ReplicaResponse) => {
      cleanup();
      if (message.type === "error") reject(new Error(`@ual/trainer-tfjs replica: ${message.message}`));
      else resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`@ual/trainer-tfjs replica exited with code ${code}`));
    };
    const cleanup = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}

/**
 * Starts `count` replicas. tfjs-backend-wasm runs single-threaded under Node, so data parallelism
 * over worker threads is how training uses more than one core: each replica has its own engine
 * and wasm heap (so the heap bound applies per replica) holding its own copy of the model, gets
 * the trainable weights after every update (only the LoRA adapters when the base is frozen), and
 * returns their float32 gradients, which the main thread adds in replica order — deterministic
 * for a given number of threads.
 */
export async function startReplicas(count: number, model: ReplicaModel, backend: BackendChoice, loss?: LossSpecLike): Promise<Replicas> {
  const script = workerScript();
  const workers = Array.from({ length: count }, () => new Worker(script));
  try {
    await Promise.all(
      workers.map((w) => {
        const ready = once(w);
        w.postMessage({ type: "init", model, backend, ...(loss !== undefined ? { loss } : {}) } satisfies ReplicaRequest);
        return ready;
      }),
    );
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
  return {
    count,
    async step(step, weights, shares, sampleWeight, loss) {
      const answers = workers.map((w, i) => {
        const answer = once(w);
        const request: ReplicaRequest = { type: "step", step, weights: weights?.map((x) => x.slice()) ?? null, parts: shares[i] ?? [], sampleWeight, loss };
        w.postMessage(request, request.weights?.map((x) => x.buffer as ArrayBuffer) ?? []);
        return answer;
      });
      const results = await Promise.all(answers);
      return results.map((r) => {
        if (r.type !== "grads") throw new Error(`@ual/trainer-tfjs replica: unexpected ${r.type}`);
        return { loss: r.loss, grads: r.grads, epsilon: r.epsilon };
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
