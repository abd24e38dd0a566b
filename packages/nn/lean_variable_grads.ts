import { add, clone, engine, type NamedTensorMap, ones, type Scalar, type Tensor, tidy, type Variable, variableGrads } from "@tensorflow/tfjs-core";

/** One recorded op, as tfjs-core 4.x's engine keeps it on its gradient tape (internal). */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: NamedTensorMap;
  outputs: Tensor[];
  gradient?: (dys: Array<Tensor | null>) => Record<string, () => Tensor>;
  saved?: Tensor[];
}

/** The engine internals this function drives: the same ones `tf.variableGrads` uses. */
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
}

/** True when this build of tfjs-core has the engine internals {@linkcode leanVariableGrads} relies on. */
function tapeAvailable(e: unknown): e is EngineInternals {
  const x = e as Partial<EngineInternals> | null;
  return typeof x?.startTape === "function" && typeof x.endTape === "function" && typeof x.state?.gradientDepth === "number";
}

/**
 * The ops of `tape` on a path from a variable of `xs` to `y`, each with only the inputs that
 * depend on `xs` (tfjs-core's own filter, rewritten: it is not exported).
 */
function opsFromXsToY(tape: readonly TapeNode[], xs: readonly Tensor[], y: Tensor): TapeNode[] {
  const fromX = new Set<number>(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((input) => fromX.has(input.id))) {
      for (const output of node.outputs) fromX.add(output.id);
      nodesFromX.add(node.id);
    }
  }
  const toY = new Set<number>([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i] as TapeNode;
    if (node.outputs.some((output) => toY.has(output.id))) {
      for (const input of Object.values(node.inputs)) toY.add(input.id);
      nodesToY.add(node.id);
    }
  }
  return tape
    .filter((node) => nodesFromX.has(node.id) && nodesToY.has(node.id))
    .map((node) => ({ ...node, inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, input]) => fromX.has(input.id))) }));
}

/**
 * `tf.variableGrads(f, variables)` — the same values, bit for bit — with the memory of the
 * backward pass freed as it goes.
 *
 * tfjs keeps everything of a backward pass until it ends: every op's saved activations, every
 * intermediate gradient, and the gradients a custom op computes eagerly for inputs nobody asked
 * about (a frozen weight's). For a transformer that roughly doubles the peak of a training step
 * over what the forward pass holds. Here the backward pass walks the same tape in the same order
 * through the same gradient functions, adding gradients in the same order, but frees each op's
 * saved tensors and output gradient once the op is done (its consumers, later on the tape, have
 * all been processed by then) and the saved tensors of ops off every path from `variables` to
 * the loss before it starts. The peak is then the forward pass's plus a few gradients.
 *
 * It drives tfjs-core 4.x's gradient tape (engine internals); when those are missing, or inside
 * another gradient computation, it is `tf.variableGrads`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { leanVariableGrads } from "@ual/nn";
 *
 * const w = tf.variable(tf.randomNormal([4, 3]));
 * const x = tf.randomNormal([8, 4]);
 * const { value, grads } = leanVariableGrads(() => tf.sum(tf.square(tf.matMul(x, w))) as tf.Scalar, [w]);
 * ```
 */
export function leanVariableGrads(f: () => Scalar, variables: readonly Variable[]): { value: Scalar; grads: NamedTensorMap } {
  const e: unknown = engine();
  if (!tapeAvailable(e) || e.state.gradientDepth > 0) return variableGrads(f, [...variables]);
  let y: Scalar;
  e.startTape();
  try {
    y = tidy("forward", f);
  } finally {
    e.endTape();
  }
  if (y.rank !== 0) throw new Error(`leanVariableGrads: f() must return a scalar, got a tensor of shape [${y.shape}]`);
  const tape = e.state.activeTape ?? [];
  const ops = opsFromXsToY(tape, variables, y);
  const onPath = new Set(ops.map((node) => node.id));
  // what no gradient will read: freed before the backward pass starts
  for (const node of tape) if (!onPath.has(node.id)) for (const t of node.saved ?? []) t.dispose();
  const grads = tidy("backward", () => {
    // gradient by tensor id; each value is owned by this map alone (a shared tensor is cloned)
    const gradient = new Map<number, Tensor>();
    const owned = new Set<Tensor>();
    const store = (id: number, g: Tensor) => {
      const own = owned.has(g) ? clone(g) : g;
      gradient.set(id, own);
      owned.add(own);
    };
    const release = (id: number) => {
      const g = gradient.get(id);
      if (g === undefined) return;
      gradient.delete(id);
      owned.delete(g);
      g.dispose();
    };
    store(y.id, ones(y.shape));
    for (let i = ops.length - 1; i >= 0; i--) {
      const node = ops[i] as TapeNode;
      if (node.gradient === undefined) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
      const backward = node.gradient;
      const saved = new Set(node.saved ?? []);
      // the op's input gradients, everything else its gradient function made (eagerly, for a
      // custom op) freed at once
      const dxs = tidy(() => {
        const inputGradients = backward(node.outputs.map((o) => gradient.get(o.id) ?? null));
        const out: NamedTensorMap = {};
        for (const [name, x] of Object.entries(node.inputs)) {
          const make = inputGradients[name];
          if (make === undefined) throw new Error(`Cannot backprop through input ${name}. Available gradients found: ${Object.keys(inputGradients)}.`);
          const dx = make();
          if (dx.dtype !== "float32") throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`);
          if (dx.shape.join() !== x.shape.join()) {
            throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
          }
          // a saved tensor is about to be freed: a gradient that is one must survive it
          out[name] = saved.has(dx) ? clone(dx) : dx;
        }
        return out;
      });
      // contributions added to a running sum are freed after the op, unless the map holds them
      const added = new Set<Tensor>();
      for (const [name, x] of Object.entries(node.inputs)) {
        const dx = dxs[name] as Tensor;
        const current = gradient.get(x.id);
        if (current === undefined) {
          store(x.id, dx);
        } else {
          // tfjs' order: the running sum first, then this op's contribution
          const sum = add(current, dx);
          release(x.id);
          store(x.id, sum);
          added.add(dx);
        }
      }
      // every consumer of the op's outputs came later on the tape: their gradients are complete and used
      for (const output of node.outputs) release(output.id);
      for (const dx of added) if (!owned.has(dx)) dx.dispose();
      for (const t of node.saved ?? []) t.dispose();
    }
    const named: NamedTensorMap = {};
    for (const v of variables) {
      const g = gradient.get(v.id);
      if (g !== undefined) named[v.name] = g;
    }
    return named;
  });
  e.state.activeTape = null;
  return { value: y, grads };
}
