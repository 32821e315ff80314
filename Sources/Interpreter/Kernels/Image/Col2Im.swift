// Col2Im (18): rearranges column blocks back into an image, adding where blocks overlap — the inverse
// layout of im2col. input is N×(C·∏block_shape)×L, image_shape and block_shape the spatial sizes; the
// output is N×C×image_shape. L must be the number of sliding blocks that image_shape, pads, strides and
// dilations give. The scatter is the col2im ConvTranspose uses (SpatialGeometry.col2im).

import ONNX

enum Col2ImKernels {
    static let registrations = KernelRegistration.versions("Col2Im", [18]) { node in
        Col2ImKernel(spatial: try SpatialAttributes(node))
    }
}

struct Col2ImKernel: Kernel {
    let spatial: SpatialAttributes

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "Col2Im")
        let x = try args.tensor(0, "input")
        let image = try ShapeInputs.ints(try args.tensor(1, "image_shape"), "image_shape")
        let block = try ShapeInputs.ints(try args.tensor(2, "block_shape"), "block_shape")
        guard x.rank == 3, !image.isEmpty, image.count == block.count,
              !image.contains(where: { $0 < 1 }), !block.contains(where: { $0 < 1 }) else {
            throw KernelError("Col2Im: input must be N×(C·K)×L with matching positive image_shape and block_shape; got \(x.shape), \(image), \(block)")
        }
        let k = try ShapeMath.checkedCount(block, of: "Col2Im block_shape")
        guard x.shape[1] % k == 0 else {
            throw KernelError("Col2Im: input dimension 1 (\(x.shape[1])) is not a multiple of the block size \(k)")
        }
        // Seen from the image: `input` is the image, `output` the grid of block positions.
        let geometry = try SpatialGeometry.conv(input: image, kernel: block, spatial)
        guard geometry.outputSize == x.shape[2] else {
            throw KernelError("Col2Im: image \(image) with block \(block) has \(geometry.output) block positions, input has \(x.shape[2])")
        }
        // image_shape is data: the output N×C×image can be far larger than the input.
        try ShapeMath.checkedCount([x.shape[0], x.shape[1] / k] + image, of: x.dataType, what: "Col2Im output")
        return [.tensor(try ImageSupport.run(Job(x: x, channels: x.shape[1] / k, geometry: geometry), as: x.dataType))]
    }

    struct Job: FloatingComputation {
        let x: TensorValue
        let channels: Int
        let geometry: SpatialGeometry

        func compute<T: ComputeFloat>(_: T.Type) throws -> (shape: [Int], values: [T]) {
            let xv = try ImageSupport.floating(x, "Col2Im", as: T.self)
            let n = x.shape[0], imageSize = geometry.inputSize, columnSize = x.shape[1] * x.shape[2]
            var y = [T](repeating: 0, count: n * channels * imageSize)
            xv.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    guard let xp = px.baseAddress, let yp = py.baseAddress else { return }
                    for image in 0..<n {
                        geometry.col2im(xp + image * columnSize, channels: channels, y: yp + image * channels * imageSize)
                    }
                }
            }
            return ([n, channels] + geometry.input, y)
        }
    }
}
