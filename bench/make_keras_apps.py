"""Saves keras.applications models with random weights for the conversion bench and the local parity check
(not committed: up to 528 MB each).

Usage (the Keras venv's python; it starts one child process per model and Keras version):
    .cache/venv-keras/bin/python bench/make_keras_apps.py [--out DIR] [--keras 3,2] [--force] [NAME…]

For each NAME (default: the ten below) and each Keras version (3: `import keras`; 2: tf_keras, run with
TF_USE_LEGACY_KERAS=1) it writes into DIR (default .cache/bench/keras):
    kV_NAME.h5, kV_NAME.keras   the model, built with weights=None and classifier_activation=None (logits)
    kV_NAME.io.npz              seeded inputs (batch 1) and the outputs of the model reloaded from kV_NAME.h5
                                (converters/keras/record_io.py); the reloaded .keras must give the same outputs
Files that exist are kept unless --force: a missing .h5 or .keras is then saved from the other, reloaded, so
the three files always hold the same weights. Every step that fails (build, save, reload, record) is listed
per model and version, in the summary printed at the end and in DIR/make_keras_apps.json.

Weights: kernels keep Keras's random initialisation. Constant initial values are replaced, because they hide
conversion mistakes: zero biases, BatchNormalization's and LayerNormalization's gamma 1 and beta 0, and
ConvNeXt's LayerScale of 1e-6 (which makes every block nearly the identity). BatchNormalization's moving
statistics are those of a seeded calibration batch (so activations neither die nor saturate, which made the
logits of MobileNetV2 independent of the input), each then scaled or shifted at random; the statistics stay
random but cannot be mistaken for the identity. Models without BatchNormalization (VGG16, ConvNeXt) get their
kernels scaled and biases centred layer by layer on the calibration batch instead (normalise_kernels). The report gives, per model, how much the logits change
between two inputs and how much they vary across classes.
"""
import argparse
import inspect
import json
import os
import re
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODELS = ["ResNet50", "MobileNetV2", "MobileNetV3Small", "EfficientNetB0", "DenseNet121", "InceptionV3",
          "Xception", "VGG16", "NASNetMobile", "ConvNeXtTiny"]
SUFFIXES = (".h5", ".keras", ".io.npz")
REPORT = "make_keras_apps.json"
# Below this, the logits barely depend on the input: a wrong early layer would go unnoticed.
MIN_INPUT_SENSITIVITY = 0.05


def one_line(error):
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:300]


# ---------------------------------------------------------------------------------------------------------
# The worker: one model, one Keras version, in its own process.

def all_layers(layer):
    for sub in getattr(layer, "layers", []) or []:
        yield sub
        yield from all_layers(sub)


def randomise_weights(keras, model, rng):
    """Replaces constant initial values (see the module docstring). Returns the number of layers changed."""
    import numpy as np
    changed = 0
    for layer in all_layers(model):
        kind = type(layer).__name__
        weights = layer.get_weights()
        if not weights:
            continue
        names = [w.path if hasattr(w, "path") else w.name for w in layer.weights]
        new = []
        for name, value in zip(names, weights):
            leaf = name.split("/")[-1].split(":")[0]
            constant = value.size > 0 and np.all(value == value.flat[0])
            if isinstance(layer, (keras.layers.BatchNormalization, keras.layers.LayerNormalization)):
                if leaf == "gamma":
                    value = rng.uniform(0.5, 1.5, value.shape)
                elif leaf == "beta":
                    value = rng.normal(0, 0.1, value.shape)
            elif kind == "LayerScale" and constant:
                value = rng.uniform(0.1, 0.5, value.shape)
            elif "bias" in leaf and constant:
                value = rng.normal(0, 0.05, value.shape)
            new.append(np.asarray(value, dtype=np.float32))
        layer.set_weights(new)
        changed += 1
    return changed


def calibrate_batch_norm(keras, model, batch, rng):
    """Sets every BatchNormalization's moving statistics to those of `batch` (one training-mode call with
    momentum 0, so each layer sees the outputs of already normalised layers before it), then scales each
    variance by U(0.7, 1.4) and shifts each mean by N(0, 0.1 · std)."""
    import numpy as np
    layers = [l for l in all_layers(model) if isinstance(l, keras.layers.BatchNormalization)]
    if not layers:
        return 0
    momenta = [l.momentum for l in layers]
    for layer in layers:
        layer.momentum = 0.0
    model(batch, training=True)
    for layer, momentum in zip(layers, momenta):
        layer.momentum = momentum
        values = layer.get_weights()  # gamma, beta, moving mean, moving variance (without scale/center: fewer)
        mean, variance = values[-2], values[-1]
        variance = variance * rng.uniform(0.7, 1.4, variance.shape)
        mean = mean + rng.normal(0, 0.1, mean.shape) * np.sqrt(variance)
        layer.set_weights(values[:-2] + [mean.astype(np.float32), variance.astype(np.float32)])
    return len(layers)


