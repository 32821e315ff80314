import ONNX

/// RNN (1, 7, 14, 22): the simple recurrent cell `Hₜ = f(Xₜ·Wᵀ + Hₜ₋₁·Rᵀ + Wb + Rb)`, forward, reverse
/// or bidirectional, with per-batch `sequence_lens` (Y is zero past each length). 1 has the
/// `output_sequence` attribute (Y is produced regardless here); 7 drops it; 14 adds `layout` (batch
/// first); 22 adds bfloat16. Outputs Y [seq, dirs, batch, hidden] and Y_h [dirs, batch, hidden].
enum RNNKernels {
    static let registrations = KernelRegistration.versions("RNN", [1, 7, 14, 22]) { node in
        RNNKernel(attributes: try RecurrentAttributes(node, defaults: ["Tanh"]))
    }
}

struct RNNKernel: Kernel {
    let attributes: RecurrentAttributes

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let p = try RecurrentInputs(inputs, gates: 1, attributes: attributes)
        let (seq, batch, hidden, input) = (p.sequenceLength, p.batch, p.hidden, p.inputSize)
        var y = [Float](repeating: 0, count: seq * p.directions * batch * hidden)
        var yh = p.initialH
        var xw = [Float](repeating: 0, count: seq * batch * hidden)
        var hr = [Float](repeating: 0, count: batch * hidden)
        for d in 0..<p.directions {
            let f = attributes.activations[d][0]
            let reversed = attributes.direction.isReversed(d)
            p.x.withUnsafeBufferPointer { x in
                p.w.withUnsafeBufferPointer { w in
                    xw.withUnsafeMutableBufferPointer { xw in
                        recurrentGemm(m: seq * batch, n: hidden, k: input, a: x.baseAddress!, b: w.baseAddress! + d * hidden * input, c: xw.baseAddress!)
                    }
                }
            }
            p.r.withUnsafeBufferPointer { r in
                p.b.withUnsafeBufferPointer { bias in
                    y.withUnsafeMutableBufferPointer { y in
                        yh.withUnsafeMutableBufferPointer { h in
                            xw.withUnsafeMutableBufferPointer { xw in
                                hr.withUnsafeMutableBufferPointer { hr in
                                    let wb = bias.baseAddress! + d * 2 * hidden, rb = wb + hidden
                                    let state = h.baseAddress! + d * batch * hidden
                                    for step in 0..<seq {
                                        recurrentGemm(m: batch, n: hidden, k: hidden, a: state, b: r.baseAddress! + d * hidden * hidden, c: hr.baseAddress!)
                                        for b in 0..<batch {
                                            guard let t = p.time(step: step, batch: b, reversed: reversed) else { continue }
                                            let g = hr.baseAddress! + b * hidden
                                            let xrow = xw.baseAddress! + (t * batch + b) * hidden
                                            for j in 0..<hidden { g[j] += xrow[j] + wb[j] + rb[j] }
                                            if let clip = attributes.clip { for j in 0..<hidden { g[j] = min(clip, max(-clip, g[j])) } }
                                            f.apply(g, hidden)
                                            let out = y.baseAddress! + ((t * p.directions + d) * batch + b) * hidden
                                            for j in 0..<hidden { state[b * hidden + j] = g[j]; out[j] = g[j] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return [.tensor(p.outputY(y, layout: attributes.layout)), .tensor(p.outputState(yh, layout: attributes.layout))]
    }
}
