// tfjs-core's Node entry registers no gradients (tfjs leaves that to its higher-level packages,
// which bundle them), so without this `tf.grad` fails with "gradient function not found".
// The module is ESM inside a CommonJS package: the build bundles it (tsup --noExternal), and
// Vitest transforms it. Its copy of tfjs' ops shares the one engine and registries (tfjs keeps
// those on globalThis).
import "@tensorflow/tfjs-core/dist/register_all_gradients";
