// Conv (1, 11, 22): N-d convolution with groups, strides, dilations, explicit pads or auto_pad
// (SAME_UPPER, SAME_LOWER, VALID). The versions share semantics (11 documents kernel_shape inference and
// pads defaults, 22 adds bfloat16). Each (image, group) is an im2col followed by one gemm (BLAS sgemm for
// float32/float16/bfloat16, dgemm for double); 1×1 stride-1 unpadded convolutions skip the im2col, and
// 2-D depthwise convolutions (one input and one output channel per group) run a direct loop.
//
// Large outputs are cut into tiles of output lines (`ConvTiling`): each tile starts as the bias, gets its
// im2col columns and its gemm, then the fused activation if any, while it is still in cache; the tiles
// run on all cores. Small outputs (late layers) run whole, with the gemm split over the cores by rows.

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

struct ConvKernel: Kernel, ActivationFusing {
    let spatial: SpatialAttributes
    let group: Int
    /// Applied to float32 outputs as they are written (see `ActivationFusion`).
    var activation: FusedActivation? = nil

    func fusing(_ activation: FusedActivation) -> any Kernel {
        var fused = self
        fused.activation = activation
        return fused
    }

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
        try ShapeMath.checkedCount(shape, of: x.dataType)
        let problem = ConvProblem(x: x.shape, m: w.shape[0], group: group, geometry: geometry)
        if x.dataType == .double {
            let y = try compute(Double.self, x, w, b, problem, activation: nil)
            return [.tensor(Double.tensor(.double, shape: shape, values: y))]
        }
        let y = try compute(Float.self, x, w, b, problem, activation: x.dataType == .float ? activation : nil)
        return [.tensor(Float.tensor(x.dataType, shape: shape, values: y))]
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue, _ w: TensorValue, _ b: TensorValue?,
                                          _ p: ConvProblem, activation: FusedActivation?) throws -> [T] {
        let xv = try T.values(of: x), wv = try T.values(of: w)
        let bv = try b.map { try T.values(of: $0) }
        let total = p.images * p.m * p.g.outputSize
        guard total > 0 else { return [] }
        return xv.withUnsafeBufferPointer { px in
            wv.withUnsafeBufferPointer { pw in
                [T](unsafeUninitializedCapacity: total) { out, initialized in
                    guard let xp = px.baseAddress, let wp = pw.baseAddress, let yp = out.baseAddress else { return }
                    let run = ConvRun(p: p, pointers: ConvPointers(x: xp, w: wp, y: yp), bias: bv, activation: activation)
                    if p.isDepthwise {
                        run.depthwise()
                    } else if let tiling = ConvTiling(p) {
                        run.tiled(tiling)
                    } else {
                        run.whole()
                    }
                    initialized = total
                }
            }
        }
    }
}

/// The sizes of one Conv call.
struct ConvProblem {
    let images: Int, c: Int, m: Int, group: Int
    let cg: Int, mg: Int
    let g: SpatialGeometry
    /// Input, output and kernel elements per plane.
    let I: Int, O: Int, K: Int

    init(x: [Int], m: Int, group: Int, geometry: SpatialGeometry) {
        images = x[0]
        c = x[1]
        self.m = m
        self.group = group
        cg = c / group
        mg = m / group
        g = geometry
        I = geometry.inputSize
        O = geometry.outputSize
        K = geometry.kernelSize
    }

    /// One input and one output channel per group, in 2-D: a direct loop per plane.
    var isDepthwise: Bool { cg == 1 && mg == 1 && g.rank == 2 }

    /// 1×1, stride 1, no padding: the input planes are the gemm's right-hand side as they are.
    var isPointwise: Bool {
        K == 1 && g.strides.allSatisfy { $0 == 1 } && g.padBegin.allSatisfy { $0 == 0 } && I == O
    }

    /// (image, group) pairs: one gemm each.
    var jobs: Int { images * group }
}

/// Output tiles of whole output lines, for im2col convolutions with outputs wide enough to give every
/// core several tiles. Pointwise convolutions have no columns to keep in cache; measured on MobileNetV2's,
/// tiles were slower than two gemm panels over whole planes.
struct ConvTiling {
    /// Output lines per tile.
    let lines: Int
    let tiles: Int

    /// Columns of im2col kept within about half of a core's L2 cache (512 KB on this project's machine).
    private static let columnBudget = 1 << 17
    /// Narrower gemms lose more to BLAS's per-call packing than the cache saves.
    private static let minimumColumns = 256

    init?(_ p: ConvProblem, cores: Int = Parallel.cores) {
        let line = max(p.g.outputLine, 1), lineCount = p.g.outputLines
        guard !p.isPointwise else { return nil }
        let rows = p.cg * p.K
        let byCache = max(Self.minimumColumns, Self.columnBudget / max(rows, 1))
        let byBalance = (p.O + 4 * cores - 1) / (4 * cores)
        let columns = max(Self.minimumColumns, min(byCache, byBalance))
        lines = min(lineCount, max(1, (columns + line - 1) / line))
        tiles = (lineCount + lines - 1) / lines
        guard p.jobs * tiles >= 2 * cores, tiles > 1 else { return nil }
    }
}

