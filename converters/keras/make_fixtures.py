"""Build small Keras models with seeded random weights, save them, and record each saved file's outputs.

Usage (from the repository root, with the venv of converters/keras/requirements.txt):

    python converters/keras/make_fixtures.py --keras 3 testdata/keras     # writes testdata/keras/k3/
    python converters/keras/make_fixtures.py --keras 2 testdata/keras     # testdata/keras/k2/ (tf_keras)
    python converters/keras/make_fixtures.py --keras 3 testdata/keras --check   # only reload and compare

Both Keras 3 and Keras 2 (tf_keras, with TF_USE_LEGACY_KERAS=1) write NAME.h5 (legacy HDF5,
model.save("NAME.h5")) and NAME.keras (the zip format, which tf_keras writes too). For the models in JSON_PAIR each version also writes NAME.json
(model.to_json()) and NAME.weights.h5 (model.save_weights); Keras 2 also NAME_weights.h5, since tf_keras
writes the Keras 3 weights layout for a ".weights.h5" name and the legacy one for other names. Next to
them NAME.io.npz holds seeded inputs and the outputs of the model *reloaded from the saved file* (see
record_io.py); every other saved file of that model is reloaded and must reproduce it, as must the
in-memory model. A model or file that a version cannot build, save or reload faithfully is skipped with
the reason printed; the others go on.

Weights are random: keras.utils.set_random_seed(per-model seed) before building, then biases, the
BatchNormalization/LayerNormalization gamma, beta, moving mean and variance, PReLU alpha and embeddings
are replaced by seeded random values, so none of them is the 0 or 1 a converter could get away with.
"""
import argparse
import os
import sys
import traceback
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import record_io  # noqa: E402

keras = None  # set in main() by record_io.import_keras

COMMON_ACTIVATIONS = ["relu", "sigmoid", "tanh", "softmax", "softplus", "softsign", "selu", "elu",
                      "exponential", "linear", "swish", "silu", "gelu", "hard_sigmoid"]
EXTRA_ACTIVATIONS = ["relu6", "hard_swish", "hard_silu", "mish", "log_softmax", "leaky_relu"]
JSON_PAIR = ("cnn",)

BUILDERS = {}


def builder(name):
    def register(fn):
        BUILDERS[name] = fn
        return fn
    return register


def sequential(layers, name=None):
    return keras.Sequential(layers, name=name)


@builder("mlp")
def build_mlp():
    L = keras.layers
    return sequential([
        keras.Input((8,), name="features"),
        L.Dense(16, activation="relu"),
        L.Dropout(0.3),
        L.Dense(12, activation="tanh", use_bias=False),
        L.Dense(4, activation="softmax"),
    ], name="mlp")


@builder("cnn")
def build_cnn():
    L = keras.layers
    return sequential([
        keras.Input((16, 16, 3), name="image"),
        L.Conv2D(8, 3, padding="same", activation="relu"),
        L.BatchNormalization(),
        L.MaxPooling2D(2),
        L.Conv2D(12, 3, strides=2, padding="valid"),
        L.ReLU(max_value=6),
        L.ZeroPadding2D(1),
        L.DepthwiseConv2D(3),
        L.GlobalAveragePooling2D(),
        L.Dense(5),
    ], name="cnn")


@builder("flatten_cnn")
def build_flatten_cnn():
    L = keras.layers
    return sequential([
        keras.Input((10, 10, 2), name="image"),
        L.Conv2D(4, 3),
        L.AveragePooling2D(2),
        L.Flatten(),
        L.Dense(6),
    ], name="flatten_cnn")


@builder("flatten_heads")
def build_flatten_heads():
    """A Flatten after pooling read by Dropout + Dense, by another layer, and as a model output: the
    converter flattens channels-first and must give every reader other than Dense Keras's order back."""
    L = keras.layers
    x = keras.Input((6, 5, 3), name="image")
    flat = L.Flatten(name="flat")(L.MaxPooling2D(2)(L.Conv2D(4, 3, padding="same")(x)))
    a = L.Dense(5, name="after_dropout")(L.Dropout(0.2)(flat))
    b = L.Dense(3, name="after_tanh")(L.Activation("tanh")(flat))
    return keras.Model(x, [a, b, flat], name="flatten_heads")


@builder("tf_ops")
def build_tf_ops():
    """Python arithmetic on Keras tensors, as keras.applications' MobileNetV3 and ConvNeXt do it: tf-keras
    saves each operator as a TFOpLambda layer (a tensor or a number as its other operand), Keras 3 as a
    keras.ops layer (Add, TrueDivide…) with its positional arguments."""
    L = keras.layers
    x = keras.Input((5, 4), name="x")
    h = L.Dense(4, name="dense")(x)
    gate = L.ReLU(name="relu")(h + 3.0) * (1.0 / 6.0)
    y = h * gate + x
    z = (y - h) / 2.0
    return keras.Model(x, [y, z], name="tf_ops")


