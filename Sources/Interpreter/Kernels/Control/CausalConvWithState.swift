import Foundation
import ONNX

/// CausalConvWithState (27): the depthwise causal 1-D convolution of state-space and linear-attention
/// models (Mamba, GatedDeltaNet), with its rolling state. `input` [batch, channels, length] is prefixed by
/// `past_state` [batch, channels, k−1] (zeros when left out), convolved per channel with `weight`
/// [channels, 1, k] (valid padding, stride 1) plus the optional `bias`, and optionally passed through
/// SiLU (`activation` "silu", or its alias "swish"). `present_state` is the last k−1 positions of the
/// prefixed input, ready for the next call.
///
/// Why float16 rounds twice: the reference casts the convolution to the input type before the
/// activation, which it computes in float32 and casts again; the kernel does the same so decode steps
/// agree bit for bit with it.
enum CausalConvWithStateKernels {
    static let registrations = [KernelRegistration("CausalConvWithState", since: 27) { node in
        let activation = try node.string("activation", default: "none")
        guard ["none", "silu", "swish"].contains(activation) else {
            throw KernelError("activation '\(activation)' is not 'none', 'silu' or 'swish'")
        }
        return CausalConvWithStateKernel(silu: activation != "none")
    }]
}

struct CausalConvWithStateKernel: Kernel {
    let silu: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let input = try ControlArgs.tensor(inputs, 0, "input")
        let weight = try ControlArgs.tensor(inputs, 1, "weight")
        guard input.rank == 3, weight.rank == 3, weight.shape[0] == input.shape[1], weight.shape[1] == 1, weight.shape[2] >= 1 else {
            throw KernelError("input must be [batch, channels, length] and weight [channels, 1, k]; got \(input.shape) and \(weight.shape)")
        }
        let (batch, channels, length, k) = (input.shape[0], input.shape[1], input.shape[2], weight.shape[2])
        let bias = try ControlArgs.optionalTensor(inputs, 2, "bias").map { try ControlArgs.floats($0, "bias") }
        if let bias, bias.count != channels { throw KernelError("bias must have \(channels) entries, got \(bias.count)") }
        let state = try ControlArgs.optionalTensor(inputs, 3, "past_state")
        if let state, state.shape != [batch, channels, k - 1] {
            throw KernelError("past_state must have shape \([batch, channels, k - 1]), got \(state.shape)")
        }
        let x = try ControlArgs.floats(input, "input"), w = try ControlArgs.floats(weight, "weight")
        let past = try state.map { try ControlArgs.floats($0, "past_state") } ?? [Float](repeating: 0, count: batch * channels * (k - 1))
        let padded = length + k - 1
        var output = [Float](repeating: 0, count: batch * channels * length)
        var present = [Float](repeating: 0, count: batch * channels * (k - 1))
        var row = [Float](repeating: 0, count: padded)
        for line in 0..<(batch * channels) {
            let c = line % channels
            row.replaceSubrange(0..<(k - 1), with: past[(line * (k - 1))..<((line + 1) * (k - 1))])
            row.replaceSubrange((k - 1)..<padded, with: x[(line * length)..<((line + 1) * length)])
            for t in 0..<length {
                var sum = bias?[c] ?? 0
                for j in 0..<k { sum += w[c * k + j] * row[t + j] }
                output[line * length + t] = sum
            }
            present.replaceSubrange((line * (k - 1))..<((line + 1) * (k - 1)), with: row[(padded - (k - 1))...])
        }
        if silu {
            output = output.map { value in
                let y = QuantizationKernels.round(value, to: input.dataType)
                return y / (1 + expf(-y))
            }
        }
        return [
            .tensor(TensorValue(floating: input.dataType, shape: input.shape, values: output)),
            .tensor(TensorValue(floating: state?.dataType ?? input.dataType, shape: [batch, channels, k - 1], values: present)),
        ]
    }
}
