import Foundation
import Testing
@testable import ONNX

/// What the IR holds for the fields the fixtures set (the round-trip tests check they are written back;
/// these check they are read as the right thing).
@Suite struct ProtoDecodingTests {
    let storage: Model
    let functions: Model

    init() throws {
        storage = try Fixtures.load("tensor_storage.onnx")
        functions = try Fixtures.load("functions.onnx")
    }

    @Test("each tensor keeps the field onnx stored it in")
    func tensorStorageKinds() throws {
        func kind(_ name: String) -> String {
            switch storage.initializer(name)?.storage {
            case .none?: return "none"
            case .raw?: return "raw"
            case .floats?: return "floats"
            case .int32s?: return "int32s"
            case .int64s?: return "int64s"
            case .doubles?: return "doubles"
            case .uint64s?: return "uint64s"
            case .strings?: return "strings"
            case .external?: return "external"
            case nil: return "missing"
            }
        }
        let expected = [
            "f32_typed": "floats", "c64_typed": "floats",
            "f16_typed": "int32s", "bf16_typed": "int32s", "i8_typed": "int32s", "u16_typed": "int32s",
            "bool_typed": "int32s", "f8_typed": "int32s", "u4_typed": "int32s", "i32_typed": "int32s",
            "i64_typed": "int64s", "f64_typed": "doubles", "u32_typed": "uint64s", "u64_typed": "uint64s",
            "str_typed": "strings", "f16_raw": "raw", "bf16_raw": "raw", "i4_raw": "raw", "empty_raw": "raw",
            "located": "raw", "segmented": "raw", "no_type": "none",
        ]
        for (name, storageKind) in expected {
            #expect(kind(name) == storageKind, "\(name)")
        }
        #expect(storage.graph?.initializers.count == expected.count)
    }

    @Test("tensor fields and their presence")
    func tensorFields() throws {
        let located = try #require(storage.initializer("located"))
        #expect(located.declaredDataLocation == 0)
        #expect(located.docString == "")
        #expect(located.metadata[key: "unit"] == "count")
        let segmented = try #require(storage.initializer("segmented"))
        #expect(segmented.segment == Tensor.Segment(begin: 0, end: 2))
        let noType = try #require(storage.initializer("no_type"))
        #expect(noType.dataType == nil && noType.dims == [0] && noType.storage == .none)
        #expect(storage.initializer("f32_typed")?.declaredDataLocation == nil)
        #expect(storage.initializer("empty_raw")?.storage == .raw(Data()))
        #expect(storage.initializer("str_typed")?.storage == .strings([Data("alpha".utf8), Data(), Data("été".utf8)]))
    }

    @Test("present-but-empty fields are told apart from absent ones")
    func presence() throws {
        let graph = try #require(storage.graph)
        let constant = graph.nodes[0]
        #expect(constant.opType == "Constant")
        #expect(constant.$name == "")
        #expect(constant.$domain == nil)
        let value = try #require(constant.attribute("value")?.tensorValue)
        #expect(value.$name == "")
        #expect(try value.floatValues() == [3, 4])
        #expect(graph.nodes[1].$name == "all_attributes")

        #expect(storage.producerVersion == "")
        #expect(storage.docString == "")
        #expect(storage.domain == nil && storage.modelVersion == nil)
        #expect(storage.opsetImports[0].$domain == nil)
        #expect(storage.opsetImports[0].isDefaultDomain)
        #expect(storage.opsetVersion(for: "ai.onnx") == 21)
        #expect(storage.opsetImports[1].$domain == "org.onnxconvert.test")
        #expect(storage.$irVersion == 11)

        let cnn = try Fixtures.load("cnn.onnx")
        #expect(cnn.domain == "org.onnxconvert.fixtures")
        #expect(cnn.modelVersion == 7)
        #expect(cnn.producerName == "onnx-convert make_fixtures.py" && cnn.producerVersion == "1.0")
        #expect(cnn.metadata[key: "author"] == "fixtures" && cnn.metadata[key: "license"] == "CC0")
        #expect(cnn.opsetImports[0].$domain == "")
        #expect(cnn.graph?.inputs[0].docString == "images")
        #expect(cnn.graph?.nodes[0].docString == "3×3 convolution, same padding")
        #expect(cnn.graph?.nodes[1].docString == nil)
    }