@builder("mobilenet_v2_small")
def build_mobilenet_v2_small():
    """keras.applications.MobileNetV2 at alpha 0.35 on 96×96 inputs with 10 classes and logits out: the
    smallest real application (inverted residuals, ReLU6, depthwise convolutions, ZeroPadding)."""
    return keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10,
                                          classifier_activation=None)


@builder("residual_blocks")
def build_residual_blocks():
    """A ResNet-style bottleneck (1×1, 3×3, 1×1 with a projected shortcut) and a DenseNet-style block
    (BN-ReLU-Conv whose outputs are concatenated onto the input), then a transition and the head."""
    L = keras.layers
    x = keras.Input((12, 12, 8), name="image")
    y = L.Conv2D(6, 1, strides=2, use_bias=False)(x)
    y = L.ReLU()(L.BatchNormalization()(y))
    y = L.Conv2D(6, 3, padding="same", use_bias=False)(y)
    y = L.ReLU()(L.BatchNormalization()(y))
    y = L.BatchNormalization()(L.Conv2D(16, 1)(y))
    shortcut = L.BatchNormalization()(L.Conv2D(16, 1, strides=2)(x))
    y = L.ReLU()(L.Add()([y, shortcut]))
    for _ in range(2):
        grown = L.Conv2D(4, 3, padding="same", use_bias=False)(L.ReLU()(L.BatchNormalization()(y)))
        y = L.Concatenate()([y, grown])
    y = L.AveragePooling2D(2)(L.Conv2D(12, 1)(L.ReLU()(L.BatchNormalization()(y))))
    y = L.Dense(5)(L.GlobalAveragePooling2D()(y))
    return keras.Model(x, y, name="residual_blocks")


@builder("conv_lstm")
def build_conv_lstm():
    """ConvLSTM2D with strides, dilation, 'same'/'valid', return_sequences, return_state, go_backwards, and
    a ConvLSTM1D."""
    L = keras.layers
    frames = keras.Input((4, 7, 6, 2), name="frames")
    seq = L.ConvLSTM2D(3, 3, padding="same", return_sequences=True, name="lstm_same")(frames)
    last, h, c = L.ConvLSTM2D(4, (3, 2), strides=(2, 1), return_state=True, go_backwards=True,
                              name="lstm_strided")(seq)
    dilated = L.ConvLSTM2D(2, 2, dilation_rate=2, activation="relu", name="lstm_dilated")(frames)
    signal = keras.Input((5, 8, 3), name="signal")
    one = L.ConvLSTM1D(3, 3, padding="same", return_sequences=True, go_backwards=True, name="lstm_1d")(signal)
    return keras.Model([frames, signal], [seq, last, h, c, dilated, one], name="conv_lstm")


@builder("functional")
def build_functional():
    L = keras.layers
    a = keras.Input((6,), name="input_a")
    b = keras.Input((6,), name="input_b")
    shared = L.Dense(6, activation="relu", name="shared_dense")
    s = L.Add(name="add")([shared(a), shared(b)])
    c1 = L.Concatenate(name="concat_sb")([s, b])
    c2 = L.Concatenate(name="concat_bs")([b, s])
    m = L.Multiply(name="multiply")([c1, c2])
    probs = L.Dense(3, activation="sigmoid", name="probs")(m)
    values = L.Dense(2, name="values")(m)
    return keras.Model([a, b], [probs, values], name="functional")


def supported_activations(names):
    ok = []
    for n in names:
        try:
            keras.activations.get(n)
            ok.append(n)
        except Exception as e:  # noqa: BLE001
            print(f"  activations: skipping {n!r}: {e}")
    return ok


@builder("activations")
def build_activations():
    L = keras.layers
    layers = [keras.Input((8,), name="features")]
    for n in supported_activations(COMMON_ACTIVATIONS):
        layers += [L.Dense(10, name=f"dense_{n}"), L.Activation(n, name=f"act_{n}")]
    layers += [L.Dense(10, name="dense_leaky_relu_layer"), L.LeakyReLU(0.2, name="leaky_relu_layer"),
               L.Dense(10, name="dense_prelu"), L.PReLU(name="prelu"),
               L.Dense(10, name="dense_elu_layer"), L.ELU(0.5, name="elu_layer"),
               L.Dense(10, name="dense_softmax_layer"), L.Softmax(axis=-1, name="softmax_layer")]
    return sequential(layers, name="activations")


@builder("activations_extra")
def build_activations_extra():
    L = keras.layers
    layers = [keras.Input((8,), name="features")]
    for n in supported_activations(EXTRA_ACTIVATIONS):
        layers += [L.Dense(10, name=f"dense_{n}"), L.Activation(n, name=f"act_{n}")]
    return sequential(layers, name="activations_extra")