def normalise_kernels(keras, model, batch, rng):
    """For models without BatchNormalization (VGG16, ConvNeXt): in layer order, scales each kernel layer
    (Conv*, Dense) so that its pre-activation output on `batch` has standard deviation 1, and sets its bias so
    that every channel's mean is N(0, 0.05) (LSUV-style). Without it, VGG16's signal shrinks through 13
    convolutions until the random biases decide the logits, and ConvNeXt's preprocessing (x − 124) / 58
    leaves the input a 1/58 ripple on a constant; both gave logits that barely depend on the input."""
    import numpy as np
    layers = [l for l in model.layers if hasattr(l, "kernel") or hasattr(l, "depthwise_kernel")]
    for layer in layers:
        activation = getattr(layer, "activation", None)
        if activation is not None:
            layer.activation = keras.activations.linear
        try:
            output = np.asarray(keras.Model(model.inputs, layer.output)(batch, training=False), dtype=np.float64)
        finally:
            if activation is not None:
                layer.activation = activation
        mean = output.reshape(-1, output.shape[-1]).mean(axis=0)
        scale = float((output - mean).std()) or 1.0
        values = layer.get_weights()
        values[0] = values[0] / scale  # the (first) kernel: the output is linear in it
        if layer.use_bias if hasattr(layer, "use_bias") else len(values) > 1:
            values[-1] = (values[-1] - mean) / scale + rng.normal(0, 0.05, mean.shape)
        layer.set_weights([np.asarray(v, dtype=np.float32) for v in values])
    return len(layers)


def logit_figures(record_io, model, seed):
    """How much the logits change between two seeded inputs, and their spread across classes, both relative
    to max |logits| of the first input."""
    import numpy as np
    first = record_io.run_model(model, record_io.make_inputs(model, seed, batch=1))[0]
    second = record_io.run_model(model, record_io.make_inputs(model, seed + 1, batch=1))[0]
    top = float(np.abs(first).max())
    if not np.isfinite(first).all() or top == 0:
        return {"max_abs": top, "finite": bool(np.isfinite(first).all())}
    return {"max_abs": top,
            "input_sensitivity": float(np.abs(first - second).max() / top),
            "class_spread": float(first.std() / top)}


def application_class(name):
    """A layer class defined inside a keras.applications module (Keras 3: keras.src.applications.*,
    Keras 2: tf_keras.src.applications.*), or None."""
    for module_name, module in list(sys.modules.items()):
        if "applications" in module_name and isinstance(getattr(module, name, None), type):
            return getattr(module, name)
    return None


def build(keras, name, report):
    constructor = getattr(keras.applications, name)
    parameters = inspect.signature(constructor).parameters
    accepts = "classifier_activation" in parameters or any(p.kind == p.VAR_KEYWORD for p in parameters.values())
    options = {"weights": None}
    if accepts:
        try:
            model = constructor(**options, classifier_activation=None)
            options["classifier_activation"] = None
        except TypeError as error:
            report["notes"].append(f"classifier_activation=None refused ({one_line(error)}); outputs are softmax")
            model = constructor(**options)
    else:
        report["notes"].append("the constructor has no classifier_activation; outputs are softmax")
        model = constructor(**options)
    report["classifier_activation"] = options.get("classifier_activation", "softmax")
    if any(d is None for d in tuple(model.inputs[0].shape)[1:]):
        # MobileNetV3 without weights leaves the image size open: fix it to ImageNet's 224.
        report["notes"].append(f"input {tuple(model.inputs[0].shape)} fixed to (224, 224, 3)")
        keras.backend.clear_session()
        model = constructor(**options, input_shape=(224, 224, 3))
    return model


