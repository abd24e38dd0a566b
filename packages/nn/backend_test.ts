import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { type BackendChoice, selectBackend } from "./backend.ts";

const nativeInstalled = await selectBackend("tensorflow").then(() => true, () => false);

/** An importer for which every native package is absent. */
const nothingInstalled = (specifier: string) => {
  const error = new Error(`Cannot find package '${specifier}' imported from /somewhere`) as Error & { code: string };
  error.code = "ERR_MODULE_NOT_FOUND";
  return Promise.reject(error);
};

describe("selectBackend()", () => {
  it("selectBackend() starts the pure-JS cpu backend when asked", async () => {
    const selected = await selectBackend("cpu");
    expect(selected.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(selected.detail).toMatch(/pure JavaScript/);
  });

  it("selectBackend() starts wasm with SIMD and reports its threads", async () => {
    const selected = await selectBackend("wasm");
    expect(selected).toMatchObject({ name: "wasm" });
    expect(tf.getBackend()).toBe("wasm");
    expect(selected.detail).toMatch(/^tfjs-backend-wasm 4\.\d+\.\d+, SIMD on, \d+ threads?/);
    expect(tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0])).toBe(6);
  });

  it.skipIf(nativeInstalled)("selectBackend() falls back to wasm under auto and says why", async () => {
    const selected = await selectBackend("auto");
    expect(selected.name).toBe("wasm");
    expect(selected.detail).toContain("@tensorflow/tfjs-node-gpu is not installed");
    expect(selected.detail).toContain("@tensorflow/tfjs-node is not installed");
  });

  it("selectBackend() never picks the pure-JS cpu backend under auto", async () => {
    await selectBackend("cpu");
    const selected = await selectBackend("auto", { importModule: nothingInstalled });
    expect(selected.name).not.toBe("cpu");
  });

  it.skipIf(nativeInstalled)("selectBackend() says how to install a native backend that is absent", async () => {
    await expect(selectBackend("tensorflow-gpu")).rejects.toThrow(
      /"tensorflow-gpu" is unavailable: @tensorflow\/tfjs-node-gpu is not installed\..*npm install @tensorflow\/tfjs-node-gpu@4\.22\.0 \(.*CUDA/,
    );
    await expect(selectBackend("tensorflow")).rejects.toThrow(/npm install @tensorflow\/tfjs-node@4\.22\.0 /);
  });

  it.skipIf(nativeInstalled)("selectBackend() reports a native package that is installed but fails to load", async () => {
    const broken = (specifier: string) =>
      specifier === "@tensorflow/tfjs-node"
        ? Promise.reject(new Error("libtensorflow.so.2: cannot open shared object file"))
        : nothingInstalled(specifier);
    await expect(selectBackend("tensorflow", { importModule: broken })).rejects.toThrow(
      /@tensorflow\/tfjs-node is installed but failed to load: libtensorflow\.so\.2: cannot open shared object file/,
    );
    const selected = await selectBackend("auto", { importModule: broken });
    expect(selected.name).toBe("wasm");
    expect(selected.detail).toContain("failed to load: libtensorflow.so.2");
  });

  it("selectBackend() rejects an unknown choice, listing the valid ones", async () => {
    await expect(selectBackend("webgpu" as BackendChoice)).rejects.toThrow(
      /unknown backend "webgpu"; expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu/,
    );
  });
});