@builder("activations_parallel")
def build_activations_parallel():
    """Every activation applied side by side to one Dense output and concatenated, so each one's values
    reach the output directly (in the chains above later layers squash the effect of earlier ones)."""
    L = keras.layers
    x = keras.Input((8,), name="features")
    pre = L.Dense(10, name="pre")(x)
    branches = [L.Activation(n, name=f"act_{n}")(pre)
                for n in supported_activations(COMMON_ACTIVATIONS + EXTRA_ACTIVATIONS)]
    branches += [L.LeakyReLU(0.2, name="leaky_relu_layer")(pre), L.PReLU(name="prelu")(pre),
                 L.ELU(0.5, name="elu_layer")(pre), L.Softmax(axis=-1, name="softmax_layer")(pre)]
    out = L.Concatenate(name="all")(branches)
    return keras.Model(x, out, name="activations_parallel")


@builder("rnn")
def build_rnn():
    L = keras.layers
    return sequential([
        keras.Input((5, 4), name="sequence"),
        L.LSTM(6, return_sequences=True),
        L.GRU(5, reset_after=True),
        L.Dense(3),
    ], name="rnn")


@builder("rnn2")
def build_rnn2():
    L = keras.layers
    return sequential([
        keras.Input((5, 4), name="sequence"),
        L.SimpleRNN(4, return_sequences=True, go_backwards=True),
        L.Bidirectional(L.LSTM(3), merge_mode="concat"),
        L.Dense(2),
    ], name="rnn2")


@builder("gru_v1")
def build_gru_v1():
    L = keras.layers
    return sequential([keras.Input((5, 4), name="sequence"), L.GRU(4, reset_after=False)], name="gru_v1")


@builder("embedding")
def build_embedding():
    L = keras.layers
    tokens = keras.Input((7,), dtype="int32", name="tokens")
    x = L.Embedding(20, 4)(tokens)
    x = L.GlobalAveragePooling1D()(x)
    out = L.Dense(2, name="logits")(x)
    return keras.Model(tokens, out, name="embedding")


@builder("conv1d")
def build_conv1d():
    L = keras.layers
    return sequential([
        keras.Input((12, 3), name="signal"),
        L.Conv1D(6, 3, padding="causal", activation="relu"),
        L.MaxPooling1D(2),
        L.Conv1D(5, 2, dilation_rate=2),
        L.GlobalMaxPooling1D(),
    ], name="conv1d")


@builder("conv3d")
def build_conv3d():
    L = keras.layers
    return sequential([
        keras.Input((6, 6, 6, 1), name="volume"),
        L.Conv3D(4, 3, padding="same", activation="relu"),
        L.MaxPooling3D(2),
        L.Flatten(),
        L.Dense(3),
    ], name="conv3d")


@builder("transformer")
def build_transformer():
    L = keras.layers
    x = keras.Input((6, 8), name="tokens")
    a = L.MultiHeadAttention(num_heads=2, key_dim=4, name="attention")(x, x)
    h = L.LayerNormalization(name="norm1")(L.Add(name="residual1")([x, a]))
    f = L.Dense(16, activation="gelu", name="ffn_in")(h)
    f = L.Dense(8, name="ffn_out")(f)
    out = L.LayerNormalization(name="norm2")(L.Add(name="residual2")([h, f]))
    return keras.Model(x, out, name="transformer")


@builder("attention")
def build_attention():
    L = keras.layers
    q = keras.Input((5, 6), name="query")
    v = keras.Input((7, 6), name="value")
    k = L.Dense(6, name="key_proj")(v)
    outs = [
        L.Attention(use_scale=True, name="luong")([q, v]),
        L.Attention(score_mode="concat", use_scale=True, name="luong_concat")([q, v, k]),
        L.AdditiveAttention(name="bahdanau")([q, v, k]),
        L.AdditiveAttention(use_scale=False, name="bahdanau_plain")([q, v]),
        L.Attention(name="causal_self")([q, q], use_causal_mask=True),
    ]
    return keras.Model([q, v], L.Concatenate(name="all")(outs), name="attention")


@builder("mha_variants")
def build_mha_variants():
    L = keras.layers
    x = keras.Input((6, 8), name="tokens")
    mem = keras.Input((4, 10), name="memory")
    grid = keras.Input((3, 4, 5), name="grid")
    key = L.Dense(6, name="key_proj")(mem)
    cross = L.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5, output_shape=7, name="cross")(x, mem, key=key)
    causal = L.MultiHeadAttention(num_heads=2, key_dim=3, use_bias=False, name="causal")(x, x, use_causal_mask=True)
    grid_out = L.MultiHeadAttention(num_heads=2, key_dim=3, name="grid_attention")(grid, grid)
    return keras.Model([x, mem, grid], [cross, causal, grid_out], name="mha_variants")


