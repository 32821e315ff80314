// GridSample (16, 20, 22): samples X (N×C×D1…Dr) at the positions of grid (N×O1…Ok×r, each position
// normalized to [-1, 1] and listed innermost axis first: x, y, z), giving N×C×O1…Ok.
// 16 spells the modes bilinear/nearest/bicubic and documents 4-D inputs only; 20 renames them
// linear/nearest/cubic and allows N-d; 22 widens the types (bfloat16, and grid of any float type).
// Sampling follows PyTorch's grid_sampler as the ONNX reference does (see GridSampler): the taps of each
// position are worked out once and shared by all channels.

import ONNX

enum GridSampleKernels {
    static let registrations = KernelRegistration.versions("GridSample", [16, 20, 22]) { node in
        GridSampleKernel(sampler: try sampler(node))
    }

    static func sampler(_ node: NodeContext) throws -> GridSampler {
        let legacy = node.opset < 20
        let modeName = try node.string("mode", default: legacy ? "bilinear" : "linear")
        let modes: [String: GridSampler.Interpolation] = legacy
            ? ["bilinear": .linear, "nearest": .nearest, "bicubic": .cubic]
            : ["linear": .linear, "nearest": .nearest, "cubic": .cubic]
        guard let mode = modes[modeName] else {
            throw KernelError("GridSample: mode '\(modeName)' is not one of \(modes.keys.sorted())")
        }
        let paddingName = try node.string("padding_mode", default: "zeros")
        guard let padding = GridSampler.Padding(rawValue: paddingName) else {
            throw KernelError("GridSample: padding_mode '\(paddingName)' is not zeros, border or reflection")
        }
        return GridSampler(interpolation: mode, padding: padding,
                           alignCorners: try node.int("align_corners", default: 0) != 0)
    }
}

struct GridSampleKernel: Kernel {
    let sampler: GridSampler

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "GridSample")
        let x = try args.tensor(0, "X"), grid = try args.tensor(1, "grid")
        let r = x.rank - 2
        guard r >= 1, grid.rank == r + 2, grid.shape[0] == x.shape[0], grid.shape[r + 1] == r else {
            throw KernelError("GridSample: X \(x.shape) needs a grid of shape [N, O1…O\(max(r, 1)), \(r)], got \(grid.shape)")
        }
        try ComputeSupport.requireFloating(grid, "GridSample")
        return [.tensor(try ImageSupport.run(Job(x: x, grid: grid, sampler: sampler), as: x.dataType))]
    }

    struct Job: FloatingComputation {
        let x: TensorValue
        let grid: TensorValue
        let sampler: GridSampler

        func compute<T: ComputeFloat>(_: T.Type) throws -> (shape: [Int], values: [T]) {
            let xv = try ImageSupport.floating(x, "GridSample", as: T.self)
            let gv = try T.values(of: grid)
            let n = x.shape[0], c = x.shape[1], dims = Array(x.shape[2...]), r = dims.count
            let outDims = Array(grid.shape[1...r])
            // The grid's sizes and X's channels combine into the output: check the product.
            try ShapeMath.checkedCount([n, c] + outDims, elementSize: MemoryLayout<T>.stride, of: "GridSample output")
            let planeSize = try ShapeMath.checkedCount(dims), outSize = try ShapeMath.checkedCount(outDims)
            let strides = ComputeSupport.strides(dims)
            var y = [T](repeating: 0, count: n * c * outSize)
            xv.withUnsafeBufferPointer { px in
                guard let base = px.baseAddress, planeSize > 0 else { return }
                for image in 0..<n {
                    for o in 0..<outSize {
                        let at = (image * outSize + o) * r
                        // grid lists x (last axis) first.
                        let taps = (0..<r).map { d in
                            sampler.taps(at: sampler.pixel(gv[at + r - 1 - d], size: dims[d]), size: dims[d])
                        }
                        for ch in 0..<c {
                            let plane = base + (image * c + ch) * planeSize
                            y[(image * c + ch) * outSize + o] = GridSampler.interpolate(plane, strides: strides, taps: taps)
                        }
                    }
                }
            }
            return ([n, c] + outDims, y)
        }
    }
}
