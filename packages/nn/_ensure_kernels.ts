import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from "@tensorflow/tfjs-core";

/**
 * Registers each kernel unless that very kernel is already registered, replacing whatever else
 * was registered under its name and backend. Idempotent, so callers may run it on every call.
 */
export function ensureKernels(configs: readonly KernelConfig[]): void {
  for (const config of configs) {
    const current: KernelConfig | undefined = getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    // unregister first: registerKernel would overwrite too, but logs a warning each time
    if (current !== undefined) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}
