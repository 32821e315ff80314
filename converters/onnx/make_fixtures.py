"""Write the .onnx fixtures the Swift ONNX module's tests read (testdata/onnx/).

Run from the repository root with the pinned onnx (converters/onnx/requirements.txt):

    $(scripts/python-env.sh onnx converters/onnx/requirements.txt) converters/onnx/make_fixtures.py

Between them the models set every field of onnx.proto's ModelProto tree at least once, so a load → save
round trip in Swift is checked field by field against what onnx itself wrote. testdata/onnx/README.md
lists what each file exercises. Numbers the Swift tests hardcode (parameter counts, external weights)
are defined here and printed by the script; the tests say where they come from.

Output is deterministic: random weights come from a seeded generator, and rerunning the script
rewrites identical files.
"""

import os
import shutil
import sys

import ml_dtypes
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata", "onnx")

PRODUCER = "onnx-convert make_fixtures.py"


def save(model, name, check=True):
    if check:
        onnx.checker.check_model(model, full_check=True)
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(model.SerializeToString(deterministic=True))
    print_summary(name, model)
    return path


def stored_bytes(tensor, elements):
    """Bytes as Tensor.byteCount counts them: raw_data's length, the external length, the strings'
    lengths, or else elements × bit width rounded up to bytes (sub-byte types packed)."""
    if tensor.data_location == TensorProto.EXTERNAL:
        return int(next((e.value for e in tensor.external_data if e.key == "length"), 0))
    if tensor.HasField("raw_data"):
        return len(tensor.raw_data)
    if tensor.data_type == TensorProto.STRING:
        return sum(len(s) for s in tensor.string_data)
    if tensor.data_type == TensorProto.UNDEFINED:
        return 0
    bits = {TensorProto.INT4: 4, TensorProto.UINT4: 4, TensorProto.COMPLEX64: 64}.get(
        tensor.data_type, 8 * helper.tensor_dtype_to_np_dtype(tensor.data_type).itemsize)
    return (elements * bits + 7) // 8


def print_summary(name, model):
    """The numbers Tests/ONNXTests hardcode, counted the way ModelSummary and transformTensors count:
    nodes of every graph (nested ones and function bodies included), initializers of every graph (not
    function bodies or training graphs), and every TensorProto anywhere in the model."""
    ops, parameters, parameter_bytes, tensors = {}, 0, 0, 0

    def op_name(node):
        return node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}::{node.op_type}"

    def attribute_tensors(attribute):
        sparse = list(attribute.sparse_tensors) + ([attribute.sparse_tensor] if attribute.HasField("sparse_tensor") else [])
        return (attribute.HasField("t") + len(attribute.tensors) + 2 * len(sparse)
                + sum(graph_tensors(g) for g in subgraphs(attribute)))

    def subgraphs(attribute):
        return ([attribute.g] if attribute.HasField("g") else []) + list(attribute.graphs)

    def graph_tensors(graph):
        return (len(graph.initializer) + 2 * len(graph.sparse_initializer)
                + sum(attribute_tensors(a) for n in graph.node for a in n.attribute))

    def visit(graph, count_parameters=True):
        nonlocal parameters, parameter_bytes
        for node in graph.node:
            ops[op_name(node)] = ops.get(op_name(node), 0) + 1
            for attribute in node.attribute:
                for g in subgraphs(attribute):
                    visit(g, count_parameters)
        if count_parameters:
            for t in graph.initializer:
                n = int(np.prod(t.dims, dtype=np.int64))
                parameters += n
                parameter_bytes += stored_bytes(t, n)

    visit(model.graph)
    for function in model.functions:
        visit(onnx.GraphProto(node=function.node))
    tensors = graph_tensors(model.graph)
    for function in model.functions:
        tensors += sum(attribute_tensors(a) for n in function.node for a in n.attribute)
        tensors += sum(attribute_tensors(a) for a in function.attribute_proto)
    for info in model.training_info:
        tensors += graph_tensors(info.initialization) + graph_tensors(info.algorithm)
    histogram = sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))
    print(f"{name}: nodes {sum(ops.values())}, ops {histogram}, parameters {parameters} "
          f"({parameter_bytes} bytes), tensors {tensors}")


