import Interpreter
import Limits
import ONNX

/// Seeded inputs for a model's declared input types (SplitMix64: the same seed gives the same inputs on
/// every platform).
///
/// The declared dims come from the model file: a dim of 2^40 or -5, or dims whose product overflows,
/// are refused with one line naming the input, before anything is allocated.
struct RandomInputs {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }

    mutating func value(for input: Value) throws -> TensorValue {
        guard let (elementType, shape) = input.type?.tensorType, let elementType else {
            throw CLIFailure(.badInput, "input '\(input.name)' is not a tensor with a known type; give --inputs")
        }
        let dims = (shape?.dims ?? []).map { Int($0.value ?? 1) }
        let count = try Self.checkedCount(dims, of: elementType, input: input.name)
        switch elementType {
        case .float, .double, .float16, .bfloat16:
            return TensorValue(floating: elementType, shape: dims, values: (0..<count).map { _ in unit() })
        case .int64: return TensorValue(shape: dims, values: (0..<count).map { _ in Int64(next() % 10) })
        case .int32: return TensorValue(shape: dims, values: (0..<count).map { _ in Int32(next() % 10) })
        case .uint8: return TensorValue(shape: dims, values: (0..<count).map { _ in UInt8(next() % 256) })
        case .int8: return TensorValue(shape: dims, values: (0..<count).map { _ in Int8(truncatingIfNeeded: next()) })
        case .bool: return TensorValue(shape: dims, values: (0..<count).map { _ in next() & 1 == 1 })
        default:
            throw CLIFailure(.badInput, "input '\(input.name)' of type \(elementType): cannot make random values; give --inputs")
        }
    }

    /// The element count of `dims`, checked against overflow, negative dims and the memory budget.
    /// Floating values are drawn as Float first, then converted: both arrays are alive at once.
    static func checkedCount(_ dims: [Int], of elementType: DataType, input: String) throws -> Int {
        let width = max(elementType.bitWidth / 8, 1)
        let elementSize = elementType.isFloatingPoint ? width + MemoryLayout<Float>.stride : width
        do {
            return try MemoryBudget.current.checkShape(dims, elementSize: elementSize, of: "input '\(input)'")
        } catch {
            throw CLIFailure(.badInput, "\(error); give --inputs or fix the declared dims")
        }
    }
}
