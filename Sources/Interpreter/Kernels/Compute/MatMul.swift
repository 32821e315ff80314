// MatMul (1, 9, 13): numpy matmul — 1-D operands are promoted (a row for A, a column for B) and the
// promoted axis removed afterwards; batch axes broadcast. The versions differ only in element types
// (9 adds ints, 13 bfloat16). float32 goes through BLAS sgemm per batch, double through dgemm,
// float16/bfloat16 are widened to float32, integers loop with wrapping arithmetic.
// MatMulInteger (10): (A − a_zero_point)·(B − b_zero_point) over int8/uint8, int32 result; a zero point is
// a scalar or per row of A (M values) / per column of B (N values).

import ONNX

enum MatMulKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.versions("MatMul", [1, 9, 13]) { _ in MatMulKernel() }
        + [KernelRegistration("MatMulInteger", since: 10) { _ in MatMulIntegerKernel() }]
}

/// The shapes of a numpy matmul: the broadcast batch, and per batch element the offsets of A and B.
struct MatMulGeometry {
    let m: Int, k: Int, n: Int
    let batchShape: [Int]
    let outputShape: [Int]
    /// Per batch element, the element offset of its A matrix and B matrix.
    let aOffsets: [Int]
    let bOffsets: [Int]

    init(aShape: [Int], bShape: [Int], op: String = "MatMul") throws {
        guard !aShape.isEmpty, !bShape.isEmpty else {
            throw KernelError("\(op): operands must have rank ≥ 1, got \(aShape) and \(bShape)")
        }
        let a2 = aShape.count == 1 ? [1, aShape[0]] : aShape
        let b2 = bShape.count == 1 ? [bShape[0], 1] : bShape
        m = a2[a2.count - 2]
        k = a2[a2.count - 1]
        n = b2[b2.count - 1]
        guard b2[b2.count - 2] == k else {
            throw KernelError("\(op): inner dimensions differ: \(aShape) × \(bShape)")
        }
        let aBatch = Array(a2.dropLast(2)), bBatch = Array(b2.dropLast(2))
        batchShape = try Broadcast.shape([aBatch, bBatch])
        var out = batchShape
        if aShape.count > 1 { out.append(m) }
        if bShape.count > 1 { out.append(n) }
        outputShape = out
        // With k = 0, [M, 0] × [0, N] asks for M×N elements from empty operands. The element type is
        // not known here; four bytes is the smallest MatMul computes in (float32, int32 accumulators).
        try ShapeMath.checkedCount(out, elementSize: 4, of: "\(op) output")
        let batches = try ShapeMath.checkedCount(batchShape)
        let sa = Broadcast.strides(of: aBatch, broadcastTo: batchShape)
        let sb = Broadcast.strides(of: bBatch, broadcastTo: batchShape)
        var ao = [Int](repeating: 0, count: batches), bo = [Int](repeating: 0, count: batches)
        var index = [Int](repeating: 0, count: batchShape.count)
        for i in 0..<batches {
            var oa = 0, ob = 0
            for d in 0..<index.count { oa += index[d] * sa[d]; ob += index[d] * sb[d] }
            ao[i] = oa * m * k
            bo[i] = ob * k * n
            var d = index.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < batchShape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        aOffsets = ao
        bOffsets = bo
    }

    var batches: Int { aOffsets.count }

    /// C = A·B for every batch element in floating point through BLAS.
    func multiply<T: ComputeFloat>(_ a: [T], _ b: [T]) -> [T] {
        let total = batches * m * n
        return [T](unsafeUninitializedCapacity: total) { out, initialized in
            guard total > 0, let c = out.baseAddress else { initialized = 0; return }
            if k == 0 {
                c.initialize(repeating: 0, count: total)
                initialized = total
                return
            }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    guard let ap = pa.baseAddress, let bp = pb.baseAddress else { return }
                    // B shared by every batch element and A's batches contiguous: one big multiply.
                    if batches > 1, bOffsets.allSatisfy({ $0 == 0 }),
                       aOffsets.enumerated().allSatisfy({ $0.element == $0.offset * m * k }) {
                        T.gemm(transposeA: false, transposeB: false, m: batches * m, n: n, k: k, alpha: 1,
                               a: ap, lda: k, b: bp, ldb: n, beta: 0, c: c, ldc: n)
                        return
                    }
                    for i in 0..<batches {
                        T.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                               a: ap + aOffsets[i], lda: k, b: bp + bOffsets[i], ldb: n, beta: 0,
                               c: c + i * m * n, ldc: n)
                    }
                }
            }
            initialized = total
        }
    }

    /// C = A·B for integers, wrapping on overflow.
    func multiplyIntegers<T: FixedWidthInteger>(_ a: [T], _ b: [T]) -> [T] {
        var c = [T](repeating: 0, count: batches * m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    for batch in 0..<batches {
                        let ao = aOffsets[batch], bo = bOffsets[batch], co = batch * m * n
                        for i in 0..<m {
                            for p in 0..<k {
                                let x = pa[ao + i * k + p]
                                if x == 0 { continue }
                                let row = bo + p * n
                                for j in 0..<n { pc[co + i * n + j] &+= x &* pb[row + j] }
                            }
                        }
                    }
                }
            }
        }
        return c
    }
}