@builder("nested")
def build_nested():
    L = keras.layers
    inner = sequential([keras.Input((4,), name="shared_in"), L.Dense(5, activation="relu"), L.Dense(3)],
                       name="shared_mlp")
    left = keras.Input((4,), name="left")
    right = keras.Input((4,), name="right")
    x = L.Concatenate(name="concat")([inner(left), inner(right)])
    out = L.Dense(2, name="head")(x)
    return keras.Model([left, right], out, name="nested")


def keras2():
    return version_of_keras() == 2


@builder("separable_conv")
def build_separable_conv():
    """SeparableConv2D and SeparableConv1D with depth multipliers, strides, dilation, 'same'/'valid' (and, in
    Keras 2 only, 'causal'), with and without bias."""
    L = keras.layers
    image = keras.Input((9, 9, 3), name="image")
    x = L.SeparableConv2D(8, 3, padding="same", depth_multiplier=2, activation="relu", name="sep2d_same")(image)
    x = L.SeparableConv2D(6, (3, 2), strides=2, use_bias=False, name="sep2d_strided")(x)
    x = L.SeparableConv2D(5, 2, padding="same", dilation_rate=2, activation="tanh", name="sep2d_dilated")(x)
    signal = keras.Input((12, 4), name="signal")
    y = L.SeparableConv1D(6, 3, padding="causal" if keras2() else "same", depth_multiplier=3,
                          name="sep1d_first")(signal)
    y = L.SeparableConv1D(5, 3, strides=2, padding="same", activation="relu", name="sep1d_strided")(y)
    y = L.SeparableConv1D(4, 2, dilation_rate=2, use_bias=False, name="sep1d_dilated")(y)
    return keras.Model([image, signal], [x, y], name="separable_conv")


@builder("conv_transpose")
def build_conv_transpose():
    """Conv1D/2D/3DTranspose: 'same' and 'valid', strides larger and smaller than the kernel, even and odd
    kernels, output_padding, no bias, activations. TensorFlow's CPU kernels only dilate the 3-D transpose,
    and only tf_keras reaches that kernel (Keras 3 fails), so dilation is in the Keras 2 model only."""
    L = keras.layers
    signal = keras.Input((5, 3), name="signal")
    a = L.Conv1DTranspose(4, 3, strides=2, padding="same", name="t1d_same")(signal)
    a = L.Conv1DTranspose(3, 4, strides=3, output_padding=1, activation="relu", name="t1d_valid_outpad")(a)
    a = L.Conv1DTranspose(2, 2, strides=2, padding="same", output_padding=1, name="t1d_same_even_outpad")(a)
    image = keras.Input((2, 3, 2), name="image")
    b = L.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1, name="t2d_same_outpad")(image)
    b = L.Conv2DTranspose(3, (2, 3), name="t2d_valid")(b)
    b = L.Conv2DTranspose(3, (4, 1), strides=(2, 3), padding="same", use_bias=False, activation="tanh",
                          name="t2d_even_kernel")(b)
    b = L.Conv2DTranspose(2, (2, 1), strides=(3, 1), name="t2d_stride_over_kernel")(b)
    volume = keras.Input((3, 2, 3, 2), name="volume")
    c = L.Conv3DTranspose(3, 3, strides=2, padding="same", name="t3d_same")(volume)
    c = L.Conv3DTranspose(2, (2, 1, 3), strides=(1, 2, 1), output_padding=(0, 1, 0), activation="relu",
                          name="t3d_valid_outpad")(c)
    if keras2():
        c = L.Conv3DTranspose(2, (2, 3, 2), dilation_rate=(2, 1, 3), padding="same", name="t3d_dilated")(c)
    return keras.Model([signal, image, volume], [a, b, c], name="conv_transpose")


@builder("cropping")
def build_cropping():
    L = keras.layers
    signal = keras.Input((8, 3), name="signal")
    image = keras.Input((7, 9, 2), name="image")
    volume = keras.Input((4, 5, 6, 2), name="volume")
    a = L.Cropping1D((1, 2), name="crop1d")(signal)
    b = L.Cropping2D(((1, 2), (0, 3)), name="crop2d")(image)
    c = L.Cropping2D(2, name="crop2d_symmetric")(image)
    d = L.Cropping3D(((1, 0), (2, 1), (0, 2)), name="crop3d")(volume)
    return keras.Model([signal, image, volume], [a, b, c, d], name="cropping")


