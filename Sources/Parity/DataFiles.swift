import Foundation
import Interpreter
import ONNX

/// Values in onnx's backend test files: `TensorProto`, `SequenceProto` or `OptionalProto` `.pb` files.
public enum DataFiles {
    /// Reads a `.pb` file as the kind of value `type` declares (a tensor when untyped).
    public static func read(_ url: URL, as type: ValueType?) throws -> RuntimeValue {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw FormatError(file: url.path, "cannot read file") }
        do {
            switch type?.kind {
            case .sequence:
                return try value(Onnx_SequenceProto(serializedBytes: data))
            case .optional:
                return try value(Onnx_OptionalProto(serializedBytes: data))
            default:
                return .tensor(try TensorValue(Tensor(proto: Onnx_TensorProto(serializedBytes: data), source: url.path)))
            }
        } catch let error as FormatError {
            throw error
        } catch {
            throw FormatError(file: url.path, "not a valid .pb value (\(error))")
        }
    }

    static func value(_ proto: Onnx_SequenceProto) throws -> RuntimeValue {
        if !proto.tensorValues.isEmpty {
            return .sequence(try proto.tensorValues.map { .tensor(try TensorValue(Tensor(proto: $0, source: "sequence"))) })
        }
        if !proto.sequenceValues.isEmpty { return .sequence(try proto.sequenceValues.map(value)) }
        if !proto.optionalValues.isEmpty { return .sequence(try proto.optionalValues.map(value)) }
        return .sequence([])
    }

    static func value(_ proto: Onnx_OptionalProto) throws -> RuntimeValue {
        if proto.hasTensorValue { return .optional(.tensor(try TensorValue(Tensor(proto: proto.tensorValue, source: "optional")))) }
        if proto.hasSequenceValue { return .optional(try value(proto.sequenceValue)) }
        if proto.hasOptionalValue { return .optional(try value(proto.optionalValue)) }
        return .optional(nil)
    }
}
