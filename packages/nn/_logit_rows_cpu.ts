import { type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

/** Kernel name of the fused per-row statistics (see `rowStats` in `_logit_rows.ts`). */
export const ROW_STATS_KERNEL = "UalLogitRowStats";
/** Kernel name of the fused per-row gradient (see `rowGrad` in `_logit_rows.ts`). */
export const ROW_GRAD_KERNEL = "UalLogitRowGrad";

function input(inputs: Record<string, TensorInfo | undefined>, name: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`${ROW_STATS_KERNEL}: missing input ${name}`);
  return t;
}

/**
 * One pass per row instead of a chain of ops: tfjs' cpu backend runs every [N,V] ⊕ [N,1]
 * broadcast through per-element index arithmetic (about 1 s for 16M elements), so the op-based
 * formulation that suits wasm and TensorFlow is an order of magnitude slower here.
 * Rows whose target is −1 are skipped (all four statistics are 0).
 * Sums are accumulated in float64 and stored as float32.
 */
const rowStatsCpu: KernelFunc = ({ inputs, backend }) => {
  const cpu = backend as MathBackendCPU;
  const logits = input(inputs, "logits");
  const targets = input(inputs, "targets");
  const [rows, width] = logits.shape as [number, number];
  const z = cpu.readSync(logits.dataId) as Float32Array;
  const y = cpu.readSync(targets.dataId) as Int32Array;
  const max = new Float32Array(rows);
  const logSumExp = new Float32Array(rows);
  const target = new Float32Array(rows);
  const sum = new Float32Array(rows);
  for (let n = 0; n < rows; n++) {
    const yn = y[n] as number;
    if (yn < 0) continue;
    const base = n * width;
    let m = -Infinity;
    for (let j = 0; j < width; j++) {
      const v = z[base + j] as number;
      if (v > m) m = v;
    }
    let sumExp = 0;
    let sumShifted = 0;
    for (let j = 0; j < width; j++) {
      const d = (z[base + j] as number) - m;
      sumExp += Math.exp(d);
      sumShifted += d;
    }
    max[n] = m;
    logSumExp[n] = Math.log(sumExp);
    target[n] = (z[base + yn] as number) - m;
    sum[n] = sumShifted;
  }
  return [
    cpu.makeTensorInfo([rows], "float32", max),
    cpu.makeTensorInfo([rows], "float32", logSumExp),
    cpu.makeTensorInfo([rows], "float32", target),
    cpu.makeTensorInfo([rows], "float32", sum),
  ];
};

/**
 * g[n, j] = s[n]·softmax(z[n])[j] − as[n], then g[n, y[n]] −= cs[n], written in one pass per row.
 * Rows whose target is −1 stay 0.
 */
const rowGradCpu: KernelFunc = ({ inputs, backend }) => {
  const cpu = backend as MathBackendCPU;
  const logits = input(inputs, "logits");
  const [rows, width] = logits.shape as [number, number];
  const z = cpu.readSync(logits.dataId) as Float32Array;
  const y = cpu.readSync(input(inputs, "targets").dataId) as Int32Array;
  const lse = cpu.readSync(input(inputs, "logSumExp").dataId) as Float32Array;
  const s = cpu.readSync(input(inputs, "scale").dataId) as Float32Array;
  const as = cpu.readSync(input(inputs, "offScale").dataId) as Float32Array;
  const cs = cpu.readSync(input(inputs, "targetScale").dataId) as Float32Array;
  const g = new Float32Array(rows * width);
  for (let n = 0; n < rows; n++) {
    const yn = y[n] as number;
    const sn = s[n] as number;
    const asn = as[n] as number;
    if (yn < 0 || (sn === 0 && asn === 0 && cs[n] === 0)) continue;
    const base = n * width;
    const k = lse[n] as number;
    for (let j = 0; j < width; j++) g[base + j] = sn * Math.exp((z[base + j] as number) - k) - asn;
    g[base + yn] = (g[base + yn] as number) - (cs[n] as number);
  }
  return cpu.makeTensorInfo([rows, width], "float32", g);
};

/** The fused loss kernels, registered for the pure-JS cpu backend only. */
export const logitRowCpuKernels: readonly KernelConfig[] = [
  { kernelName: ROW_STATS_KERNEL, backendName: "cpu", kernelFunc: rowStatsCpu },
  { kernelName: ROW_GRAD_KERNEL, backendName: "cpu", kernelFunc: rowGradCpu },
];
