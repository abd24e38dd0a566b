"""The safetensors format with its own simple layout — an 8-byte little-endian header length, a
JSON header ({name: {dtype, shape, data_offsets}} plus "__metadata__"), then the raw tensor bytes,
offsets relative to the start of that data region — read and written without the safetensors
package (which Debian's python3-torch does not bring)."""
import json
import os
import struct

import numpy as np
import torch

# F16 and BF16 are widened to float32 on reading: the trainer computes in float32 (spec §3.2).
_NUMPY = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?"}


def read_safetensors(path):
    """{name: float32 (or integer) tensor} and the metadata dict of one .safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: not a safetensors file (shorter than its 8-byte header length)")
    (length,) = struct.unpack("<Q", raw[:8])
    if 8 + length > len(raw):
        raise ValueError(f"{path}: header length {length} runs past the end of the file ({len(raw)} bytes)")
    try:
        header = json.loads(raw[8:8 + length].decode("utf-8"))
    except ValueError as error:
        raise ValueError(f"{path}: the header is not JSON ({error})") from None
    data = memoryview(raw)[8 + length:]
    metadata = header.pop("__metadata__", None) or {}
    tensors = {}
    for name, entry in header.items():
        dtype, shape, (start, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
        if end > len(data) or start > end:
            raise ValueError(f"{path}: {name}'s data_offsets [{start}, {end}] lie outside the data region ({len(data)} bytes)")
        chunk = data[start:end]
        if dtype == "BF16":
            # bfloat16 is the top half of a float32: shift the 16 bits up and reinterpret
            bits = np.frombuffer(chunk, dtype="<u2").astype(np.uint32) << 16
            array = bits.view("<f4")
        elif dtype in _NUMPY:
            array = np.frombuffer(chunk, dtype=_NUMPY[dtype])
            if dtype in ("F16", "F64"):
                array = array.astype(np.float32)
        else:
            raise ValueError(f"{path}: {name} has dtype {dtype}, which this reader does not know ({', '.join(['BF16', *_NUMPY])})")
        count = int(np.prod(shape)) if shape else 1
        if array.size != count:
            raise ValueError(f"{path}: {name} has {array.size} values for shape {shape}")
        tensors[name] = torch.from_numpy(np.array(array, copy=True).reshape(shape))
    return tensors, metadata


def read_model_folder(folder):
    """Every tensor of a Hugging Face folder: model.safetensors, or the shards its index names."""
    single = os.path.join(folder, "model.safetensors")
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(single):
        return read_safetensors(single)[0]
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        tensors = {}
        for shard in sorted(set(weight_map.values())):
            tensors.update(read_safetensors(os.path.join(folder, shard))[0])
        return tensors
    raise FileNotFoundError(f"{folder}: no model.safetensors and no model.safetensors.index.json; expected a Hugging Face model folder")


def write_safetensors(path, tensors, metadata=None):
    """Writes float32 tensors ({name: tensor}, in that order) and flushes them to disk."""
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        array = np.ascontiguousarray(tensor.detach().cpu().to(torch.float32).numpy(), dtype="<f4")
        raw = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data region starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)
        f.flush()
        os.fsync(f.fileno())