/// One Conv computation over raw buffers; `y` is uninitialised until a path writes it.
struct ConvRun<T: ComputeFloat>: @unchecked Sendable {
    let p: ConvProblem
    let pointers: ConvPointers<T>
    let bias: [T]?
    let activation: FusedActivation?

    /// Output planes start as their bias (or 0) and the gemms add into them (beta 1): one pass instead of
    /// zeroing, BLAS's own beta pass, and a bias pass afterwards.
    private func prefill(planes: Range<Int>, columns: Range<Int>) {
        for plane in planes {
            (pointers.y + plane * p.O + columns.lowerBound).initialize(repeating: bias?[plane % p.m] ?? 0,
                                                                        count: columns.count)
        }
    }

    private func activate(planes: Range<Int>, columns: Range<Int>) {
        guard let activation, T.self == Float.self else { return }
        let y = UnsafeMutableRawPointer(pointers.y).assumingMemoryBound(to: Float.self)
        for plane in planes { activation.apply(y + plane * p.O + columns.lowerBound, count: columns.count) }
    }

    func depthwise() {
        // One plane per (image, channel); chunks of planes share their scratch buffers.
        Parallel.forChunks(p.images * p.m, cost: p.O * p.K) { planes in
            prefill(planes: planes, columns: 0..<p.O)
            p.g.depthwise2D(planes: planes, channels: p.m, x: pointers.x, weights: pointers.w, y: pointers.y)
            activate(planes: planes, columns: 0..<p.O)
        }
    }

    func tiled(_ tiling: ConvTiling) {
        let line = max(p.g.outputLine, 1), lineCount = p.g.outputLines
        Parallel.perform(p.jobs * tiling.tiles) { item in
            let job = item / tiling.tiles, tile = item % tiling.tiles
            let lines = (tile * tiling.lines)..<min(lineCount, (tile + 1) * tiling.lines)
            let columns = (lines.lowerBound * line)..<(lines.upperBound * line)
            let planes = (job * p.mg)..<((job + 1) * p.mg)
            prefill(planes: planes, columns: columns)
            let (xg, yg, wg) = operands(job)
            let rows = p.cg * p.K
            let col = UnsafeMutablePointer<T>.allocate(capacity: rows * columns.count)
            defer { col.deallocate() }
            p.g.im2col(xg, channels: p.cg, col: col, lines: lines)
            BLAS.gemmOnThisThread(GemmCall(transposeA: false, transposeB: false, m: p.mg, n: columns.count, k: rows,
                                           alpha: 1, a: wg, lda: rows, b: col, ldb: columns.count,
                                           beta: 1, c: yg + columns.lowerBound, ldc: p.O))
            activate(planes: planes, columns: columns)
        }
    }

    /// Whole planes per (image, group); for one job, im2col and the gemm each split over the cores.
    func whole() {
        Parallel.forChunks(p.images * p.m, cost: p.O) { planes in prefill(planes: planes, columns: 0..<p.O) }
        let work: (Int) -> Void = { job in
            let (xg, yg, wg) = operands(job)
            if p.isPointwise {
                T.gemm(transposeA: false, transposeB: false, m: p.mg, n: p.O, k: p.cg, alpha: 1,
                       a: wg, lda: p.cg, b: xg, ldb: p.O, beta: 1, c: yg, ldc: p.O)
                return
            }
            let col = UnsafeMutablePointer<T>.allocate(capacity: max(p.cg * p.K * p.O, 1))
            defer { col.deallocate() }
            if p.jobs > 1 {
                p.g.im2col(xg, channels: p.cg, col: col)
            } else {
                // A single image and group: fill the columns on every core, channel blocks apart.
                Parallel.forChunks(p.cg, cost: p.K * p.O) { channels in
                    p.g.im2col(xg + channels.lowerBound * p.I, channels: channels.count,
                               col: col + channels.lowerBound * p.K * p.O)
                }
            }
            T.gemm(transposeA: false, transposeB: false, m: p.mg, n: p.O, k: p.cg * p.K, alpha: 1,
                   a: wg, lda: p.cg * p.K, b: col, ldb: p.O, beta: 1, c: yg, ldc: p.O)
        }
        // Images (and groups) are independent; split them over cores when there is work enough.
        if p.jobs > 1 && p.images * p.m * p.O * p.cg * p.K > 1 << 20 {
            Parallel.perform(p.jobs, work)
        } else {
            for job in 0..<p.jobs { work(job) }
        }
        if activation != nil {
            Parallel.forChunks(p.images * p.m, cost: p.O) { planes in activate(planes: planes, columns: 0..<p.O) }
        }
    }

    /// Input planes, output planes and weights of job (image, group).
    private func operands(_ job: Int) -> (UnsafePointer<T>, UnsafeMutablePointer<T>, UnsafePointer<T>) {
        let image = job / p.group, gi = job % p.group
        return (pointers.x + (image * p.c + gi * p.cg) * p.I,
                pointers.y + (image * p.m + gi * p.mg) * p.O,
                pointers.w + gi * p.mg * p.cg * p.K)
    }
}