@builder("upsampling")
def build_upsampling():
    L = keras.layers
    signal = keras.Input((4, 3), name="signal")
    image = keras.Input((3, 4, 2), name="image")
    volume = keras.Input((2, 3, 2, 2), name="volume")
    a = L.UpSampling1D(3, name="up1d")(signal)
    b = L.UpSampling2D((2, 3), name="up2d_nearest")(image)
    c = L.UpSampling2D(2, interpolation="bilinear", name="up2d_bilinear")(image)
    d = L.UpSampling2D((3, 2), interpolation="bicubic", name="up2d_bicubic")(image)
    e = L.UpSampling3D((1, 2, 3), name="up3d")(volume)
    return keras.Model([signal, image, volume], [a, b, c, d, e], name="upsampling")


@builder("resizing")
def build_resizing():
    """Resizing up and down with each interpolation ONNX Resize can match, crop_to_aspect_ratio (and in
    Keras 3 pad_to_aspect_ratio), CenterCrop both cropping and (input smaller than the target) resizing."""
    L = keras.layers
    image = keras.Input((6, 9, 2), name="image")
    outs = [
        L.Resizing(8, 7, name="bilinear")(image),
        L.Resizing(4, 12, interpolation="nearest", name="nearest")(image),
        L.Resizing(9, 5, interpolation="bicubic", name="bicubic")(image),
        L.Resizing(5, 5, crop_to_aspect_ratio=True, name="crop_aspect")(image),
        L.CenterCrop(4, 5, name="center_crop")(image),
        L.CenterCrop(8, 6, name="center_crop_upsize")(image),
    ]
    if not keras2():
        outs.append(L.Resizing(4, 3, pad_to_aspect_ratio=True, fill_value=0.5, name="pad_aspect")(image))
    return keras.Model(image, outs, name="resizing")


@builder("channels_first")
def build_channels_first():
    """data_format="channels_first" wherever TensorFlow's CPU kernels run it: they lack NCHW Conv1D/2D and
    conv transposes (Keras 3), NCHW MaxPooling2D, Conv3D and separable convs (Keras 2), so each version's
    model has its own extras."""
    L = keras.layers
    cf = "channels_first"
    image = keras.Input((3, 5, 4), name="image")
    x = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2, data_format=cf, activation="relu",
                          name="depthwise")(image)
    x = L.ZeroPadding2D(((1, 0), (0, 1)), data_format=cf, name="pad")(x)
    if keras2():
        x = L.Conv2DTranspose(5, 3, strides=2, padding="same", data_format=cf, name="transpose")(x)
    else:
        # 4 filters, not 5: Keras 3.15's TensorFlow ops.add takes a (1, C, 1, 1) bias for NHWC when the last
        # axis also has C entries, so a width of 5 would shift the bias onto the wrong axis.
        x = L.SeparableConv2D(4, 3, padding="same", data_format=cf, name="separable")(x)
        x = L.MaxPooling2D(2, strides=1, data_format=cf, name="max_pool")(x)
    x = L.Cropping2D(((1, 0), (0, 2)), data_format=cf, name="crop")(x)
    x = L.UpSampling2D(2, data_format=cf, name="upsample")(x)
    x = L.UpSampling2D((1, 2), interpolation="bilinear", data_format=cf, name="upsample_bilinear")(x)
    pooled = L.GlobalMaxPooling2D(data_format=cf, name="global_max")(x)
    signal = keras.Input((2, 9), name="signal")
    y = L.AveragePooling1D(2, data_format=cf, name="avg_pool1d")(signal)
    y = L.UpSampling1D(2, name="upsample1d")(y)
    y = L.GlobalAveragePooling1D(data_format=cf, keepdims=True, name="global_avg1d")(y)
    volume = keras.Input((2, 5, 5, 5), name="volume")
    z = L.Conv3D(3, 2, data_format=cf, name="conv3d")(volume) if not keras2() else volume
    z = L.Cropping3D(((1, 0), (0, 1), (1, 0)), data_format=cf, name="crop3d")(z)
    z = L.MaxPooling3D(2, strides=1, data_format=cf, name="max_pool3d")(z)
    z = L.AveragePooling3D(2, padding="same", data_format=cf, name="avg_pool3d")(z)
    z = L.UpSampling3D((2, 1, 2), data_format=cf, name="upsample3d")(z)
    z = L.GlobalAveragePooling3D(data_format=cf, name="global_avg3d")(z)
    outs = [x, pooled, y, z]
    if not keras2():
        outs.append(L.Resizing(3, 6, data_format=cf, name="resize")(image))
        outs.append(L.CenterCrop(3, 2, data_format=cf, name="center_crop")(image))
    return keras.Model([image, signal, volume], outs, name="channels_first")


