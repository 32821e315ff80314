import Foundation

/// The most memory one allocation sized from input data may take.
///
/// A file that declares a 2^40-element tensor, or a model whose Expand asks for one, must get one error
/// line and not an out-of-memory kill or a failed-allocation trap. Readers and kernels check a size
/// against the budget before they allocate. The default is the machine's physical memory; the CLI's
/// `--max-memory` sets another for the duration of a command.
///
/// The budget in force is a task-local value rather than a parameter of every reader and kernel: it is
/// read where sizes are computed, often several calls below the public entry points, and a scoped value
/// (`MemoryBudget.$current.withValue(…) { … }`) keeps it out of every signature without making it a
/// mutable global.
public struct MemoryBudget: Sendable, Equatable, CustomStringConvertible {
    /// Bytes one allocation may take.
    public var bytes: Int

    public init(bytes: Int) { self.bytes = max(0, bytes) }

    /// The machine's physical memory.
    public static var physicalMemory: MemoryBudget {
        MemoryBudget(bytes: Int(clamping: ProcessInfo.processInfo.physicalMemory))
    }

    /// The budget in force for the current task or thread.
    @TaskLocal public static var current = MemoryBudget.physicalMemory

    /// Throws when `bytes` is more than the budget.
    public func check(bytes: Int, for subject: String) throws(SizeError) {
        guard bytes >= 0 else { throw SizeError(subject: subject, problem: "negative size \(bytes)") }
        guard bytes <= self.bytes else {
            throw SizeError(subject: subject,
                            problem: "needs \(Self.format(bytes)), over the memory budget of \(description) (--max-memory)")
        }
    }

    /// The element count of `shape`, checked for overflow and, at `elementSize` bytes each, against the budget.
    @discardableResult
    public func checkShape(_ shape: [Int], elementSize: Int, of subject: String) throws(SizeError) -> Int {
        let count = try ShapeArithmetic.elementCount(shape, of: subject)
        let bytes = try ShapeArithmetic.byteCount(elements: count, elementSize: elementSize, of: subject)
        guard bytes <= self.bytes else {
            throw SizeError(subject: subject, problem: "shape \(shape) needs \(Self.format(bytes)), "
                            + "over the memory budget of \(description) (--max-memory)")
        }
        return count
    }

    public var description: String { Self.format(bytes) }

    /// Bytes in the largest binary unit that keeps the number at least 1 ("3.0 GiB", "512 B").
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// Parses a size as a user writes it: a number of bytes, or with a suffix K, M, G, T (powers of 1024,
    /// an optional trailing "B" or "iB"). Nil when it is not one.
    public static func parse(_ text: String) -> MemoryBudget? {
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits.removeLast(suffix.count)
            break
        }
        let scales: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var scale = 1
        if let last = digits.last, let factor = scales[last] {
            scale = factor
            digits.removeLast()
        }
        guard let number = Double(digits), number.isFinite, number > 0 else { return nil }
        let bytes = number * Double(scale)
        guard bytes < Double(Int.max) else { return nil }
        return MemoryBudget(bytes: Int(bytes))
    }
}
