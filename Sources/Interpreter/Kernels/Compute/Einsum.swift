// Einsum (12, 28): Einstein summation over any number of operands. The equation may contain spaces,
// "..." (broadcast batch axes, right-aligned across operands), repeated labels within an operand (a
// diagonal), and an explicit "->" output or none (then the output is the ellipsis axes followed by the
// labels that occur once, in alphabetical order). 28 only widens the types. Two-operand contractions
// without diagonals or broadcasting (batched matmuls, the common case) are permuted into batch×M×K and
// batch×K×N and multiplied through BLAS; anything else is a loop over output × summed labels with strides
// (repeated labels add their strides; broadcast axes have stride 0).

import Limits
import ONNX

enum EinsumKernels {
    static let registrations = KernelRegistration.versions("Einsum", [12, 28]) { node in
        EinsumKernel(equation: try EinsumEquation(try node.required("equation", node.string)))
    }
}

/// A parsed equation: per operand its labels, with `nil` standing for the ellipsis.
struct EinsumEquation: Sendable {
    let operands: [[Character?]]
    /// The explicit output, or nil in implicit mode.
    let output: [Character?]?

    init(_ text: String) throws {
        let compact = text.filter { !$0.isWhitespace }
        let sides = compact.components(separatedBy: "->")
        guard sides.count <= 2 else { throw KernelError("Einsum: equation '\(text)' has more than one '->'") }
        func parse(_ term: String) throws -> [Character?] {
            var labels: [Character?] = []
            var rest = Substring(term)
            while let c = rest.first {
                if rest.hasPrefix("...") {
                    guard !labels.contains(where: { $0 == nil }) else { throw KernelError("Einsum: term '\(term)' has two ellipses") }
                    labels.append(nil)
                    rest = rest.dropFirst(3)
                } else {
                    guard c.isLetter, c.isASCII else { throw KernelError("Einsum: '\(c)' in '\(term)' is not a label") }
                    labels.append(c)
                    rest = rest.dropFirst()
                }
            }
            return labels
        }
        operands = try sides[0].components(separatedBy: ",").map(parse)
        output = sides.count == 2 ? try parse(sides[1]) : nil
    }
}

struct EinsumKernel: Kernel {
    let equation: EinsumEquation

