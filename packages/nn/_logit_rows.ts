import {
  engine,
  gather,
  getBackend,
  getKernel,
  type KernelConfig,
  log,
  matMul,
  max,
  mul,
  neg,
  ones,
  reshape,
  scatterND,
  softmax,
  sub,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  tensor1d,
  tensor2d,
  TensorScatterUpdate,
  tensorScatterUpdate,
} from "@tensorflow/tfjs-core";
import { ensureKernels } from "./_ensure_kernels.ts";
import { logitRowCpuKernels, ROW_GRAD_KERNEL, ROW_STATS_KERNEL } from "./_logit_rows_cpu.ts";
import { fusedKernel } from "./_native_fused.ts";

/**
 * Per-row statistics of a [N, V] logit matrix, all relative to the row maximum so that they are
 * shift-invariant and free of cancellation (spec §3.1: logsumexp with the max subtracted).
 */
export interface RowStats {
  /** m = max_j z_j. */
  max: Tensor1D;
  /** log Σ_j exp(z_j − m), in [0, log V]. */
  logSumExp: Tensor1D;
  /** z_y − m, the target's logit (≤ 0). */
  target: Tensor1D;
  /** Σ_j (z_j − m) (≤ 0). */
  sum: Tensor1D;
}

/** Which targets each row has, in the forms the two implementations want. */
export interface RowTargets {
  /** The target class per row; −1 marks a row without one (its statistics are unused). */
  targets: Int32Array;
  /** n·V + max(targets[n], 0): the flat position of each row's target. */
  flat: Int32Array;
}

function hasKernel(name: string): boolean {
  const found: KernelConfig | undefined = getKernel(name, getBackend());
  return found !== undefined;
}

function fusedAvailable(name: string): boolean {
  ensureKernels(logitRowCpuKernels);
  return fusedKernel(name);
}

/** Whether {@linkcode rowStats} runs as one fused kernel on the current backend. */
export function rowStatsFused(): boolean {
  return fusedAvailable(ROW_STATS_KERNEL);
}

/** The statistics of each row of `z` ([N, V], float32). */
export function rowStats(z: Tensor2D, rows: RowTargets): RowStats {
  if (fusedAvailable(ROW_STATS_KERNEL)) {
    const targets = tensor1d(rows.targets, "int32");
    const [maxT, lseT, targetT, sumT] = engine().runKernel(ROW_STATS_KERNEL, { logits: z, targets }) as Tensor1D[];
    targets.dispose();
    return { max: maxT as Tensor1D, logSumExp: lseT as Tensor1D, target: targetT as Tensor1D, sum: sumT as Tensor1D };
  }
  const [n, v] = z.shape;
  const m = max(z, 1, true);
  const shifted = sub(z, m);
  // max(zc) = 0, so the largest probability is exactly 1/Σexp(zc): one fused Softmax kernel
  // (XNNPACK on wasm, ~7× faster there than the Exp kernel) gives the logsumexp.
  const probs = softmax(shifted);
  const maxProb = max(probs, 1);
  probs.dispose();
  const logSumExp = neg(log(maxProb)) as Tensor1D;
  maxProb.dispose();
  // A matrix–vector product is the fastest row sum on wasm (XNNPACK's plain 2-D matmul path).
  const column = ones([v, 1]);
  const sumColumn = matMul(shifted, column as Tensor2D);
  column.dispose();
  const sum = reshape(sumColumn, [n]) as Tensor1D;
  sumColumn.dispose();
  const flatShifted = reshape(shifted, [n * v]);
  const flat = tensor1d(rows.flat, "int32");
  const target = gather(flatShifted, flat) as Tensor1D;
  flat.dispose();
  shifted.dispose();
  const maxRow = reshape(m, [n]) as Tensor1D;
  m.dispose();
  return { max: maxRow, logSumExp, target, sum };
}

/** The per-row gradient weights: g = scale·softmax(z) − offScale, and −targetScale more at y. */
export interface RowGradWeights {
  /** The full log Σ exp(z) per row (max + logSumExp). */
  logSumExp: Tensor1D;
  scale: Tensor1D;
  offScale: Tensor1D;
  targetScale: Tensor1D;
}

/**
 * ∂loss/∂z for every row at once, never building a one-hot or dense target: the dense part is
 * scale·softmax − offScale, and the target column is corrected by a scatter of N values.
 */
export function rowGrad(z: Tensor2D, rows: RowTargets, w: RowGradWeights): Tensor2D {
  if (fusedAvailable(ROW_GRAD_KERNEL)) {
    const targets = tensor1d(rows.targets, "int32");
    const g = engine().runKernel(ROW_GRAD_KERNEL, {
      logits: z,
      targets,
      logSumExp: w.logSumExp,
      scale: w.scale,
      offScale: w.offScale,
      targetScale: w.targetScale,
    }) as Tensor2D;
    targets.dispose();
    return g;
  }
  const [n, v] = z.shape;
  const probs = softmax(z);
  const scale = reshape(w.scale, [n, 1]);
  const scaled = mul(probs, scale);
  probs.dispose();
  scale.dispose();
  const offScale = reshape(w.offScale, [n, 1]);
  const dense = sub(scaled, offScale);
  scaled.dispose();
  offScale.dispose();
  const flatDense = reshape(dense, [n * v]);
  const positions = tensor2d(rows.flat, [n, 1], "int32");
  let flatGrad: Tensor;
  if (hasKernel(TensorScatterUpdate)) {
    // Overwrites the N target entries in one copy of the [N·V] buffer.
    const flat = tensor1d(rows.flat, "int32");
    const atTarget = gather(flatDense, flat);
    flat.dispose();
    const corrected = sub(atTarget, w.targetScale);
    atTarget.dispose();
    flatGrad = tensorScatterUpdate(flatDense, positions, corrected);
    corrected.dispose();
  } else {
    const correction = scatterND(positions, w.targetScale, [n * v]);
    flatGrad = sub(flatDense, correction);
    correction.dispose();
  }
  positions.dispose();
  flatDense.dispose();
  dense.dispose();
  const g = reshape(flatGrad, [n, v]) as Tensor2D;
  flatGrad.dispose();
  return g;
}
