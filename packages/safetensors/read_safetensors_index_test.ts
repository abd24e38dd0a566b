import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readSafetensorsIndex } from "./read_safetensors_index.ts";
import { EXPECTED, expectSafetensorsError, FIXTURES, temporaryDirectory } from "./_test_util.ts";

const dir = temporaryDirectory();

function indexIn(name: string, content: unknown): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "model.safetensors.index.json"), typeof content === "string" ? content : JSON.stringify(content));
  return folder;
}

describe("readSafetensorsIndex()", () => {
  test("reads the weight map and metadata of the fixture's index, from the folder or the file", async () => {
    const folder = join(FIXTURES, "sharded");
    const index = await readSafetensorsIndex(folder);
    expect(index.weightMap).toEqual(EXPECTED.sharded_index.weight_map);
    expect(index.metadata).toEqual({ total_size: EXPECTED.sharded_index.total_size });
    expect(index.shards).toEqual(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]);
    expect(index.dir).toBe(folder);
    expect(await readSafetensorsIndex(join(folder, "model.safetensors.index.json"))).toEqual(index);
  });

  test("accepts an index without metadata", async () => {
    const index = await readSafetensorsIndex(indexIn("no-metadata", { weight_map: { w: "a.safetensors" } }));
    expect(index.metadata).toEqual({});
  });

  test("rejects an index that is not JSON or has no weight_map object", async () => {
    await expectSafetensorsError(readSafetensorsIndex(indexIn("not-json", "{ nope")), "INDEX_INVALID", "not valid JSON");
    await expectSafetensorsError(readSafetensorsIndex(indexIn("no-map", { metadata: {} })), "INDEX_INVALID", '"weight_map"');
    await expectSafetensorsError(readSafetensorsIndex(indexIn("array-map", { weight_map: ["a"] })), "INDEX_INVALID", '"weight_map"');
    await expectSafetensorsError(readSafetensorsIndex(indexIn("number-shard", { weight_map: { w: 3 } })), "INDEX_INVALID", 'tensor "w"', "3");
  });

  test("rejects shard names that leave the checkpoint folder", async () => {
    for (const [i, shard] of ["../secret.safetensors", "/etc/passwd", "a/../../b.safetensors"].entries()) {
      await expectSafetensorsError(readSafetensorsIndex(indexIn(`escape-${i}`, { weight_map: { w: shard } })), "INDEX_INVALID", 'tensor "w"', "outside");
    }
  });
});
