// Conv (1, 11, 22): N-d convolution with groups, strides, dilations, explicit pads or auto_pad
// (SAME_UPPER, SAME_LOWER, VALID). The versions share semantics (11 documents kernel_shape inference and
// pads defaults, 22 adds bfloat16). Each (image, group) is an im2col followed by one gemm (BLAS sgemm for
// float32/float16/bfloat16, dgemm for double); 1×1 stride-1 unpadded convolutions skip the im2col, and
// 2-D depthwise convolutions (one input and one output channel per group) run a direct loop.

import Dispatch
import ONNX

enum ConvKernels {
    static let registrations = KernelRegistration.versions("Conv", [1, 11, 22]) { node in
        ConvKernel(spatial: try SpatialAttributes(node), group: try node.int("group", default: 1))
    }
}

/// Raw buffers handed to concurrent jobs that touch disjoint parts of the output.
struct ConvPointers<T>: @unchecked Sendable {
    let x: UnsafePointer<T>
    let w: UnsafePointer<T>
    let y: UnsafeMutablePointer<T>
}

struct ConvKernel: Kernel {
    let spatial: SpatialAttributes
    let group: Int

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "Conv")
        let x = try args.tensor(0, "X"), w = try args.tensor(1, "W")
        let b = try args.optionalTensor(2, "B")
        try ComputeSupport.requireFloating(x, "Conv")
        guard x.rank >= 3, w.rank == x.rank else {
            throw KernelError("Conv: X must be N×C×D1…, W M×C/group×k1…; got \(x.shape) and \(w.shape)")
        }
        guard group >= 1, x.shape[1] % group == 0, w.shape[0] % group == 0, w.shape[1] * group == x.shape[1] else {
            throw KernelError("Conv: channels \(x.shape[1]) and weights \(w.shape) do not fit group \(group)")
        }
        let kernel = Array(w.shape[2...])
        if let ks = spatial.kernelShape, ks != kernel {
            throw KernelError("Conv: kernel_shape \(ks) differs from the weights' \(kernel)")
        }
        if let b, b.count != w.shape[0] { throw KernelError("Conv: B has \(b.count) values for \(w.shape[0]) output channels") }
        let geometry = try SpatialGeometry.conv(input: Array(x.shape[2...]), kernel: kernel, spatial)
        let shape = [x.shape[0], w.shape[0]] + geometry.output
        if x.dataType == .double {
            let y = try compute(Double.self, x, w, b, geometry)
            return [.tensor(Double.tensor(.double, shape: shape, values: y))]
        }
        let y = try compute(Float.self, x, w, b, geometry)
        return [.tensor(Float.tensor(x.dataType, shape: shape, values: y))]
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue, _ w: TensorValue, _ b: TensorValue?,
                                          _ g: SpatialGeometry) throws -> [T] {
        let xv = try T.values(of: x), wv = try T.values(of: w)
        let bv = try b.map { try T.values(of: $0) }
        let n = x.shape[0], c = x.shape[1], m = w.shape[0]
        let cg = c / group, mg = m / group
        let I = g.inputSize, O = g.outputSize, K = g.kernelSize
        let direct = K == 1 && g.strides.allSatisfy { $0 == 1 } && g.padBegin.allSatisfy { $0 == 0 } && I == O
        let depthwise = cg == 1 && mg == 1 && g.rank == 2
        let total = n * m * O
        guard total > 0 else { return [] }
        // Each output plane starts as its bias (or 0) and the gemms add into it (beta 1): one pass instead
        // of zeroing, BLAS's own beta pass, and a bias pass afterwards.
        var y = [T](unsafeUninitializedCapacity: total) { out, initialized in
            guard let base = out.baseAddress else { return }
            for plane in 0..<(n * m) {
                (base + plane * O).initialize(repeating: bv?[plane % m] ?? 0, count: O)
            }
            initialized = total
        }
        xv.withUnsafeBufferPointer { px in
            wv.withUnsafeBufferPointer { pw in
                y.withUnsafeMutableBufferPointer { py in
                    guard let xp = px.baseAddress, let wp = pw.baseAddress, let yp = py.baseAddress else { return }
                    let jobs = n * group
                    let group = self.group
                    // Jobs write disjoint slices of y; the pointers only live for this call.
                    let pointers = ConvPointers(x: xp, w: wp, y: yp)
                    if depthwise {
                        // One plane per (image, channel); chunks of planes share their scratch buffers.
                        Parallel.forChunks(n * m, cost: O * K) { planes in
                            g.depthwise2D(planes: planes, channels: m, x: pointers.x, weights: pointers.w, y: pointers.y)
                        }
                        return
                    }
                    let work: @Sendable (Int) -> Void = { job in
                        let xp = pointers.x, wp = pointers.w, yp = pointers.y
                        let image = job / group, gi = job % group
                        let xg = xp + (image * c + gi * cg) * I
                        let yg = yp + (image * m + gi * mg) * O
                        let wg = wp + gi * mg * cg * K
                        if direct {
                            T.gemm(transposeA: false, transposeB: false, m: mg, n: O, k: cg, alpha: 1,
                                   a: wg, lda: cg, b: xg, ldb: O, beta: 1, c: yg, ldc: O)
                            return
                        }
                        let col = UnsafeMutablePointer<T>.allocate(capacity: max(cg * K * O, 1))
                        defer { col.deallocate() }
                        if jobs > 1 {
                            g.im2col(xg, channels: cg, col: col)
                        } else {
                            // A single image and group: fill the columns on every core, channel blocks apart.
                            Parallel.forChunks(cg, cost: K * O) { channels in
                                g.im2col(xg + channels.lowerBound * I, channels: channels.count,
                                         col: col + channels.lowerBound * K * O)
                            }
                        }
                        T.gemm(transposeA: false, transposeB: false, m: mg, n: O, k: cg * K, alpha: 1,
                               a: wg, lda: cg * K, b: col, ldb: O, beta: 1, c: yg, ldc: O)
                    }
                    // Images (and groups) are independent; split them over cores when there is work enough.
                    if jobs > 1 && total * cg * K > 1 << 20 {
                        Parallel.perform(jobs, work)
                    } else {
                        for job in 0..<jobs { work(job) }
                    }
                }
            }
        }
        return y
    }
}
