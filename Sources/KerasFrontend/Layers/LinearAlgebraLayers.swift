import ONNX

/// Dot (Keras's `batch_dot` of two tensors, optionally L2-normalised first) and EinsumDense (an einsum of
/// the input with a kernel, plus a bias over some output axes).
enum LinearAlgebraLayers {
    static let mappings: [String: LayerMapping] = [
        "Dot": dot,
        "EinsumDense": einsumDense,
    ]

    // MARK: Dot

    /// `batch_dot(x, y, axes)`: the sum over x's axis a and y's axis b, batch axis shared, the output x's
    /// other axes then y's. Two vectors give [batch, 1]. `normalize` L2-normalises each input along its
    /// summed axis first (the cosine similarity).
    private static func dot(_ c: LayerContext) throws -> [KerasTensor] {
        guard c.inputs.count == 2 else { throw c.fail("takes 2 inputs, got \(c.inputs.count)") }
        let x = c.inputs[0], y = c.inputs[1]
        guard x.rank >= 2, y.rank >= 2 else { throw c.fail("inputs of rank \(x.rank) and \(y.rank); batch_dot needs rank ≥ 2") }
        let (a, b) = try dotAxes(c, ranks: (x.rank, y.rank))
        if let m = x.shape[a], let n = y.shape[b], m != n { throw c.fail("summed axes have sizes \(m) and \(n)") }
        let builder = c.builder
        var left = x.name, right = y.name
        if try c.bool("normalize", default: false) {
            // Keras 3 floors the norm at its backend epsilon 1e-7; tf.keras's l2_normalize the squares at 1e-12.
            let epsilon: Float = c.kerasVersion >= 3 ? 1e-7 : 1e-12
            left = NormalizationLayers.l2Normalize(left, axes: [a], epsilon: epsilon, kerasVersion: c.kerasVersion, builder)
            right = NormalizationLayers.l2Normalize(right, axes: [b], epsilon: epsilon, kerasVersion: c.kerasVersion, builder)
        }
        if x.rank == 2 && y.rank == 2 {
            // Row-wise inner products, kept as [batch, 1] as batch_dot does; no Einsum needed.
            let product = builder.op("Mul", [left, right])
            let sum = builder.op("ReduceSum", [product, builder.int64s("axes", [1])], [.int("keepdims", 1)])
            return [KerasTensor(name: sum, shape: [x.shape[0], 1])]
        }
        // Einsum labels: "a" the batch, "z" the summed axis, the others in order.
        var free = Array("bcdefghijklmnopqrstuvwxy").makeIterator()
        func labels(_ rank: Int, summed: Int) -> [Character] {
            (0..<rank).map { $0 == 0 ? "a" : $0 == summed ? "z" : free.next() ?? "?" }
        }
        let xl = labels(x.rank, summed: a), yl = labels(y.rank, summed: b)
        let outputLabels = xl.filter { $0 != "z" } + yl.dropFirst().filter { $0 != "z" }
        let equation = String(xl) + "," + String(yl) + "->" + String(outputLabels)
        let out = builder.op("Einsum", [left, right], [.string("equation", equation)])
        let shape = x.shape.enumerated().filter { $0.offset != a }.map(\.element)
            + y.shape.enumerated().filter { $0.offset != 0 && $0.offset != b }.map(\.element)
        return [KerasTensor(name: out, shape: shape)]
    }

    /// `axes`: one integer for both inputs or a pair; negative ones count from the end of each input.
    private static func dotAxes(_ c: LayerContext, ranks: (Int, Int)) throws -> (Int, Int) {
        let raw: [Int]
        if let single = c.config["axes"]?.int {
            raw = [single, single]
        } else if let list = c.config["axes"]?.array, list.count == 2, case let pair = list.compactMap(\.int), pair.count == 2 {
            raw = pair
        } else {
            throw c.fail("option 'axes' is not an integer or a pair of integers")
        }
        let a = raw[0] < 0 ? raw[0] + ranks.0 : raw[0], b = raw[1] < 0 ? raw[1] + ranks.1 : raw[1]
        guard (1..<ranks.0).contains(a), (1..<ranks.1).contains(b) else {
            throw c.fail("axes \(raw) do not fit inputs of rank \(ranks.0) and \(ranks.1) (the batch axis cannot be summed)")
        }
        return (a, b)
    }

    // MARK: EinsumDense

    /// One side of an EinsumDense equation: its letters, and whether "..." stands before or after them.
    struct Term: Equatable {
        enum Ellipsis { case none, leading, trailing }
        var labels: [Character]
        var ellipsis: Ellipsis

        init?(_ text: Substring) {
            if text.hasPrefix("...") {
                ellipsis = .leading
                labels = Array(text.dropFirst(3))
            } else if text.hasSuffix("...") {
                ellipsis = .trailing
                labels = Array(text.dropLast(3))
            } else {
                ellipsis = .none
                labels = Array(text)
            }
            guard labels.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        }
    }

