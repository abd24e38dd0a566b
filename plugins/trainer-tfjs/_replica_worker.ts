// A data-parallel replica (see _replicas.ts): a worker thread with its own tfjs engine and wasm
// heap that builds the main thread's model (the same setUpModel, so a pretrained base loads from
// its folder and LoRA adapters attach with the same seed) and computes the gradients of its
// share of each batch with respect to the trainable weights, which the main thread sends.
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs-core";
import { type BackendChoice, type LossSpecLike, lossFromSpec, selectBackend } from "@ual/nn";
import { setUpModel, type TrainedModel } from "./_model_setup.ts";
import { addGradients, partGradients, type PartLoss } from "./_part_gradients.ts";
import type { ReplicaModel, ReplicaRequest, ReplicaResponse } from "./_replicas.ts";

const port = parentPort;
if (port === null) throw new Error("_replica_worker.ts runs as a worker thread only");
let model: TrainedModel | undefined;
let variables: tf.Variable[] = [];
let stageLoss: PartLoss | undefined;
let needsBase = false;

function post(message: ReplicaResponse, transfer: ArrayBuffer[] = []): void {
  (port as NonNullable<typeof port>).postMessage(message, transfer);
}

async function init(spec: ReplicaModel, backend: BackendChoice, lossSpec: LossSpecLike | undefined): Promise<void> {
  const selected = await selectBackend(backend);
  needsBase = spec.needsBase === true;
  if (lossSpec !== undefined) {
    const rebuilt = lossFromSpec(lossSpec);
    stageLoss = (logits, labels, eps, base) => rebuilt.perSample(logits, labels, eps, base);
  }
  // the trainable weights' values come from the main thread before the first step
  model = await setUpModel({ ...spec, gpt2HfConfig: {} });
  variables = [...model.trainable.values()];
  post({ type: "ready", backend: selected.detail });
}

function step(request: Extract<ReplicaRequest, { type: "step" }>): void {
  if (model === undefined) throw new Error("replica: step before init");
  if (request.weights !== null) {
    request.weights.forEach((w, i) => {
      const v = variables[i] as tf.Variable;
      tf.tidy(() => v.assign(tf.tensor(w, v.shape)));
    });
  }
  let grads: tf.NamedTensorMap | undefined;
  let loss = 0;
  const epsilon: number[] = [];
  const trained = model;
  for (const { part, epsilon: eps, weights } of request.parts) {
    trained.beginPass(request.step, part.offset, part.batch);
    const r = partGradients(
      trained,
      variables,
      part,
      () => eps,
      { ...request.loss, sampleWeight: weights ?? request.sampleWeight, needsNll: false },
      stageLoss,
      stageLoss !== undefined && needsBase ? (ids, mask) => trained.baseLogits(ids, mask) : undefined,
    );
    loss += r.loss;
    epsilon.push(...r.epsilon);
    grads = addGradients(grads, r.grads);
  }
  // a short last batch may leave this replica nothing to do: its share of the gradient is 0
  const out = variables.map((v) => (grads === undefined ? new Float32Array(v.size) : ((grads[v.name] as tf.Tensor).dataSync() as Float32Array)));
  tf.dispose(grads ?? {});
  post({ type: "grads", loss, grads: out, epsilon }, out.map((g) => g.buffer as ArrayBuffer));
}

port.on("message", (request: ReplicaRequest) => {
  const run = request.type === "init" ? init(request.model, request.backend, request.loss) : Promise.resolve().then(() => step(request));
  run.catch((error: unknown) => post({ type: "error", message: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error) }));
});
