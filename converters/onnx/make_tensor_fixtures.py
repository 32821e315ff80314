"""Write the tensor-file fixtures the Swift TensorIO module's tests read (testdata/tensors/).

Run from the repository root with the pinned onnx (converters/onnx/requirements.txt):

    $(scripts/python-env.sh onnx converters/onnx/requirements.txt) converters/onnx/make_tensor_fixtures.py

What it writes:

* Single `TensorProto` files (`<name>.pb`), the format of onnx's backend test data. Most are written by
  `onnx.numpy_helper.from_array` (elements in `raw_data`); the `*_typed.pb` ones by
  `onnx.helper.make_tensor(..., raw=False)`, which puts the same elements in the typed fields
  (`float_data`, `int32_data` holding float16 bit patterns, `int64_data`, `double_data`, `uint64_data`).
  Each tensor is named after its file. Values follow the formulas in FORMULAS, restated in
  Tests/TensorIOTests/Fixtures.swift, so the tests compute the expected numbers without the reader.
* I/O bundles for testdata/onnx/cnn.onnx (input `input` [N, 1, 8, 8], output `logits` [N, 10]):
  `cnn.io.npz` keyed by name (np.savez), `cnn_positional.io.npz` keyed `input_0` / `output_0`
  (np.savez_compressed), and the same pair as backend-test files in `cnn_test_data_set_0/`. The input
  follows cnn_input()'s formula; the output is what onnxruntime computes for it, checked against onnx's
  reference evaluator, so the bundles are real goldens.
* `README.md`, the table of these files.

Output is deterministic: numpy writes .npz members with a fixed 1980 date, and rerunning the script
rewrites identical files.
"""

import os
import sys

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "testdata", "tensors")
CNN = os.path.join(ROOT, "testdata", "onnx", "cnn.onnx")

SHAPE = (2, 3, 4)
K = np.arange(24)

# Tensor name -> (dtype, values for the C-order index k = 0..23). Exact in the dtype, and computed the
# same way in Swift: integer arithmetic, or one correctly rounded float64 division.
FORMULAS = {
    "float32": (np.float32, (K - 12) / 4),
    "float16": (np.float16, (K - 12) / 4),
    "double": (np.float64, (K - 12) / 3),
    "int64": (np.int64, (K - 12) * 2**40),
    "int8": (np.int8, K - 12),
    "uint32": (np.uint32, K * 100_000_000),
    "bool": (np.bool_, K % 3 == 0),
}

# make_tensor(raw=False) files: name -> (source formula, ONNX data type, the typed field it fills).
TYPED = {
    "float32_typed": ("float32", TensorProto.FLOAT, "float_data"),
    "float16_typed": ("float16", TensorProto.FLOAT16, "int32_data"),
    "int64_typed": ("int64", TensorProto.INT64, "int64_data"),
    "double_typed": ("double", TensorProto.DOUBLE, "double_data"),
    "uint32_typed": ("uint32", TensorProto.UINT32, "uint64_data"),
}

SCALAR = np.array(2.5, dtype=np.float32)
EMPTY_SHAPE = (0, 4)
STRINGS = ["onnx", "tensör"]

CNN_BATCH = 2


def cnn_input():
    """x[k] = ((37·k) mod 64 − 32) / 16 for the C-order index k of a [2, 1, 8, 8] float32 array."""
    k = np.arange(CNN_BATCH * 64)
    return (((37 * k) % 64 - 32) / 16).astype(np.float32).reshape(CNN_BATCH, 1, 8, 8)


def formula(name):
    dtype, values = FORMULAS[name]
    return values.astype(dtype).reshape(SHAPE)


def write_pb(name, tensor, folder=OUT):
    with open(os.path.join(folder, f"{name}.pb"), "wb") as f:
        f.write(tensor.SerializeToString(deterministic=True))


def raw_tensors():
    for name in FORMULAS:
        tensor = numpy_helper.from_array(formula(name), name)
        assert tensor.HasField("raw_data"), name
        write_pb(name, tensor)
    write_pb("scalar", numpy_helper.from_array(SCALAR, "scalar"))
    empty = numpy_helper.from_array(np.zeros(EMPTY_SHAPE, dtype=np.float32), "empty")
    assert empty.HasField("raw_data") and empty.raw_data == b""
    write_pb("empty", empty)
    strings = numpy_helper.from_array(np.array(STRINGS, dtype=object), "string")
    assert list(strings.string_data) == [s.encode() for s in STRINGS]
    write_pb("string", strings)


