import ONNX

/// The optional ops:
/// - Optional (15, 28): wraps its input, or makes an empty optional (of attribute `type`) without one.
/// - OptionalHasElement (15, 18, 28): whether the optional holds a value. 15 takes only optionals;
///   18 also takes plain tensors/sequences (true) and a missing input (false).
/// - OptionalGetElement (15, 18, 28): the held value (an empty optional is an error). 18 passes
///   plain tensors/sequences through.
/// 28 only widens the element types.
enum OptionalKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.versions("Optional", [15, 28]) { _ in
            ClosureKernel { inputs, _ in
                guard let value = inputs.first ?? nil else { return [.optional(nil)] }
                if case .optional = value { return [value] }
                return [.optional(value)]
            }
        }
        + KernelRegistration.versions("OptionalHasElement", [15, 18, 28]) { _ in
            ClosureKernel { inputs, _ in
                guard let value = inputs.first ?? nil else { return [.tensor(.scalar(false))] }
                if case .optional(let held) = value { return [.tensor(.scalar(held != nil))] }
                return [.tensor(.scalar(true))]
            }
        }
        + KernelRegistration.versions("OptionalGetElement", [15, 18, 28]) { _ in
            ClosureKernel { inputs, _ in
                guard let value = inputs.first ?? nil else { throw KernelError("input is required") }
                if case .optional(let held) = value {
                    guard let held else { throw KernelError("the optional is empty") }
                    return [held]
                }
                return [value]
            }
        }
}
