import ONNX

// Cast (1, 6, 9, 13, 19, 21, 23, 24, 25, 28) and CastLike (15, 19, 21, 23, 24, 25).
// Cast 1 names the target type as a string attribute ("FLOAT", "INT64", …); 6 on as a DataType number.
// 9 adds string ↔ number, 13 bfloat16, 19 the float8 types and `saturate` (default 1: out-of-range values
// become the largest finite value; 0: infinity or NaN), 21 int4/uint4, 23 float4e2m1, 24 float8e8m0 and
// its `round_mode` ("up" default, "down", "nearest"), 25 int2/uint2; 28 changes nothing here. CastLike
// takes the target type from its second input, with the same attributes.
// Semantics follow numpy's astype: float → integer truncates toward zero (then wraps to the width, also
// for the packed 4/2-bit types), integer → integer wraps, anything → bool is `!= 0`, floating narrowing
// rounds to nearest even once, from the exact source value.

enum CastConversion {
    /// numpy's float → integer: truncate, wrap to the width; NaN and values beyond 64 bits give T.min or 0.
    @inline(__always) static func integer<T: FixedWidthInteger>(_ d: Double) -> T {
        let t = d.rounded(.towardZero)
        if let v = T(exactly: t) { return v }
        if let v = Int64(exactly: t) { return T(truncatingIfNeeded: v) }
        if let v = UInt64(exactly: t) { return T(truncatingIfNeeded: v) }
        return T.isSigned ? T.min : 0
    }

    /// Elements of the source in one of four wide forms.
    enum Wide {
        case reals([Double], single: Bool)
        case integers([Int64])
        case unsigned([UInt64])
        case strings([String])

        var doubles: [Double] {
            switch self {
            case .reals(let v, _): return v
            case .integers(let v): return ElementwiseLoop.map(v) { Double($0) }
            case .unsigned(let v): return ElementwiseLoop.map(v) { Double($0) }
            case .strings(let v): return v.map(CastConversion.parseReal)
            }
        }

        func integers<T: FixedWidthInteger>(_: T.Type) -> [T] {
            switch self {
            case .reals(let v, _): return ElementwiseLoop.map(v) { CastConversion.integer($0) as T }
            case .integers(let v): return ElementwiseLoop.map(v) { T(truncatingIfNeeded: $0) }
            case .unsigned(let v): return ElementwiseLoop.map(v) { T(truncatingIfNeeded: $0) }
            case .strings(let v):
                return v.map { s in
                    let trimmed = s.trimmingPrefixAndSuffixSpaces
                    if let i = Int64(trimmed) { return T(truncatingIfNeeded: i) }
                    if let u = UInt64(trimmed) { return T(truncatingIfNeeded: u) }
                    return CastConversion.integer(CastConversion.parseReal(trimmed))
                }
            }
        }
    }

