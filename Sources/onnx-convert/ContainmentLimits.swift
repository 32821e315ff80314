import Foundation

/// The limits of a contained child, derived from how much it reads: a conversion needs time and memory
/// roughly in proportion to its inputs (VGG16's 528 MB .h5 converts in about 1.2 s at about 0.9 GB),
/// and these leave an order of magnitude of headroom over that while stopping a loop or a runaway
/// allocation in seconds on a small file.
struct ContainmentLimits: Equatable {
    /// Wall-clock seconds before the parent kills the child.
    var seconds: Int
    /// CPU seconds (RLIMIT_CPU, all threads together), past which the kernel stops the child.
    var cpuSeconds: Int
    /// Bytes of address space (RLIMIT_AS).
    var addressSpace: Int

    init(seconds: Int, cpuSeconds: Int, addressSpace: Int) {
        self.seconds = seconds
        self.cpuSeconds = cpuSeconds
        self.addressSpace = addressSpace
    }

    init(inputs: [String], environment: [String: String]) {
        let bytes = inputs.reduce(0) { total, path in
            let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
            let (sum, overflow) = total.addingReportingOverflow(size)
            return overflow ? Int.max : sum
        }
        let megabytes = bytes >> 20
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        // 10 s, plus 1 s per 32 MB read: VGG16 gets 26 s for what takes 1.2 s, and a libhdf5 loop on a small
        // damaged file ends in 10 s.
        let derived = 10 + megabytes / 32
        seconds = environment[Containment.timeLimitVariable].flatMap { Int($0) }.map { max(1, $0) } ?? derived
        cpuSeconds = seconds * max(2, cores)
        // 2 GiB of runtime, thread stacks and malloc arenas (more with more cores: each worker thread may
        // get an arena), plus 6× the input: its weights, their permuted copies and the serialized model.
        let (scaled, overflow) = min(bytes, Int.max / 8).multipliedReportingOverflow(by: 6)
        addressSpace = (2 << 30) + cores * (256 << 20) + (overflow ? Int.max / 2 : scaled)
    }

    /// The environment value that carries the limits to the child, with the progress descriptor.
    func contract(progressDescriptor: Int32) -> String {
        "fd=\(progressDescriptor);as=\(addressSpace);cpu=\(cpuSeconds)"
    }
}
