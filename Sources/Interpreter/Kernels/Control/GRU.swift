import ONNX

/// GRU (1, 3, 7, 14, 22): gates z, r, h (in that order in W, R and B):
/// `z = f(XWzᵀ + HRzᵀ + Wbz + Rbz)`, `r = f(XWrᵀ + HRrᵀ + Wbr + Rbr)`,
/// `h̃ = g(XWhᵀ + (r ⊙ H)Rhᵀ + Rbh + Wbh)` or, with `linear_before_reset`, `g(XWhᵀ + r ⊙ (HRhᵀ + Rbh) + Wbh)`,
/// `H = (1 − z) ⊙ h̃ + z ⊙ H`. 1 has `output_sequence`; 3 adds `linear_before_reset`; 7 drops
/// `output_sequence`; 14 adds `layout`; 22 adds bfloat16. Outputs Y and Y_h as for RNN.
enum GRUKernels {
    static let registrations = KernelRegistration.versions("GRU", [1, 3, 7, 14, 22]) { node in
        GRUKernel(attributes: try RecurrentAttributes(node, defaults: ["Sigmoid", "Tanh"]),
                  linearBeforeReset: node.opset >= 3 ? try node.int("linear_before_reset", default: 0) != 0 : false)
    }
}

struct GRUKernel: Kernel {
    let attributes: RecurrentAttributes
    let linearBeforeReset: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let p = try RecurrentInputs(inputs, gates: 3, attributes: attributes)
        let (seq, batch, hidden, input) = (p.sequenceLength, p.batch, p.hidden, p.inputSize)
        let g3 = 3 * hidden
        var y = [Float](repeating: 0, count: seq * p.directions * batch * hidden)
        var yh = p.initialH
        var xw = [Float](repeating: 0, count: seq * batch * g3)
        var hr = [Float](repeating: 0, count: batch * g3)
        var reset = [Float](repeating: 0, count: batch * hidden)
        var candidate = [Float](repeating: 0, count: batch * hidden)
        let clip = attributes.clip
        for d in 0..<p.directions {
            let f = attributes.activations[d][0], g = attributes.activations[d][1]
            let reversed = attributes.direction.isReversed(d)
            p.x.withUnsafeBufferPointer { x in
                p.w.withUnsafeBufferPointer { w in
                    xw.withUnsafeMutableBufferPointer { xw in
                        recurrentGemm(m: seq * batch, n: g3, k: input, a: x.baseAddress!, b: w.baseAddress! + d * g3 * input, c: xw.baseAddress!)
                    }
                }
            }
            p.r.withUnsafeBufferPointer { r in
                p.b.withUnsafeBufferPointer { bias in
                    y.withUnsafeMutableBufferPointer { y in
                        yh.withUnsafeMutableBufferPointer { h in
                            xw.withUnsafeMutableBufferPointer { xw in
                                hr.withUnsafeMutableBufferPointer { hr in
                                    reset.withUnsafeMutableBufferPointer { rh in
                                        candidate.withUnsafeMutableBufferPointer { cand in
                                            let wb = bias.baseAddress! + d * 2 * g3, rb = wb + g3
                                            let rd = r.baseAddress! + d * g3 * hidden
                                            let state = h.baseAddress! + d * batch * hidden
                                            for step in 0..<seq {
                                                // z and r (and h when linear_before_reset) recurrent terms.
                                                recurrentGemm(m: batch, n: linearBeforeReset ? g3 : 2 * hidden, k: hidden, a: state, b: rd, c: hr.baseAddress!)
                                                if !linearBeforeReset {
                                                    // r ⊙ H needs r first: compute z, r for all active rows.
                                                    for b in 0..<batch {
                                                        guard let t = p.time(step: step, batch: b, reversed: reversed) else { continue }
                                                        let gates = hr.baseAddress! + b * 2 * hidden
                                                        let xrow = xw.baseAddress! + (t * batch + b) * g3
                                                        for j in 0..<(2 * hidden) { gates[j] += xrow[j] + wb[j] + rb[j] }
                                                        if let clip { for j in 0..<(2 * hidden) { gates[j] = min(clip, max(-clip, gates[j])) } }
                                                        f.apply(gates, 2 * hidden)
                                                        for j in 0..<hidden { rh[b * hidden + j] = gates[hidden + j] * state[b * hidden + j] }
                                                    }
                                                    recurrentGemm(m: batch, n: hidden, k: hidden, a: UnsafePointer(rh.baseAddress!), b: rd + 2 * hidden * hidden, c: cand.baseAddress!)
                                                }
                                                for b in 0..<batch {
                                                    guard let t = p.time(step: step, batch: b, reversed: reversed) else { continue }
                                                    let xrow = xw.baseAddress! + (t * batch + b) * g3
                                                    let c = cand.baseAddress! + b * hidden
                                                    let z: UnsafeMutablePointer<Float>
                                                    if linearBeforeReset {
                                                        let gates = hr.baseAddress! + b * g3
                                                        for j in 0..<(2 * hidden) { gates[j] += xrow[j] + wb[j] + rb[j] }
                                                        if let clip { for j in 0..<(2 * hidden) { gates[j] = min(clip, max(-clip, gates[j])) } }
                                                        f.apply(gates, 2 * hidden)
                                                        for j in 0..<hidden {
                                                            let rj = gates[hidden + j]
                                                            c[j] = xrow[2 * hidden + j] + wb[2 * hidden + j] + rj * (gates[2 * hidden + j] + rb[2 * hidden + j])
                                                        }
                                                        z = gates
                                                    } else {
                                                        for j in 0..<hidden { c[j] += xrow[2 * hidden + j] + wb[2 * hidden + j] + rb[2 * hidden + j] }
                                                        z = hr.baseAddress! + b * 2 * hidden
                                                    }
                                                    if let clip { for j in 0..<hidden { c[j] = min(clip, max(-clip, c[j])) } }
                                                    g.apply(c, hidden)
                                                    let out = y.baseAddress! + ((t * p.directions + d) * batch + b) * hidden
                                                    for j in 0..<hidden {
                                                        let hNew = (1 - z[j]) * c[j] + z[j] * state[b * hidden + j]
                                                        state[b * hidden + j] = hNew
                                                        out[j] = hNew
                                                    }
                                                }
                                            }
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