def worker(args):
    legacy = args.keras == "2"
    sys.path.insert(0, os.path.join(ROOT, "converters", "keras"))
    import record_io
    keras = record_io.import_keras(legacy)
    import numpy as np

    name = args.names[0]
    base = os.path.join(args.out, f"k{args.keras}_{name}")
    paths = {suffix: base + suffix for suffix in SUFFIXES}
    report = {"keras": keras.__version__, "failures": [], "notes": [], "written": [], "kept": []}
    start = time.perf_counter()

    def step(what, action):
        try:
            return action(), True
        except Exception as error:  # noqa: BLE001  (every failure is reported, none is fatal)
            report["failures"].append(f"{what}: {one_line(error)}")
            if args.verbose:
                traceback.print_exc()
            return None, False

    def save(model, suffix):
        path = paths[suffix]
        partial = path + ".partial" + suffix  # Keras picks the format from the name's ending
        try:
            model.save(partial)
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
        report["written"].append(os.path.basename(path))

    if args.force:
        for path in paths.values():
            if os.path.exists(path):
                os.remove(path)
    existing = [s for s in (".h5", ".keras") if os.path.exists(paths[s])]
    report["kept"] = [os.path.basename(paths[s]) for s in SUFFIXES if os.path.exists(paths[s])]

    model = None
    if not existing:
        keras.utils.set_random_seed(args.seed)
        rng = np.random.default_rng(args.seed)
        model, ok = step("build", lambda: build(keras, name, report))
        if ok:
            def randomise():
                randomise_weights(keras, model, rng)
                shape = (4,) + tuple(int(d) for d in model.inputs[0].shape[1:])
                calibration = rng.standard_normal(shape).astype(np.float32)
                if not calibrate_batch_norm(keras, model, calibration, rng):
                    normalise_kernels(keras, model, calibration[:2], rng)
            _, ok = step("randomise weights", randomise)
        if ok:
            figures, _ = step("logits", lambda: logit_figures(record_io, model, args.seed + 100))
            report["logits"] = figures
        if model is not None and ok:
            for suffix in (".h5", ".keras"):
                step(f"save {suffix}", lambda: save(model, suffix))
    else:
        report["notes"].append(f"kept {', '.join(os.path.basename(paths[s]) for s in existing)}")

    def reload(suffix):
        """The model loaded from the file as anyone would (record_io.load_model), or None (reported). When
        that fails on a layer class the file does not register (ConvNeXt's LayerScale in an .h5), the file is
        loaded again with that class from keras.applications' own module, so that it can still be checked
        against the .io.npz; the plain failure stays reported."""
        try:
            return record_io.load_model(paths[suffix])
        except Exception as error:  # noqa: BLE001
            report["failures"].append(f"reload {suffix}: {one_line(error)}")
            match = re.search(r"Unknown layer: '(\w+)'", str(error))
            found = match and application_class(match.group(1))
            if not found:
                return None
        spelled = f"custom_objects={{'{match.group(1)}': {found.__module__}.{found.__name__}}}"
        try:
            model = keras.models.load_model(paths[suffix], compile=False, custom_objects={match.group(1): found})
        except Exception as error:  # noqa: BLE001
            report["failures"].append(f"reload {suffix} with {spelled}: {one_line(error)}")
            return None
        report["notes"].append(f"{os.path.basename(paths[suffix])} reloads with {spelled}")
        return model

    # Reload every file there is; save a missing format from a reloaded one (same weights).
    reloaded = {}
    for suffix in (".h5", ".keras"):
        if os.path.exists(paths[suffix]):
            loaded = reload(suffix)
            if loaded is not None:
                reloaded[suffix] = loaded
    for suffix, other in ((".h5", ".keras"), (".keras", ".h5")):
        if not os.path.exists(paths[suffix]) and other in reloaded and not any(
                f.startswith(f"save {suffix}") for f in report["failures"]):
            step(f"save {suffix} (from {other})", lambda: save(reloaded[other], suffix))
            if os.path.exists(paths[suffix]):
                loaded = reload(suffix)
                if loaded is not None:
                    reloaded[suffix] = loaded

    # Record from the reloaded .h5 (the .keras when the .h5 is missing); check the other against it.
    source = ".h5" if ".h5" in reloaded else ".keras" if ".keras" in reloaded else None
    if source is None:
        report["failures"].append("record: no file could be reloaded")
    else:
        if not os.path.exists(paths[".io.npz"]):
            _, ok = step(f"record from {source}", lambda: record_io.record(
                reloaded[source], paths[".io.npz"], seed=args.seed, batch=1))
            if ok:
                report["written"].append(os.path.basename(paths[".io.npz"]))
                report["recorded_from"] = os.path.basename(paths[source])
        if "logits" not in report and os.path.exists(paths[".io.npz"]):
            figures, _ = step("logits", lambda: logit_figures(record_io, reloaded[source], args.seed + 100))
            report["logits"] = figures
        for suffix, loaded in reloaded.items():
            if os.path.exists(paths[".io.npz"]):
                result, ok = step(f"check {suffix}", lambda: record_io.check(loaded, paths[".io.npz"]))
                if ok and not result[0]:
                    report["failures"].append(f"check {suffix}: reloaded outputs differ from "
                                              f"{os.path.basename(paths['.io.npz'])} by {result[1]:.3g}")
    figures = report.get("logits") or {}
    if figures.get("input_sensitivity", 1) < MIN_INPUT_SENSITIVITY or figures.get("finite") is False:
        report["notes"].append(f"logits are near-constant: {figures}")
    report["seconds"] = round(time.perf_counter() - start, 1)
    with open(args.report_to, "w") as f:
        json.dump(report, f)
    return 0


