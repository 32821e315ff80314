import ONNX

/// Arithmetic written on tensors in a functional model (`x + 3`, `h * gate`). keras.applications'
/// MobileNetV3 (hard-sigmoid arithmetic) and ConvNeXt (residual additions) are built this way.
/// - Keras 2 saves a TFOpLambda: the TensorFlow function's name, its other operand a call argument `y`
///   (a tensor or a number). The elementwise arithmetic and activations are here; others are refused
///   naming the function.
/// - Keras 3 saves the keras.ops call as a layer of its op class (read as `ops.Add` and so on) with its
///   positional arguments, numbers included.
enum TFOpLayers {
    static let mappings: [String: LayerMapping] = {
        var table: [String: LayerMapping] = ["TFOpLambda": tfOp]
        for (name, op) in operations { table["ops.\(name)"] = { c in try operation(c, op) } }
        return table
    }()

    private static let operations: [String: String] = [
        "Add": "Add", "Subtract": "Sub", "Multiply": "Mul", "TrueDivide": "Div", "Divide": "Div",
        "Maximum": "Max", "Minimum": "Min", "Power": "Pow",
    ]

    /// A keras.ops binary op: each positional argument a tensor input or a number, in the call's order.
    private static func operation(_ c: LayerContext, _ op: String) throws -> [KerasTensor] {
        var tensors = c.inputs.makeIterator()
        var operands: [String] = []
        for argument in c.call.arguments {
            switch argument {
            case .tensor:
                guard let tensor = tensors.next() else { throw c.fail("fewer tensors than tensor arguments") }
                operands.append(tensor.name)
            case .value(let value):
                guard let number = value.double else { throw c.fail("argument \(value) is neither a tensor nor a number") }
                operands.append(c.builder.scalar("operand", Float(number)))
            }
        }
        guard operands.count == 2, !c.inputs.isEmpty else { throw c.fail("expects two operands, one of them a tensor") }
        return [KerasTensor(name: c.builder.op(op, operands), shape: MergeLayers.broadcast(c.inputs))]
    }

    private static let binary: [String: String] = [
        "__operators__.add": "Add", "math.add": "Add", "__operators__.sub": "Sub", "math.subtract": "Sub",
        "math.multiply": "Mul", "__operators__.mul": "Mul", "math.truediv": "Div", "__operators__.truediv": "Div",
        "math.divide": "Div", "math.maximum": "Max", "math.minimum": "Min", "math.pow": "Pow",
    ]
    private static let unary: [String: String] = [
        "nn.relu": "Relu", "math.sigmoid": "Sigmoid", "math.tanh": "Tanh", "math.exp": "Exp", "math.sqrt": "Sqrt",
        "math.abs": "Abs", "math.negative": "Neg", "__operators__.neg": "Neg", "math.erf": "Erf",
    ]

    private static func tfOp(_ c: LayerContext) throws -> [KerasTensor] {
        let function = try c.string("function")
        guard let x = c.inputs.first else { throw c.fail("\(function) has no tensor input") }
        let b = c.builder
        if let op = unary[function] {
            return [KerasTensor(name: b.op(op, [x.name]), shape: x.shape)]
        }
        guard let op = binary[function] else {
            throw c.fail("TensorFlow function tf.\(function) is not supported (supported: "
                         + (binary.keys.sorted() + unary.keys.sorted()).map { "tf.\($0)" }.joined(separator: ", ") + ")")
        }
        if c.inputs.count == 2 {
            return [KerasTensor(name: b.op(op, [x.name, c.inputs[1].name]), shape: MergeLayers.broadcast(c.inputs))]
        }
        guard let number = c.call.options["y"]?.double else { throw c.fail("tf.\(function) needs a second operand 'y'") }
        return [KerasTensor(name: b.op(op, [x.name, b.scalar("y", Float(number))]), shape: x.shape)]
    }
}
