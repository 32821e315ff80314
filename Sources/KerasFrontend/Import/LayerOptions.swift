import Limits

/// Validated options: every number that sizes, indexes or orders something is checked when the layer is
/// decoded, so that a bad config is reported naming the layer before any of its nodes exist, never as a
/// trap (a stride of 0 divides by zero, a huge repeat count overflows) nor as an ONNX model that says
/// something else (a Softmax axis past the rank, a Permute that repeats an axis).
extension LayerContext {
    /// The largest size an option may give (kernel, stride, units, repeat count…). Sizes beyond Int32 are
    /// not models but mistakes, and the bound keeps any product of two of them, or of one with a tensor
    /// dimension the memory budget allows, clear of overflow in the shape arithmetic that follows.
    static let maxSize = Int(Int32.max)

    /// A size: a whole number in 1...maxSize.
    func size(_ key: String, default fallback: Int? = nil) throws -> Int {
        try checked(key, try int(key, default: fallback), in: 1...Self.maxSize, "a positive integer")
    }

    /// `count` sizes (strides, kernel, pool size, dilation): one integer or a list, each in 1...maxSize.
    func sizes(_ key: String, count: Int, default fallback: Int? = nil) throws -> [Int] {
        try ints(key, count: count, default: fallback).map { try checked(key, $0, in: 1...Self.maxSize, "positive integers") }
    }

    /// `count` whole numbers in 0...maxSize (output padding).
    func nonNegatives(_ key: String, count: Int, default fallback: Int? = nil) throws -> [Int] {
        try ints(key, count: count, default: fallback).map { try checked(key, $0, in: 0...Self.maxSize, "non-negative integers") }
    }

    /// An axis of a rank-`rank` input (negative counts from the end), returned in 0..<rank; with
    /// `batch: false` the batch axis 0 is refused too. A list of one axis is taken as that axis.
    func axis(_ key: String, rank: Int, default fallback: Int, batch: Bool = false) throws -> Int {
        let value = config[key]
        var raw = fallback
        if let value, !value.isNull {
            guard let single = value.array.map({ $0.count == 1 ? $0[0] : JSONValue.null }) ?? Optional(value),
                  single.double != nil else {
                throw fail("option '\(key)' must be one axis, got \(value)")
            }
            raw = try integer(single, key: key)
        }
        let axis = raw < 0 ? raw + rank : raw
        guard axis >= (batch ? 0 : 1), axis < rank else {
            throw fail("option '\(key)' is \(value?.description ?? String(raw)), which is not an axis of a rank-\(rank) input"
                       + (batch ? "" : " other than the batch axis"))
        }
        return axis
    }

    /// A permutation of 1...count (Permute's `dims`, which leave the batch axis in place).
    func permutation(_ key: String, count: Int) throws -> [Int] {
        guard let value = config[key], let list = value.array else { throw fail("option '\(key)' is missing or not a list") }
        let dims = try list.map { item -> Int in
            guard item.double != nil else { throw fail("option '\(key)' must be a list of axes, got \(value)") }
            return try integer(item, key: key)
        }
        guard dims.sorted() == Array(1..<(count + 1)) else {
            throw fail("option '\(key)' is \(value), not a permutation of the axes 1…\(count) of the input")
        }
        return dims
    }

    /// A finite number.
    func finite(_ key: String, default fallback: Float? = nil) throws -> Float {
        let number = try float(key, default: fallback)
        guard number.isFinite else { throw fail("option '\(key)' must be a finite number, got \(shown(key, number))") }
        return number
    }

    /// A finite number ≥ 0 (epsilon).
    func nonNegativeFinite(_ key: String, default fallback: Float? = nil) throws -> Float {
        let number = try finite(key, default: fallback)
        guard number >= 0 else { throw fail("option '\(key)' must be a number ≥ 0, got \(shown(key, number))") }
        return number
    }

    /// The product of sizes the layer computes, checked for overflow; `what` says what it sizes.
    func product(_ factors: [Int], _ what: String) throws -> Int {
        guard let result = ShapeArithmetic.product(factors) else {
            throw fail("\(what) \(factors.map(String.init).joined(separator: " × ")) is too large")
        }
        return result
    }

    /// Refuses a buffer of `shape` float32 values that the memory budget does not allow, before it is made.
    func checkAllocation(_ shape: [Int], _ what: String) throws {
        do {
            try MemoryBudget.current.checkShape(shape, elementSize: 4, of: what)
        } catch {
            throw fail("\(error)")
        }
    }

    /// The known sizes of an output shape, checked against the memory budget at float32 per sample (the
    /// batch axis and unknown sizes left out), so that no layer can describe a tensor no machine could
    /// hold, and every later product of its sizes fits in an Int.
    func checkOutput(_ shape: [Int?]) throws {
        let shown = "[" + shape.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"
        if let negative = shape.compactMap({ $0 }).first(where: { $0 < 0 }) {
            throw fail("output shape \(shown) has the negative size \(negative)")
        }
        let budget = MemoryBudget.current
        guard let count = ShapeArithmetic.product(shape.dropFirst().compactMap { $0 }),
              count <= budget.bytes / 4 else {
            throw fail("output shape \(shown) is over the memory budget of \(budget) (--max-memory) at float32")
        }
    }

    private func checked(_ key: String, _ number: Int, in range: ClosedRange<Int>, _ what: String) throws -> Int {
        let given = config[key]?.description ?? String(number)
        guard number >= range.lowerBound else { throw fail("option '\(key)' must be \(what), got \(given)") }
        guard number <= range.upperBound else { throw fail("option '\(key)' must be at most \(range.upperBound), got \(given)") }
        return number
    }

    private func shown(_ key: String, _ number: Float) -> String {
        config[key]?.description ?? JSONValue.text(of: Double(number))
    }
}
