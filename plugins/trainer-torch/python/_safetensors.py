"""The safetensors format with its own simple layout — an 8-byte little-endian header length, a
JSON header ({name: {dtype, shape, data_offsets}} plus "__metadata__"), then the raw tensor bytes,
offsets relative to the start of that data region — read and written without the safetensors
package (which Debian's python3-torch does not bring).

Reading is memory-mapped and one tensor at a time (`iter_safetensors`): a 7B model's shards are
never read whole into host memory, and each tensor goes to its device (and dtype) before the next
is touched. Tensors keep their stored dtype unless the caller asks for another."""
import json
import mmap
import os
import struct

import torch

_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool,
}
_NAMES = {v: k for k, v in _DTYPES.items()}


def _header(path, size, read):
    if size < 8:
        raise ValueError(f"{path}: not a safetensors file (shorter than its 8-byte header length)")
    (length,) = struct.unpack("<Q", read(0, 8))
    if 8 + length > size:
        raise ValueError(f"{path}: header length {length} runs past the end of the file ({size} bytes)")
    try:
        header = json.loads(read(8, 8 + length).decode("utf-8"))
    except ValueError as error:
        raise ValueError(f"{path}: the header is not JSON ({error})") from None
    return header, 8 + length


def iter_safetensors(path, convert=None):
    """(name, tensor) for every tensor of one file, in the file's order, each made from a
    memory map: `convert(name, tensor)` (e.g. `.to(device, dtype)`) runs before the next one is
    read; without it the tensor is a CPU copy in its stored dtype."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            raise ValueError(f"{path}: not a safetensors file (empty)")
        # ACCESS_COPY: a private, writable mapping, so torch.frombuffer does not warn; pages are
        # only read from disk (or page cache, shared between processes) as tensors touch them
        view = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
    try:
        header, start = _header(path, size, lambda a, b: view[a:b])
        header.pop("__metadata__", None)
        data = size - start
        for name, entry in header.items():
            dtype, shape, (a, b) = entry["dtype"], entry["shape"], entry["data_offsets"]
            if dtype not in _DTYPES:
                raise ValueError(f"{path}: {name} has dtype {dtype}, which this reader does not know ({', '.join(_DTYPES)})")
            if b > data or a > b:
                raise ValueError(f"{path}: {name}'s data_offsets [{a}, {b}] lie outside the data region ({data} bytes)")
            torch_dtype = _DTYPES[dtype]
            count = 1
            for s in shape:
                count *= s
            width = torch.tensor([], dtype=torch_dtype).element_size()
            if (b - a) != count * width:
                raise ValueError(f"{path}: {name} has {(b - a) // width} values for shape {shape}")
            if count == 0:
                tensor = torch.empty(shape, dtype=torch_dtype)
            else:
                tensor = torch.frombuffer(view, dtype=torch_dtype, count=count, offset=start + a).view(shape)
            out = convert(name, tensor) if convert is not None else None
            if out is None or out.data_ptr() == tensor.data_ptr():
                out = (out if out is not None else tensor).clone()  # never hand out the mapping itself
            del tensor
            yield name, out
    finally:
        try:
            view.close()
        except BufferError:
            pass  # a caller still holds a view: the mapping closes when it is collected


def read_metadata(path):
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size

        def read(a, b):
            f.seek(a)
            return f.read(b - a)

        header, _ = _header(path, size, read)
    return header.get("__metadata__") or {}


def read_safetensors(path, dtype=None):
    """{name: tensor} (stored dtypes, or floats cast to `dtype`) and the metadata of one file."""
    def convert(_, t):
        return t.to(dtype) if dtype is not None and t.is_floating_point() else None

    return dict(iter_safetensors(path, convert)), read_metadata(path)


def model_files(folder):
    """The .safetensors files of a Hugging Face folder: model.safetensors, or its index's shards."""
    single = os.path.join(folder, "model.safetensors")
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(single):
        return [single]
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        return [os.path.join(folder, shard) for shard in sorted(set(weight_map.values()))]
    raise FileNotFoundError(f"{folder}: no model.safetensors and no model.safetensors.index.json; expected a Hugging Face model folder")


def iter_model_folder(folder, convert=None):
    """Every tensor of a Hugging Face folder, one at a time (see iter_safetensors)."""
    for path in model_files(folder):
        yield from iter_safetensors(path, convert)


def read_model_folder(folder):
    return dict(iter_model_folder(folder))


def write_safetensors_from(path, entries, metadata=None):
    """Writes [(name, dtype, shape, make)] in that order and flushes them to disk: the header from
    the dtypes and shapes, then each tensor made by make() and written before the next is made, so
    the file never needs more host memory than its largest tensor (a 7B model's weights, a random
    test model of that shape)."""
    header, offset = {}, 0
    for name, dtype, shape in ((e[0], e[1], tuple(e[2])) for e in entries):
        if dtype not in _NAMES:
            raise ValueError(f"{path}: {name} has dtype {dtype}, which safetensors does not store")
        size = torch.empty(0, dtype=dtype).element_size() * int(torch.Size(shape).numel())
        header[name] = {"dtype": _NAMES[dtype], "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data region starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name, dtype, shape, make in entries:
            t = make().detach().to("cpu").contiguous()
            if t.dtype != dtype or tuple(t.shape) != tuple(shape):
                raise ValueError(f"{path}: {name} was announced as {dtype} {list(shape)} but is {t.dtype} {list(t.shape)}")
            if t.numel() > 0:
                f.write(t.reshape(-1).view(torch.uint8).numpy().tobytes())
        f.flush()
        os.fsync(f.fileno())


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} in that order, each in its own dtype, and flushes them to disk (one
    tensor's bytes in host memory at a time)."""
    write_safetensors_from(path, [(name, t.dtype, t.shape, lambda t=t: t) for name, t in tensors.items()], metadata)
