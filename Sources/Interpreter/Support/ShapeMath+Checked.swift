import Limits
import ONNX

// Checked sizes for shapes the interpreter computes from data or attributes (ConstantOfShape's input,
// Expand's shape, Tile's repeats, pads, output_shape attributes…), before anything of that size is
// allocated. A hostile model asks for [2^31, 2^31] from a few bytes; `reduce(1, *)` would trap on the
// overflow and an allocation of the product would fail or be killed. These throw a `KernelError` the
// executor reports with the node's name instead.

extension ShapeMath {
    /// The element count of `shape`, checked: no negative dimension, and at `elementSize` bytes per
    /// element within `MemoryBudget.current`.
    ///
    /// Zero dimensions count as 1 for the check (the count returned is still 0): kernels take partial
    /// products of a tensor's shape (`shape[..<axis].reduce(1, *)`) and loop over them, so an empty
    /// tensor of shape [2^62, 4, 0] would trap or spin in the next kernel. A shape that passes here has
    /// every partial product within an Int and within the budget.
    @discardableResult
    static func checkedCount(_ shape: [Int], elementSize: Int = 1, of what: String = "output") throws -> Int {
        let what = what.isEmpty ? "" : "\(what): "
        if let negative = shape.first(where: { $0 < 0 }) {
            throw KernelError("\(what)dimension \(negative) in shape \(shape) is negative")
        }
        let size = max(elementSize, 1)
        guard let extent = ShapeArithmetic.product(shape.filter { $0 != 0 }),
              case let (bytes, overflow) = extent.multipliedReportingOverflow(by: size), !overflow else {
            throw KernelError("\(what)shape \(shape) has more elements than an Int can count")
        }
        let budget = MemoryBudget.current
        guard bytes <= budget.bytes else {
            let needs = shape.contains(0) ? "is empty, but its other dimensions span" : "needs"
            throw KernelError("\(what)shape \(shape) \(needs) \(MemoryBudget.format(bytes)), "
                              + "over the memory budget of \(budget) (--max-memory)")
        }
        return shape.contains(0) ? 0 : ShapeArithmetic.product(shape) ?? 0
    }

    /// `checkedCount` at the size one element of `dataType` takes in a `TensorStorage`.
    @discardableResult
    static func checkedCount(_ shape: [Int], of dataType: DataType, what: String = "output") throws -> Int {
        try checkedCount(shape, elementSize: elementSize(of: dataType), of: what)
    }

    /// Bytes one element of `dataType` takes while the interpreter holds it (sub-byte types are moved
    /// one element per byte; a string is at least its 16-byte header).
    static func elementSize(of dataType: DataType) -> Int {
        switch dataType {
        case .string: return MemoryLayout<String>.stride
        default: return max(dataType.bitWidth / 8, 1)
        }
    }

    /// A dimension computed in floating point (a resize scale times a size), rounded down; an error
    /// when it is not finite, negative, or too large to be a dimension (`Int(_:)` would trap).
    static func dimension(_ value: Double, _ what: String) throws -> Int {
        guard value.isFinite, value > -1, value < Double(1 << 62) else {
            throw KernelError("\(what): \(value) is not a usable size")
        }
        return Int(value.rounded(.down))
    }

    /// `a + b` for sizes computed from attributes, or an error naming `what`.
    static func add(_ a: Int, _ b: Int, _ what: String) throws -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw KernelError("\(what): \(a) + \(b) does not fit in an Int") }
        return sum
    }

    /// `a × b` for sizes computed from attributes, or an error naming `what`.
    static func multiply(_ a: Int, _ b: Int, _ what: String) throws -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw KernelError("\(what): \(a) × \(b) does not fit in an Int") }
        return product
    }
}
