#!/usr/bin/env python3
"""Independent oracle and fixture writer for the ThawCheckpoint tests (standard library only).

    python3 make_fixtures.py oracle <file.pth>   print facts and element values of a legacy .pth
    python3 make_fixtures.py fixtures <folder>   write legacy.pth and zip.pth small test files

The oracle never imports torch: a custom Unpickler maps the few globals a state dict uses to
small stand-ins, and persistent_load records each storage's type, key and element count. The
raw storage bytes are then read with struct, honouring each tensor's offset, size and stride.

The fixtures are written the way torch.save lays files out, but without torch: placeholder
modules named `torch` and `torch._utils` are put into sys.modules so that pickle can name their
functions and storage classes as globals. Nothing from those modules is ever called.
"""

import collections
import io
import pickle
import struct
import sys
import types
import zipfile

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
STORAGE_FORMATS = {
    "FloatStorage": ("<f", 4),
    "DoubleStorage": ("<d", 8),
    "LongStorage": ("<q", 8),
    "IntStorage": ("<i", 4),
    "ByteStorage": ("<B", 1),
}


# ---------------------------------------------------------------- oracle


class StorageRecord:
    def __init__(self, type_name, key, count):
        self.type_name = type_name
        self.key = key
        self.count = count


class TensorRecord:
    def __init__(self, storage, offset, size, stride):
        self.storage = storage
        self.offset = offset
        self.size = tuple(size)
        self.stride = tuple(stride)


def rebuild_tensor_stand_in(storage, offset, size, stride, *rest):
    return TensorRecord(storage, offset, size, stride)


class StorageTypeStandIn:
    def __init__(self, name):
        self.name = name


class OracleUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return rebuild_tensor_stand_in
        if module == "torch" and name in STORAGE_FORMATS:
            return StorageTypeStandIn(name)
        raise pickle.UnpicklingError(f"refusing global {module}.{name}")

    def persistent_load(self, pid):
        tag, storage_type, key, _location, count = pid[:5]
        assert tag == "storage"
        return StorageRecord(storage_type.name, key, count)


def read_legacy(path):
    with open(path, "rb") as handle:
        data = handle.read()
    stream = io.BytesIO(data)
    assert pickle.load(stream) == LEGACY_MAGIC
    pickle.load(stream)
    pickle.load(stream)
    state = OracleUnpickler(stream).load()
    keys = pickle.load(stream)

    storages = {}
    records = {}
    for tensor in state.values():
        records[tensor.storage.key] = tensor.storage
    for key in keys:
        (count,) = struct.unpack("<q", stream.read(8))
        code, size = STORAGE_FORMATS[records[key].type_name]
        raw = stream.read(count * size)
        storages[key] = [value for (value,) in struct.iter_unpack(code, raw)]
    return state, storages


def element_values(tensor, storages, limit):
    values = []
    index = [0] * len(tensor.size)
    total = 1
    for extent in tensor.size:
        total *= extent
    for _ in range(min(limit, total)):
        position = tensor.offset + sum(i * s for i, s in zip(index, tensor.stride))
        values.append(storages[tensor.storage.key][position])
        for axis in reversed(range(len(index))):
            index[axis] += 1
            if index[axis] < tensor.size[axis]:
                break
            index[axis] = 0
    return values


def float32_text(value):
    return repr(struct.unpack("<f", struct.pack("<f", value))[0])


def run_oracle(path):
    state, storages = read_legacy(path)
    print("entries", len(state))
    parameters = 0
    for name, tensor in state.items():
        if tensor.storage.type_name != "FloatStorage":
            continue
        if name.endswith("running_mean") or name.endswith("running_var"):
            continue
        count = 1
        for extent in tensor.size:
            count *= extent
        parameters += count
    print("float parameters excluding running statistics", parameters)
    names = [
        "features.0.0.weight",
        "features.0.1.running_var",
        "features.17.conv.2.weight",
        "classifier.1.weight",
        "classifier.1.bias",
    ]
    for name in names:
        tensor = state[name]
        values = ", ".join(float32_text(v) for v in element_values(tensor, storages, 4))
        print(name, list(tensor.size), tensor.stride, "first 4:", values)
    last = "classifier.1.weight"
    tensor = state[last]
    final = element_values(tensor, storages, tensor.size[0] * tensor.size[1])[-1]
    print(last, "last:", float32_text(final))
    tracked = [n for n in state if n.endswith("num_batches_tracked")]
    print("num_batches_tracked entries", len(tracked))


# ---------------------------------------------------------------- fixtures


