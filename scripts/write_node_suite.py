"""Writes the ONNX backend node test suite of the installed `onnx` package as files.

Usage: python scripts/write_node_suite.py OUT_DIR

Each case becomes OUT_DIR/<case>/model.onnx and test_data_set_N/input_K.pb, output_K.pb, the layout of
onnx's backend test data. Values come from the onnx package's own case definitions (its reference
implementations), never from this project.
"""
import os
import shutil
import sys

import onnx
from onnx import numpy_helper
from onnx.backend.test.case import node


def serialize(value, value_info):
    kind = value_info.type.WhichOneof("value")
    if isinstance(value, onnx.TensorProto):
        return value
    if kind == "map_type":
        return numpy_helper.from_dict(value, value_info.name)
    if kind == "sequence_type":
        return numpy_helper.from_list(value, value_info.name)
    if kind == "optional_type":
        return numpy_helper.from_optional(value, value_info.name)
    return numpy_helper.from_array(value, value_info.name)


def write_case(case, out_dir):
    case_dir = os.path.join(out_dir, case.name)
    if os.path.exists(case_dir):
        shutil.rmtree(case_dir)
    os.makedirs(case_dir)
    with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
        f.write(case.model.SerializeToString())
    graph = case.model.graph
    for i, (inputs, outputs) in enumerate(case.data_sets or []):
        data_dir = os.path.join(case_dir, f"test_data_set_{i}")
        os.makedirs(data_dir)
        for prefix, values, infos in (("input", inputs, graph.input), ("output", outputs, graph.output)):
            for k, value in enumerate(values):
                proto = serialize(value, infos[k])
                with open(os.path.join(data_dir, f"{prefix}_{k}.pb"), "wb") as f:
                    f.write(proto.SerializeToString())


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    cases = [c for c in node.collect_testcases() if c.model is not None]
    for case in cases:
        write_case(case, out_dir)
    with open(os.path.join(out_dir, "VERSION"), "w") as f:
        f.write(f"onnx {onnx.__version__}\n{len(cases)} cases\n")
    print(f"wrote {len(cases)} node test cases from onnx {onnx.__version__} to {out_dir}")


if __name__ == "__main__":
    main()
