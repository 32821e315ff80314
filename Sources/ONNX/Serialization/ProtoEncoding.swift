import Foundation

// Encoding of the IR into onnx.proto messages: the inverse of ProtoDecoding.swift, field for field.
// Tensors whose bytes go to an external file are encoded by ExternalDataWriter, which hands the
// `TensorPlacement` hook in here.

/// Decides, tensor by tensor, whether bytes stay inline or move to an external file (see ModelWriter).
protocol TensorPlacement {
    mutating func encode(_ tensor: Tensor) throws -> Onnx_TensorProto
}

/// Writes every tensor inline, as it is.
struct InlinePlacement: TensorPlacement {
    func encode(_ tensor: Tensor) throws -> Onnx_TensorProto { tensor.proto() }
}

extension MetadataEntry {
    var proto: Onnx_StringStringEntryProto {
        var p = Onnx_StringStringEntryProto()
        if let k = $key { p.key = k }
        if let v = $value { p.value = v }
        return p
    }
}

extension OperatorSetID {
    var proto: Onnx_OperatorSetIdProto {
        var p = Onnx_OperatorSetIdProto()
        if let d = $domain { p.domain = d }
        if let v = $version { p.version = v }
        return p
    }
}

extension Tensor {
    /// The message with this tensor's storage as it is (external references stay references).
    public func proto() -> Onnx_TensorProto {
        var p = Onnx_TensorProto()
        p.dims = dims
        if let t = dataType { p.dataType = t.rawValue }
        if let segment {
            var s = Onnx_TensorProto.Segment()
            if let b = segment.begin { s.begin = b }
            if let e = segment.end { s.end = e }
            p.segment = s
        }
        if let n = $name { p.name = n }
        if let d = docString { p.docString = d }
        p.metadataProps = metadata.map(\.proto)
        switch storage {
        case .none: break
        case .raw(let data): p.rawData = data
        case .floats(let v): p.floatData = v
        case .int32s(let v): p.int32Data = v
        case .int64s(let v): p.int64Data = v
        case .doubles(let v): p.doubleData = v
        case .uint64s(let v): p.uint64Data = v
        case .strings(let v): p.stringData = v
        case .external(let ref): p.externalData = ref.entries.map(\.proto)
        }
        if let location = declaredDataLocation {
            p.dataLocation = Onnx_TensorProto.DataLocation(rawValue: Int(location)) ?? .default
        } else if isExternal {
            p.dataLocation = .external
        }
        return p
    }
}

extension SparseTensor {
    func proto(placing placement: inout some TensorPlacement) throws -> Onnx_SparseTensorProto {
        var p = Onnx_SparseTensorProto()
        if let v = values { p.values = try placement.encode(v) }
        if let i = indices { p.indices = try placement.encode(i) }
        p.dims = dims
        return p
    }
}

extension TensorShape {
    var proto: Onnx_TensorShapeProto {
        var p = Onnx_TensorShapeProto()
        p.dim = dims.map { dim in
            var d = Onnx_TensorShapeProto.Dimension()
            switch dim.size {
            case .known(let v): d.dimValue = v
            case .symbolic(let s): d.dimParam = s
            case .unknown: break
            }
            if let den = dim.denotation { d.denotation = den }
            return d
        }
        return p
    }
}

extension ValueType {
    var proto: Onnx_TypeProto {
        var p = Onnx_TypeProto()
        switch kind {
        case .tensor(let elementType, let shape):
            var t = Onnx_TypeProto.Tensor()
            if let e = elementType { t.elemType = e.rawValue }
            if let s = shape { t.shape = s.proto }
            p.tensorType = t
        case .sparseTensor(let elementType, let shape):
            var t = Onnx_TypeProto.SparseTensor()
            if let e = elementType { t.elemType = e.rawValue }
            if let s = shape { t.shape = s.proto }
            p.sparseTensorType = t
        case .sequence(let element):
            var s = Onnx_TypeProto.Sequence()
            if let e = element { s.elemType = e.proto }
            p.sequenceType = s
        case .map(let key, let value):
            var m = Onnx_TypeProto.Map()
            if let k = key { m.keyType = k.rawValue }
            if let v = value { m.valueType = v.proto }
            p.mapType = m
        case .optional(let element):
            var o = Onnx_TypeProto.Optional()
            if let e = element { o.elemType = e.proto }
            p.optionalType = o
        case .opaque(let domain, let name):
            var o = Onnx_TypeProto.Opaque()
            if let d = domain { o.domain = d }
            if let n = name { o.name = n }
            p.opaqueType = o
        case .unset: break
        }
        if let d = denotation { p.denotation = d }
        return p
    }
}

extension Value {
    var proto: Onnx_ValueInfoProto {
        var p = Onnx_ValueInfoProto()
        if let n = $name { p.name = n }
        if let t = type { p.type = t.proto }
        if let d = docString { p.docString = d }
        p.metadataProps = metadata.map(\.proto)
        return p
    }
}

