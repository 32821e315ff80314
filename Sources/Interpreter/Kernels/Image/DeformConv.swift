// DeformConv (19, 22): convolution whose kernel taps are moved by learned offsets. X is N×C×D1…Dr, W
// M×(C/group)×k1…kr, offset N×(offset_group·∏k·r)×O1…Or (per offset group and tap, the shift along
// each axis in turn), optional B (M) and mask N×(offset_group·∏k)×O1…Or (a factor per sampled value).
// Tap t of output position o reads X at o·stride − pad_begin + t·dilation + offset, bilinearly with
// zeros outside the input (GridSampler, linear/zeros). The sampled values form a deformable im2col
// matrix, then each group is one gemm with its weights, as Conv does. 22 only widens the types.

import ONNX

enum DeformConvKernels {
    static let registrations = KernelRegistration.versions("DeformConv", [19, 22]) { node in
        DeformConvKernel(spatial: try SpatialAttributes(node), group: try node.int("group", default: 1),
                         offsetGroup: try node.int("offset_group", default: 1))
    }
}

struct DeformConvKernel: Kernel {
    let spatial: SpatialAttributes
    let group: Int
    let offsetGroup: Int

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "DeformConv")
        let x = try args.tensor(0, "X"), w = try args.tensor(1, "W"), offset = try args.tensor(2, "offset")
        let b = try args.optionalTensor(3, "B"), mask = try args.optionalTensor(4, "mask")
        guard x.rank >= 3, w.rank == x.rank, offset.rank == x.rank else {
            throw KernelError("DeformConv: X, W and offset must have the same rank ≥ 3; got \(x.shape), \(w.shape), \(offset.shape)")
        }
        let (c, m) = (x.shape[1], w.shape[0])
        guard group >= 1, offsetGroup >= 1, w.shape[1] * group == c, m % group == 0, c % offsetGroup == 0 else {
            throw KernelError("DeformConv: channels \(c), weights \(w.shape), group \(group) and offset_group \(offsetGroup) do not fit")
        }
        let kernel = Array(w.shape[2...])
        if let ks = spatial.kernelShape, ks != kernel {
            throw KernelError("DeformConv: kernel_shape \(ks) differs from the weights' \(kernel)")
        }
        let geometry = try SpatialGeometry.conv(input: Array(x.shape[2...]), kernel: kernel, spatial)
        let taps = geometry.kernelSize, r = geometry.rank
        guard offset.shape == [x.shape[0], offsetGroup * taps * r] + geometry.output else {
            throw KernelError("DeformConv: offset must be \([x.shape[0], offsetGroup * taps * r] + geometry.output), got \(offset.shape)")
        }
        if let mask, mask.shape != [x.shape[0], offsetGroup * taps] + geometry.output {
            throw KernelError("DeformConv: mask must be \([x.shape[0], offsetGroup * taps] + geometry.output), got \(mask.shape)")
        }
        if let b, b.count != m { throw KernelError("DeformConv: B has \(b.count) values for \(m) output channels") }
        let job = Job(x: x, w: w, offset: offset, b: b, mask: mask, geometry: geometry, group: group, offsetGroup: offsetGroup)
        return [.tensor(try ImageSupport.run(job, as: x.dataType))]
    }

    struct Job: FloatingComputation {
        let x: TensorValue, w: TensorValue, offset: TensorValue
        let b: TensorValue?, mask: TensorValue?
        let geometry: SpatialGeometry
        let group: Int, offsetGroup: Int

        func compute<T: ComputeFloat>(_: T.Type) throws -> (shape: [Int], values: [T]) {
            let xv = try ImageSupport.floating(x, "DeformConv", as: T.self), wv = try T.values(of: w)
            let ov = try T.values(of: offset), mv = try mask.map { try T.values(of: $0) }
            let bv = try b.map { try T.values(of: $0) }
            let (n, c, m) = (x.shape[0], x.shape[1], w.shape[0])
            let (K, O) = (geometry.kernelSize, geometry.outputSize)
            let (cg, mg) = (c / group, m / group)
            var y = [T](repeating: 0, count: n * m * O)
            var col = [T](repeating: 0, count: c * K * O)
            for image in 0..<n {
                xv.withUnsafeBufferPointer { px in
                    guard let xp = px.baseAddress else { return }
                    fillColumns(&col, xp + image * c * geometry.inputSize, offsets: ov, masks: mv, image: image)
                }
                wv.withUnsafeBufferPointer { pw in
                    col.withUnsafeBufferPointer { pc in
                        y.withUnsafeMutableBufferPointer { py in
                            guard let wp = pw.baseAddress, let cp = pc.baseAddress, let yp = py.baseAddress else { return }
                            for gi in 0..<group {
                                T.gemm(transposeA: false, transposeB: false, m: mg, n: O, k: cg * K, alpha: 1,
                                       a: wp + gi * mg * cg * K, lda: cg * K, b: cp + gi * cg * K * O, ldb: O,
                                       beta: 0, c: yp + (image * m + gi * mg) * O, ldc: O)
                            }
                        }
                    }
                }
                if let bv {
                    for ch in 0..<m { for j in 0..<O { y[(image * m + ch) * O + j] += bv[ch] } }
                }
            }
            return ([n, m] + geometry.output, y)
        }

        /// The deformable im2col of one image: col[(channel·K + tap)·O + o] is the channel sampled where
        /// tap `tap` of output position `o` lands after its offset, times the mask.
        private func fillColumns<T: ComputeFloat>(_ col: inout [T], _ plane: UnsafePointer<T>, offsets: [T], masks: [T]?, image: Int) {
            let g = geometry, r = g.rank, K = g.kernelSize, O = g.outputSize
            let perGroup = x.shape[1] / offsetGroup
            let sampler = GridSampler(interpolation: .linear, padding: .zeros, alignCorners: true)
            let strides = ComputeSupport.strides(g.input)
            let kernelStrides = ComputeSupport.strides(g.kernel), outStrides = ComputeSupport.strides(g.output)
            for og in 0..<offsetGroup {
                for k in 0..<K {
                    for o in 0..<O {
                        let taps = (0..<r).map { d -> AxisTaps<T> in
                            let tap = k / kernelStrides[d] % g.kernel[d], out = o / outStrides[d] % g.output[d]
                            let shift = offsets[(((image * offsetGroup + og) * K + k) * r + d) * O + o]
                            let p = T(out * g.strides[d] - g.padBegin[d] + tap * g.dilations[d]) + shift
                            return sampler.taps(at: p, size: g.input[d])
                        }
                        let factor = masks.map { $0[((image * offsetGroup + og) * K + k) * O + o] } ?? 1
                        for ch in (og * perGroup)..<((og + 1) * perGroup) {
                            let v = GridSampler.interpolate(plane + ch * g.inputSize, strides: strides, taps: taps)
                            col[(ch * K + k) * O + o] = factor * v
                        }
                    }
                }
            }
        }
    }
}
