import ArgumentParser
import Limits

/// `--max-memory`: the most one allocation sized from input data may take.
struct MemoryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Largest allocation sized from input data (bytes, or with K/M/G/T); default: physical memory.",
                               valueName: "size"))
    var maxMemory: String?

    func validate() throws {
        if let maxMemory, MemoryBudget.parse(maxMemory) == nil {
            throw ValidationError("--max-memory '\(maxMemory)' is not a size (say 512M or 8G)")
        }
    }

    var budget: MemoryBudget { maxMemory.flatMap(MemoryBudget.parse) ?? .physicalMemory }

    /// Runs `body` with this budget in force for every reader and kernel below it.
    func scoped<T>(_ body: () throws -> T) throws -> T {
        try MemoryBudget.$current.withValue(budget, operation: body)
    }
}
