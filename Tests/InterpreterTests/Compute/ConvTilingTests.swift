import Testing
import ONNX
@testable import Interpreter

private typealias C = ComputeTestSupport

/// Convolutions large enough to run in output tiles (`ConvTiling`) against a direct sum: tiles cut the
/// output into runs of lines, so strides, pads, dilations, groups and several images must all land in the
/// right tile, and a tile's im2col must start at its own first line.
@Suite struct ConvTilingTests {
    struct Case: CustomStringConvertible, Sendable {
        var images = 1, channels = 4, outputs = 6, group = 1
        var input: [Int], kernel: [Int], strides: [Int], dilations: [Int], pads: [Int]
        var description: String { "x\(input) k\(kernel) s\(strides) d\(dilations) p\(pads) g\(group) n\(images)" }

        var output: [Int] {
            input.indices.map { i in
                (input[i] + pads[i] + pads[i + input.count] - (kernel[i] - 1) * dilations[i] - 1) / strides[i] + 1
            }
        }
    }

    /// y[n][m][o] = b[m] + Σ w[m][c][k] · x[n][g·cg + c][o·s + k·d − pad] over taps inside the input.
    static func direct(_ t: Case, x: [Float], w: [Float], b: [Float]) -> [Float] {
        let out = t.output, r = t.input.count
        let cg = t.channels / t.group, mg = t.outputs / t.group
        let O = out.reduce(1, *), I = t.input.reduce(1, *), K = t.kernel.reduce(1, *)
        var y = [Float](repeating: 0, count: t.images * t.outputs * O)
        func unravel(_ i: Int, _ dims: [Int]) -> [Int] {
            var rem = i, idx = [Int](repeating: 0, count: dims.count)
            for d in stride(from: dims.count - 1, through: 0, by: -1) { idx[d] = rem % dims[d]; rem /= dims[d] }
            return idx
        }
        for n in 0..<t.images {
            for m in 0..<t.outputs {
                let gi = m / mg
                for o in 0..<O {
                    let pos = unravel(o, out)
                    var sum = b[m]
                    for c in 0..<cg {
                        for k in 0..<K {
                            let tap = unravel(k, t.kernel)
                            var flat = 0, inside = true
                            for d in 0..<r {
                                let i = pos[d] * t.strides[d] + tap[d] * t.dilations[d] - t.pads[d]
                                if i < 0 || i >= t.input[d] { inside = false; break }
                                flat = flat * t.input[d] + i
                            }
                            if inside { sum += w[(m * cg + c) * K + k] * x[(n * t.channels + gi * cg + c) * I + flat] }
                        }
                    }
                    y[(n * t.outputs + m) * O + o] = sum
                }
            }
        }
        return y
    }

    static let cases: [Case] = [
        Case(input: [40, 40], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1]),
        Case(input: [81, 45], kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [1, 0, 1, 1]),
        Case(input: [44, 50], kernel: [5, 3], strides: [1, 2], dilations: [2, 1], pads: [2, 1, 0, 1]),
        Case(images: 2, channels: 6, outputs: 4, group: 2, input: [33, 40], kernel: [3, 3], strides: [1, 1],
             dilations: [1, 1], pads: [1, 1, 1, 1]),
        Case(channels: 2, outputs: 3, input: [6, 20, 24], kernel: [3, 3, 3], strides: [1, 1, 1],
             dilations: [1, 1, 1], pads: [1, 1, 1, 1, 1, 1]),
    ]

    @Test(arguments: cases)
    func tiledConvolutionMatchesTheDirectSum(_ t: Case) throws {
        let r = t.input.count, cg = t.channels / t.group
        let geometry = SpatialGeometry(input: t.input, kernel: t.kernel, output: t.output, strides: t.strides,
                                       dilations: t.dilations, padBegin: Array(t.pads[0..<r]))
        let problem = ConvProblem(x: [t.images, t.channels] + t.input, m: t.outputs, group: t.group, geometry: geometry)
        // The kernel tiles for this machine's cores; the cases are sized to tile on two.
        #expect(ConvTiling(problem, cores: 2) != nil, "this case should run in tiles")
        let xCount = t.images * t.channels * t.input.reduce(1, *)
        let x = (0..<xCount).map { Float(($0 * 37) % 29) / 14 - 1 }
        let w = (0..<(t.outputs * cg * t.kernel.reduce(1, *))).map { Float(($0 * 11) % 13) / 6 - 1 }
        let b = (0..<t.outputs).map { Float($0) / 4 - 0.5 }
        let y = try C.one("Conv", opset: 11,
                          [C.floats([t.images, t.channels] + t.input, x), C.floats([t.outputs, cg] + t.kernel, w),
                           C.floats([t.outputs], b)],
                          [C.ints("strides", t.strides.map(Int64.init)), C.ints("dilations", t.dilations.map(Int64.init)),
                           C.ints("pads", t.pads.map(Int64.init)), C.int("group", Int64(t.group))])
        #expect(y.shape == [t.images, t.outputs] + t.output)
        #expect(C.close(y.floats(), Self.direct(t, x: x, w: w, b: b), tolerance: 1e-4), "\(t)")
    }

    @Test func smallOutputsAndPointwiseConvolutionsRunWhole() {
        func problem(_ input: [Int], _ kernel: [Int], channels: Int) -> ConvProblem {
            let g = SpatialGeometry(input: input, kernel: kernel, output: input, strides: [1, 1], dilations: [1, 1],
                                    padBegin: kernel.map { $0 / 2 })
            return ConvProblem(x: [1, channels] + input, m: 8, group: 1, geometry: g)
        }
        #expect(ConvTiling(problem([7, 7], [3, 3], channels: 512), cores: 2) == nil)
        #expect(ConvTiling(problem([56, 56], [1, 1], channels: 64), cores: 2) == nil)
        #expect(ConvTiling(problem([56, 56], [3, 3], channels: 64), cores: 2) != nil)
    }
}