def install_placeholder_torch():
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*arguments):
        raise RuntimeError("placeholder: never called")

    def _rebuild_parameter(*arguments):
        raise RuntimeError("placeholder: never called")

    for function in (_rebuild_tensor_v2, _rebuild_parameter):
        function.__module__ = "torch._utils"
        function.__qualname__ = function.__name__
        setattr(utils, function.__name__, function)
    for name in STORAGE_FORMATS:
        setattr(torch, name, type(name, (), {"__module__": "torch"}))
    torch._utils = utils
    sys.modules["torch"] = torch
    sys.modules["torch._utils"] = utils
    return torch, utils


class FixtureStorage:
    def __init__(self, type_name, key, values):
        self.type_name = type_name
        self.key = key
        self.values = values

    def raw(self):
        code, _ = STORAGE_FORMATS[self.type_name]
        return b"".join(struct.pack(code, value) for value in self.values)


class FixtureTensor:
    def __init__(self, utils, storage, offset, size, stride, parameter=False):
        self.utils = utils
        self.storage = storage
        self.offset = offset
        self.size = size
        self.stride = stride
        self.parameter = parameter

    def __reduce_ex__(self, protocol):
        hooks = collections.OrderedDict()
        arguments = (self.storage, self.offset, self.size, self.stride, False, hooks)
        tensor = (self.utils._rebuild_tensor_v2, arguments)
        if not self.parameter:
            return tensor
        return (self.utils._rebuild_parameter, (FixtureTensor(self.utils, *self.view()), True, hooks))

    def view(self):
        return (self.storage, self.offset, self.size, self.stride)


def fixture_state(utils):
    weights = FixtureStorage("FloatStorage", "0", [0.5, -1.25, 2.0, 3.5, -4.75, 6.0])
    biases = FixtureStorage("FloatStorage", "1", [9.0, 9.5, 10.0, 10.5, 0.125, -0.25, 0.375, 11.0])
    steps = FixtureStorage("LongStorage", "2", [12345, -7, 1 << 40])
    doubles = FixtureStorage("DoubleStorage", "3", [0.1, -2.5])
    state = collections.OrderedDict()
    state["dense.weight"] = FixtureTensor(utils, weights, 0, (2, 3), (3, 1), parameter=True)
    state["dense.weight_transposed"] = FixtureTensor(utils, weights, 0, (3, 2), (1, 3))
    state["dense.bias"] = FixtureTensor(utils, biases, 4, (3,), (1,))
    state["bn.num_batches_tracked"] = FixtureTensor(utils, steps, 0, (), ())
    state["counts"] = FixtureTensor(utils, steps, 0, (3,), (1,))
    state["doubles"] = FixtureTensor(utils, doubles, 0, (2,), (1,))
    state._metadata = collections.OrderedDict([("", {"version": 1})])
    return state, [weights, biases, steps, doubles]


class FixturePickler(pickle.Pickler):
    def __init__(self, stream, torch, legacy):
        super().__init__(stream, protocol=2)
        self.torch = torch
        self.legacy = legacy

    def persistent_id(self, obj):
        if not isinstance(obj, FixtureStorage):
            return None
        storage_type = getattr(self.torch, obj.type_name)
        record = ("storage", storage_type, obj.key, "cpu", len(obj.values))
        return record + (None,) if self.legacy else record


def write_legacy(path, torch, utils):
    state, storages = fixture_state(utils)
    stream = io.BytesIO()
    pickle.dump(LEGACY_MAGIC, stream, protocol=2)
    pickle.dump(1001, stream, protocol=2)
    system = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}
    pickle.dump(system, stream, protocol=2)
    FixturePickler(stream, torch, legacy=True).dump(state)
    pickle.dump([storage.key for storage in storages], stream, protocol=2)
    for storage in storages:
        stream.write(struct.pack("<q", len(storage.values)))
        stream.write(storage.raw())
    with open(path, "wb") as handle:
        handle.write(stream.getvalue())


def write_zip(path, torch, utils):
    state, storages = fixture_state(utils)
    checkpoint = {"epoch": 3, "state_dict": state}
    stream = io.BytesIO()
    FixturePickler(stream, torch, legacy=False).dump(checkpoint)
    # torch.save stores every entry uncompressed; two entries are deflated here so that the
    # loader's inflate path is exercised by the same fixture.
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("fixture/data.pkl", stream.getvalue(), compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("fixture/byteorder", "little")
        for storage in storages:
            method = zipfile.ZIP_DEFLATED if storage.key == "1" else zipfile.ZIP_STORED
            archive.writestr(f"fixture/data/{storage.key}", storage.raw(), compress_type=method)
        archive.writestr("fixture/version", "3\n")


def run_fixtures(folder):
    torch, utils = install_placeholder_torch()
    write_legacy(f"{folder}/legacy.pth", torch, utils)
    write_zip(f"{folder}/zip.pth", torch, utils)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "oracle":
        run_oracle(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "fixtures":
        run_fixtures(sys.argv[2])
    else:
        sys.exit(__doc__)
