import ONNX

/// DepthToSpace (1, 11, 13, 28): [N, C, H, W] → [N, C/b², H·b, W·b], moving blocks of channels into
/// b×b spatial blocks. 11 adds `mode`: DCR (depth-column-row, the default and the only mode of 1) or
/// CRD (column-row-depth). 13 and 28 only widen the types.
/// SpaceToDepth (1, 13, 28): the inverse, [N, C, H, W] → [N, C·b², H/b, W/b]; 28 adds `mode`
/// (DCR default, CRD).
enum DepthSpaceKernels {
    static let registrations =
        KernelRegistration.versions("DepthToSpace", [1, 11, 13, 28]) { context in
            let b = try context.required("blocksize", context.int)
            let crd = context.opset >= 11 ? try mode(context) : false
            return ClosureKernel { inputs, _ in
                [.tensor(try depthToSpace(try ShapeInputs.tensor(inputs, 0, "input"), blockSize: b, crd: crd))]
            }
        }
        + KernelRegistration.versions("SpaceToDepth", [1, 13, 28]) { context in
            let b = try context.required("blocksize", context.int)
            let crd = context.opset >= 28 ? try mode(context) : false
            return ClosureKernel { inputs, _ in
                [.tensor(try spaceToDepth(try ShapeInputs.tensor(inputs, 0, "input"), blockSize: b, crd: crd))]
            }
        }

    /// Whether `mode` is CRD (else DCR).
    static func mode(_ context: NodeContext) throws -> Bool {
        let mode = try context.string("mode", default: "DCR")
        guard mode == "DCR" || mode == "CRD" else { throw KernelError("unknown mode '\(mode)'") }
        return mode == "CRD"
    }

    static func depthToSpace(_ x: TensorValue, blockSize b: Int, crd: Bool) throws -> TensorValue {
        guard x.rank == 4, b > 0, x.shape[1] % (b * b) == 0 else {
            throw KernelError("input \(x.shape) does not split into \(b)×\(b) blocks of channels")
        }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cOut = c / (b * b)
        let s = ShapeMath.strides(x.shape)
        let shape = [n, cOut, h * b, w * b]
        // out[n, c, y·b+i, x·b+j] = in[n, DCR: (i·b+j)·C' + c | CRD: c·b² + i·b + j, y, x]
        let tables = [
            AxisTableGather.strided(n, step: s[0]),
            AxisTableGather.strided(cOut, step: (crd ? b * b : 1) * s[1]),
            (0..<(h * b)).map { ($0 / b) * s[2] + ($0 % b) * (crd ? b : b * cOut) * s[1] },
            (0..<(w * b)).map { ($0 / b) * s[3] + ($0 % b) * (crd ? 1 : cOut) * s[1] },
        ]
        return try ShapeElements.transform(x, to: shape, AxisTableGather(shape: shape, tables: tables))
    }

    static func spaceToDepth(_ x: TensorValue, blockSize b: Int, crd: Bool) throws -> TensorValue {
        guard x.rank == 4, b > 0, x.shape[2] % b == 0, x.shape[3] % b == 0 else {
            throw KernelError("input \(x.shape) does not split into \(b)×\(b) spatial blocks")
        }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let s = ShapeMath.strides(x.shape)
        let shape = [n, c * b * b, h / b, w / b]
        // out[n, DCR: (i·b+j)·C + c | CRD: c·b² + i·b + j, y, x] = in[n, c, y·b+i, x·b+j]
        let channel: [Int] = (0..<(c * b * b)).map { q in
            let (channel, block) = crd ? (q / (b * b), q % (b * b)) : (q % c, q / c)
            return channel * s[1] + (block / b) * s[2] + (block % b) * s[3]
        }
        let tables = [
            AxisTableGather.strided(n, step: s[0]),
            channel,
            AxisTableGather.strided(h / b, step: b * s[2]),
            AxisTableGather.strided(w / b, step: b * s[3]),
        ]
        return try ShapeElements.transform(x, to: shape, AxisTableGather(shape: shape, tables: tables))
    }
}