    /// Axis labels after expanding the ellipsis: letters as their ASCII code, ellipsis axis j as 1000 + j.
    private struct Plan {
        var outputLabels: [Int]
        var summedLabels: [Int]
        var sizes: [Int: Int]
        /// Per operand, its stride for every label (0 where it does not have or broadcasts the label).
        var strides: [[Int: Int]]
        /// Per operand, the label of each axis.
        var axisLabels: [[Int]]
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "Einsum")
        guard inputs.count == equation.operands.count else {
            throw KernelError("Einsum: the equation has \(equation.operands.count) operands but the node \(inputs.count) inputs")
        }
        let tensors = try (0..<inputs.count).map { try args.tensor($0, "Inputs[\($0)]") }
        guard let first = tensors.first else { throw KernelError("Einsum needs at least one input") }
        for t in tensors where t.dataType != first.dataType {
            throw KernelError("Einsum: inputs mix \(first.dataType) and \(t.dataType)")
        }
        let plan = try makePlan(tensors.map(\.shape))
        let shape = plan.outputLabels.map { plan.sizes[$0] ?? 1 }
        // Labels of different operands combine ([M, 0] and [0, N] ask for M×N): check the output, and
        // the summed extent, which the contraction loops over for each output element.
        try ShapeMath.checkedCount(shape, elementSize: max(ShapeMath.elementSize(of: tensors[0].dataType), 4), of: "Einsum output")
        let extent = (shape + plan.summedLabels.map { plan.sizes[$0] ?? 1 }).filter { $0 != 0 }
        guard ShapeArithmetic.product(extent) != nil else {
            throw KernelError("Einsum: the output \(shape) times the summed sizes does not fit in an Int")
        }
        if first.dataType == .double {
            let values = try tensors.map { try Double.values(of: $0) }
            let y = try matmul(values, tensors.map(\.shape), plan) ?? contract(values, plan)
            return [.tensor(Double.tensor(.double, shape: shape, values: y))]
        }
        if first.dataType.isComputeFloating {
            let values = try tensors.map { try Float.values(of: $0) }
            let y = try matmul(values, tensors.map(\.shape), plan) ?? contract(values, plan)
            return [.tensor(Float.tensor(first.dataType, shape: shape, values: y))]
        }
        guard ComputeSupport.isInteger(first.dataType) else { throw KernelError("Einsum does not support element type \(first.dataType)") }
        let values = try tensors.map { t -> [Int64] in
            guard let v = t.int64s() else { throw KernelError("Einsum: unreadable input") }
            return v
        }
        return [.tensor(try ComputeSupport.integerTensor(first.dataType, shape: shape, values: contract(values, plan)))]
    }

    private func makePlan(_ shapes: [[Int]]) throws -> Plan {
        var ellipsisRank = 0
        for (labels, shape) in zip(equation.operands, shapes) {
            let letters = labels.filter { $0 != nil }.count
            let hasEllipsis = labels.count != letters
            if hasEllipsis {
                guard shape.count >= letters else { throw KernelError("Einsum: operand of shape \(shape) has too few axes for its labels") }
                ellipsisRank = max(ellipsisRank, shape.count - letters)
            } else if shape.count != letters {
                throw KernelError("Einsum: operand of shape \(shape) has \(shape.count) axes but \(letters) labels")
            }
        }
        var sizes: [Int: Int] = [:]
        var strides: [[Int: Int]] = []
        var axisLabels: [[Int]] = []
        var counts: [Int: Int] = [:]
        for (labels, shape) in zip(equation.operands, shapes) {
            let letters = labels.filter { $0 != nil }.count
            let own = shape.count - letters
            var expanded: [Int] = []
            for label in labels {
                if let c = label {
                    expanded.append(Int(c.asciiValue ?? 0))
                } else {
                    expanded += (0..<own).map { 1000 + ellipsisRank - own + $0 }
                }
            }
            let axisStrides = ComputeSupport.strides(shape)
            var table: [Int: Int] = [:]
            for (axis, label) in expanded.enumerated() {
                let size = shape[axis]
                if label < 1000 { counts[label, default: 0] += 1 }
                if let known = sizes[label], known != size {
                    if label >= 1000 && (known == 1 || size == 1) {
                        sizes[label] = max(known, size)
                    } else {
                        throw KernelError("Einsum: label sizes differ (\(known) and \(size))")
                    }
                } else if sizes[label] == nil {
                    sizes[label] = size
                }
                if size != 1 || label < 1000 { table[label, default: 0] += axisStrides[axis] }
            }
            strides.append(table)
            axisLabels.append(expanded)
        }
        // A size-1 letter axis contributes stride 0 anyway (its index stays 0).
        let ellipsisLabels = (0..<ellipsisRank).map { 1000 + $0 }
        var output: [Int] = []
        if let explicit = equation.output {
            for label in explicit {
                if let c = label {
                    let code = Int(c.asciiValue ?? 0)
                    guard sizes[code] != nil else { throw KernelError("Einsum: output label '\(c)' is not in any operand") }
                    guard !output.contains(code) else { throw KernelError("Einsum: output label '\(c)' repeats") }
                    output.append(code)
                } else {
                    output += ellipsisLabels
                }
            }
        } else {
            output = ellipsisLabels + counts.filter { $0.value == 1 }.map(\.key).sorted()
        }
        for label in ellipsisLabels where sizes[label] == nil { sizes[label] = 1 }
        let summed = sizes.keys.filter { !output.contains($0) }.sorted()
        return Plan(outputLabels: output, summedLabels: summed, sizes: sizes, strides: strides, axisLabels: axisLabels)
    }

    /// Two operands without diagonals or broadcasting whose summed labels occur in both: permute to
    /// batch×M×K and batch×K×N, multiply through BLAS, permute the batch×M×N result to the output order.
    /// Nil when the equation does not have that form.
    private func matmul<T: ComputeFloat>(_ operands: [[T]], _ shapes: [[Int]], _ plan: Plan) throws -> [T]? {
        guard operands.count == 2 else { return nil }
        let la = plan.axisLabels[0], lb = plan.axisLabels[1], out = plan.outputLabels
        for (labels, shape) in zip(plan.axisLabels, shapes) {
            guard Set(labels).count == labels.count else { return nil }
            for (label, size) in zip(labels, shape) where plan.sizes[label] != size { return nil }
        }
        let setA = Set(la), setB = Set(lb), setOut = Set(out)
        guard plan.summedLabels.allSatisfy({ setA.contains($0) && setB.contains($0) }) else { return nil }
        let batch = out.filter { setA.contains($0) && setB.contains($0) }
        let mLabels = out.filter { setA.contains($0) && !setB.contains($0) }
        let nLabels = out.filter { setB.contains($0) && !setA.contains($0) }
        let kLabels = plan.summedLabels.filter { !setOut.contains($0) }
        let size = { (labels: [Int]) throws in try ShapeMath.checkedCount(labels.map { plan.sizes[$0] ?? 1 }) }
        let (bs, m, n, k) = (try size(batch), try size(mLabels), try size(nLabels), try size(kLabels))
        let a = Self.permute(operands[0], shapes[0], la.map { (batch + mLabels + kLabels).firstIndex(of: $0) ?? 0 })
        let b = Self.permute(operands[1], shapes[1], lb.map { (batch + kLabels + nLabels).firstIndex(of: $0) ?? 0 })
        // Labels of two operands combine: [M, 0] and [0, N] ask for M×N.
        var c = [T](repeating: 0, count: bs * m * n)
        if k > 0 && !c.isEmpty {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        guard let ap = pa.baseAddress, let bp = pb.baseAddress, let cp = pc.baseAddress else { return }
                        for i in 0..<bs {
                            T.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                                   a: ap + i * m * k, lda: k, b: bp + i * k * n, ldb: n, beta: 0, c: cp + i * m * n, ldc: n)
                        }
                    }
                }
            }
        }
        let produced = batch + mLabels + nLabels
        return Self.permute(c, produced.map { plan.sizes[$0] ?? 1 }, produced.map { out.firstIndex(of: $0) ?? 0 })
    }

    /// `values` of `shape` with axis i moved to position destination[i].
    static func permute<T>(_ values: [T], _ shape: [Int], _ destination: [Int]) -> [T] {
        let r = shape.count
        if destination == Array(0..<r) || values.count <= 1 { return values }
        var outShape = [Int](repeating: 1, count: r)
        for i in 0..<r { outShape[destination[i]] = shape[i] }
        let outStrides = ComputeSupport.strides(outShape)
        // For each source axis, the stride it has in the destination.
        let step = (0..<r).map { outStrides[destination[$0]] }
        guard let first = values.first else { return values }
        var out = [T](repeating: first, count: values.count)
        var index = [Int](repeating: 0, count: r)
        var offset = 0
        for v in values {
            out[offset] = v
            var d = r - 1
            while d >= 0 {
                index[d] += 1
                offset += step[d]
                if index[d] < shape[d] { break }
                offset -= step[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    private func contract<T: Numeric>(_ operands: [[T]], _ plan: Plan) -> [T] {
        let outSizes = plan.outputLabels.map { plan.sizes[$0] ?? 1 }
        let sumSizes = plan.summedLabels.map { plan.sizes[$0] ?? 1 }
        let outCount = outSizes.reduce(1, *), sumCount = sumSizes.reduce(1, *)
        let n = operands.count
        // strides[operand][axis] over output axes then summed axes.
        let outStrides = (0..<n).map { i in plan.outputLabels.map { plan.strides[i][$0] ?? 0 } }
        let sumStrides = (0..<n).map { i in plan.summedLabels.map { plan.strides[i][$0] ?? 0 } }
        var result = [T](repeating: 0, count: outCount)
        guard outCount > 0 else { return result }
        var outIndex = [Int](repeating: 0, count: outSizes.count)
        var base = [Int](repeating: 0, count: n)
        var offsets = [Int](repeating: 0, count: n)
        var sumIndex = [Int](repeating: 0, count: sumSizes.count)
        for o in 0..<outCount {
            var total: T = 0
            if sumCount > 0 {
                for i in 0..<n { offsets[i] = base[i] }
                for d in 0..<sumIndex.count { sumIndex[d] = 0 }
                for _ in 0..<sumCount {
                    var product: T = 1
                    for i in 0..<n { product *= operands[i][offsets[i]] }
                    total += product
                    var d = sumSizes.count - 1
                    while d >= 0 {
                        sumIndex[d] += 1
                        for i in 0..<n { offsets[i] += sumStrides[i][d] }
                        if sumIndex[d] < sumSizes[d] { break }
                        for i in 0..<n { offsets[i] -= sumStrides[i][d] * sumSizes[d] }
                        sumIndex[d] = 0
                        d -= 1
                    }
                }
            }
            result[o] = total
            var d = outSizes.count - 1
            while d >= 0 {
                outIndex[d] += 1
                for i in 0..<n { base[i] += outStrides[i][d] }
                if outIndex[d] < outSizes[d] { break }
                for i in 0..<n { base[i] -= outStrides[i][d] * outSizes[d] }
                outIndex[d] = 0
                d -= 1
            }
        }
        return result
    }
}