@builder("group_unit_norm")
def build_group_unit_norm():
    L = keras.layers
    seq = keras.Input((6, 8), name="sequence")
    grid = keras.Input((4, 5, 6), name="grid")
    outs = [
        L.GroupNormalization(groups=4, epsilon=1e-2, name="gn_last")(seq),
        L.GroupNormalization(groups=2, axis=1, center=False, name="gn_axis1")(grid),
        L.GroupNormalization(groups=-1, scale=False, name="gn_per_channel")(grid),
        L.UnitNormalization(name="unit_last")(seq),
    ]
    return keras.Model([seq, grid], outs, name="group_unit_norm")


@builder("unit_norm_axes")
def build_unit_norm_axes():
    """Keras 3.15 reloads its legacy .h5 of a UnitNormalization over a list of axes with axis=-1, so this
    model has no k3 .h5 (make_one skips it: the reload differs)."""
    L = keras.layers
    grid = keras.Input((4, 5, 6), name="grid")
    outs = [L.UnitNormalization(axis=[1, 2], name="unit_12")(grid),
            L.UnitNormalization(axis=[-1, 1], name="unit_31")(grid)]
    return keras.Model(grid, outs, name="unit_norm_axes")


@builder("dot")
def build_dot():
    L = keras.layers
    a = keras.Input((6,), name="a")
    b = keras.Input((6,), name="b")
    s = keras.Input((5, 8), name="s")
    t = keras.Input((4, 8), name="t")
    u = keras.Input((5, 3), name="u")
    outs = [
        L.Dot(axes=1, name="inner")([a, b]),
        L.Dot(axes=-1, normalize=True, name="cosine")([a, b]),
        L.Dot(axes=(2, 2), name="scores")([s, t]),
        L.Dot(axes=1, normalize=True, name="cross_cosine")([s, u]),
        L.Dot(axes=(1, 2), name="vector_matrix")([a, L.Dense(6, name="to6")(s)]),
    ]
    return keras.Model([a, b, s, t, u], outs, name="dot")


@builder("einsum_dense")
def build_einsum_dense():
    L = keras.layers
    s = keras.Input((5, 8), name="s")
    outs = [
        L.EinsumDense("abc,cd->abd", output_shape=(5, 7), bias_axes="d", activation="relu", name="dense_like")(s),
        L.EinsumDense("...b,bc->...c", output_shape=4, name="ellipsis_no_bias")(s),
        L.EinsumDense("abc,cde->abde", output_shape=(5, 2, 3), bias_axes="de", name="heads")(s),
        L.EinsumDense("aXc,Xcd->ad", output_shape=3, bias_axes="d", activation="tanh", name="upper_case_sum")(s),
        L.EinsumDense("ab...,bc->ac...", output_shape=6, bias_axes="c", name="right_ellipsis")(s),
    ]
    return keras.Model(s, outs, name="einsum_dense")


@builder("time_distributed")
def build_time_distributed():
    L = keras.layers
    seq = keras.Input((None, 4), name="sequence")  # unknown time length: the unfold reads it at run time
    clips = keras.Input((3, 6, 6, 2), name="clips")
    tracks = keras.Input((3, 5, 4), name="tracks")
    dense = L.TimeDistributed(L.Dense(5, activation="relu"), name="td_dense")(seq)
    x = L.TimeDistributed(L.Conv2D(4, 3, padding="same", activation="relu"), name="td_conv")(clips)
    x = L.TimeDistributed(L.BatchNormalization(), name="td_bn")(x)
    x = L.TimeDistributed(L.MaxPooling2D(2), name="td_pool")(x)
    x = L.TimeDistributed(L.Flatten(), name="td_flatten")(x)
    rnn = L.TimeDistributed(L.Bidirectional(L.GRU(3)), name="td_bidirectional")(tracks)
    return keras.Model([seq, clips, tracks], [dense, x, rnn], name="time_distributed")


@builder("masking")
def build_masking():
    """Dense(1, relu) + 0.5 is exactly 0.5 where the ReLU cuts, so Masking(0.5) zeroes those time steps."""
    L = keras.layers
    return sequential([
        keras.Input((6, 2), name="sequence"),
        L.Dense(1, activation="relu", name="gate"),
        L.Rescaling(1.0, offset=0.5, name="shift"),
        L.Masking(mask_value=0.5, name="masking"),
        L.Identity(name="identity"),
        L.Dense(3, name="head"),
    ], name="masking")


def application_module(name):
    """keras.applications.NAME's implementation module for the running Keras (its custom layers live there)."""
    import importlib
    package = "keras.src.applications" if version_of_keras() == 3 else "tf_keras.src.applications"
    return importlib.import_module(f"{package}.{name}")


def convnext_layers():
    """keras.applications.convnext's LayerScale and StochasticDepth for the running Keras."""
    module = application_module("convnext")
    return module.LayerScale, module.StochasticDepth


