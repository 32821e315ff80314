"""Run a saved Keras model on seeded random inputs and record inputs and outputs in an .npz.

Usage:
    python converters/keras/record_io.py MODEL.h5|MODEL.keras -o MODEL.io.npz [--seed N] [--legacy]
    python converters/keras/record_io.py MODEL.json WEIGHTS.h5 -o MODEL.io.npz [--seed N] [--legacy]
    python converters/keras/record_io.py MODEL.h5 --check MODEL.io.npz   # rerun the recorded inputs, compare

--legacy (or the environment variable TF_USE_LEGACY_KERAS=1) loads the model with Keras 2 (tf_keras);
otherwise Keras 3 (`import keras`). The model is loaded from the file (compile=False) and called as
model(inputs, training=False); nothing is converted here.

The .npz holds input_0, input_1, … and output_0, output_1, … in the order of model.inputs and
model.outputs. Float inputs and all outputs are float32; integer inputs keep the dtype the model declares
(int32 for Input(dtype="int32")). Input shapes come from the model: a None batch dimension becomes
--batch (2), any other None dimension --dim (5). Float inputs are standard normal. Integer inputs are
uniform in [LOW, HIGH): --int-range LOW HIGH if given, otherwise [0, input_dim) of the smallest Embedding
in the model (so every index is valid), otherwise [0, 10).
"""
import argparse
import os
import sys

import numpy as np

_keras = None


def import_keras(legacy):
    """Import Keras 2 (tf_keras) when legacy is true, else Keras 3; remember it for the other functions."""
    global _keras
    if legacy:
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if legacy:
        import tf_keras as keras
    else:
        import keras
    _keras = keras
    return keras


def keras_module():
    if _keras is None:
        return import_keras(os.environ.get("TF_USE_LEGACY_KERAS", "0") not in ("", "0", "false", "False"))
    return _keras


def load_model(path, weights=None):
    """A model from a full-model .h5 / .keras file, or from architecture JSON plus a weights file."""
    keras = keras_module()
    if path.endswith(".json"):
        if weights is None:
            raise SystemExit(f"{path}: a JSON architecture needs a weights file as second argument")
        with open(path) as f:
            model = keras.models.model_from_json(f.read())
        model.load_weights(weights)
        return model
    if weights is not None:
        raise SystemExit(f"{path}: a weights file is only used with a .json architecture")
    return keras.models.load_model(path, compile=False)


def _embedding_sizes(layer):
    keras = keras_module()
    if isinstance(layer, keras.layers.Embedding):
        yield layer.input_dim
    for sub in getattr(layer, "layers", []) or []:
        yield from _embedding_sizes(sub)
    if hasattr(layer, "layer") and layer.layer is not layer:  # wrappers (Bidirectional, TimeDistributed)
        yield from _embedding_sizes(layer.layer)


def _dtype_name(tensor):
    dtype = tensor.dtype
    return getattr(dtype, "name", None) or str(dtype)


def input_specs(model, batch=2, dim=5):
    """(name, shape, numpy dtype) of each model input, None dims replaced."""
    specs = []
    for tensor in model.inputs:
        shape = tuple(tensor.shape)
        shape = tuple((batch if i == 0 else dim) if d is None else int(d) for i, d in enumerate(shape))
        name = getattr(tensor, "name", None) or ""
        # Keras 2 symbolic tensors are named "input_a" or "input_a:0"; keep the layer name.
        specs.append((name.split(":")[0], shape, np.dtype(_dtype_name(tensor))))
    return specs


def make_inputs(model, seed=0, batch=2, dim=5, int_range=None):
    rng = np.random.default_rng(seed)
    if int_range is None:
        sizes = list(_embedding_sizes(model))
        int_range = (0, min(sizes)) if sizes else (0, 10)
    inputs = []
    for _, shape, dtype in input_specs(model, batch, dim):
        if np.issubdtype(dtype, np.integer):
            inputs.append(rng.integers(int_range[0], int_range[1], size=shape).astype(dtype))
        elif dtype == np.bool_:
            inputs.append(rng.integers(0, 2, size=shape).astype(np.bool_))
        else:
            inputs.append(rng.standard_normal(shape).astype(np.float32))
    return inputs


