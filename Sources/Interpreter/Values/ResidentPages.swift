import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Initializers are copied out of the memory-mapped model file into arrays when a graph is planned. The
/// file's pages stay resident after the copy, so every weight would count twice in the process's memory.
/// Once a large tensor is copied, its source pages are handed back to the kernel with MADV_PAGEOUT, which
/// never changes memory contents (clean file pages are simply read again if touched; anonymous pages stay
/// put without swap), so it is safe whatever the bytes' origin.
enum ResidentPages {
    /// Below this a tensor shares its pages with its neighbours; not worth a system call.
    static let minimumBytes = 1 << 16

    static func release(_ data: Data) {
        #if os(Linux)
        guard data.count >= minimumBytes else { return }
        data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            let start = Int(bitPattern: base) / page * page
            let end = (Int(bitPattern: base) + bytes.count + page - 1) / page * page
            guard let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
            // Linux 5.4+; older kernels refuse the advice, which costs nothing but the memory.
            _ = madvise(pointer, end - start, MADV_PAGEOUT)
        }
        #endif
    }
}