extension Attribute {
    func proto(placing placement: inout some TensorPlacement) throws -> Onnx_AttributeProto {
        var p = Onnx_AttributeProto()
        if let n = $name { p.name = n }
        if let r = referenceName { p.refAttrName = r }
        if let d = docString { p.docString = d }
        if declaresType { p.type = Onnx_AttributeProto.AttributeType(rawValue: Int(type.rawValue)) ?? .undefined }
        switch value {
        case .float(let v): p.f = v
        case .int(let v): p.i = v
        case .string(let v): p.s = v
        case .tensor(let t): p.t = try placement.encode(t)
        case .graph(let g): p.g = try g.proto(placing: &placement)
        case .sparseTensor(let s): p.sparseTensor = try s.proto(placing: &placement)
        case .typeProto(let t): p.tp = t.proto
        case .floats(let v): p.floats = v
        case .ints(let v): p.ints = v
        case .strings(let v): p.strings = v
        case .tensors(let v): p.tensors = try v.map { try placement.encode($0) }
        case .graphs(let v): p.graphs = try v.map { try $0.proto(placing: &placement) }
        case .sparseTensors(let v): p.sparseTensors = try v.map { try $0.proto(placing: &placement) }
        case .typeProtos(let v): p.typeProtos = v.map(\.proto)
        case .absent: break
        }
        return p
    }
}

extension Node {
    func proto(placing placement: inout some TensorPlacement) throws -> Onnx_NodeProto {
        var p = Onnx_NodeProto()
        p.input = inputs
        p.output = outputs
        if let n = $name { p.name = n }
        if let o = $opType { p.opType = o }
        if let d = $domain { p.domain = d }
        if let o = overload { p.overload = o }
        p.attribute = try attributes.map { try $0.proto(placing: &placement) }
        if let d = docString { p.docString = d }
        p.metadataProps = metadata.map(\.proto)
        p.deviceConfigurations = deviceConfigurations
        return p
    }
}

extension Graph {
    func proto(placing placement: inout some TensorPlacement) throws -> Onnx_GraphProto {
        var p = Onnx_GraphProto()
        p.node = try nodes.map { try $0.proto(placing: &placement) }
        if let n = $name { p.name = n }
        p.initializer = try initializers.map { try placement.encode($0) }
        p.sparseInitializer = try sparseInitializers.map { try $0.proto(placing: &placement) }
        if let d = docString { p.docString = d }
        p.input = inputs.map(\.proto)
        p.output = outputs.map(\.proto)
        p.valueInfo = valueInfo.map(\.proto)
        p.quantizationAnnotation = quantizationAnnotations.map { a in
            var q = Onnx_TensorAnnotation()
            if let n = a.$tensorName { q.tensorName = n }
            q.quantParameterTensorNames = a.quantParameterTensorNames.map(\.proto)
            return q
        }
        p.metadataProps = metadata.map(\.proto)
        return p
    }
}

extension Function {
    func proto(placing placement: inout some TensorPlacement) throws -> Onnx_FunctionProto {
        var p = Onnx_FunctionProto()
        if let n = $name { p.name = n }
        if let d = $domain { p.domain = d }
        if let o = overload { p.overload = o }
        p.input = inputs
        p.output = outputs
        p.attribute = attributeNames
        p.attributeProto = try attributeDefaults.map { try $0.proto(placing: &placement) }
        p.node = try nodes.map { try $0.proto(placing: &placement) }
        if let d = docString { p.docString = d }
        p.opsetImport = opsetImports.map(\.proto)
        p.valueInfo = valueInfo.map(\.proto)
        p.metadataProps = metadata.map(\.proto)
        return p
    }
}

extension TrainingInfo {
    func proto(placing placement: inout some TensorPlacement) throws -> Onnx_TrainingInfoProto {
        var p = Onnx_TrainingInfoProto()
        if let g = initialization { p.initialization = try g.proto(placing: &placement) }
        if let g = algorithm { p.algorithm = try g.proto(placing: &placement) }
        p.initializationBinding = initializationBinding.map(\.proto)
        p.updateBinding = updateBinding.map(\.proto)
        return p
    }
}

extension Model {
    /// The message for this model, every tensor inline as stored in the IR.
    public func proto() throws -> Onnx_ModelProto {
        var placement = InlinePlacement()
        return try proto(placing: &placement)
    }

    func proto(placing placement: inout some TensorPlacement) throws -> Onnx_ModelProto {
        var p = Onnx_ModelProto()
        if let v = $irVersion { p.irVersion = v }
        p.opsetImport = opsetImports.map(\.proto)
        if let s = producerName { p.producerName = s }
        if let s = producerVersion { p.producerVersion = s }
        if let s = domain { p.domain = s }
        if let v = modelVersion { p.modelVersion = v }
        if let s = docString { p.docString = s }
        if let g = graph { p.graph = try g.proto(placing: &placement) }
        p.metadataProps = metadata.map(\.proto)
        p.trainingInfo = try trainingInfo.map { try $0.proto(placing: &placement) }
        p.functions = try functions.map { try $0.proto(placing: &placement) }
        p.configuration = configurations
        return p
    }
}
