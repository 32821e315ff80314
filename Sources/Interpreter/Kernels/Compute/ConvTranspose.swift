// ConvTranspose (1, 11, 22): the gradient of Conv — X N×C×D…, W C×(M/group)×k…, Y N×M×O….
// Output size s·(in−1) + output_padding + (k−1)·d + 1 − pads, or output_shape when given. Without pads and
// with auto_pad SAME_UPPER/SAME_LOWER the total padding comes from output_shape (default in·s) and is split
// with the extra one at the end for SAME_UPPER, at the start otherwise (as the ONNX reference does). The
// versions share semantics (22 adds bfloat16). Per (image, group): one gemm Wᵀ·X, then col2im.

import ONNX

enum ConvTransposeKernels {
    static let registrations = KernelRegistration.versions("ConvTranspose", [1, 11, 22]) { node in
        ConvTransposeKernel(spatial: try SpatialAttributes(node), group: try node.int("group", default: 1),
                            outputPadding: try node.ints("output_padding"),
                            outputShape: try node.ints("output_shape"))
    }
}

struct ConvTransposeKernel: Kernel {
    let spatial: SpatialAttributes
    let group: Int
    let outputPadding: [Int]?
    let outputShape: [Int]?

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "ConvTranspose")
        let x = try args.tensor(0, "X"), w = try args.tensor(1, "W")
        let b = try args.optionalTensor(2, "B")
        try ComputeSupport.requireFloating(x, "ConvTranspose")
        guard x.rank >= 3, w.rank == x.rank else {
            throw KernelError("ConvTranspose: X must be N×C×D1…, W C×M/group×k1…; got \(x.shape) and \(w.shape)")
        }
        guard group >= 1, x.shape[1] % group == 0, w.shape[0] == x.shape[1] else {
            throw KernelError("ConvTranspose: channels \(x.shape[1]) and weights \(w.shape) do not fit group \(group)")
        }
        let m = w.shape[1] * group
        if let b, b.count != m { throw KernelError("ConvTranspose: B has \(b.count) values for \(m) output channels") }
        let geometry = try resolve(input: Array(x.shape[2...]), kernel: Array(w.shape[2...]))
        let shape = [x.shape[0], m] + geometry.input
        try ShapeMath.checkedCount(shape, of: x.dataType)
        if x.dataType == .double {
            return [.tensor(Double.tensor(.double, shape: shape, values: try compute(Double.self, x, w, b, geometry)))]
        }
        return [.tensor(Float.tensor(x.dataType, shape: shape, values: try compute(Float.self, x, w, b, geometry)))]
    }

    /// The geometry seen from the output: `input` is Y's spatial size, `output` X's.
    private func resolve(input xSize: [Int], kernel: [Int]) throws -> SpatialGeometry {
        let r = xSize.count
        if let ks = spatial.kernelShape, ks != kernel {
            throw KernelError("ConvTranspose: kernel_shape \(ks) differs from the weights' \(kernel)")
        }
        let strides = try spatial.strides(rank: r), dilations = try spatial.dilations(rank: r)
        var outPad = [Int](repeating: 0, count: r)
        if let outputPadding {
            guard outputPadding.count == r || outputPadding.count == 2 * r else {
                throw KernelError("ConvTranspose: output_padding has \(outputPadding.count) values for \(r) spatial axes")
            }
            outPad = Array(outputPadding[0..<r])
        }
        var requested: [Int]?
        if let outputShape {
            guard outputShape.count >= r else {
                throw KernelError("ConvTranspose: output_shape \(outputShape) has fewer than \(r) spatial sizes")
            }
            requested = Array(outputShape.suffix(r))
            try ShapeMath.checkedCount(outputShape, of: "ConvTranspose output_shape")
        }
        var begin = [Int](repeating: 0, count: r), ySize = [Int](repeating: 0, count: r)
        var natural = [Int](repeating: 0, count: r)
        for i in 0..<r {
            let window = try SpatialGeometry.dilatedWindow(kernel[i], dilations[i])
            let span = try ShapeMath.multiply(strides[i], xSize[i] - 1, "strides")
            natural[i] = try ShapeMath.add(try ShapeMath.add(span, outPad[i], "output_padding"), window, "dilations")
        }
        let same = spatial.autoPad == .sameUpper || spatial.autoPad == .sameLower
        if spatial.pads == nil && same {
            let target: [Int] = try requested ?? zip(xSize, strides).map { try ShapeMath.multiply($0, $1, "strides") }
            for i in 0..<r {
                let total = natural[i] - target[i]
                let half = SpatialGeometry.floorDiv(total, 2)
                begin[i] = spatial.autoPad == .sameUpper ? half : total - half
                ySize[i] = target[i]
            }
        } else {
            let pads = try spatial.explicitPads(rank: r)
            for i in 0..<r {
                begin[i] = pads.begin[i]
                let full: Int = natural[i] - (try ShapeMath.add(pads.begin[i], pads.end[i], "pads"))
                ySize[i] = requested?[i] ?? full
            }
        }
        guard ySize.allSatisfy({ $0 >= 0 }) else { throw KernelError("ConvTranspose: negative output size \(ySize)") }
        try ShapeMath.checkedCount(ySize, of: "ConvTranspose output")
        return SpatialGeometry(input: ySize, kernel: kernel, output: xSize, strides: strides,
                               dilations: dilations, padBegin: begin)
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue, _ w: TensorValue, _ b: TensorValue?,
                                          _ g: SpatialGeometry) throws -> [T] {
        let xv = try T.values(of: x), wv = try T.values(of: w)
        let bv = try b.map { try T.values(of: $0) }
        let n = x.shape[0], c = x.shape[1], mg = w.shape[1], m = mg * group, cg = c / group
        let Y = g.inputSize, X = g.outputSize, K = g.kernelSize
        var y = [T](repeating: 0, count: n * m * Y)
        guard !y.isEmpty else { return y }
        var col = [T](repeating: 0, count: max(mg * K * X, 1))
        xv.withUnsafeBufferPointer { px in
            wv.withUnsafeBufferPointer { pw in
                y.withUnsafeMutableBufferPointer { py in
                    col.withUnsafeMutableBufferPointer { pc in
                        guard let xp = px.baseAddress, let wp = pw.baseAddress, let yp = py.baseAddress,
                              let cp = pc.baseAddress else { return }
                        for image in 0..<n {
                            for gi in 0..<group {
                                let xg = xp + (image * c + gi * cg) * X
                                let wg = wp + gi * cg * mg * K
                                let yg = yp + (image * m + gi * mg) * Y
                                if cg == 0 { continue }
                                // col[mg·K, X] = W_gᵀ (mg·K × cg) · X_g (cg × X)
                                T.gemm(transposeA: true, transposeB: false, m: mg * K, n: X, k: cg, alpha: 1,
                                       a: wg, lda: mg * K, b: xg, ldb: X, beta: 0, c: cp, ldc: X)
                                g.col2im(cp, channels: mg, y: yg)
                            }
                            if let bv {
                                for ch in 0..<m {
                                    let row = yp + (image * m + ch) * Y
                                    for j in 0..<Y { row[j] += bv[ch] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }
}