# ---------------------------------------------------------------------------------------------------------
# The driver: one child per model and version, a summary at the end.

def driver(args):
    os.makedirs(args.out, exist_ok=True)
    report_path = os.path.join(args.out, REPORT)
    try:
        with open(report_path) as f:
            reports = json.load(f)
    except (OSError, ValueError):
        reports = {}
    rows = []
    for version in args.keras:
        for name in args.names:
            key = f"k{version}_{name}"
            base = os.path.join(args.out, key)
            if not args.force and all(os.path.exists(base + s) for s in SUFFIXES):
                rows.append((key, "kept", ""))
                continue
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_USE_LEGACY_KERAS="1" if version == "2" else "0")
            partial = base + ".report.json"
            command = [sys.executable, os.path.abspath(__file__), "--worker", "--keras", version, "--out", args.out,
                       "--seed", str(args.seed), "--report-to", partial, name]
            command += ["--force"] if args.force else []
            command += ["--verbose"] if args.verbose else []
            print(f"{key}: ", end="", flush=True)
            start = time.perf_counter()
            run = subprocess.run(command, env=env, stdout=None if args.verbose else subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
            try:
                with open(partial) as f:
                    report = json.load(f)
                os.remove(partial)
            except (OSError, ValueError):
                tail = [l for l in run.stderr.strip().splitlines() if l.strip()][-1:] or ["no output"]
                report = {"failures": [f"worker exited with {run.returncode}: {tail[0][:300]}"], "notes": [],
                          "written": []}
            report["seconds"] = round(time.perf_counter() - start, 1)
            reports[key] = report
            with open(report_path, "w") as f:
                json.dump(reports, f, indent=1, sort_keys=True)
            status = "FAILED " + "; ".join(report["failures"]) if report["failures"] else "ok"
            print(f"{status} ({report['seconds']} s)", flush=True)
            rows.append((key, status, summary_of(report)))
    print(f"\nSummary ({report_path}):")
    for key, status, details in rows:
        print(f"  {key:24} {status}{'  ' + details if details else ''}")
    return 1 if any(r[1].startswith("FAILED") for r in rows) else 0


def summary_of(report):
    parts = []
    if report.get("written"):
        parts.append("wrote " + ", ".join(report["written"]))
    figures = report.get("logits") or {}
    if "input_sensitivity" in figures:
        parts.append(f"logits: input sensitivity {figures['input_sensitivity']:.2f}, "
                     f"spread {figures['class_spread']:.2f}")
    parts += report.get("notes", [])
    return "; ".join(parts)


def versions(text):
    chosen = [v.strip().lstrip("kK") for v in text.split(",") if v.strip()]
    if not chosen or any(v not in ("2", "3") for v in chosen):
        raise argparse.ArgumentTypeError(f"{text!r}: give 2, 3 or 3,2")
    return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"keras.applications models (default: {' '.join(MODELS)})")
    parser.add_argument("--out", default=os.path.join(ROOT, ".cache", "bench", "keras"))
    parser.add_argument("--keras", type=versions, default=["3", "2"], help="Keras versions, comma-separated (default 3,2)")
    parser.add_argument("--force", action="store_true", help="rebuild even when the files exist")
    parser.add_argument("--seed", type=int, default=0, help="weights, calibration batch and recorded inputs")
    parser.add_argument("--verbose", action="store_true", help="show the children's output and tracebacks")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--report-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.names = args.names or MODELS
    args.out = os.path.abspath(args.out)
    if args.worker:
        args.keras = args.keras[0]
        return worker(args)
    return driver(args)


if __name__ == "__main__":
    sys.exit(main())
