import Limits
import ONNX

/// Loop (1, 11, 13, 16, 19, 21, 23, 24, 25): runs `body` while `iteration < M` and `cond` hold (either
/// may be omitted), threading the loop-carried values through and stacking the scan outputs of each
/// iteration along a new leading axis. 1 and 11 differ only in shape-inference wording; 13 lets
/// loop-carried values be sequences, 16 optionals; later versions add element types. One kernel serves
/// all: loop-carried values are passed on as whatever runtime value the body returns.
enum LoopKernels {
    static let registrations = KernelRegistration.versions("Loop", [1, 11, 13, 16, 19, 21, 23, 24, 25]) { node in
        LoopKernel(body: try node.subgraph("body"))
    }
}

struct LoopKernel: Kernel {
    let body: GraphPlan

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let tripCount: Int64? = try ControlArgs.optionalTensor(inputs, 0, "M").map { tensor in
            guard tensor.count == 1, let value = tensor.int64s()?.first else {
                throw KernelError("input 'M' must be a one-element int64 tensor, got \(tensor.dataType)\(tensor.shape)")
            }
            return value
        }
        var condition = try ControlArgs.optionalTensor(inputs, 1, "cond").map { try ControlArgs.bool($0, "cond") } ?? true
        var carried: [RuntimeValue?] = inputs.count > 2 ? Array(inputs[2...]) : []
        let carriedCount = carried.count
        guard body.inputs.count == carriedCount + 2 else {
            throw KernelError("body takes \(body.inputs.count) inputs, expected 2 + \(carriedCount) loop-carried values")
        }
        let scanCount = body.outputs.count - 1 - carriedCount
        guard scanCount >= 0 else {
            throw KernelError("body has \(body.outputs.count) outputs, fewer than 1 + \(carriedCount) loop-carried values")
        }
        var scans = [[TensorValue]](repeating: [], count: scanCount)
        // M is data: a trip count of 2^40 stacks scan outputs until memory runs out. Their bytes are
        // counted as they pile up and held against the budget (twice: the pile, then the stacked copy).
        var scannedBytes = 0
        let budget = MemoryBudget.current
        var iteration: Int64 = 0
        while condition, tripCount.map({ iteration < $0 }) ?? true {
            let arguments: [RuntimeValue?] = [.tensor(.scalar(iteration)), .tensor(.scalar(condition))] + carried
            let outputs = try context.run(body, inputs: arguments)
            guard let conditionOut = outputs.first ?? nil, case .tensor(let conditionTensor) = conditionOut else {
                throw KernelError("body did not compute its condition output")
            }
            condition = try ControlArgs.bool(conditionTensor, "cond (body output)")
            for k in 0..<carriedCount {
                guard let value = outputs[1 + k] else {
                    throw KernelError("body did not compute loop-carried output \(k) '\(body.outputs[1 + k].name)'")
                }
                carried[k] = value
            }
            for k in 0..<scanCount {
                let index = 1 + carriedCount + k
                guard let value = outputs[index], case .tensor(let tensor) = value else {
                    throw KernelError("body scan output '\(body.outputs[index].name)' must be a tensor")
                }
                scans[k].append(tensor)
                scannedBytes = try ShapeMath.add(scannedBytes, try ShapeMath.multiply(
                    tensor.count, 2 * ShapeMath.elementSize(of: tensor.dataType), "Loop scan outputs"), "Loop scan outputs")
            }
            guard scannedBytes <= budget.bytes else {
                throw KernelError("Loop: scan outputs after \(iteration + 1) iterations need \(MemoryBudget.format(scannedBytes)), "
                                  + "over the memory budget of \(budget) (--max-memory)")
            }
            iteration += 1
        }
        var results = carried
        for k in 0..<scanCount {
            if scans[k].isEmpty {
                let (dataType, dims) = ElementMoves.declared(body.outputs[1 + carriedCount + k])
                results.append(.tensor(ElementMoves.empty(dataType, shape: [0] + (dims ?? []))))
            } else {
                results.append(.tensor(try ElementMoves.stack(scans[k])))
            }
        }
        return results
    }
}
