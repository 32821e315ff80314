import ONNX

/// TfIdfVectorizer (9): counts the n-grams of a pool in each row of X ([C] or [B, C], int32/int64 or
/// string) and weights the counts into a float tensor [output size] or [B, output size]. The pool lists
/// n-grams of size 1, 2, … one after another (`ngram_counts[i]` is where size i+1 starts, in
/// `pool_int64s` or `pool_strings`); the k-th n-gram of the pool is counted in column
/// `ngram_indexes[k]`, and the output size is the largest index + 1. Only sizes in
/// [`min_gram_length`, `max_gram_length`] are counted. An n-gram may skip up to `max_skip_count` items
/// between its elements (the same gap throughout); unigrams are counted once, not once per gap.
/// `mode`: TF (counts), IDF (`weights[i]` where the count is positive, else 0; 1 without weights) or
/// TFIDF (`weights[i]` · count; the count without weights).
enum TfIdfVectorizerKernels {
    static let registrations = [KernelRegistration("TfIdfVectorizer", since: 9) { node in
        let modeName = try node.required("mode", node.string)
        guard let mode = TfIdfVectorizerKernel.Mode(rawValue: modeName) else {
            throw KernelError("mode '\(modeName)' is not TF, IDF or TFIDF")
        }
        let minN = try node.required("min_gram_length", node.int), maxN = try node.required("max_gram_length", node.int)
        let maxSkip = try node.required("max_skip_count", node.int)
        guard minN >= 1, minN <= maxN, maxSkip >= 0 else {
            throw KernelError("need 1 ≤ min_gram_length ≤ max_gram_length and max_skip_count ≥ 0; got \(minN), \(maxN), \(maxSkip)")
        }
        let counts = try node.required("ngram_counts", node.ints), indexes = try node.required("ngram_indexes", node.ints)
        let weights = try node.floats("weights")
        let outputSize = (indexes.max() ?? -1) + 1
        if let weights, weights.count < outputSize { throw KernelError("weights has \(weights.count) entries for \(outputSize) columns") }
        let sizes = minN...maxN
        let pool: TfIdfVectorizerKernel.Pool
        if let strings = try node.strings("pool_strings") {
            pool = .strings(try NGramPool(strings, starts: counts, columns: indexes, sizes: sizes))
        } else if let ints = try node.ints("pool_int64s") {
            pool = .ints(try NGramPool(ints.map(Int64.init), starts: counts, columns: indexes, sizes: sizes))
        } else {
            throw KernelError("one of pool_strings and pool_int64s is required")
        }
        return TfIdfVectorizerKernel(mode: mode, sizes: sizes, maxSkip: maxSkip, pool: pool, outputSize: outputSize, weights: weights)
    }]
}

/// The n-grams of a pool (sizes outside the counted range left out), each with its output column.
struct NGramPool<Token: Hashable & Sendable>: Sendable {
    let columns: [[Token]: Int]

    init(_ pool: [Token], starts: [Int], columns indexes: [Int], sizes: ClosedRange<Int>) throws {
        var columns: [[Token]: Int] = [:]
        var ngramID = 0
        for (i, start) in starts.enumerated() {
            let end = i + 1 < starts.count ? starts[i + 1] : pool.count
            let size = i + 1
            guard start >= 0, start <= end, end <= pool.count, (end - start) % size == 0 else {
                throw KernelError("ngram_counts \(starts) do not split a pool of \(pool.count) into n-grams")
            }
            for first in stride(from: start, to: end, by: size) {
                guard ngramID < indexes.count, indexes[ngramID] >= 0 else {
                    throw KernelError("ngram_indexes has no valid column for n-gram \(ngramID)")
                }
                if sizes.contains(size) { columns[Array(pool[first..<(first + size)])] = indexes[ngramID] }
                ngramID += 1
            }
        }
        self.columns = columns
    }

    /// Adds to `counts` (one row of columns) the pool's n-grams found in `row`.
    func count(_ row: ArraySlice<Token>, sizes: ClosedRange<Int>, maxSkip: Int, into counts: inout [Int]) {
        let items = Array(row)
        var smallest = sizes.lowerBound
        for gap in 1...(maxSkip + 1) {
            for start in items.indices {
                guard start + gap * (smallest - 1) < items.count else { break }
                var gram: [Token] = []
                for n in 1...sizes.upperBound {
                    let at = start + (n - 1) * gap
                    guard at < items.count else { break }
                    gram.append(items[at])
                    if n >= smallest, let column = columns[gram] { counts[column] += 1 }
                }
            }
            // Unigrams do not depend on the gap: count them on the first pass only.
            if smallest == 1 { smallest = 2 }
            if smallest > sizes.upperBound { break }
        }
    }
}

struct TfIdfVectorizerKernel: Kernel {
    enum Mode: String, Sendable { case tf = "TF", idf = "IDF", tfidf = "TFIDF" }
    enum Pool: Sendable {
        case ints(NGramPool<Int64>)
        case strings(NGramPool<String>)
    }

    let mode: Mode
    let sizes: ClosedRange<Int>
    let maxSkip: Int
    let pool: Pool
    let outputSize: Int
    let weights: [Float]?

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "X")
        guard x.rank <= 2, x.rank < 2 || x.shape[0] > 0 else {
            throw KernelError("X must have shape [C] or [B, C] with B > 0, got \(x.shape)")
        }
        let rows = x.rank == 2 ? x.shape[0] : 1
        let width = x.rank == 0 ? 1 : x.shape[x.rank - 1]
        var counts = [Int](repeating: 0, count: rows * outputSize)
        switch pool {
        case .ints(let table):
            guard x.dataType == .int32 || x.dataType == .int64 else {
                throw KernelError("X must be int32 or int64 for an integer pool, got \(x.dataType)")
            }
            countRows(try ControlArgs.ints(x, "X").map(Int64.init), table, rows: rows, width: width, &counts)
        case .strings(let table):
            guard let values = x.values(String.self) else { throw KernelError("X must be strings for a string pool, got \(x.dataType)") }
            countRows(values, table, rows: rows, width: width, &counts)
        }
        let scores = counts.enumerated().map { i, count in weigh(count, column: i % outputSize) }
        return [.tensor(TensorValue(shape: x.rank == 2 ? [rows, outputSize] : [outputSize], values: scores))]
    }

    private func countRows<Token>(_ values: [Token], _ table: NGramPool<Token>, rows: Int, width: Int, _ counts: inout [Int]) {
        for r in 0..<rows where width > 0 {
            var row = [Int](repeating: 0, count: outputSize)
            table.count(values[(r * width)..<((r + 1) * width)], sizes: sizes, maxSkip: maxSkip, into: &row)
            counts.replaceSubrange((r * outputSize)..<((r + 1) * outputSize), with: row)
        }
    }

    private func weigh(_ count: Int, column: Int) -> Float {
        switch mode {
        case .tf: return Float(count)
        case .idf: return count > 0 ? weights?[column] ?? 1 : 0
        case .tfidf: return (weights?[column] ?? 1) * Float(count)
        }
    }
}