def float_tensor(rng, name, shape):
    """Random float32 weights, stored in raw_data (numpy_helper's layout)."""
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)


# (a) A small CNN ---------------------------------------------------------------------------------------

CNN_SHAPES = {
    "conv1.weight": (4, 1, 3, 3),
    "conv1.bias": (4,),
    "conv2.weight": (4, 4, 3, 3),
    "conv2.bias": (4,),
    "fc.weight": (10, 64),
    "fc.bias": (10,),
}


def cnn():
    """input [N, 1, 8, 8] → Conv → Relu → MaxPool → Conv → Relu → Flatten → Gemm → logits [N, 10]."""
    rng = np.random.default_rng(20240601)
    initializers = [float_tensor(rng, name, shape) for name, shape in CNN_SHAPES.items()]
    initializers[0].doc_string = "first convolution's kernels"
    nodes = [
        helper.make_node("Conv", ["input", "conv1.weight", "conv1.bias"], ["c1"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], doc_string="3×3 convolution, same padding"),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "conv2.weight", "conv2.bias"], ["c2"], name="conv2",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("Flatten", ["r2"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "tiny_cnn",
        inputs=[helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 8, 8], doc_string="images")],
        outputs=[helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
        initializer=initializers,
        doc_string="A tiny convolutional classifier.",
        value_info=[helper.make_tensor_value_info("p1", TensorProto.FLOAT, ["N", 4, 4, 4])],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 21)], producer_name=PRODUCER,
        producer_version="1.0", domain="org.onnxconvert.fixtures", model_version=7,
        doc_string="Fixture (a): a small CNN.")
    model.ir_version = 10
    helper.set_model_props(model, {"author": "fixtures", "license": "CC0"})

    return model


# (b) Control flow: If, Loop and Scan with nested graphs ----------------------------------------------

