import ONNX

/// LSTM (1, 7, 14, 22): gates i, o, f, c (in that order in W, R and B; peepholes P are i, o, f):
/// `i = f(XWiᵀ + HRiᵀ + Pi ⊙ C + Wbi + Rbi)`, `f = f(XWfᵀ + HRfᵀ + Pf ⊙ C + Wbf + Rbf)` (or `1 − i` with
/// `input_forget`), `c̃ = g(XWcᵀ + HRcᵀ + Wbc + Rbc)`, `C' = f ⊙ C + i ⊙ c̃`,
/// `o = f(XWoᵀ + HRoᵀ + Po ⊙ C' + Wbo + Rbo)`, `H' = o ⊙ h(C')`; `clip` bounds every gate input.
/// 1 has `output_sequence`; 7 drops it; 14 adds `layout`; 22 adds bfloat16. Outputs Y, Y_h, Y_c.
enum LSTMKernels {
    static let registrations = KernelRegistration.versions("LSTM", [1, 7, 14, 22]) { node in
        LSTMKernel(attributes: try RecurrentAttributes(node, defaults: ["Sigmoid", "Tanh", "Tanh"]),
                   inputForget: try node.int("input_forget", default: 0) != 0)
    }
}

struct LSTMKernel: Kernel {
    let attributes: RecurrentAttributes
    let inputForget: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let p = try RecurrentInputs(inputs, gates: 4, attributes: attributes)
        let (seq, batch, hidden, input) = (p.sequenceLength, p.batch, p.hidden, p.inputSize)
        let g4 = 4 * hidden
        var cell = try RecurrentInputs.state(inputs, 6, "initial_c", attributes: attributes, directions: p.directions, batch: batch, hidden: hidden)
        var peep = [Float](repeating: 0, count: p.directions * 3 * hidden)
        if let pTensor = try ControlArgs.optionalTensor(inputs, 7, "P") {
            guard pTensor.shape == [p.directions, 3 * hidden] else {
                throw KernelError("P must be [\(p.directions), \(3 * hidden)], got \(pTensor.shape)")
            }
            peep = try ControlArgs.floats(pTensor, "P")
        }
        var y = [Float](repeating: 0, count: seq * p.directions * batch * hidden)
        var yh = p.initialH
        var xw = [Float](repeating: 0, count: seq * batch * g4)
        var hr = [Float](repeating: 0, count: batch * g4)
        var scratch = [Float](repeating: 0, count: hidden)
        let clip = attributes.clip
        for d in 0..<p.directions {
            let f = attributes.activations[d][0], g = attributes.activations[d][1], h = attributes.activations[d][2]
            let reversed = attributes.direction.isReversed(d)
            p.x.withUnsafeBufferPointer { x in
                p.w.withUnsafeBufferPointer { w in
                    xw.withUnsafeMutableBufferPointer { xw in
                        recurrentGemm(m: seq * batch, n: g4, k: input, a: x.baseAddress!, b: w.baseAddress! + d * g4 * input, c: xw.baseAddress!)
                    }
                }
            }
            p.r.withUnsafeBufferPointer { r in
                p.b.withUnsafeBufferPointer { bias in
                    peep.withUnsafeBufferPointer { peep in
                        y.withUnsafeMutableBufferPointer { y in
                            yh.withUnsafeMutableBufferPointer { hBuf in
                                cell.withUnsafeMutableBufferPointer { cBuf in
                                    xw.withUnsafeMutableBufferPointer { xw in
                                        hr.withUnsafeMutableBufferPointer { hr in
                                            scratch.withUnsafeMutableBufferPointer { scratch in
                                                let wb = bias.baseAddress! + d * 2 * g4, rb = wb + g4
                                                let pi = peep.baseAddress! + d * 3 * hidden, po = pi + hidden, pf = po + hidden
                                                let state = hBuf.baseAddress! + d * batch * hidden
                                                let cells = cBuf.baseAddress! + d * batch * hidden
                                                let tmp = scratch.baseAddress!
                                                for step in 0..<seq {
                                                    recurrentGemm(m: batch, n: g4, k: hidden, a: state, b: r.baseAddress! + d * g4 * hidden, c: hr.baseAddress!)
                                                    for b in 0..<batch {
                                                        guard let t = p.time(step: step, batch: b, reversed: reversed) else { continue }
                                                        let gates = hr.baseAddress! + b * g4
                                                        let xrow = xw.baseAddress! + (t * batch + b) * g4
                                                        for j in 0..<g4 { gates[j] += xrow[j] + wb[j] + rb[j] }
                                                        let gi = gates, go = gates + hidden, gf = gates + 2 * hidden, gc = gates + 3 * hidden
                                                        let c = cells + b * hidden
                                                        for j in 0..<hidden {
                                                            gi[j] += pi[j] * c[j]
                                                            gf[j] += pf[j] * c[j]
                                                        }
                                                        if let clip {
                                                            for j in 0..<(3 * hidden) where j < hidden || j >= 2 * hidden {
                                                                gates[j] = min(clip, max(-clip, gates[j]))
                                                            }
                                                            for j in 0..<hidden { gc[j] = min(clip, max(-clip, gc[j])) }
                                                        }
                                                        f.apply(gi, hidden)
                                                        if inputForget {
                                                            for j in 0..<hidden { gf[j] = 1 - gi[j] }
                                                        } else {
                                                            f.apply(gf, hidden)
                                                        }
                                                        g.apply(gc, hidden)
                                                        for j in 0..<hidden { c[j] = gf[j] * c[j] + gi[j] * gc[j] }
                                                        for j in 0..<hidden { go[j] += po[j] * c[j] }
                                                        if let clip { for j in 0..<hidden { go[j] = min(clip, max(-clip, go[j])) } }
                                                        f.apply(go, hidden)
                                                        for j in 0..<hidden { tmp[j] = c[j] }
                                                        h.apply(tmp, hidden)
                                                        let out = y.baseAddress! + ((t * p.directions + d) * batch + b) * hidden
                                                        for j in 0..<hidden {
                                                            let hNew = go[j] * tmp[j]
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
        }
        return [.tensor(p.outputY(y, layout: attributes.layout)),
                .tensor(p.outputState(yh, layout: attributes.layout)),
                .tensor(p.outputState(cell, layout: attributes.layout))]
    }
}
