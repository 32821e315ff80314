// MaxUnpool (9, 11, 22): the partial inverse of MaxPool. X (N×C×D…) values go to the flat positions I
// (MaxPool's Indices) of a zero tensor of the unpooled shape, (in − 1)·stride − pad_begin − pad_end +
// kernel per spatial axis; other positions are 0. With output_shape the result has that (larger) shape
// and the unpooled tensor sits at its start, as the ONNX reference and its test data have it. 11 only
// documents output_shape further and 22 widens the types; one kernel serves all. Any element type.

import ONNX

enum MaxUnpoolKernels {
    static let registrations = KernelRegistration.versions("MaxUnpool", [9, 11, 22]) { node in
        let spatial = try SpatialAttributes(node)
        guard spatial.kernelShape != nil else { throw KernelError("MaxUnpool: required attribute 'kernel_shape' is missing") }
        return MaxUnpoolKernel(spatial: spatial)
    }
}

struct MaxUnpoolKernel: Kernel {
    let spatial: SpatialAttributes

    /// Output element `targets[i]` is input element i; everything else is zero.
    struct Scatter: ElementTransform {
        let targets: [Int]
        let count: Int
        let zero: TensorValue

        func apply<T>(_ input: [T]) throws -> [T] {
            guard let fill = try ShapeElements.elements(of: zero, as: T.self).first else {
                throw KernelError("MaxUnpool: no zero element for the input type")
            }
            var out = [T](repeating: fill, count: count)
            for (i, target) in targets.enumerated() { out[target] = input[i] }
            return out
        }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "MaxUnpool")
        let x = try args.tensor(0, "X")
        let indices = try ShapeInputs.ints(try args.tensor(1, "I"), "I")
        guard x.rank >= 3, indices.count == x.count else {
            throw KernelError("MaxUnpool: X must be N×C×D… and I as large; got \(x.shape) and \(indices.count) indices")
        }
        let unpooled = try unpooledShape(x.shape)
        let shape = try args.optionalTensor(2, "output_shape").map { try ShapeInputs.ints($0, "output_shape") } ?? unpooled
        guard shape.count == x.rank, zip(shape, unpooled).allSatisfy({ $0 >= $1 }) else {
            throw KernelError("MaxUnpool: output_shape \(shape) must have rank \(x.rank) and hold the unpooled shape \(unpooled)")
        }
        let total = try ShapeMath.checkedCount(unpooled, of: x.dataType)
        let count = try ShapeMath.checkedCount(shape, of: x.dataType, what: "MaxUnpool output")
        let unpooledStrides = ComputeSupport.strides(unpooled), outStrides = ComputeSupport.strides(shape)
        let targets = try indices.map { flat -> Int in
            guard flat >= 0 && flat < total else {
                throw KernelError("MaxUnpool: index \(flat) is out of range for the unpooled shape \(unpooled)")
            }
            // Re-address the unpooled position in the (possibly larger) output.
            var rest = flat, target = 0
            for d in 0..<unpooled.count {
                target += rest / unpooledStrides[d] * outStrides[d]
                rest %= unpooledStrides[d]
            }
            return target
        }
        let scatter = Scatter(targets: targets, count: count, zero: try ShapeElements.zeros(x.dataType, shape: []))
        return [.tensor(try ShapeElements.transform(x, to: shape, scatter))]
    }

    private func unpooledShape(_ xShape: [Int]) throws -> [Int] {
        let r = xShape.count - 2
        let kernel = try SpatialAttributes.resolve(spatial.kernelShape, rank: r, fallback: 1, "kernel_shape")
        let strides = try spatial.strides(rank: r), pads = try spatial.explicitPads(rank: r)
        let dims = try (0..<r).map { (d: Int) throws -> Int in
            let stepped = try ShapeMath.multiply(xShape[d + 2] - 1, strides[d], "MaxUnpool strides")
            let span = try ShapeMath.add(stepped, kernel[d], "MaxUnpool kernel_shape")
            return span - (try ShapeMath.add(pads.begin[d], pads.end[d], "MaxUnpool pads"))
        }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw KernelError("MaxUnpool: negative unpooled size \(dims)") }
        return Array(xShape[0..<2]) + dims
    }
}