    static func parseReal(_ s: String) -> Double {
        let t = s.trimmingPrefixAndSuffixSpaces
        if let d = Double(t) { return d }
        switch t.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return .nan
        }
    }

    static func wide(_ x: TensorValue) throws -> Wide {
        switch x.storage {
        case .float(let v): return .reals(ElementwiseLoop.map(v) { Double($0) }, single: true)
        case .double(let v): return .reals(v, single: false)
        case .half(let v): return .reals(ElementwiseLoop.map(HalfArrays.widen(v, x.dataType)) { Double($0) }, single: true)
        case .int8(let v): return .integers(ElementwiseLoop.map(v) { Int64($0) })
        case .int16(let v): return .integers(ElementwiseLoop.map(v) { Int64($0) })
        case .int32(let v): return .integers(ElementwiseLoop.map(v) { Int64($0) })
        case .int64(let v): return .integers(v)
        case .uint8(let v): return .integers(ElementwiseLoop.map(v) { Int64($0) })
        case .uint16(let v): return .integers(ElementwiseLoop.map(v) { Int64($0) })
        case .uint32(let v): return .integers(ElementwiseLoop.map(v) { Int64($0) })
        case .uint64(let v): return .unsigned(v)
        case .bool(let v): return .integers(ElementwiseLoop.map(v) { $0 ? 1 : 0 })
        case .string(let v): return .strings(v)
        case .bytes(let bytes):
            let count = x.count
            if PackedIntegers.bits(x.dataType) != nil {
                return .integers(PackedIntegers.unpack(bytes, count: count, dataType: x.dataType))
            }
            if x.dataType == .float8e8m0 {
                guard bytes.count >= count else { throw KernelError("Cast: \(bytes.count) bytes for \(count) elements") }
                return .reals(bytes.prefix(count).map(Float8E8M0.decode), single: true)
            }
            if x.dataType == .float4e2m1 {
                let format = MiniFloatFormat.float4e2m1
                return .reals(PackedIntegers.unpackNibbles(bytes, count: count).map { format.decode(UInt32($0)) }, single: true)
            }
            if let format = MiniFloatFormat.of(x.dataType) {
                guard bytes.count >= count else { throw KernelError("Cast: \(bytes.count) bytes for \(count) elements") }
                let table = format.table()
                return .reals(bytes.prefix(count).map { Double(table[Int($0)]) }, single: true)
            }
            throw KernelError("Cast does not support source type \(x.dataType)")
        }
    }

    static func cast(_ x: TensorValue, to target: DataType, saturate: Bool, roundMode: String) throws -> TensorValue {
        if x.dataType == target { return x }
        if let fast = fastPath(x, to: target) { return fast }
        let source = try wide(x)
        let shape = x.shape
        func make(_ storage: TensorStorage) -> TensorValue { TensorValue(dataType: target, shape: shape, storage: storage) }
        switch target {
        case .float: return make(.float(ElementwiseLoop.map(source.doubles) { Float($0) }))
        case .double: return make(.double(source.doubles))
        case .float16, .bfloat16:
            if case .reals(let v, true) = source {
                // Exactly representable in Float: one rounding either way.
                return HalfArrays.tensor(target, shape, ElementwiseLoop.map(v) { Float($0) })
            }
            guard let format = MiniFloatFormat.of(target) else { break }
            return make(.half(ElementwiseLoop.map(source.doubles) { UInt16(format.encode($0, saturate: false)) }))
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz:
            guard let format = MiniFloatFormat.of(target) else { break }
            return make(.bytes(ElementwiseLoop.map(source.doubles) { UInt8(format.encode($0, saturate: saturate)) }))
        case .float4e2m1:
            let format = MiniFloatFormat.float4e2m1
            return make(.bytes(PackedIntegers.packNibbles(source.doubles.map { UInt8(format.encode($0, saturate: true)) })))
        case .float8e8m0:
            return make(.bytes(source.doubles.map { Float8E8M0.encode($0, saturate: saturate, round: roundMode) }))
        case .int4, .uint4, .int2, .uint2:
            return make(.bytes(PackedIntegers.pack(source.integers(Int64.self), dataType: target)))
        case .int8: return make(.int8(source.integers(Int8.self)))
        case .int16: return make(.int16(source.integers(Int16.self)))
        case .int32: return make(.int32(source.integers(Int32.self)))
        case .int64: return make(.int64(source.integers(Int64.self)))
        case .uint8: return make(.uint8(source.integers(UInt8.self)))
        case .uint16: return make(.uint16(source.integers(UInt16.self)))
        case .uint32: return make(.uint32(source.integers(UInt32.self)))
        case .uint64: return make(.uint64(source.integers(UInt64.self)))
        case .bool:
            switch source {
            case .integers(let v): return make(.bool(ElementwiseLoop.map(v) { $0 != 0 }))
            case .unsigned(let v): return make(.bool(ElementwiseLoop.map(v) { $0 != 0 }))
            case .reals(let v, _): return make(.bool(ElementwiseLoop.map(v) { $0 != 0 }))
            case .strings(let v):
                return make(.bool(v.map { s in
                    let t = s.trimmingPrefixAndSuffixSpaces.lowercased()
                    if t == "true" { return true }
                    if t == "false" || t.isEmpty { return false }
                    return parseReal(t) != 0
                }))
            }
        case .string:
            switch source {
            case .integers(let v): return make(.string(v.map { String($0) }))
            case .unsigned(let v): return make(.string(v.map { String($0) }))
            case .reals(let v, let single):
                return make(.string(v.map { single ? Float($0).description : $0.description }))
            case .strings(let v): return make(.string(v))
            }
        default: break
        }
        throw KernelError("Cast does not support \(x.dataType) to \(target)")
    }

    /// Direct loops for the common float32 casts.
    private static func fastPath(_ x: TensorValue, to target: DataType) -> TensorValue? {
        switch (x.storage, target) {
        case (.float(let v), .double): return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { Double($0) })
        case (.float(let v), .float16), (.float(let v), .bfloat16): return HalfArrays.tensor(target, x.shape, v)
        case (.float(let v), .int64): return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { integer(Double($0)) as Int64 })
        case (.float(let v), .int32): return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { integer(Double($0)) as Int32 })
        case (.float(let v), .bool): return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { $0 != 0 })
        case (.double(let v), .float): return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { Float($0) })
        case (.half(let v), .float): return TensorValue(shape: x.shape, values: HalfArrays.widen(v, x.dataType))
        case (.int64(let v), .float): return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { Float($0) })
        case (.int32(let v), .float): return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { Float($0) })
        case (.bool(let v), .float): return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { $0 ? 1 : 0 as Float })
        case (.int32(let v), .int64): return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { Int64($0) })
        case (.int64(let v), .int32): return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { Int32(truncatingIfNeeded: $0) })
        default: return nil
        }
    }

    /// Cast 1's type names (TensorProto.DataType enum names).
    static func dataType(named name: String) -> DataType? {
        let names: [String: DataType] = [
            "FLOAT": .float, "UINT8": .uint8, "INT8": .int8, "UINT16": .uint16, "INT16": .int16, "INT32": .int32,
            "INT64": .int64, "STRING": .string, "BOOL": .bool, "FLOAT16": .float16, "DOUBLE": .double,
            "UINT32": .uint32, "UINT64": .uint64, "BFLOAT16": .bfloat16,
        ]
        return names[name.uppercased()]
    }
}

