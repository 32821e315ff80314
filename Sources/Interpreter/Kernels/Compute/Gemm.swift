// Gemm (1, 6, 7, 9, 11, 13): Y = alpha·op(A)·op(B) + beta·C with op = transpose when transA/transB.
// 1 and 6 have a `broadcast` attribute for C; from 7 C broadcasts unidirectionally to (M, N) — this kernel
// always broadcasts (a superset of the older rule). From 11 C is optional. 9 adds integer types,
// 13 bfloat16. float32/double use BLAS; float16/bfloat16 are widened to float32; integers loop.

import ONNX

enum GemmKernels {
    static let registrations = KernelRegistration.versions("Gemm", [1, 6, 7, 9, 11, 13]) { node in
        GemmKernel(transA: try node.int("transA", default: 0) != 0,
                   transB: try node.int("transB", default: 0) != 0,
                   alpha: try node.float("alpha", default: 1),
                   beta: try node.float("beta", default: 1))
    }
}

struct GemmKernel: Kernel {
    let transA: Bool, transB: Bool
    let alpha: Float, beta: Float

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "Gemm")
        let a = try args.tensor(0, "A"), b = try args.tensor(1, "B")
        let c = try args.optionalTensor(2, "C")
        guard a.rank == 2, b.rank == 2 else { throw KernelError("Gemm: A and B must be 2-D, got \(a.shape) and \(b.shape)") }
        guard a.dataType == b.dataType else { throw KernelError("Gemm: A is \(a.dataType) but B is \(b.dataType)") }
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
        let kb = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1]
        guard k == kb else { throw KernelError("Gemm: inner dimensions differ: op(A) is \(m)×\(k), op(B) is \(kb)×\(n)") }
        // With k = 0 two empty operands ask for an m×n output.
        try ShapeMath.checkedCount([m, n], of: a.dataType, what: "Gemm output")
        if let c {
            guard c.rank <= 2, (try? Broadcast.shape([c.shape, [m, n]])) == [m, n] else {
                throw KernelError("Gemm: C of shape \(c.shape) does not broadcast to [\(m), \(n)]")
            }
        }
        let shape = [m, n]
        if a.dataType == .double {
            let y = try compute(Double.self, a, b, c, m: m, n: n, k: k)
            return [.tensor(TensorValue(dataType: .double, shape: shape, storage: .double(y)))]
        }
        if a.dataType.isComputeFloating {
            let y = try compute(Float.self, a, b, c, m: m, n: n, k: k)
            return [.tensor(Float.tensor(a.dataType, shape: shape, values: y))]
        }
        guard ComputeSupport.isInteger(a.dataType), let av = a.int64s(), let bv = b.int64s() else {
            throw KernelError("Gemm does not support element type \(a.dataType)")
        }
        let cv = try c.map { try broadcastC($0.int64s() ?? [], $0.shape, m: m, n: n) }
        let al = Int64(alpha), be = Int64(beta)
        var y = [Int64](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Int64 = 0
                for p in 0..<k {
                    let x = transA ? av[p * m + i] : av[i * k + p]
                    let w = transB ? bv[j * k + p] : bv[p * n + j]
                    s &+= x &* w
                }
                y[i * n + j] = al &* s &+ (cv.map { be &* $0[i * n + j] } ?? 0)
            }
        }
        return [.tensor(try ComputeSupport.integerTensor(a.dataType, shape: shape, values: y))]
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ a: TensorValue, _ b: TensorValue, _ c: TensorValue?,
                                          m: Int, n: Int, k: Int) throws -> [T] {
        let av = try T.values(of: a), bv = try T.values(of: b)
        var y: [T]
        var betaT = T(beta)
        if let c, beta != 0 {
            y = try broadcastC(try T.values(of: c), c.shape, m: m, n: n)
        } else {
            y = [T](repeating: 0, count: m * n)
            betaT = 0
        }
        if k == 0 { return y.map { $0 * betaT } }
        av.withUnsafeBufferPointer { pa in
            bv.withUnsafeBufferPointer { pb in
                y.withUnsafeMutableBufferPointer { py in
                    guard let ap = pa.baseAddress, let bp = pb.baseAddress, let yp = py.baseAddress else { return }
                    T.gemm(transposeA: transA, transposeB: transB, m: m, n: n, k: k, alpha: T(alpha),
                           a: ap, lda: transA ? m : k, b: bp, ldb: transB ? k : n, beta: betaT, c: yp, ldc: n)
                }
            }
        }
        return y
    }

    /// C broadcast to an m×n row-major matrix.
    private func broadcastC<T>(_ values: [T], _ shape: [Int], m: Int, n: Int) throws -> [T] {
        guard let first = values.first else { throw KernelError("Gemm: C is empty") }
        if values.count == m * n { return values }
        if values.count == 1 { return [T](repeating: first, count: m * n) }
        let strides = Broadcast.strides(of: shape, broadcastTo: [m, n])
        var out = [T]()
        out.reserveCapacity(m * n)
        for i in 0..<m {
            for j in 0..<n { out.append(values[i * strides[0] + j * strides[1]]) }
        }
        return out
    }
}
