"""Export torchvision models to ONNX with torch.onnx, random weights, for the interpreter's latency benchmark.

Usage: python converters/torch/export_vision_models.py OUT_DIR [--models resnet50 mobilenet_v2 vit_b_16]

For each model writes OUT_DIR/NAME.onnx and OUT_DIR/NAME.io.npz (a seeded 1x3x224x224 input and torch's own
output for it), so the benchmark can also check that the interpreter reproduces torch. Weights are random
(torch.manual_seed(0), no download); BatchNorm statistics are randomised too so they are not the identity,
and ViT's zero-initialised classifier gets random weights so its output is not all zeros.
"""
import argparse
import os

import numpy as np
import torch
import torchvision

MODELS = ("resnet50", "mobilenet_v2", "vit_b_16")


def randomise_batchnorm(model, generator):
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            channels = module.num_features
            module.running_mean.copy_(torch.randn(channels, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(channels, generator=generator) * 0.5 + 0.75)


def randomise_zero_heads(model, generator):
    """torchvision starts ViT's classifier at zero, which would make every output 0 and the comparison empty."""
    for module in model.modules():
        if isinstance(module, torch.nn.Linear) and not module.weight.any():
            module.weight.copy_(torch.randn(module.weight.shape, generator=generator) * 0.02)


def export(name, out_dir):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    with torch.no_grad():
        generator = torch.Generator().manual_seed(1)
        randomise_batchnorm(model, generator)
        randomise_zero_heads(model, generator)
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((1, 3, 224, 224), dtype=np.float32))
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out_dir, f"{name}.onnx")
    torch.onnx.export(model, (x,), path, input_names=["input"], output_names=["output"],
                      opset_version=18, dynamo=True, external_data=False)
    np.savez(os.path.join(out_dir, f"{name}.io.npz"), input=x.numpy(), output=y.numpy())
    print(f"{path}: {os.path.getsize(path) / 1e6:.1f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    torch.set_num_threads(2)
    for name in args.models:
        export(name, args.out_dir)


if __name__ == "__main__":
    main()