private extension String {
    var trimmingPrefixAndSuffixSpaces: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

struct CastKernel: Kernel {
    /// The target type; nil for CastLike, which takes input 1's type.
    let target: DataType?
    let saturate: Bool
    let roundMode: String

    init(_ context: NodeContext, like: Bool) throws {
        if like {
            target = nil
        } else if context.opset < 6 {
            let name = try context.required("to", context.string)
            guard let type = CastConversion.dataType(named: name) else { throw KernelError("Cast: unknown type name '\(name)'") }
            target = type
        } else {
            let code = try context.required("to", context.int)
            guard let type = DataType(rawValue: Int32(clamping: code)), type != .undefined else {
                throw KernelError("Cast: unknown data type \(code) in 'to'")
            }
            target = type
        }
        saturate = try context.int("saturate", default: 1) != 0
        roundMode = try context.string("round_mode", default: "up")
        guard ["up", "down", "nearest"].contains(roundMode) else {
            throw KernelError("Cast: round_mode must be up, down or nearest, got '\(roundMode)'")
        }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let name = target == nil ? "CastLike" : "Cast"
        let x = try ElementwiseInputs.tensor(inputs, 0, name)
        let to = try target ?? ElementwiseInputs.tensor(inputs, 1, name).dataType
        return [.tensor(try CastConversion.cast(x, to: to, saturate: saturate, roundMode: roundMode))]
    }
}

enum CastKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.versions("Cast", [1, 6, 9, 13, 19, 21, 23, 24, 25, 28]) { try CastKernel($0, like: false) }
        + KernelRegistration.versions("CastLike", [15, 19, 21, 23, 24, 25]) { try CastKernel($0, like: true) }
}