@builder("convnext_block")
def build_convnext_block():
    """One ConvNeXt block as keras.applications.convnext writes it: depthwise conv, LayerNormalization,
    pointwise MLP, LayerScale, StochasticDepth, residual add."""
    L = keras.layers
    LayerScale, StochasticDepth = convnext_layers()
    dim = 4
    x = keras.Input((8, 8, dim), name="image")
    h = L.Conv2D(dim, 3, padding="same", groups=dim, name="depthwise")(x)
    h = L.LayerNormalization(epsilon=1e-6, name="norm")(h)
    h = L.Dense(4 * dim, name="pointwise_1")(h)
    h = L.Activation("gelu", name="gelu")(h)
    h = L.Dense(dim, name="pointwise_2")(h)
    h = LayerScale(1e-6, dim, name="layer_scale")(h)
    h = StochasticDepth(0.1, name="stochastic_depth")(h)
    out = L.Add(name="residual")([x, h])
    return keras.Model(x, out, name="convnext_block")


@builder("custom_scale")
def build_custom_scale():
    """InceptionResNetV2's residual join: shortcut + residual * scale."""
    L = keras.layers
    CustomScaleLayer = application_module("inception_resnet_v2").CustomScaleLayer
    x = keras.Input((5, 5, 3), name="image")
    residual = L.Conv2D(3, 1, name="residual")(x)
    out = CustomScaleLayer(0.17, name="scale")([x, residual])
    return keras.Model(x, out, name="custom_scale")


def register_application_layers():
    """LayerScale, StochasticDepth and CustomScaleLayer are not registered Keras objects, so a legacy .h5
    names them by class only; reloading one needs them as custom objects, as the user's own loading code
    would."""
    try:
        layer_scale, stochastic_depth = convnext_layers()
        custom_scale = application_module("inception_resnet_v2").CustomScaleLayer
    except (ImportError, AttributeError) as e:
        print(f"  keras.applications layers unavailable: {e}")
        return
    keras.utils.get_custom_objects().update({"LayerScale": layer_scale, "StochasticDepth": stochastic_depth,
                                             "CustomScaleLayer": custom_scale})