    /// y = activation(einsum(equation, x, kernel) + bias). The kernel's shape is read from the file; the
    /// bias (bias_axes) is stored right-aligned to the output, so it broadcasts as it is. An equation that
    /// is Dense over the last axis ("abc,cd->abd", "...b,bc->...c") becomes MatMul, any other one Einsum.
    private static func einsumDense(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        try refuseQuantized(c)
        let equation = try c.string("equation")
        let parts = equation.filter { !$0.isWhitespace }.split(separator: ",", omittingEmptySubsequences: false)
        let sides = parts.count == 2 ? parts[1].components(separatedBy: "->") : []
        guard sides.count == 2, let input = Term(parts[0]), let kernelTerm = Term(Substring(sides[0])),
              let output = Term(Substring(sides[1])), kernelTerm.ellipsis == .none, input.ellipsis == output.ellipsis else {
            throw c.fail("equation '\(equation)' is not of the form x,kernel->y (with '...' on the same side of x and y)")
        }
        let useBias = c.config["bias_axes"].map { !$0.isNull && $0.string != "" } ?? false
        guard c.weights.count == (useBias ? 2 : 1) else {
            let lora = c.config["lora_rank"].map { !$0.isNull } ?? false
            throw KerasError.weights(c.layer.id, "\(c.weights.count) arrays, expected kernel\(useBias ? " and bias" : "")"
                                     + (lora ? " (LoRA factors that are not merged into the kernel are not supported)" : ""))
        }
        let kernel = try c.weight(0, "kernel")
        let shape = try outputShape(c, x: x, input: input, kernel: kernelTerm, kernelShape: kernel.shape, output: output)
        let b = c.builder
        let k = b.weight("kernel", kernel)
        var y: String
        if isMatMul(input: input, kernel: kernelTerm, output: output) {
            y = b.op("MatMul", [x.name, k])
        } else {
            y = b.op("Einsum", [x.name, k], [.string("equation", try lowercased(c, equation))])
        }
        if useBias {
            let bias = try c.weight(1, "bias")
            let aligned = Array(shape.suffix(bias.shape.count))
            guard bias.shape.count <= shape.count, zip(bias.shape, aligned).allSatisfy({ $0 == 1 || $1 == nil || $0 == $1 }) else {
                throw KerasError.weights(c.layer.id, "bias has shape \(bias.shape), which does not broadcast to the output \(shape)")
            }
            y = b.op("Add", [y, b.weight("bias", bias)])
        }
        y = try ActivationLayers.apply(try c.string("activation", default: "linear"), to: y, c)
        return [KerasTensor(name: y, shape: shape)]
    }

    /// Keras 3 quantises EinsumDense in place (int8, int4, float8, GPTQ): other weights, other arithmetic.
    private static func refuseQuantized(_ c: LayerContext) throws {
        let policy = c.config["dtype"]?["config"]?["name"]?.string ?? c.config["dtype"]?.string ?? "float32"
        let quantization = c.config["quantization_config"].map { !$0.isNull } ?? false
        if quantization || policy.contains("_from_") || ["int8", "int4", "float8", "gptq"].contains(policy) {
            throw c.fail("quantized EinsumDense (dtype policy '\(policy)') is not supported; convert the float model")
        }
    }

    /// Whether the equation multiplies x's last axis by a [k, n] kernel and keeps x's other axes in place.
    private static func isMatMul(input: Term, kernel: Term, output: Term) -> Bool {
        guard kernel.labels.count == 2, input.ellipsis != .trailing, let k = input.labels.last, kernel.labels[0] == k else { return false }
        let n = kernel.labels[1]
        return !input.labels.contains(n) && input.labels.filter({ $0 == k }).count == 1
            && output.labels == Array(input.labels.dropLast()) + [n]
    }

    /// The output's Keras shape: each letter's size from x or the kernel, the "..." axes from x.
    private static func outputShape(_ c: LayerContext, x: KerasTensor, input: Term, kernel: Term, kernelShape: [Int],
                                    output: Term) throws -> [Int?] {
        let elided = x.rank - input.labels.count
        guard elided >= 0, input.ellipsis != .none || elided == 0 else {
            throw c.fail("equation input '\(String(input.labels))' does not fit an input of rank \(x.rank)")
        }
        guard kernelShape.count == kernel.labels.count else {
            throw KerasError.weights(c.layer.id, "kernel has shape \(kernelShape) for equation kernel '\(String(kernel.labels))'")
        }
        let offset = input.ellipsis == .leading ? elided : 0
        var sizes: [Character: Int?] = [:]
        for (i, label) in input.labels.enumerated() { sizes.updateValue(x.shape[offset + i], forKey: label) }
        for (label, size) in zip(kernel.labels, kernelShape) {
            if let known = sizes[label], let inputSize = known, inputSize != size {
                throw KerasError.weights(c.layer.id, "kernel axis '\(label)' has size \(size), the input \(inputSize)")
            }
            sizes.updateValue(size, forKey: label)
        }
        var labelled: [Int?] = []
        for label in output.labels {
            guard let size = sizes[label] else { throw c.fail("output axis '\(label)' is in neither the input nor the kernel") }
            labelled.append(size)
        }
        switch input.ellipsis {
        case .none: return labelled
        case .leading: return Array(x.shape.prefix(elided)) + labelled
        case .trailing: return labelled + Array(x.shape.suffix(elided))
        }
    }

    /// The equation with its letters lower-case, as ONNX Einsum asks (Keras allows upper-case ones too).
    private static func lowercased(_ c: LayerContext, _ equation: String) throws -> String {
        guard equation.contains(where: \.isUppercase) else { return equation }
        var unused = Array("abcdefghijklmnopqrstuvwxyz").filter { !equation.contains($0) }.makeIterator()
        var renamed: [Character: Character] = [:]
        var out = ""
        for ch in equation {
            guard ch.isUppercase else { out.append(ch); continue }
            if renamed[ch] == nil { renamed[ch] = unused.next() }
            guard let lower = renamed[ch] else { throw c.fail("equation '\(equation)' uses more than 26 letters") }
            out.append(lower)
        }
        return out
    }
}