def typed_tensors():
    for name, (source, data_type, field) in TYPED.items():
        values = formula(source)
        tensor = helper.make_tensor(name, data_type, SHAPE, values.flatten(), raw=False)
        assert not tensor.HasField("raw_data") and len(getattr(tensor, field)) == values.size, name
        # The typed fields must mean the same elements as the raw file: onnx reads both back alike.
        np.testing.assert_array_equal(numpy_helper.to_array(tensor), values)
        write_pb(name, tensor)


def cnn_bundles():
    model = onnx.load(CNN)
    inputs = [i.name for i in model.graph.input if i.name not in {t.name for t in model.graph.initializer}]
    outputs = [o.name for o in model.graph.output]
    assert inputs == ["input"] and outputs == ["logits"], (inputs, outputs)
    x = cnn_input()
    session = onnxruntime.InferenceSession(CNN, providers=["CPUExecutionProvider"])
    (logits,) = session.run(outputs, {"input": x})
    (reference,) = ReferenceEvaluator(model).run(None, {"input": x})
    np.testing.assert_allclose(logits, reference, rtol=1e-5, atol=1e-5)
    assert logits.shape == (CNN_BATCH, 10) and logits.dtype == np.float32

    np.savez(os.path.join(OUT, "cnn.io.npz"), input=x, logits=logits)
    np.savez_compressed(os.path.join(OUT, "cnn_positional.io.npz"), input_0=x, output_0=logits)
    folder = os.path.join(OUT, "cnn_test_data_set_0")
    os.makedirs(folder, exist_ok=True)
    write_pb("input_0", numpy_helper.from_array(x, "input"), folder)
    write_pb("output_0", numpy_helper.from_array(logits, "logits"), folder)
    print(f"cnn logits[0] = {np.array2string(logits[0], precision=4)}")


README = """# Tensor-file fixtures

Written by `converters/onnx/make_tensor_fixtures.py` with the pinned onnx and onnxruntime
(converters/onnx/requirements.txt); rerunning it rewrites identical files. Read by `Tests/TensorIOTests`
(see `Fixtures.swift` there, which restates the formulas). k is the C-order element index.

| File | Holds |
|------|-------|
| `float32.pb`, `float16.pb` | shape [2, 3, 4], (k − 12) / 4, `raw_data` (numpy_helper.from_array) |
| `double.pb` | shape [2, 3, 4], (k − 12) / 3, `raw_data` |
| `int64.pb`, `int8.pb`, `uint32.pb`, `bool.pb` | shape [2, 3, 4], (k − 12)·2⁴⁰, k − 12, k·10⁸, k mod 3 = 0; `raw_data` |
| `scalar.pb` | 0-d float32 2.5 |
| `empty.pb` | float32 [0, 4], empty `raw_data` |
| `string.pb` | string [2]: "onnx", "tensör" (`string_data`, UTF-8) |
| `*_typed.pb` | the same elements as the file without `_typed`, in typed fields (helper.make_tensor, raw=False): `float_data`, `int32_data` (float16 bits), `int64_data`, `double_data`, `uint64_data` (uint32) |
| `cnn.io.npz` | I/O bundle for testdata/onnx/cnn.onnx keyed by name (`input`, `logits`), np.savez |
| `cnn_positional.io.npz` | the same arrays keyed `input_0`, `output_0`, np.savez_compressed |
| `cnn_test_data_set_0/` | the same arrays as `input_0.pb` / `output_0.pb` (tensors named `input`, `logits`) |

The cnn input is x[k] = ((37·k) mod 64 − 32) / 16, shape [2, 1, 8, 8]; `logits` is what onnxruntime
computes for it (checked against onnx's reference evaluator), so the bundles are real goldens.
"""


def main():
    os.makedirs(OUT, exist_ok=True)
    raw_tensors()
    typed_tensors()
    cnn_bundles()
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(README)
    files = [os.path.join(d, f) for d, _, fs in os.walk(OUT) for f in fs]
    total = sum(os.path.getsize(f) for f in files)
    assert total < 100_000, total
    print(f"onnx {onnx.__version__}, onnxruntime {onnxruntime.__version__}: "
          f"wrote {len(files)} files, {total} bytes to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    sys.exit(main())