    @Test("one attribute of every kind")
    func attributes() throws {
        let node = try #require(storage.graph?.nodes[1])
        #expect(node.domain == "org.onnxconvert.test")
        #expect(node.attribute("f")?.value == .float(0.25))
        #expect(node.attribute("f")?.docString == "attribute doc")
        #expect(node.attribute("i")?.value == .int(-3))
        #expect(node.attribute("s")?.stringValue == "text")
        #expect(try node.attribute("t")?.tensorValue?.int64Values() == [9])
        #expect(node.attribute("g")?.graphValue?.name == "attr_graph")
        #expect(node.attribute("floats")?.value == .floats([1, 2.5]))
        #expect(node.attribute("ints")?.value == .ints([1, -2, 3]))
        #expect(node.attribute("strings")?.value == .strings([Data("a".utf8), Data([0xFF, 0x00])]))
        #expect(node.attribute("tensors")?.type == .tensors)
        #expect(node.attribute("graphs")?.type == .graphs)
        #expect(node.attribute("sparse_tensor")?.type == .sparseTensor)
        #expect(node.attribute("sparse_tensors")?.type == .sparseTensors)
        #expect(node.attribute("type_proto")?.value == .typeProto(.tensor(.float, TensorShape([2]))))
        #expect(node.attribute("type_protos")?.value
            == .typeProtos([ValueType(.sequence(ValueType(.tensor(elementType: .int64, shape: nil))))]))
        // A declared INTS with no elements, and an IR-1 style attribute whose type comes from its value.
        #expect(node.attribute("empty_ints")?.value == .ints([]))
        #expect(node.attribute("empty_ints")?.declaresType == true)
        #expect(node.attribute("legacy_int")?.value == .int(5))
        #expect(node.attribute("legacy_int")?.declaresType == false)
        #expect(node.subgraphs.count == 2)
        #expect(node.metadata[key: "note"] == "node metadata")
        #expect(node.deviceConfigurations.first?.configurationID == "two_gpus")
        #expect(storage.configurations.first?.device == ["cuda:0", "cuda:1"])
    }

    @Test("value types: sequence, map, optional, sparse, opaque, denotations")
    func valueTypes() throws {
        let info = Dictionary(uniqueKeysWithValues: (storage.graph?.valueInfo ?? []).map { ($0.name, $0) })
        let image = try #require(info["image"]?.type)
        #expect(image.denotation == "IMAGE")
        #expect(image.tensorType?.shape?.dims == [
            Dimension(.symbolic("N"), denotation: "DATA_BATCH"),
            Dimension(.known(3), denotation: "DATA_CHANNEL"),
            Dimension(.unknown, denotation: "DATA_FEATURE"),
            Dimension(.known(224), denotation: ""),
        ])
        #expect(image.description == "float32[N, 3, ?, 224]")
        #expect(info["unranked"]?.type == .tensor(.float, nil))
        #expect(info["unranked"]?.metadata[key: "shape"] == "unknown")
        #expect(info["untyped"]?.type == nil)
        #expect(info["unset_type"]?.type == ValueType(.unset))
        #expect(info["no_elem_type"]?.type == ValueType(.tensor(elementType: nil, shape: nil)))
        #expect(info["seq"]?.type == ValueType(.sequence(.tensor(.float, TensorShape([.unknown])))))
        #expect(info["map"]?.type == ValueType(.map(keyType: .string, valueType: .tensor(.int64, TensorShape([Int64]())))))
        #expect(info["opt"]?.type == ValueType(.optional(.tensor(.int32, TensorShape([4])))))
        #expect(info["sparse"]?.type == ValueType(.sparseTensor(elementType: .float, shape: TensorShape([2, 5]))))
        #expect(info["opaque"]?.type == ValueType(.opaque(domain: "org.onnxconvert", name: "Handle")))
        #expect(info["bare_seq"]?.type == ValueType(.sequence(nil)))
        #expect(info["map"]?.type?.description == "map<string, int64[]>")
    }

    @Test("sparse initializer, quantization annotation, graph metadata, training info")
    func graphLevelFields() throws {
        let graph = try #require(storage.graph)
        let sparse = try #require(graph.sparseInitializers.first)
        #expect(sparse.dims == [2, 5])
        #expect(try sparse.values?.floatValues() == [1.5, -2, 4])
        #expect(try sparse.indices?.int64Values() == [1, 4, 8])
        let annotation = try #require(graph.quantizationAnnotations.first)
        #expect(annotation.tensorName == "f32_typed")
        #expect(annotation.quantParameterTensorNames[key: "SCALE_TENSOR"] == "f32_scale")
        #expect(annotation.quantParameterTensorNames[key: "ZERO_POINT_TENSOR"] == "f32_zero_point")
        #expect(graph.metadata == [MetadataEntry(key: "graph_key", value: "graph_value")])

        #expect(storage.trainingInfo.count == 2)
        let training = storage.trainingInfo[0]
        #expect(training.initialization?.name == "init")
        #expect(training.algorithm?.initializers.map(\.name) == ["lr"])
        #expect(training.initializationBinding == [MetadataEntry(key: "f32_typed", value: "w0")])
        #expect(training.updateBinding.count == 2)
        #expect(training.updateBinding[1].$key == "no_value" && training.updateBinding[1].$value == nil)
        #expect(storage.trainingInfo[1] == TrainingInfo(initialization: nil, algorithm: nil, initializationBinding: [], updateBinding: []))
    }

    @Test("every tensor is visited, wherever it sits")
    func tensorTraversal() throws {
        // make_fixtures.py prints "tensors 34" for tensor_storage.onnx: 22 initializers, the sparse
        // initializer (2), the Constant's value (1), the custom node's t (1), tensors (2), sparse_tensor (2)
        // and sparse_tensors (2), and one initializer in each training graph (2).
        #expect(storage.allTensors.count == 34)
        // control_flow.onnx: then_bias, else_scale, step, two (If nested in Loop), k (Scan body).
        #expect(try Fixtures.load("control_flow.onnx").allTensors.map(\.name).sorted()
            == ["else_scale", "k", "step", "then_bias", "two"])

        var renamed = storage
        renamed.transformTensors { $0.docString = "seen" }
        #expect(renamed.allTensors.allSatisfy { $0.docString == "seen" })
        #expect(renamed.trainingInfo[0].algorithm?.initializers[0].docString == "seen")
    }

    @Test("nested graphs keep their own initializers and value_info")
    func controlFlow() throws {
        let model = try Fixtures.load("control_flow.onnx")
        let nodes = try #require(model.graph?.nodes)
        #expect(nodes.map(\.opType) == ["If", "Loop", "Scan"])
        let then = try #require(nodes[0].attribute("then_branch")?.graphValue)
        #expect(then.initializers.map(\.name) == ["then_bias"])
        #expect(then.valueInfo.map(\.name) == ["then_sum"])
        #expect(then.inputs.isEmpty)
        let body = try #require(nodes[1].attribute("body")?.graphValue)
        #expect(body.initializers.map(\.name) == ["step"])
        #expect(body.valueInfo.map(\.name) == ["scaled"])
        let innerThen = try #require(body.nodes[1].attribute("then_branch")?.graphValue)
        #expect(try innerThen.initializers.first?.floatValues() == [2])
        #expect(nodes[2].attribute("num_scan_inputs")?.intValue == 1)
        var names: [String] = []
        model.graph?.forEachGraph { names.append($0.name) }
        // onnx's make_node stores attributes sorted by name: else_branch before then_branch.
        #expect(names == ["control_flow", "else_branch", "then_branch", "loop_body", "inner_else", "inner_then", "scan_body"])
    }

    @Test("local functions: defaults, required attributes, references, overloads")
    func localFunctions() throws {
        #expect(functions.opsetVersion(for: "org.onnxconvert.fn") == 1)
        #expect(functions.functions.map(\.name) == ["ScaledAdd", "Twice"])
        let scaledAdd = functions.functions[0]
        #expect(scaledAdd.domain == "org.onnxconvert.fn")
        #expect(scaledAdd.inputs == ["X", "Y"] && scaledAdd.outputs == ["Z"])
        #expect(scaledAdd.attributeNames == ["beta"])
        #expect(scaledAdd.attributeDefaults == [Attribute(name: "alpha", value: .float(2))])
        #expect(scaledAdd.opsetImports == [OperatorSetID(domain: "", version: 21)])
        #expect(scaledAdd.valueInfo.map(\.name) == ["XA"])
        #expect(scaledAdd.metadata[key: "origin"] == "fixtures")
        #expect(scaledAdd.docString == "Z = X·alpha + LeakyRelu(Y, beta)")
        #expect(scaledAdd.overload == nil)
        let reference = try #require(scaledAdd.nodes[0].attribute("value_float"))
        #expect(reference.value == .absent(.float))
        #expect(reference.type == .float)
        #expect(reference.referenceName == "alpha")
        #expect(scaledAdd.nodes[2].attribute("alpha")?.referenceName == "beta")
        #expect(functions.functions[1].overload == "v2")

        let calls = try #require(functions.graph?.nodes)
        #expect(calls[0].attribute("beta")?.value == .float(0.1))
        #expect(calls[1].overload == "v2")
    }
}
