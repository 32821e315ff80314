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
}
