import Testing
import Limits

@Suite struct ShapeArithmeticTests {
    @Test func productOfOrdinaryShapes() {
        #expect(ShapeArithmetic.product([]) == 1)
        #expect(ShapeArithmetic.product([2, 3, 4]) == 24)
        #expect(ShapeArithmetic.product([1 << 31, 1 << 31]) == 1 << 62)
    }

    @Test func overflowAndNegativeDimensionsAreNil() {
        #expect(ShapeArithmetic.product([1 << 40, 1 << 40]) == nil)
        #expect(ShapeArithmetic.product([1 << 62, 4]) == nil)
        #expect(ShapeArithmetic.product([3, -5]) == nil)
        #expect(ShapeArithmetic.product([Int.max, 2]) == nil)
    }

    @Test func aZeroDimensionMakesZeroEvenAfterAnOverflow() {
        #expect(ShapeArithmetic.product([1 << 62, 4, 0]) == 0)
        #expect(ShapeArithmetic.product([0, -1]) == 0)
    }

    @Test func elementCountNamesTheSubject() {
        #expect(throws: SizeError(subject: "tensor 'w'", problem: "dimension -5 in shape [2, -5] is negative")) {
            try ShapeArithmetic.elementCount([2, -5], of: "tensor 'w'")
        }
        #expect(throws: SizeError.self) { try ShapeArithmetic.elementCount([1 << 62, 4], of: "x") }
        #expect((try? ShapeArithmetic.elementCount([4, 5], of: "x")) == 20)
    }

    @Test func byteCountAndSumOverflow() {
        #expect(throws: SizeError.self) { try ShapeArithmetic.byteCount(elements: 1 << 62, elementSize: 4, of: "x") }
        #expect((try? ShapeArithmetic.byteCount(elements: 1 << 20, elementSize: 4, of: "x")) == 1 << 22)
        #expect(throws: SizeError.self) { try ShapeArithmetic.sum(Int.max, 1, of: "x") }
    }
}

@Suite struct MemoryBudgetTests {
    @Test func checkAgainstTheBudget() throws {
        let budget = MemoryBudget(bytes: 1 << 20)
        try budget.check(bytes: 1 << 20, for: "x")
        #expect(throws: SizeError.self) { try budget.check(bytes: (1 << 20) + 1, for: "x") }
        #expect(try budget.checkShape([256, 256], elementSize: 4, of: "x") == 65536)
        #expect(throws: SizeError.self) { try budget.checkShape([512, 513], elementSize: 4, of: "x") }
        #expect(throws: SizeError.self) { try budget.checkShape([1 << 40, 1 << 40], elementSize: 1, of: "x") }
    }

    @Test func theMessageSaysHowMuchAndWhichOption() {
        do {
            try MemoryBudget(bytes: 1 << 30).checkShape([1 << 40], elementSize: 4, of: "input 'x'")
            Issue.record("no error")
        } catch {
            #expect(error.description == "input 'x': shape [1099511627776] needs 4.0 TiB, over the memory budget of 1.0 GiB (--max-memory)")
        }
    }

    @Test func parsesSizesAsUsersWriteThem() {
        #expect(MemoryBudget.parse("1024")?.bytes == 1024)
        #expect(MemoryBudget.parse("512M")?.bytes == 512 << 20)
        #expect(MemoryBudget.parse("2GiB")?.bytes == 2 << 30)
        #expect(MemoryBudget.parse("1.5g")?.bytes == 3 << 29)
        #expect(MemoryBudget.parse("4KB")?.bytes == 4096)
        for bad in ["", "-1", "0", "lots", "1e30T", "nan", "G"] { #expect(MemoryBudget.parse(bad) == nil, "\(bad)") }
    }

    @Test func theScopedBudgetIsSeenBelowAndRestoredAfter() {
        let outside = MemoryBudget.current
        MemoryBudget.$current.withValue(MemoryBudget(bytes: 1000)) {
            #expect(MemoryBudget.current.bytes == 1000)
        }
        #expect(MemoryBudget.current == outside)
        #expect(outside == MemoryBudget.physicalMemory)
    }
}
