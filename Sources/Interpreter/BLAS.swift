#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Single-precision matrix multiply through the platform BLAS (OpenBLAS on Linux, Accelerate on macOS):
/// `c[m×n] = alpha · op(a)[m×k] · op(b)[k×n] + beta · c`, all row-major.
public enum BLAS {
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        beta: Float = 0, c: UnsafeMutablePointer<Float>
    ) {
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
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
}
