import COpenBLAS

/// Thin Swift names for the OpenBLAS calls Thaw uses.
///
/// All matrices are row-major. A GEMM computes `c = alpha * op(a) * op(b) + beta * c` where
/// `op(a)` is `[m, k]`, `op(b)` is `[k, n]` and `c` is `[m, n]`.
public enum BLAS {
    /// Pins the number of threads OpenBLAS uses in this process.
    ///
    /// Workers run one thread each so that several workers on one host do not fight over cores,
    /// and so that a micro-shard is computed by the same kernel path on every worker.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The number of threads OpenBLAS currently uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Single-precision GEMM on raw pointers.
    ///
    /// - Parameters:
    ///   - transposeA: use `a` transposed; `a` is then stored `[k, m]`.
    ///   - transposeB: use `b` transposed; `b` is then stored `[n, k]`.
    ///   - lda, ldb, ldc: row strides of the stored matrices; default to the dense widths.
    @inline(__always)
    public static func gemm(
        transposeA: Bool = false,
        transposeB: Bool = false,
        m: Int,
        n: Int,
        k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>,
        lda: Int? = nil,
        b: UnsafePointer<Float>,
        ldb: Int? = nil,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>,
        ldc: Int? = nil
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if beta == 0 {
                c.update(repeating: 0, count: m * n)
            } else if beta != 1 {
                for index in 0..<(m * n) { c[index] *= beta }
            }
            return
        }

        let leadingA = lda ?? (transposeA ? m : k)
        let leadingB = ldb ?? (transposeB ? k : n)
        let leadingC = ldc ?? n
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(leadingA), b, Int32(leadingB),
            beta, c, Int32(leadingC)
        )
    }
}