def run_model(model, inputs):
    """model(inputs, training=False) as a list of float32 arrays in model.outputs order."""
    x = inputs[0] if len(inputs) == 1 else list(inputs)
    y = model(x, training=False)
    if isinstance(y, dict):
        names = list(getattr(model, "output_names", None) or y.keys())
        y = [y[n] for n in names]
    elif not isinstance(y, (list, tuple)):
        y = [y]
    return [np.asarray(t).astype(np.float32) for t in y]


def io_dict(inputs, outputs):
    d = {f"input_{i}": a for i, a in enumerate(inputs)}
    d.update({f"output_{i}": a for i, a in enumerate(outputs)})
    return d


def record(model, out_path, seed=0, batch=2, dim=5, int_range=None):
    inputs = make_inputs(model, seed, batch, dim, int_range)
    outputs = run_model(model, inputs)
    np.savez(out_path, **io_dict(inputs, outputs))
    return inputs, outputs


def load_io(path):
    with np.load(path) as z:
        inputs = [z[f"input_{i}"] for i in range(sum(k.startswith("input_") for k in z.files))]
        outputs = [z[f"output_{i}"] for i in range(sum(k.startswith("output_") for k in z.files))]
    return inputs, outputs


def check(model, io_path, atol=1e-5, rtol=1e-5):
    """Run the recorded inputs through model; return (ok, largest absolute difference)."""
    inputs, expected = load_io(io_path)
    try:
        outputs = run_model(model, inputs)
    except Exception as e:  # noqa: BLE001  (e.g. inputs of another model's shape)
        print(f"cannot run {io_path}'s inputs: {type(e).__name__}: {str(e).splitlines()[0]}")
        return False, float("inf")
    if len(outputs) != len(expected):
        return False, float("inf")
    worst = 0.0
    ok = True
    for got, want in zip(outputs, expected):
        if got.shape != want.shape:
            return False, float("inf")
        worst = max(worst, float(np.max(np.abs(got - want))) if got.size else 0.0)
        ok = ok and np.allclose(got, want, atol=atol, rtol=rtol)
    return ok, worst


def output_names(model):
    """Name of the layer that produces each output (Sequential models have no output_names in Keras 3)."""
    names = []
    for tensor in model.outputs:
        history = getattr(tensor, "_keras_history", None)
        op = getattr(history, "operation", None) or getattr(history, "layer", None) if history else None
        names.append(getattr(op, "name", "?"))
    return names


def describe(model, inputs, outputs):
    """One line per input and output: index, name, shape, dtype."""
    lines = []
    in_names = [n for n, _, _ in input_specs(model)]
    out_names = output_names(model)
    for i, a in enumerate(inputs):
        lines.append(f"  input_{i}  {in_names[i] if i < len(in_names) else '?'}: {a.shape} {a.dtype}")
    for i, a in enumerate(outputs):
        lines.append(f"  output_{i} {out_names[i] if i < len(out_names) else '?'}: {a.shape} {a.dtype}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help=".h5, .keras, or architecture .json")
    parser.add_argument("weights", nargs="?", help="weights .h5 for a .json architecture")
    parser.add_argument("-o", "--output", help="the .npz to write")
    parser.add_argument("--check", metavar="NPZ", help="rerun the inputs of NPZ and compare with its outputs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=2, help="size of a None batch dimension")
    parser.add_argument("--dim", type=int, default=5, help="size of any other None dimension")
    parser.add_argument("--int-range", type=int, nargs=2, metavar=("LOW", "HIGH"),
                        help="integer inputs are drawn from [LOW, HIGH)")
    parser.add_argument("--legacy", action="store_true", help="Keras 2 (tf_keras) instead of Keras 3")
    args = parser.parse_args()
    if not args.output and not args.check:
        parser.error("give -o OUT.npz or --check NPZ")
    legacy = args.legacy or os.environ.get("TF_USE_LEGACY_KERAS", "0") not in ("", "0", "false", "False")
    keras = import_keras(legacy)
    model = load_model(args.model, args.weights)
    print(f"{args.model}: Keras {keras.__version__}")
    status = 0
    if args.output:
        inputs, outputs = record(model, args.output, args.seed, args.batch, args.dim, args.int_range)
        print(describe(model, inputs, outputs))
        print(f"wrote {args.output}")
    if args.check:
        ok, worst = check(model, args.check)
        print(f"{'ok' if ok else 'MISMATCH'}: {args.check}, largest difference {worst:.3g}")
        status = 0 if ok else 1
    return status


if __name__ == "__main__":
    sys.exit(main())
