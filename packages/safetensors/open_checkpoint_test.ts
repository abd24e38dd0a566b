import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { openCheckpoint } from "./open_checkpoint.ts";
import { writeSafetensors } from "./write_safetensors.ts";
import { EXPECTED, expectedValue, expectSafetensorsError, expectSameValues, FIXTURES, temporaryDirectory } from "./_test_util.ts";

const dir = temporaryDirectory();
const SHARDS = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"];

/** The numpy-written values of a tensor of the sharded fixture, widened to float32 where half. */
function expectedShardTensor(name: string): number[] {
  for (const shard of SHARDS) {
    const tensor = EXPECTED.files[`sharded/${shard}`]!.tensors[name];
    if (tensor !== undefined) return tensor.values.map((v) => expectedValue(v, "F32") as number);
  }
  throw new Error(`no fixture tensor ${name}`);
}

/** A copy of the sharded fixture with its index replaced. */
function shardedCopy(name: string, weightMap: Record<string, string>): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  for (const shard of SHARDS) copyFileSync(join(FIXTURES, "sharded", shard), join(folder, shard));
  writeFileSync(join(folder, "model.safetensors.index.json"), JSON.stringify({ weight_map: weightMap }));
  return folder;
}

describe("openCheckpoint()", () => {
  test("opens a sharded folder through its index and reads every tensor widened", async () => {
    const checkpoint = await openCheckpoint(join(FIXTURES, "sharded"));
    expect(checkpoint.files).toEqual(SHARDS.map((shard) => join(FIXTURES, "sharded", shard)));
    expect(checkpoint.index?.weightMap).toEqual(EXPECTED.sharded_index.weight_map);
    expect([...checkpoint.tensors.keys()].sort()).toEqual(Object.keys(EXPECTED.sharded_index.weight_map).sort());
    expect(checkpoint.metadata).toEqual({ format: "pt" });
    const all = await checkpoint.readMany({ widen: true });
    for (const [name, tensor] of all) {
      expect(tensor.dtype, name).toBe("F32");
      expectSameValues(tensor.data as Float32Array, expectedShardTensor(name), name);
    }
    expect(checkpoint.tensors.get("model.norm.weight")?.file).toBe(join(FIXTURES, "sharded", SHARDS[1]!));
  });

  test("reads one tensor, a chosen few, or yields them shard by shard", async () => {
    const checkpoint = await openCheckpoint(join(FIXTURES, "sharded"));
    const q = await checkpoint.read("model.layers.1.self_attn.q_proj.weight");
    expect(q).toMatchObject({ dtype: "BF16", shape: [2, 2] });
    const some = await checkpoint.readMany({ names: (name) => name.includes("q_proj") });
    expect([...some.keys()]).toEqual(["model.layers.0.self_attn.q_proj.weight", "model.layers.1.self_attn.q_proj.weight"]);
    const order: string[] = [];
    for await (const [name] of checkpoint.iterate({ names: ["model.norm.weight", "model.embed_tokens.weight"] })) order.push(name);
    expect(order).toEqual(["model.embed_tokens.weight", "model.norm.weight"]);
  });

  test("opens a folder with model.safetensors, and a .safetensors or index file given directly", async () => {
    const single = await openCheckpoint(join(FIXTURES, "single"));
    expect(single.index).toBeUndefined();
    expect([...single.tensors.keys()].sort()).toEqual(["lm_head.weight", "model.layers.0.weight"]);
    const head = await single.read("lm_head.weight", { widen: true });
    const expected = EXPECTED.files["single/model.safetensors"]!.tensors["lm_head.weight"]!;
    expectSameValues(head.data as Float32Array, expected.values as number[], "lm_head.weight");
    expect([...(await openCheckpoint(join(FIXTURES, "unaligned.safetensors"))).tensors.keys()]).toHaveLength(4);
    const viaIndex = await openCheckpoint(join(FIXTURES, "sharded", "model.safetensors.index.json"));
    expect(viaIndex.files).toHaveLength(2);
  });

  test("prefers model.safetensors when the folder also has an index, as transformers does", async () => {
    const folder = shardedCopy("both", EXPECTED.sharded_index.weight_map);
    await writeSafetensors(join(folder, "model.safetensors"), { only: { dtype: "U8", shape: [1], data: new Uint8Array([1]) } });
    expect([...(await openCheckpoint(folder)).tensors.keys()]).toEqual(["only"]);
  });

  test("a folder without weights says what it found", async () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    await expectSafetensorsError(openCheckpoint(empty), "NOT_A_CHECKPOINT", empty, "model.safetensors", "Hugging Face");
    const adapter = join(dir, "adapter");
    mkdirSync(adapter);
    await writeSafetensors(join(adapter, "adapter_model.safetensors"), {});
    await expectSafetensorsError(openCheckpoint(adapter), "NOT_A_CHECKPOINT", "adapter_model.safetensors");
  });

  test("an index that disagrees with its shards is an error naming the tensor", async () => {
    const map = { ...EXPECTED.sharded_index.weight_map, "model.norm.weight": SHARDS[0]! };
    await expectSafetensorsError(openCheckpoint(shardedCopy("wrong-shard", map)), "INDEX_INVALID", 'tensor "model.norm.weight"', SHARDS[1]!);
    const ghost = { ...EXPECTED.sharded_index.weight_map, "model.ghost": SHARDS[0]! };
    await expectSafetensorsError(openCheckpoint(shardedCopy("ghost", ghost)), "INDEX_INVALID", 'tensor "model.ghost"', "no shard holds it");
  });

  test("a tensor in two shards is ambiguous", async () => {
    const folder = shardedCopy("twice", { a: "one.safetensors", b: "two.safetensors" });
    const tensor = { dtype: "U8" as const, shape: [1], data: new Uint8Array([1]) };
    await writeSafetensors(join(folder, "one.safetensors"), { a: tensor, b: tensor });
    await writeSafetensors(join(folder, "two.safetensors"), { b: tensor });
    await expectSafetensorsError(openCheckpoint(folder), "INDEX_INVALID", 'tensor "b"', "two shards");
  });

  test("a missing shard is the file system's error; a missing tensor lists the ones there are", async () => {
    await expect(openCheckpoint(shardedCopy("missing-shard", { w: "absent.safetensors" }))).rejects.toThrow(/ENOENT/);
    const checkpoint = await openCheckpoint(join(FIXTURES, "single"));
    await expectSafetensorsError(checkpoint.read("model.nope"), "TENSOR_NOT_FOUND", 'tensor "model.nope"', '"lm_head.weight"');
    await expectSafetensorsError(checkpoint.readMany({ names: ["model.nope"] }), "TENSOR_NOT_FOUND", 'tensor "model.nope"');
  });
});
