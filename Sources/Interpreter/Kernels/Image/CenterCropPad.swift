// CenterCropPad (18): crops or zero-pads each listed axis (attribute `axes`, default all) to the size in
// `shape`, keeping the centre. When the difference is odd the extra element is cropped from, or padded
// at, the end. Any element type. This is a constant Pad whose per-axis amounts are (target − size)
// split in two, so it runs through Pad's element move.

import ONNX

enum CenterCropPadKernels {
    static let registrations = KernelRegistration.versions("CenterCropPad", [18]) { node in
        let axes = try node.ints("axes")
        return ClosureKernel { inputs, _ in
            let x = try ShapeInputs.tensor(inputs, 0, "input_data")
            let shape = try ShapeInputs.ints(inputs, 1, "shape")
            let listed = try ShapeMath.axes(axes ?? Array(0..<x.rank), rank: x.rank)
            guard shape.count == listed.count, !shape.contains(where: { $0 < 0 }) else {
                throw KernelError("CenterCropPad: shape \(shape) must give a non-negative size for each of the \(listed.count) axes")
            }
            var begin: [Int] = [], end: [Int] = []
            for (axis, target) in zip(listed, shape) {
                let change = target - x.shape[axis]
                // Half (rounded toward zero) at the front; the rest, including an odd one, at the end.
                let front = change / 2
                begin.append(front)
                end.append(change - front)
            }
            return [.tensor(try PadKernels.padded(x, pads: begin + end, axes: listed, mode: .constant, fill: nil))]
        }
    }
}
