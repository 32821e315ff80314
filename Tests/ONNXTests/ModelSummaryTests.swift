import Foundation
import Testing
@testable import ONNX

/// The numbers `inspect` prints. Expected values are those converters/onnx/make_fixtures.py prints for
/// each fixture, counted there independently from the protobuf messages.
@Suite struct ModelSummaryTests {
    typealias OpCount = ModelSummary.OpCount

    @Test("the CNN")
    func cnn() throws {
        let summary = ModelSummary(try Fixtures.load("cnn.onnx"))
        // make_fixtures.py: "cnn.onnx: nodes 7, ops [('Conv', 2), ('Relu', 2), ('Flatten', 1), ('Gemm', 1),
        // ('MaxPool', 1)], parameters 838 (3352 bytes)": conv1 4·1·3·3 + 4, conv2 4·4·3·3 + 4, fc 10·64 + 10.
        #expect(summary.opHistogram == [
            OpCount(op: "Conv", count: 2), OpCount(op: "Relu", count: 2),
            OpCount(op: "Flatten", count: 1), OpCount(op: "Gemm", count: 1), OpCount(op: "MaxPool", count: 1),
        ])
        #expect(summary.nodeCount == 7)
        #expect(summary.parameterCount == 838)
        #expect(summary.parameterBytes == 3352)
        #expect(summary.externalTensorCount == 0)
        #expect(summary.functionCount == 0)
        #expect(summary.producer == "onnx-convert make_fixtures.py 1.0")
        #expect(summary.irVersion == 10)
        #expect(summary.opsets.count == 1 && summary.opsets[0] == ("ai.onnx", 21))
        #expect(summary.graphName == "tiny_cnn")
        #expect(summary.inputs.map(\.name) == ["input"])
        #expect(summary.inputs[0].type?.description == "float32[N, 1, 8, 8]")
        #expect(summary.outputs.map(\.name) == ["logits"])
    }

    @Test("nested graphs are counted")
    func controlFlow() throws {
        let summary = ModelSummary(try Fixtures.load("control_flow.onnx"))
        // make_fixtures.py: "nodes 14, ops [('Identity', 4), ('Add', 3), ('Mul', 3), ('If', 2), ('Loop', 1),
        // ('Scan', 1)], parameters 16 (64 bytes)".
        #expect(summary.opHistogram == [
            OpCount(op: "Identity", count: 4), OpCount(op: "Add", count: 3), OpCount(op: "Mul", count: 3),
            OpCount(op: "If", count: 2), OpCount(op: "Loop", count: 1), OpCount(op: "Scan", count: 1),
        ])
        #expect(summary.nodeCount == 14)
        #expect(summary.parameterCount == 16)
        #expect(summary.parameterBytes == 64)
    }

    @Test("function bodies are counted, custom domains spelled out")
    func functions() throws {
        let summary = ModelSummary(try Fixtures.load("functions.onnx"))
        // make_fixtures.py: "nodes 7, ops [('Add', 2), ('Constant', 1), ('LeakyRelu', 1), ('Mul', 1),
        // ('org.onnxconvert.fn::ScaledAdd', 1), ('org.onnxconvert.fn::Twice', 1)], parameters 0".
        #expect(summary.opHistogram == [
            OpCount(op: "Add", count: 2), OpCount(op: "Constant", count: 1), OpCount(op: "LeakyRelu", count: 1),
            OpCount(op: "Mul", count: 1), OpCount(op: "org.onnxconvert.fn::ScaledAdd", count: 1),
            OpCount(op: "org.onnxconvert.fn::Twice", count: 1),
        ])
        #expect(summary.nodeCount == 7)
        #expect(summary.functionCount == 2)
        #expect(summary.parameterCount == 0)
        #expect(summary.opsets.map(\.domain) == ["ai.onnx", "org.onnxconvert.fn"])
    }

    @Test("every storage kind is sized")
    func tensorStorage() throws {
        let summary = ModelSummary(try Fixtures.load("tensor_storage.onnx"))
        // make_fixtures.py: "nodes 4, …, parameters 54 (170 bytes)" — packed uint4 and int4 round up to
        // whole bytes, strings count their bytes, the untyped tensor counts nothing.
        #expect(summary.nodeCount == 4)
        #expect(summary.parameterCount == 54)
        #expect(summary.parameterBytes == 170)
        #expect(summary.producer == "onnx-convert make_fixtures.py")  // producer_version is present but empty
        #expect(summary.opsets.map(\.domain) == ["ai.onnx", "org.onnxconvert.test"])
        #expect(summary.inputs.map(\.name) == ["unused_in"])
    }

    @Test("external tensors, loaded or not")
    func external() throws {
        // make_fixtures.py: "parameters 2085 (8360 bytes), tensors 3".
        let references = ModelSummary(try Fixtures.load(Fixtures.external, loadExternalData: false))
        #expect(references.parameterCount == 2085)
        #expect(references.parameterBytes == 8360)
        #expect(references.externalTensorCount == 3)
        let loaded = ModelSummary(try Fixtures.load(Fixtures.external))
        #expect(loaded.parameterBytes == 8360)
        #expect(loaded.externalTensorCount == 0)
        #expect(loaded != references)
        #expect(loaded == ModelSummary(try Fixtures.load(Fixtures.external)))
    }

    @Test("initializers listed as inputs (IR < 4) are not runtime inputs")
    func runtimeInputs() throws {
        var model = try Fixtures.load("cnn.onnx")
        let weights = model.graph!.initializers.map { Value(name: $0.name, type: .tensor(.float, TensorShape($0.dims))) }
        model.graph!.inputs += weights
        let summary = ModelSummary(model)
        #expect(summary.inputs.map(\.name) == ["input"])
    }
}
