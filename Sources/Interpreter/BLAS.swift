#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif
import Dispatch

/// Matrix multiply through the platform BLAS (OpenBLAS on Linux, Accelerate on macOS), all row-major:
/// `c[m×n] = alpha · op(a)[m×k] · op(b)[k×n] + beta · c`.
///
/// A large product is cut into panels of columns (or rows) that run on every core, each through
/// single-threaded BLAS. OpenBLAS's own threads busy-wait in `sched_yield` between calls; on the hundreds
/// of small gemms of a CNN that spinning cost more than the threads gave, and it fought the kernels' own
/// parallel loops for the same cores.
public enum BLAS {
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        beta: Float = 0, c: UnsafeMutablePointer<Float>
    ) {
        gemm(GemmCall(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                      a: a, lda: transposeA ? m : k, b: b, ldb: transposeB ? k : n, beta: beta, c: c, ldc: n))
    }

    /// `sgemm` on sub-ranges of Swift arrays: `c[cOffset…] = alpha·a[aOffset…]·op(b[bOffset…]) + beta·c`.
    public static func sgemm(
        transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: [Float], aOffset: Int, b: [Float], bOffset: Int, beta: Float = 0, c: inout [Float], cOffset: Int = 0
    ) {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let aBase = pa.baseAddress, let bBase = pb.baseAddress, let cBase = pc.baseAddress else { return }
                    sgemm(transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: aBase + aOffset, b: bBase + bOffset, beta: beta, c: cBase + cOffset)
                }
            }
        }
    }

    /// Runs `call`, split over the cores when it is big enough to pay for it.
    static func gemm<T: BLASScalar>(_ call: GemmCall<T>) {
        guard call.m > 0, call.n > 0 else { return }
        _ = singleThreadedLibrary
        let panels = call.panels(cores: Parallel.cores)
        guard panels.count > 1 else {
            T.rawGemm(call)
            return
        }
        Parallel.perform(panels.count) { T.rawGemm(panels[$0]) }
    }

    /// Runs `call` on the calling thread only: for callers that already split their work over the cores.
    static func gemmOnThisThread<T: BLASScalar>(_ call: GemmCall<T>) {
        guard call.m > 0, call.n > 0 else { return }
        _ = singleThreadedLibrary
        T.rawGemm(call)
    }

    /// Set once, before the first gemm: the library runs on its caller's thread only.
    private static let singleThreadedLibrary: Void = {
        #if !canImport(Accelerate)
        openblas_set_num_threads(1)
        #endif
    }()
}

/// The element types BLAS multiplies: Float (sgemm) and Double (dgemm).
protocol BLASScalar: BinaryFloatingPoint, Sendable {
    static func rawGemm(_ call: GemmCall<Self>)
}

extension Float: BLASScalar {
    static func rawGemm(_ g: GemmCall<Float>) {
        cblas_sgemm(CblasRowMajor, g.transposeA ? CblasTrans : CblasNoTrans, g.transposeB ? CblasTrans : CblasNoTrans,
                    Int32(g.m), Int32(g.n), Int32(g.k), g.alpha, g.a, Int32(max(g.lda, 1)), g.b, Int32(max(g.ldb, 1)),
                    g.beta, g.c, Int32(max(g.ldc, 1)))
    }
}

extension Double: BLASScalar {
    static func rawGemm(_ g: GemmCall<Double>) {
        cblas_dgemm(CblasRowMajor, g.transposeA ? CblasTrans : CblasNoTrans, g.transposeB ? CblasTrans : CblasNoTrans,
                    Int32(g.m), Int32(g.n), Int32(g.k), g.alpha, g.a, Int32(max(g.lda, 1)), g.b, Int32(max(g.ldb, 1)),
                    g.beta, g.c, Int32(max(g.ldc, 1)))
    }
}

/// One gemm's operands. The pointers are only used while `BLAS.gemm` runs; panels write disjoint parts of c.
struct GemmCall<T: BLASScalar>: @unchecked Sendable {
    var transposeA: Bool, transposeB: Bool
    var m: Int, n: Int, k: Int
    var alpha: T
    var a: UnsafePointer<T>, lda: Int
    var b: UnsafePointer<T>, ldb: Int
    var beta: T
    var c: UnsafeMutablePointer<T>, ldc: Int

    /// Below this many multiply-adds a split costs more in wake-ups than it saves.
    static var splitThreshold: Int { 1 << 18 }

    /// The call cut into at most `cores` panels: column panels (multiples of 16 wide, the width of the
    /// BLAS micro-kernels) when c is wide enough, else row panels.
    func panels(cores: Int) -> [GemmCall] {
        guard cores > 1, m * n * k >= Self.splitThreshold else { return [self] }
        if n >= 32 * cores {
            let width = (n + cores - 1) / cores
            let step = (width + 15) / 16 * 16
            return stride(from: 0, to: n, by: step).map { j in
                var panel = self
                panel.n = min(step, n - j)
                panel.b = transposeB ? b + j * ldb : b + j
                panel.c = c + j
                return panel
            }
        }
        if m >= 8 * cores {
            let step = (m + cores - 1) / cores
            return stride(from: 0, to: m, by: step).map { i in
                var panel = self
                panel.m = min(step, m - i)
                panel.a = transposeA ? a + i : a + i * lda
                panel.c = c + i * ldc
                return panel
            }
        }
        return [self]
    }
}