def randomise_weights(model, seed):
    """Replace the weights initialised to constants (biases, norm parameters, PReLU alpha) and the small
    uniform embeddings by seeded random values; BatchNorm variances and gammas stay positive."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        name = (getattr(w, "path", None) or w.name).split(":")[0]
        leaf = name.split("/")[-1]
        value = np.asarray(w.numpy() if hasattr(w, "numpy") else keras.backend.get_value(w))
        if leaf in ("moving_variance", "gamma"):
            new = rng.uniform(0.5, 1.5, value.shape)
        elif leaf == "alpha":
            new = rng.uniform(0.05, 0.5, value.shape)
        elif leaf in ("scale", "concat_score_weight"):
            new = rng.uniform(0.5, 1.5, value.shape)
        elif leaf == "embeddings":
            new = rng.standard_normal(value.shape)
        elif leaf in ("bias", "beta", "moving_mean") or (value.size > 1 and np.all(value == value.flat[0])):
            new = value + rng.normal(0.0, 0.3, value.shape)
        else:
            continue
        w.assign(new.astype(value.dtype))


def seed_for(name):
    return zlib.crc32(name.encode()) % (2**31)


def saved_files(name, version):
    """(kind, files) pairs to write for a model: the first is the reference that io.npz is recorded from."""
    files = [("h5", (f"{name}.h5",)), ("keras", (f"{name}.keras",))]
    if name in JSON_PAIR:
        files.append(("json", (f"{name}.json", f"{name}.weights.h5")))
        if version == 2:
            # tf_keras writes the Keras 3 style layout (layers/NAME/vars/0) for a ".weights.h5" name and the
            # legacy Keras 2 layout (layer_names / weight_names attributes) for any other ".h5" name.
            files.append(("json", (f"{name}.json", f"{name}_weights.h5")))
    return files


def save(model, kind, paths):
    if kind == "h5":
        if version_of_keras() == 3:
            model.save(paths[0])  # legacy HDF5, chosen by the .h5 suffix
        else:
            model.save(paths[0], save_format="h5")
    elif kind == "keras":
        model.save(paths[0])
    else:
        with open(paths[0], "w") as f:
            f.write(model.to_json())
        model.save_weights(paths[1])
        if version_of_keras() == 2:
            import h5py
            with h5py.File(paths[1], "r") as f:
                legacy = "layer_names" in f.attrs
            if legacy != (not paths[1].endswith(".weights.h5")):
                raise RuntimeError(f"{paths[1]}: unexpected weights layout (legacy: {legacy})")


def version_of_keras():
    return int(keras.__version__.split(".")[0])


def remove(paths):
    for p in paths:
        if os.path.exists(p):
            os.remove(p)


def make_one(name, out_dir, version, failures):
    print(f"{name}:")
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed_for(name))
    try:
        model = BUILDERS[name]()
        randomise_weights(model, seed_for(name))
    except Exception as e:  # noqa: BLE001
        failures.append((name, f"build failed: {type(e).__name__}: {e}"))
        print(f"  SKIP: {failures[-1][1]}")
        traceback.print_exc(limit=2)
        return
    inputs = None
    reference = None  # outputs of the first saved file reloaded; written to NAME.io.npz
    io_path = os.path.join(out_dir, f"{name}.io.npz")
    kept = set()  # files saved and verified so far (a JSON architecture can serve two weights files)

    def skip(files, paths, why):
        remove(p for p in paths if p not in kept)
        failures.append((" + ".join(files), why))
        print(f"  SKIP {failures[-1][0]}: {why}")

    def max_diff(xs, ys):
        return max((float(np.max(np.abs(a - b))) for a, b in zip(xs, ys) if a.size), default=0.0)

    def same(xs, ys):
        return len(xs) == len(ys) and all(a.shape == b.shape and np.allclose(a, b, atol=1e-5, rtol=1e-5)
                                          for a, b in zip(xs, ys))

    remove([io_path])
    for kind, files in saved_files(name, version):
        paths = [os.path.join(out_dir, f) for f in files]
        remove(p for p in paths if p not in kept)
        try:
            save(model, kind, paths)
        except Exception as e:  # noqa: BLE001
            skip(files, paths, f"save failed: {type(e).__name__}: {e}")
            continue
        try:
            reloaded = record_io.load_model(paths[0], paths[1] if len(paths) > 1 else None)
            if inputs is None:
                inputs = record_io.make_inputs(reloaded, seed=0)
            outputs = record_io.run_model(reloaded, inputs)
        except Exception as e:  # noqa: BLE001
            skip(files, paths, f"reload failed: {type(e).__name__}: {e}")
            continue
        in_memory = record_io.run_model(model, inputs)
        if not same(outputs, in_memory):
            skip(files, paths, f"reloaded model differs from the in-memory one "
                               f"(max diff {max_diff(outputs, in_memory)})")
            continue
        if reference is None:
            reference = outputs
            np.savez(io_path, **record_io.io_dict(inputs, outputs))
            print(record_io.describe(reloaded, inputs, outputs))
        elif not same(outputs, reference):
            skip(files, paths, f"differs from {name}.io.npz (max diff {max_diff(outputs, reference)})")
            continue
        kept.update(paths)
        sizes = ", ".join(f"{os.path.basename(p)} {os.path.getsize(p)} B" for p in paths)
        print(f"  saved {sizes}; reloaded: max diff to the in-memory model "
              f"{max_diff(outputs, in_memory):.3g}, to {name}.io.npz {max_diff(outputs, reference):.3g}")


def check_dir(out_dir):
    """Reload every saved file in out_dir and rerun the inputs of its NAME.io.npz."""
    bad = 0
    for io_name in sorted(f for f in os.listdir(out_dir) if f.endswith(".io.npz")):
        name = io_name[: -len(".io.npz")]
        io_path = os.path.join(out_dir, io_name)
        for files in ([f"{name}.h5"], [f"{name}.keras"], [f"{name}.json", f"{name}.weights.h5"],
                      [f"{name}.json", f"{name}_weights.h5"]):
            paths = [os.path.join(out_dir, f) for f in files]
            if not all(os.path.exists(p) for p in paths):
                continue
            keras.backend.clear_session()
            try:
                model = record_io.load_model(paths[0], paths[1] if len(paths) > 1 else None)
                ok, worst = record_io.check(model, io_path)
            except Exception as e:  # noqa: BLE001
                ok, worst = False, f"{type(e).__name__}: {e}"
            bad += not ok
            shown = " + ".join(os.path.basename(p) for p in paths)
            print(f"{'ok' if ok else 'MISMATCH'} {shown} vs {io_name}: max diff {worst}")
    return bad


def main():
    global keras
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="writes OUT_DIR/k3 or OUT_DIR/k2")
    parser.add_argument("--keras", type=int, choices=(2, 3), default=3)
    parser.add_argument("--models", nargs="+", choices=sorted(BUILDERS), default=list(BUILDERS))
    parser.add_argument("--check", action="store_true", help="only reload the saved files and compare")
    args = parser.parse_args()
    keras = record_io.import_keras(legacy=args.keras == 2)
    out_dir = os.path.join(args.out_dir, f"k{args.keras}")
    os.makedirs(out_dir, exist_ok=True)
    print(f"Keras {keras.__version__} -> {out_dir}")
    register_application_layers()
    if args.check:
        return 1 if check_dir(out_dir) else 0
    failures = []
    for name in args.models:
        make_one(name, out_dir, args.keras, failures)
    if failures:
        print("skipped:")
        for what, why in failures:
            print(f"  {what}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
