import { defineConfig } from "tsup";

// tfjs-core's gradients ship only as extensionless ESM, which Node cannot load from a CommonJS
// package, so they are bundled into dist/mod.js (see _register_gradients.ts). Everything else
// from the dependencies stays external. The CLI flags in package.json add the rest.
export default defineConfig({
  noExternal: ["@tensorflow/tfjs-core/dist/register_all_gradients"],
});
