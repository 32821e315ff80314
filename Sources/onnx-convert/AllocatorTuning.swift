#if canImport(CMalloc)
import CMalloc
#endif

/// The interpreter frees each tensor after its last use and soon allocates another of about the same
/// size. By default glibc hands big blocks back to the kernel on free (mmap'd blocks, and heap tops past
/// the trim threshold), so every new tensor paid page faults for fresh zeroed pages. `run` keeps freed
/// blocks in the heap for reuse instead; the peak is unchanged, since it is set by the live tensors.
enum AllocatorTuning {
    static func keepFreedMemoryForReuse() {
        #if canImport(CMalloc)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)  // glibc's upper limit on 64-bit
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        #endif
    }
}
