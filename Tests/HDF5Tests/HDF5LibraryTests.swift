import Testing
@testable import HDF5

@Test func linkedLibraryIsHDF5OneDotSomething() {
    let parts = HDF5Library.version().split(separator: ".").compactMap { Int($0) }
    #expect(parts.count == 3)
    #expect(parts.first == 1)
}
