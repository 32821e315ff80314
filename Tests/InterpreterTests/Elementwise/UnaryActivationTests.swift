import Foundation
import Testing
import ONNX
@testable import Interpreter

@Suite("Elementwise unary math and activations")
struct ElementwiseUnaryTests {
    typealias S = ElementwiseTestSupport

    @Test("Unary math on floats", arguments: [
        // (op, opset, input, expected) — expected values from the definitions.
        ("Neg", 13, [1, -2, 0], [-1, 2, 0]),
        ("Abs", 13, [-1.5, 2], [1.5, 2]),
        ("Sqrt", 13, [4, 2.25], [2, 1.5]),
        ("Exp", 13, [0, 1], [1, 2.7182817]),
        ("Log", 13, [1, 2.7182817], [0, 1]),
        ("Reciprocal", 13, [4, -0.5], [0.25, -2]),
        ("Floor", 13, [-1.5, 1.5], [-2, 1]),
        ("Ceil", 13, [-1.5, 1.5], [-1, 2]),
        ("Round", 22, [0.5, 1.5, 2.5, -0.5, -1.6], [0, 2, 2, -0, -2]),  // half to even
        ("Sign", 13, [-3, 0, 2], [-1, 0, 1]),
        ("Sin", 22, [0, Float.pi / 2], [0, 1]),
        ("Cos", 22, [0, Float.pi], [1, -1]),
        ("Atan", 22, [1], [0.7853982]),
        ("Sinh", 22, [1], [1.1752012]),      // (e - 1/e) / 2
        ("Acosh", 22, [1], [0]),
        ("Erf", 13, [0, 1], [0, 0.8427008]),
    ] as [(String, Int, [Float], [Float])])
    func unary(op: String, opset: Int, input: [Float], expected: [Float]) throws {
        let out = try S.run(op, opset: opset, [S.f([input.count], input)])
        #expect(S.close(out.values(Float.self), expected), "\(op)")
    }

    @Test("Activations with their default attributes", arguments: [
        ("Relu", 14, [-1, 0, 2], [0, 0, 2]),
        ("LeakyRelu", 16, [-1, 2], [-0.01, 2]),
        ("Elu", 22, [-1, 2], [-0.63212055, 2]),                 // e^-1 - 1
        ("Selu", 22, [-1, 2], [-1.1113307, 2.101402]),         // 1.0507 * 1.6733 * (e^-1 - 1); 1.0507 * 2
        ("Celu", 12, [-1, 2], [-0.63212055, 2]),
        ("Sigmoid", 13, [0, 2], [0.5, 0.8807971]),             // 1 / (1 + e^-2)
        ("Tanh", 13, [0, 1], [0, 0.7615942]),
        ("HardSigmoid", 22, [-3, 0, 3], [0, 0.5, 1]),          // clamp(0.2 x + 0.5)
        ("HardSwish", 22, [-4, 1, 4], [0, 0.6666667, 4]),      // x * clamp(x/6 + 0.5)
        ("Softplus", 22, [0, 100], [0.6931472, 100]),          // ln 2; no overflow for large x
        ("Softsign", 22, [-1, 3], [-0.5, 0.75]),
        ("Mish", 22, [1], [0.8650984]),                        // tanh(ln(1 + e)) = 0.8651
        ("ThresholdedRelu", 22, [0.5, 1, 2], [0, 0, 2]),       // x > 1
        ("Shrink", 9, [-1, 0.2, 1], [-1, 0, 1]),               // λ 0.5, bias 0: x < -λ → x + bias, x > λ → x - bias, else 0
        ("Swish", 24, [0, 2], [0, 1.7615942]),                 // 2 * sigmoid(2)
        ("Gelu", 20, [0, 1], [0, 0.8413447]),                  // 0.5 (1 + erf(1/√2))
    ] as [(String, Int, [Float], [Float])])
    func activation(op: String, opset: Int, input: [Float], expected: [Float]) throws {
        let out = try S.run(op, opset: opset, [S.f([input.count], input)])
        #expect(S.close(out.values(Float.self), expected), "\(op)")
    }

    @Test("Attributes are read once: LeakyRelu alpha, Gelu tanh approximation")
    func attributes() throws {
        let leaky = try S.run("LeakyRelu", opset: 16, [S.f([1], [-2])], [S.float("alpha", 0.5)])
        #expect(leaky.values(Float.self) == [-1])
        // tanh form at 1: 0.5 (1 + tanh(0.79788456 · 1.044715)) = 0.8411920
        let gelu = try S.run("Gelu", opset: 20, [S.f([1], [1])], [S.string("approximate", "tanh")])
        #expect(S.close(gelu.values(Float.self), [0.841192]))
        #expect(throws: (any Error).self) { try S.run("Gelu", opset: 20, [S.f([1], [1])], [S.string("approximate", "fast")]) }
    }

    @Test("Integer Neg, Abs, Sign, Relu")
    func integerUnary() throws {
        let x = TensorValue(shape: [3], values: [Int32(-5), 0, 7])
        #expect(try S.run("Neg", opset: 13, [x]).values(Int32.self) == [5, 0, -7])
        #expect(try S.run("Abs", opset: 13, [x]).values(Int32.self) == [5, 0, 7])
        #expect(try S.run("Sign", opset: 13, [x]).values(Int32.self) == [-1, 0, 1])
        #expect(try S.run("Relu", opset: 14, [x]).values(Int32.self) == [0, 0, 7])
        #expect(throws: KernelError.self) { try S.run("Sqrt", opset: 13, [x]) }
    }

    @Test("bfloat16 Sigmoid is computed in float and rounded")
    func bfloat16() throws {
        let x = TensorValue(dataType: .bfloat16, shape: [1], storage: .half([HalfPrecision.floatToBFloat16(0)]))
        let out = try S.run("Sigmoid", opset: 13, [x])
        #expect(out.dataType == .bfloat16)
        #expect(out.storage == .half([0x3F00]))  // 0.5 in bfloat16
    }

    @Test("PRelu broadcasts a per-channel slope")
    func prelu() throws {
        // X [1,2,2] = [[-1, 1], [-2, 2]], slope [2,1] = [[0.5], [3]]
        let out = try S.run("PRelu", opset: 16, [S.f([1, 2, 2], [-1, 1, -2, 2]), S.f([2, 1], [0.5, 3])])
        #expect(out.values(Float.self) == [-0.5, 1, -6, 2])
    }
}
