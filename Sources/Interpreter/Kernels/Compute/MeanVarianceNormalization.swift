// MeanVarianceNormalization (9, 13): y = (x − E[x]) / √(E[x²] − E[x]²) over `axes` (default [0, 2, 3]),
// as the ONNX function body computes it (with 1e-9 added to the deviation). 13 adds bfloat16.

import ONNX

enum MeanVarianceNormalizationKernels {
    static let registrations = KernelRegistration.versions("MeanVarianceNormalization", [9, 13]) { node in
        MeanVarianceNormalizationKernel(axes: try node.ints("axes") ?? [0, 2, 3])
    }
}

struct MeanVarianceNormalizationKernel: Kernel {
    let axes: [Int]

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ComputeInputs(inputs, op: "MeanVarianceNormalization").tensor(0, "X")
        try ComputeSupport.requireFloating(x, "MeanVarianceNormalization")
        var set = Set<Int>()
        for a in axes { set.insert(try ComputeSupport.normalizeAxis(a, rank: x.rank, "MeanVarianceNormalization")) }
        let layout = ReductionLayout(shape: x.shape, axes: set)
        if x.dataType == .double { return [.tensor(try compute(Double.self, x, layout))] }
        return [.tensor(try compute(Float.self, x, layout))]
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue, _ layout: ReductionLayout) throws -> TensorValue {
        let v = try T.values(of: x)
        let n = T(layout.groupSize)
        let mean = layout.fold(v, initial: T(0)) { $0 + $1 }.map { $0 / n }
        let meanSquare = layout.fold(v, initial: T(0)) { $0 + $1 * $1 }.map { $0 / n }
        let deviation = zip(meanSquare, mean).map { ($0 - $1 * $1).squareRoot() + T(1e-9) }
        let offsets = layout.outputOffsets()
        let y = v.indices.map { (v[$0] - mean[offsets[$0]]) / deviation[offsets[$0]] }
        return T.tensor(x.dataType, shape: x.shape, values: y)
    }
}