struct MatMulKernel: Kernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "MatMul")
        let a = try args.tensor(0, "A"), b = try args.tensor(1, "B")
        guard a.dataType == b.dataType else {
            throw KernelError("MatMul: A is \(a.dataType) but B is \(b.dataType)")
        }
        let g = try MatMulGeometry(aShape: a.shape, bShape: b.shape)
        let result: TensorValue
        switch (a.storage, b.storage) {
        case (.double(let x), .double(let y)):
            result = TensorValue(dataType: .double, shape: g.outputShape, storage: .double(g.multiply(x, y)))
        case (.float(let x), .float(let y)):
            result = TensorValue(dataType: .float, shape: g.outputShape, storage: .float(g.multiply(x, y)))
        case (.half, .half):
            result = Float.tensor(a.dataType, shape: g.outputShape,
                                  values: g.multiply(try Float.values(of: a), try Float.values(of: b)))
        case (.int32(let x), .int32(let y)):
            result = TensorValue(shape: g.outputShape, values: g.multiplyIntegers(x, y))
        case (.int64(let x), .int64(let y)):
            result = TensorValue(shape: g.outputShape, values: g.multiplyIntegers(x, y))
        case (.uint32(let x), .uint32(let y)):
            result = TensorValue(shape: g.outputShape, values: g.multiplyIntegers(x, y))
        case (.uint64(let x), .uint64(let y)):
            result = TensorValue(shape: g.outputShape, values: g.multiplyIntegers(x, y))
        case (.int8(let x), .int8(let y)):
            result = TensorValue(shape: g.outputShape, values: g.multiplyIntegers(x, y))
        case (.uint8(let x), .uint8(let y)):
            result = TensorValue(shape: g.outputShape, values: g.multiplyIntegers(x, y))
        case (.int16(let x), .int16(let y)):
            result = TensorValue(shape: g.outputShape, values: g.multiplyIntegers(x, y))
        case (.uint16(let x), .uint16(let y)):
            result = TensorValue(shape: g.outputShape, values: g.multiplyIntegers(x, y))
        default:
            throw KernelError("MatMul does not support element type \(a.dataType)")
        }
        return [.tensor(result)]
    }
}

struct MatMulIntegerKernel: Kernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "MatMulInteger")
        let a = try args.tensor(0, "A"), b = try args.tensor(1, "B")
        for t in [a, b] where t.dataType != .int8 && t.dataType != .uint8 {
            throw KernelError("MatMulInteger: operands must be int8 or uint8, got \(t.dataType)")
        }
        let g = try MatMulGeometry(aShape: a.shape, bShape: b.shape, op: "MatMulInteger")
        guard let av = a.int64s(), let bv = b.int64s() else { throw KernelError("MatMulInteger: unreadable operands") }
        let aZero = try zeroPoints(try args.optionalTensor(2, "a_zero_point"), count: g.m, "a_zero_point")
        let bZero = try zeroPoints(try args.optionalTensor(3, "b_zero_point"), count: g.n, "b_zero_point")
        let (m, k, n) = (g.m, g.k, g.n)
        var c = [Int32](repeating: 0, count: g.batches * m * n)
        for batch in 0..<g.batches {
            let ao = g.aOffsets[batch], bo = g.bOffsets[batch], co = batch * m * n
            for i in 0..<m {
                let za = aZero.count == 1 ? aZero[0] : aZero[i]
                for p in 0..<k {
                    let x = Int32(truncatingIfNeeded: av[ao + i * k + p] - za)
                    for j in 0..<n {
                        let zb = bZero.count == 1 ? bZero[0] : bZero[j]
                        c[co + i * n + j] &+= x &* Int32(truncatingIfNeeded: bv[bo + p * n + j] - zb)
                    }
                }
            }
        }
        return [.tensor(TensorValue(shape: g.outputShape, values: c))]
    }

    private func zeroPoints(_ t: TensorValue?, count: Int, _ name: String) throws -> [Int64] {
        guard let t else { return [0] }
        guard let v = t.int64s(), v.count == 1 || v.count == count else {
            throw KernelError("MatMulInteger: \(name) must be a scalar or have \(count) elements, got shape \(t.shape)")
        }
        return v
    }
}