def control_flow():
    f = TensorProto.FLOAT
    # If: each branch has its own initializer and value_info, and reads x from the outer scope.
    then_branch = helper.make_graph(
        [helper.make_node("Add", ["x", "then_bias"], ["then_sum"]),
         helper.make_node("Identity", ["then_sum"], ["then_out"])],
        "then_branch", [], [helper.make_tensor_value_info("then_out", f, [2, 3])],
        initializer=[numpy_helper.from_array(np.full((2, 3), 1.5, np.float32), "then_bias")],
        value_info=[helper.make_tensor_value_info("then_sum", f, [2, 3])])
    else_branch = helper.make_graph(
        [helper.make_node("Mul", ["x", "else_scale"], ["else_out"])],
        "else_branch", [], [helper.make_tensor_value_info("else_out", f, [2, 3])],
        initializer=[numpy_helper.from_array(np.array(-2.0, np.float32), "else_scale")])

    # Loop body, itself holding an If whose branches have initializers (graphs nested two deep).
    inner_then = helper.make_graph(
        [helper.make_node("Mul", ["v_in", "two"], ["inner_then_out"])],
        "inner_then", [], [helper.make_tensor_value_info("inner_then_out", f, [2, 3])],
        initializer=[numpy_helper.from_array(np.array(2.0, np.float32), "two")])
    inner_else = helper.make_graph(
        [helper.make_node("Identity", ["v_in"], ["inner_else_out"])],
        "inner_else", [], [helper.make_tensor_value_info("inner_else_out", f, [2, 3])])
    loop_body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("If", ["cond_in"], ["scaled"], then_branch=inner_then, else_branch=inner_else),
         helper.make_node("Add", ["scaled", "step"], ["v_out"]),
         helper.make_node("Identity", ["v_out"], ["v_scan"])],
        "loop_body",
        [helper.make_tensor_value_info("iter", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_in", f, [2, 3])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", f, [2, 3]),
         helper.make_tensor_value_info("v_scan", f, [2, 3])],
        initializer=[numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "step")],
        value_info=[helper.make_tensor_value_info("scaled", f, [2, 3])])

    # Scan body: running sum over rows, each sum scaled by k.
    scan_body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "row"], ["s_out"]),
         helper.make_node("Mul", ["s_out", "k"], ["y"])],
        "scan_body",
        [helper.make_tensor_value_info("s_in", f, [2]), helper.make_tensor_value_info("row", f, [2])],
        [helper.make_tensor_value_info("s_out", f, [2]), helper.make_tensor_value_info("y", f, [2])],
        initializer=[numpy_helper.from_array(np.array([0.5, 0.25], np.float32), "k")])

    nodes = [
        helper.make_node("If", ["cond"], ["if_out"], name="branch", then_branch=then_branch,
                         else_branch=else_branch),
        helper.make_node("Loop", ["trips", "cond", "if_out"], ["loop_v", "loop_scan"], name="loop",
                         body=loop_body),
        helper.make_node("Scan", ["s0", "rows"], ["s_final", "ys"], name="scan", body=scan_body,
                         num_scan_inputs=1),
    ]
    graph = helper.make_graph(
        nodes, "control_flow",
        [helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
         helper.make_tensor_value_info("x", f, [2, 3]),
         helper.make_tensor_value_info("trips", TensorProto.INT64, []),
         helper.make_tensor_value_info("s0", f, [2]),
         helper.make_tensor_value_info("rows", f, [3, 2])],
        [helper.make_tensor_value_info("loop_v", f, [2, 3]),
         helper.make_tensor_value_info("loop_scan", f, ["trips", 2, 3]),
         helper.make_tensor_value_info("s_final", f, [2]),
         helper.make_tensor_value_info("ys", f, [3, 2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)], producer_name=PRODUCER)
    model.ir_version = 10
    return model


# (c) A model-local function ----------------------------------------------------------------------------

FN_DOMAIN = "org.onnxconvert.fn"


def functions():
    f = TensorProto.FLOAT
    # Z = X * alpha + LeakyRelu(Y, alpha=beta): alpha has a default (attribute_proto), beta must be given
    # by the caller (attribute); both reach the body through ref_attr_name.
    constant = helper.make_node("Constant", [], ["A"])
    constant.attribute.append(helper.make_attribute_ref("value_float", onnx.AttributeProto.FLOAT, ref_attr_name="alpha"))
    leaky = helper.make_node("LeakyRelu", ["Y"], ["LY"])
    leaky.attribute.append(helper.make_attribute_ref("alpha", onnx.AttributeProto.FLOAT, ref_attr_name="beta"))
    scaled_add = helper.make_function(
        FN_DOMAIN, "ScaledAdd", ["X", "Y"], ["Z"],
        [constant, helper.make_node("Mul", ["X", "A"], ["XA"]), leaky, helper.make_node("Add", ["XA", "LY"], ["Z"])],
        opset_imports=[helper.make_opsetid("", 21)],
        attributes=["beta"],
        attribute_protos=[helper.make_attribute("alpha", 2.0)],
        doc_string="Z = X·alpha + LeakyRelu(Y, beta)")
    scaled_add.value_info.append(helper.make_tensor_value_info("XA", f, None))
    helper.set_metadata_props(scaled_add, {"origin": "fixtures"})

    # A second function under an overload name, called with that overload.
    twice = helper.make_function(
        FN_DOMAIN, "Twice", ["T"], ["U"], [helper.make_node("Add", ["T", "T"], ["U"])],
        opset_imports=[helper.make_opsetid("", 21)], overload="v2")

    graph = helper.make_graph(
        [helper.make_node("ScaledAdd", ["x", "y"], ["z"], domain=FN_DOMAIN, name="call", beta=0.1),
         helper.make_node("Twice", ["z"], ["out"], domain=FN_DOMAIN, name="call_twice", overload="v2")],
        "function_caller",
        [helper.make_tensor_value_info("x", f, [3]), helper.make_tensor_value_info("y", f, [3])],
        [helper.make_tensor_value_info("out", f, [3])])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid(FN_DOMAIN, 1)],
        producer_name=PRODUCER, functions=[scaled_add, twice])
    model.ir_version = 10
    return model


# (d) Every tensor storage, type and remaining field ---------------------------------------------------

def typed(name, data_type, dims, values):
    """A tensor in the typed field onnx's helper picks for `data_type` (raw=False)."""
    return helper.make_tensor(name, data_type, dims, values, raw=False)


