"""Saves keras.applications models with random weights for the conversion bench and the local parity check
(not committed: up to 528 MB each). Usage (Keras 3):
    .cache/venv-keras/bin/python bench/make_keras_apps.py OUT_DIR [NAME…]
Keras 2: TF_USE_LEGACY_KERAS=1 and the same command. Writes NAME.h5 (and NAME.keras for Keras 3) plus
NAME.io.npz (seeded inputs, outputs of the reloaded .h5) through converters/keras/record_io.py."""
import os, subprocess, sys
legacy = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
if legacy:
    import tf_keras as keras
else:
    import keras

out = sys.argv[1]
names = sys.argv[2:] or ["ResNet50", "MobileNetV2", "VGG16"]
os.makedirs(out, exist_ok=True)
keras.utils.set_random_seed(0)
import numpy as np
rng = np.random.default_rng(0)


def randomise_batch_norm(model):
    # Fresh BatchNormalization layers are the identity (and some start with gamma 0), which hides
    # layout and folding mistakes and can make the output constant: give every one real statistics.
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            values = []
            for weight in layer.get_weights():
                values.append(rng.uniform(0.5, 1.5, weight.shape).astype(np.float32))
            if len(values) == 4:  # gamma, beta, mean, variance
                values[1] = rng.normal(0, 0.1, values[1].shape).astype(np.float32)
                values[2] = rng.normal(0, 0.1, values[2].shape).astype(np.float32)
            layer.set_weights(values)


for name in names:
    model = getattr(keras.applications, name)(weights=None)
    randomise_batch_norm(model)
    base = os.path.join(out, ("k2_" if legacy else "k3_") + name)
    model.save(base + ".h5")
    if not legacy:
        model.save(base + ".keras")
    record = os.path.join(os.path.dirname(__file__), "..", "converters", "keras", "record_io.py")
    args = [sys.executable, record, base + ".h5", "-o", base + ".io.npz", "--batch", "1"] + (["--legacy"] if legacy else [])
    subprocess.run(args, check=True)
    print("saved", base)
