import Foundation
import Testing
import HDF5

@Suite struct WeightMemoryTests {
    /// Big blocks are 2 MB-aligned (so huge pages can back them), small ones plain; both hold what is
    /// written and are released by `free`, as `Data(bytesNoCopy:deallocator: .free)` does.
    @Test(arguments: [1, 4096, 4 << 20, (9 << 20) + 12])
    func blocksHoldTheirBytes(bytes: Int) throws {
        let memory = try #require(WeightMemory.allocate(bytes: bytes))
        if bytes >= 4 << 20 { #expect(Int(bitPattern: memory) % (2 << 20) == 0) }
        for i in stride(from: 0, to: bytes, by: 4093) { memory.storeBytes(of: UInt8(truncatingIfNeeded: i), toByteOffset: i, as: UInt8.self) }
        let data = Data(bytesNoCopy: memory, count: bytes, deallocator: .free)
        #expect(stride(from: 0, to: bytes, by: 4093).allSatisfy { data[$0] == UInt8(truncatingIfNeeded: $0) })
    }
}
