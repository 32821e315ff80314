// Visiting every tensor of a model wherever it sits: initializers, attribute values (also in nested
// graphs), sparse tensors, function bodies and training graphs. Used to load and place external data.

extension Model {
    public mutating func transformTensors(_ body: (inout Tensor) throws -> Void) rethrows {
        if graph != nil { try graph!.transformTensors(body) }
        for i in functions.indices {
            for j in functions[i].nodes.indices { try functions[i].nodes[j].transformTensors(body) }
            for j in functions[i].attributeDefaults.indices { try functions[i].attributeDefaults[j].value.transformTensors(body) }
        }
        for i in trainingInfo.indices {
            if trainingInfo[i].initialization != nil { try trainingInfo[i].initialization!.transformTensors(body) }
            if trainingInfo[i].algorithm != nil { try trainingInfo[i].algorithm!.transformTensors(body) }
        }
    }

    /// Calls `body` on every tensor of the model.
    public func forEachTensor(_ body: (Tensor) throws -> Void) rethrows {
        var copy = self
        try copy.transformTensors { try body($0) }
    }
}

extension Graph {
    public mutating func transformTensors(_ body: (inout Tensor) throws -> Void) rethrows {
        for i in initializers.indices { try body(&initializers[i]) }
        for i in sparseInitializers.indices { try sparseInitializers[i].transformTensors(body) }
        for i in nodes.indices { try nodes[i].transformTensors(body) }
    }
}

extension Node {
    public mutating func transformTensors(_ body: (inout Tensor) throws -> Void) rethrows {
        for i in attributes.indices { try attributes[i].value.transformTensors(body) }
    }
}

extension SparseTensor {
    mutating func transformTensors(_ body: (inout Tensor) throws -> Void) rethrows {
        if values != nil { try body(&values!) }
        if indices != nil { try body(&indices!) }
    }
}

extension Attribute.Value {
    mutating func transformTensors(_ body: (inout Tensor) throws -> Void) rethrows {
        switch self {
        case .tensor(var t):
            try body(&t)
            self = .tensor(t)
        case .tensors(var ts):
            for i in ts.indices { try body(&ts[i]) }
            self = .tensors(ts)
        case .graph(var g):
            try g.transformTensors(body)
            self = .graph(g)
        case .graphs(var gs):
            for i in gs.indices { try gs[i].transformTensors(body) }
            self = .graphs(gs)
        case .sparseTensor(var s):
            try s.transformTensors(body)
            self = .sparseTensor(s)
        case .sparseTensors(var ss):
            for i in ss.indices { try ss[i].transformTensors(body) }
            self = .sparseTensors(ss)
        default: break
        }
    }
}