def tensor_storage():

    initializers = [
        typed("f32_typed", TensorProto.FLOAT, [2, 3], [0.5, -1.0, 2.25, 3.0, -4.5, 1e-3]),           # float_data
        typed("f16_typed", TensorProto.FLOAT16, [3], np.array([1.0, -2.0, 65504.0], np.float16)),     # int32_data
        typed("bf16_typed", TensorProto.BFLOAT16, [2], [1.0, -0.5]),                                  # int32_data
        typed("i8_typed", TensorProto.INT8, [4], [-128, -1, 0, 127]),                                 # int32_data
        typed("u16_typed", TensorProto.UINT16, [2], [0, 65535]),                                      # int32_data
        typed("bool_typed", TensorProto.BOOL, [3], [True, False, True]),                              # int32_data
        typed("f8_typed", TensorProto.FLOAT8E4M3FN, [2], [1.0, -3.0]),                                # int32_data
        typed("u4_typed", TensorProto.UINT4, [3], [1, 15, 7]),                                        # int32_data, packed
        typed("i32_typed", TensorProto.INT32, [2], [-(2**31), 2**31 - 1]),                            # int32_data
        typed("i64_typed", TensorProto.INT64, [2], [-(2**63), 2**40]),                                # int64_data
        typed("f64_typed", TensorProto.DOUBLE, [2], [1.0 / 3.0, -1e300]),                             # double_data
        typed("u32_typed", TensorProto.UINT32, [2], [1, 4_000_000_000]),                              # uint64_data
        typed("u64_typed", TensorProto.UINT64, [2], [0, 2**64 - 1]),                                  # uint64_data
        typed("c64_typed", TensorProto.COMPLEX64, [2], [complex(1, 2), complex(-3, 0.5)]),            # float_data
        typed("str_typed", TensorProto.STRING, [3], [b"alpha", b"", "\u00e9t\u00e9".encode()]),      # string_data
        numpy_helper.from_array(np.array([1.0, -2.0, 0.5], np.float16), "f16_raw"),                   # raw_data
        numpy_helper.from_array(np.array([1.0, -2.0, 3.5], ml_dtypes.bfloat16), "bf16_raw"),
        numpy_helper.from_array(np.array([1, -2, 7, -8, 3], ml_dtypes.int4), "i4_raw"),               # 3 bytes
        numpy_helper.from_array(np.zeros((0, 4), np.float32), "empty_raw"),                            # raw_data ""
    ]
    # Presence: a name that is set but empty, an explicit DEFAULT data_location, a segment, doc, metadata.
    located = numpy_helper.from_array(np.array([7], np.int64), "located")
    located.data_location = TensorProto.DEFAULT
    located.doc_string = ""
    helper.set_metadata_props(located, {"unit": "count"})
    initializers.append(located)
    segmented = numpy_helper.from_array(np.array([1, 2], np.int32), "segmented")
    segmented.segment.begin = 0
    segmented.segment.end = 2
    initializers.append(segmented)
    no_type = TensorProto()   # no data_type, no data: only dims and a name
    no_type.name = "no_type"
    no_type.dims.extend([0])
    initializers.append(no_type)

    sparse = helper.make_sparse_tensor(
        helper.make_tensor("sparse_w", TensorProto.FLOAT, [3], [1.5, -2.0, 4.0]),
        helper.make_tensor("sparse_w_indices", TensorProto.INT64, [3], [1, 4, 8]),
        [2, 5])

    # A Constant whose tensor is unnamed-but-present, and a node with one attribute of every kind.
    const_value = typed("", TensorProto.FLOAT, [2], [3.0, 4.0])
    constant = helper.make_node("Constant", [], ["c"], value=const_value)
    constant.name = ""   # present, empty (make_node leaves an empty name out)
    subgraph = helper.make_graph(
        [helper.make_node("Identity", ["c"], ["g_out"])], "attr_graph", [],
        [helper.make_tensor_value_info("g_out", TensorProto.FLOAT, [2])])
    legacy = helper.make_attribute("legacy_int", 5)
    legacy.ClearField("type")   # IR version 1 style: the value says the type
    all_attrs = helper.make_node(
        "AllAttributes", ["c"], ["d"], domain="org.onnxconvert.test", name="all_attributes",
        doc_string="one attribute of each kind",
        f=0.25, i=-3, s="text", t=typed("t", TensorProto.INT32, [1], [9]), g=subgraph,
        floats=[1.0, 2.5], ints=[1, -2, 3], strings=[b"a", b"\xff\x00"],
        tensors=[typed("t0", TensorProto.FLOAT, [1], [1.0]), typed("t1", TensorProto.INT64, [1], [2])],
        graphs=[subgraph],
        sparse_tensor=sparse,
        sparse_tensors=[sparse],
        type_proto=helper.make_tensor_type_proto(TensorProto.FLOAT, [2]),
        type_protos=[helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.INT64, None))])
    all_attrs.attribute.append(legacy)
    all_attrs.attribute.append(helper.make_attribute("empty_ints", [], attr_type=onnx.AttributeProto.INTS))
    helper.set_metadata_props(all_attrs, {"note": "node metadata"})
    all_attrs.attribute[0].doc_string = "attribute doc"
    # Multi-device annotations (IR 11).
    device_config = all_attrs.device_configurations.add()
    device_config.configuration_id = "two_gpus"
    device_config.pipeline_stage = 0
    spec = device_config.sharding_spec.add()
    spec.tensor_name = "c"
    spec.device.extend([0, 1])
    group = spec.index_to_device_group_map.add()
    group.key = 0
    group.value.extend([0, 1])
    dim = spec.sharded_dim.add()
    dim.axis = 0
    simple = dim.simple_sharding.add()
    simple.dim_value = 2
    simple.num_shards = 2
    simple2 = dim.simple_sharding.add()
    simple2.dim_param = "n"
    simple2.num_shards = 1

    # Value types beyond dense tensors, with denotations and every kind of dimension.
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, None, 224])
    image.type.denotation = "IMAGE"
    for d, den in zip(image.type.tensor_type.shape.dim, ["DATA_BATCH", "DATA_CHANNEL", "DATA_FEATURE", ""]):
        d.denotation = den
    unranked = helper.make_tensor_value_info("unranked", TensorProto.FLOAT, None)
    helper.set_metadata_props(unranked, {"shape": "unknown"})
    untyped = onnx.ValueInfoProto()
    untyped.name = "untyped"
    unset_type = onnx.ValueInfoProto(name="unset_type")
    unset_type.type.SetInParent()   # a TypeProto with none of its alternatives
    no_elem = onnx.ValueInfoProto(name="no_elem_type")
    no_elem.type.tensor_type.SetInParent()
    value_info = [
        image, unranked, untyped, unset_type, no_elem,
        helper.make_value_info("seq", helper.make_sequence_type_proto(
            helper.make_tensor_type_proto(TensorProto.FLOAT, [None]))),
        helper.make_value_info("map", helper.make_map_type_proto(
            TensorProto.STRING, helper.make_tensor_type_proto(TensorProto.INT64, []))),
        helper.make_value_info("opt", helper.make_optional_type_proto(
            helper.make_tensor_type_proto(TensorProto.INT32, [4]))),
        helper.make_value_info("sparse", helper.make_sparse_tensor_type_proto(TensorProto.FLOAT, [2, 5])),
        helper.make_value_info("opaque", _opaque_type("org.onnxconvert", "Handle")),
        helper.make_value_info("bare_seq", _bare_sequence_type()),
    ]

    annotation = onnx.TensorAnnotation()
    annotation.tensor_name = "f32_typed"
    for key, value in [("SCALE_TENSOR", "f32_scale"), ("ZERO_POINT_TENSOR", "f32_zero_point")]:
        entry = annotation.quant_parameter_tensor_names.add()
        entry.key, entry.value = key, value

    graph = helper.make_graph(
        [constant, all_attrs], "tensor_storage",
        [helper.make_tensor_value_info("unused_in", TensorProto.UINT8, [1])],
        [helper.make_tensor_value_info("d", TensorProto.FLOAT, [2])],
        initializer=initializers, value_info=value_info, sparse_initializer=[sparse])
    graph.quantization_annotation.append(annotation)
    helper.set_metadata_props(graph, {"graph_key": "graph_value"})

    model = helper.make_model(
        graph, opset_imports=[onnx.OperatorSetIdProto(version=21), helper.make_opsetid("org.onnxconvert.test", 1)],
        producer_name=PRODUCER, producer_version="", doc_string="")   # default domain absent, not ""
    model.ir_version = 11
    configuration = model.configuration.add()
    configuration.name = "two_gpus"
    configuration.num_devices = 2
    configuration.device.extend(["cuda:0", "cuda:1"])

    # Training info: an initialization graph and an update graph with their bindings.
    init_graph = helper.make_graph(
        [helper.make_node("ConstantOfShape", ["shape"], ["w0"])], "init", [],
        [helper.make_tensor_value_info("w0", TensorProto.FLOAT, [2])],
        initializer=[numpy_helper.from_array(np.array([2], np.int64), "shape")])
    update_graph = helper.make_graph(
        [helper.make_node("Sub", ["f32_typed", "grad"], ["f32_next"])], "update",
        [helper.make_tensor_value_info("grad", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("f32_next", TensorProto.FLOAT, [2, 3])],
        initializer=[numpy_helper.from_array(np.array(0.01, np.float32), "lr")])
    training = model.training_info.add()
    training.initialization.CopyFrom(init_graph)
    training.algorithm.CopyFrom(update_graph)
    entry = training.initialization_binding.add()
    entry.key, entry.value = "f32_typed", "w0"
    entry = training.update_binding.add()
    entry.key, entry.value = "f32_typed", "f32_next"
    # An entry whose value is absent, and a second training_info with nothing set.
    entry = training.update_binding.add()
    entry.key = "no_value"
    model.training_info.add()
    return model


def _opaque_type(domain, name):
    t = onnx.TypeProto()
    t.opaque_type.domain = domain
    t.opaque_type.name = name
    return t


def _bare_sequence_type():
    """A sequence type whose element type is absent."""
    t = onnx.TypeProto()
    t.sequence_type.SetInParent()
    return t


# (e) External data ------------------------------------------------------------------------------------

EXTERNAL_DIR = "external"
EXTERNAL_LOCATION = "weights.data"


def external():
    """y = x · W + b, W[i, j] = (32·i + j) / 4 (64×32), b[j] = j − 16, steps[k] = 10^k (int64)."""
    weight = (np.arange(64 * 32, dtype=np.float32) / 4).reshape(64, 32)
    bias = np.arange(32, dtype=np.float32) - 16
    steps = 10 ** np.arange(5, dtype=np.int64)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "weight"], ["xw"]),
         helper.make_node("Add", ["xw", "bias"], ["y"])],
        "external_linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 32])],
        initializer=[numpy_helper.from_array(weight, "weight"), numpy_helper.from_array(bias, "bias"),
                     numpy_helper.from_array(steps, "steps")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)], producer_name=PRODUCER)
    model.ir_version = 10
    onnx.checker.check_model(model, full_check=True)
    folder = os.path.join(OUT, EXTERNAL_DIR)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    onnx.save_model(model, os.path.join(folder, "model.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location=EXTERNAL_LOCATION, size_threshold=0)
    onnx.checker.check_model(os.path.join(folder, "model.onnx"), full_check=True)
    print_summary("external/model.onnx", onnx.load(os.path.join(folder, "model.onnx"), load_external_data=False))


def main():
    os.makedirs(OUT, exist_ok=True)
    save(cnn(), "cnn.onnx")
    save(control_flow(), "control_flow.onnx")
    save(functions(), "functions.onnx")
    # Not a valid model to the checker (custom op without schema, device config, typed uint4…): it is
    # here for its fields, not to run.
    save(tensor_storage(), "tensor_storage.onnx", check=False)
    external()

    total = 0
    for root, _, files in os.walk(OUT):
        for name in sorted(files):
            if name.endswith(".md"):
                continue
            size = os.path.getsize(os.path.join(root, name))
            total += size
            assert size < 100_000, f"{name} is {size} bytes"
            print(f"  {os.path.relpath(os.path.join(root, name), OUT)}: {size} bytes")
    assert total < 1_000_000, f"fixtures total {total} bytes"


if __name__ == "__main__":
    sys.exit(main())
