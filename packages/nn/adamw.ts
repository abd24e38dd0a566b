import { add, div, engine, getBackend, getKernel, type NamedTensorMap, mul, sqrt, square, sub, type Tensor, tensor, tidy, type Variable, variable, zerosLike } from "@tensorflow/tfjs-core";
import { ADAMW_STEP_KERNEL, adamWStepKernels } from "./_adamw_step.ts";
import { ensureKernels } from "./_ensure_kernels.ts";

/** Options of {@linkcode createAdamW}; the defaults are PyTorch's except the weight decay (spec §9). */
export interface AdamWOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8 (added to √v̂, as PyTorch). */
  epsilon?: number;
  /** Decoupled weight decay; default 0 (spec §9; the reference's accidental 0.01 is an option). */
  weightDecay?: number;
  /** Names that get no weight decay (biases, LayerNorm and embedding tables are common). Default: none. */
  noDecay?: (name: string) => boolean;
}

/** The optimizer state of one variable. */
export interface AdamWSlot {
  /** First moment (PyTorch `exp_avg`). */
  m: Float32Array;
  /** Second moment (PyTorch `exp_avg_sq`). */
  v: Float32Array;
  shape: number[];
}

/** Everything {@linkcode AdamW.restore} needs to continue exactly. */
export interface AdamWState {
  /** Updates done so far (the bias corrections use it). */
  step: number;
  slots: Map<string, AdamWSlot>;
}

/** AdamW over a fixed set of named variables. */
export interface AdamW {
  /** Applies one update with learning rate `lr` from gradients by variable name (all must be present). */
  update(grads: NamedTensorMap, lr: number): void;
  /** How many updates have been applied. */
  readonly step: number;
  /** Copies the moments out (for checkpoints). */
  state(): AdamWState;
  restore(state: AdamWState): void;
  /** Frees the moment tensors. */
  dispose(): void;
}

/**
 * AdamW with decoupled weight decay (Loshchilov & Hutter; PyTorch's `torch.optim.AdamW`):
 *
 *   θ ← θ·(1 − lr·λ);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   θ ← θ − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε)
 *
 * One state slot per variable, kept on the backend and exportable as float32 arrays, so a
 * checkpoint restores the optimizer bit for bit.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { createAdamW } from "@ual/nn";
 *
 * const w = tf.variable(tf.ones([3]), true, "w");
 * const adam = createAdamW(new Map([["w", w]]), { weightDecay: 0.01 });
 * const { grads } = tf.variableGrads(() => tf.sum(tf.square(w)), [w]);
 * adam.update({ w: grads[w.name]! }, 1e-3);
 * ```
 */
export function createAdamW(variables: ReadonlyMap<string, Variable>, options: AdamWOptions = {}): AdamW {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const epsilon = options.epsilon ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0;
  const noDecay = options.noDecay ?? (() => false);
  for (const [name, value] of [["beta1", beta1], ["beta2", beta2]] as const) {
    if (!(value >= 0 && value < 1)) throw new RangeError(`AdamW: ${name} must be in [0, 1), got ${value}`);
  }
  if (!(epsilon > 0)) throw new RangeError(`AdamW: epsilon must be > 0, got ${epsilon}`);
  if (!(weightDecay >= 0)) throw new RangeError(`AdamW: weightDecay must be ≥ 0, got ${weightDecay}`);
  const moments = new Map<string, { m: Variable; v: Variable }>();
  for (const [name, param] of variables) {
    moments.set(name, {
      m: variable(zerosLike(param), false),
      v: variable(zerosLike(param), false),
    });
  }
  let step = 0;
  return {
    get step() {
      return step;
    },
    update(grads, lr) {
      step++;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      // wasm: one fused kernel per variable (see _adamw_step.ts); elsewhere the same math as ops
      let fused = false;
      if (getBackend() === "wasm") {
        ensureKernels(adamWStepKernels);
        fused = getKernel(ADAMW_STEP_KERNEL, "wasm") !== undefined;
      }
      for (const [name, param] of variables) {
        const g = grads[name];
        if (g === undefined) throw new Error(`AdamW: no gradient for variable "${name}"`);
        const slot = moments.get(name) as { m: Variable; v: Variable };
        if (fused) {
          const decay = weightDecay > 0 && !noDecay(name) ? 1 - lr * weightDecay : 1;
          const [next, m, v] = engine().runKernel(ADAMW_STEP_KERNEL, { param, grad: g, m: slot.m, v: slot.v }, { beta1, beta2, stepSize: lr / c1, c2, epsilon, decay }) as Tensor[];
          slot.m.assign(m as Tensor);
          slot.v.assign(v as Tensor);
          param.assign(next as Tensor);
          (next as Tensor).dispose();
          (m as Tensor).dispose();
          (v as Tensor).dispose();
          continue;
        }
        tidy(() => {
          const m = add(mul(slot.m, beta1), mul(g, 1 - beta1));
          const v = add(mul(slot.v, beta2), mul(square(g), 1 - beta2));
          slot.m.assign(m);
          slot.v.assign(v);
          // PyTorch order: decay first, then the Adam step; denominators as torch (√v/√c2 + ε).
          const decayed: Tensor = weightDecay > 0 && !noDecay(name) ? mul(param, 1 - lr * weightDecay) : param;
          const denom = add(sqrt(mul(v, 1 / c2)), epsilon);
          const next = sub(decayed, div(mul(m, lr / c1), denom));
          param.assign(next);
        });
      }
    },
    state() {
      const slots = new Map<string, AdamWSlot>();
      for (const [name, { m, v }] of moments) {
        slots.set(name, { m: m.dataSync() as Float32Array, v: v.dataSync() as Float32Array, shape: [...m.shape] });
      }
      return { step, slots };
    },
    restore(state) {
      if (!Number.isInteger(state.step) || state.step < 0) throw new RangeError(`AdamW.restore: bad step ${state.step}`);
      for (const [name, { m, v }] of moments) {
        const slot = state.slots.get(name);
        if (slot === undefined) throw new Error(`AdamW.restore: the state has no moments for "${name}"`);
        if (slot.m.length !== m.size || slot.v.length !== v.size) {
          throw new Error(`AdamW.restore: moments of "${name}" have ${slot.m.length} values, expected ${m.size}`);
        }
        tidy(() => {
          m.assign(tensor(slot.m, m.shape));
          v.assign(tensor(slot.v, v.shape));
        });
      }
      step = state.step;
    },
    dispose() {
      for (const { m, v } of moments.values()) {
        m.dispose();
        v.dispose();
      }
      moments.clear();
    },
  };
}
