import Foundation

// Decoding of onnx.proto messages into the IR. Every field is carried over with its presence, so that
// encoding the result gives back an equal message.

extension MetadataEntry {
    init(proto: Onnx_StringStringEntryProto) {
        self.init(key: proto.hasKey ? proto.key : nil, value: proto.hasValue ? proto.value : nil)
    }
}

extension OperatorSetID {
    init(proto: Onnx_OperatorSetIdProto) {
        self.init(domain: proto.hasDomain ? proto.domain : nil, version: proto.hasVersion ? proto.version : nil)
    }
}

func decodeDataType(_ raw: Int32, owner: String) throws -> DataType {
    guard let type = DataType(rawValue: raw) else {
        throw UnknownEnumValue(what: "data type", value: raw, owner: owner)
    }
    return type
}

extension Tensor {
    init(proto: Onnx_TensorProto, baseDirectory: URL?) throws {
        let name = proto.hasName ? proto.name : nil
        self.init(
            name: name,
            dataType: proto.hasDataType ? try decodeDataType(proto.dataType, owner: "tensor '\(proto.name)'") : nil,
            dims: proto.dims,
            storage: Self.storage(of: proto, baseDirectory: baseDirectory),
            segment: proto.hasSegment
                ? Segment(begin: proto.segment.hasBegin ? proto.segment.begin : nil,
                          end: proto.segment.hasEnd ? proto.segment.end : nil)
                : nil,
            docString: proto.hasDocString ? proto.docString : nil,
            metadata: proto.metadataProps.map(MetadataEntry.init(proto:)),
            declaredDataLocation: proto.hasDataLocation ? Int32(proto.dataLocation.rawValue) : nil)
    }

    private static func storage(of proto: Onnx_TensorProto, baseDirectory: URL?) -> Storage {
        if proto.dataLocation == .external || (!proto.externalData.isEmpty && !proto.hasRawData) {
            return .external(ExternalDataReference(
                entries: proto.externalData.map(MetadataEntry.init(proto:)), baseDirectory: baseDirectory))
        }
        if proto.hasRawData { return .raw(proto.rawData) }
        if !proto.floatData.isEmpty { return .floats(proto.floatData) }
        if !proto.int32Data.isEmpty { return .int32s(proto.int32Data) }
        if !proto.int64Data.isEmpty { return .int64s(proto.int64Data) }
        if !proto.doubleData.isEmpty { return .doubles(proto.doubleData) }
        if !proto.uint64Data.isEmpty { return .uint64s(proto.uint64Data) }
        if !proto.stringData.isEmpty { return .strings(proto.stringData) }
        return .none
    }
}

extension SparseTensor {
    init(proto: Onnx_SparseTensorProto, baseDirectory: URL?) throws {
        self.init(
            values: proto.hasValues ? try Tensor(proto: proto.values, baseDirectory: baseDirectory) : nil,
            indices: proto.hasIndices ? try Tensor(proto: proto.indices, baseDirectory: baseDirectory) : nil,
            dims: proto.dims)
    }
}

extension TensorShape {
    init(proto: Onnx_TensorShapeProto) {
        self.init(proto.dim.map { dim -> Dimension in
            let size: Dimension.Size
            switch dim.value {
            case .dimValue(let v): size = .known(v)
            case .dimParam(let p): size = .symbolic(p)
            case nil: size = .unknown
            }
            return Dimension(size, denotation: dim.hasDenotation ? dim.denotation : nil)
        })
    }
}

extension ValueType {
    init(proto: Onnx_TypeProto, owner: String) throws {
        let kind: Kind
        switch proto.value {
        case .tensorType(let t):
            kind = .tensor(
                elementType: t.hasElemType ? try decodeDataType(t.elemType, owner: owner) : nil,
                shape: t.hasShape ? TensorShape(proto: t.shape) : nil)
        case .sparseTensorType(let t):
            kind = .sparseTensor(
                elementType: t.hasElemType ? try decodeDataType(t.elemType, owner: owner) : nil,
                shape: t.hasShape ? TensorShape(proto: t.shape) : nil)
        case .sequenceType(let s):
            kind = .sequence(s.hasElemType ? try ValueType(proto: s.elemType, owner: owner) : nil)
        case .mapType(let m):
            kind = .map(
                keyType: m.hasKeyType ? try decodeDataType(m.keyType, owner: owner) : nil,
                valueType: m.hasValueType ? try ValueType(proto: m.valueType, owner: owner) : nil)
        case .optionalType(let o):
            kind = .optional(o.hasElemType ? try ValueType(proto: o.elemType, owner: owner) : nil)
        case .opaqueType(let o):
            kind = .opaque(domain: o.hasDomain ? o.domain : nil, name: o.hasName ? o.name : nil)
        case nil:
            kind = .unset
        }
        self.init(kind, denotation: proto.hasDenotation ? proto.denotation : nil)
    }
}

extension Value {
    init(proto: Onnx_ValueInfoProto) throws {
        self.init(
            name: proto.hasName ? proto.name : nil,
            type: proto.hasType ? try ValueType(proto: proto.type, owner: "value '\(proto.name)'") : nil,
            docString: proto.hasDocString ? proto.docString : nil,
            metadata: proto.metadataProps.map(MetadataEntry.init(proto:)))
    }
}

extension Attribute {
    init(proto: Onnx_AttributeProto, baseDirectory: URL?) throws {
        self.init(
            name: proto.hasName ? proto.name : nil,
            value: try Self.value(of: proto, baseDirectory: baseDirectory),
            declaresType: proto.hasType,
            referenceName: proto.hasRefAttrName ? proto.refAttrName : nil,
            docString: proto.hasDocString ? proto.docString : nil)
    }

    /// The value named by the `type` discriminator; without one (IR version 1), whichever field is set.
    private static func value(of proto: Onnx_AttributeProto, baseDirectory: URL?) throws -> Value {
        let owner = "attribute '\(proto.name)'"
        let type = proto.hasType ? AttributeType(rawValue: Int32(proto.type.rawValue)) : inferredType(of: proto)
        guard let type else {
            throw UnknownEnumValue(what: "attribute type", value: Int32(proto.type.rawValue), owner: owner)
        }
        switch type {
        case .float: return proto.hasF ? .float(proto.f) : .absent(type)
        case .int: return proto.hasI ? .int(proto.i) : .absent(type)
        case .string: return proto.hasS ? .string(proto.s) : .absent(type)
        case .tensor: return proto.hasT ? .tensor(try Tensor(proto: proto.t, baseDirectory: baseDirectory)) : .absent(type)
        case .graph: return proto.hasG ? .graph(try Graph(proto: proto.g, baseDirectory: baseDirectory)) : .absent(type)
        case .sparseTensor:
            return proto.hasSparseTensor
                ? .sparseTensor(try SparseTensor(proto: proto.sparseTensor, baseDirectory: baseDirectory)) : .absent(type)
        case .typeProto: return proto.hasTp ? .typeProto(try ValueType(proto: proto.tp, owner: owner)) : .absent(type)
        case .floats: return .floats(proto.floats)
        case .ints: return .ints(proto.ints)
        case .strings: return .strings(proto.strings)
        case .tensors: return .tensors(try proto.tensors.map { try Tensor(proto: $0, baseDirectory: baseDirectory) })
        case .graphs: return .graphs(try proto.graphs.map { try Graph(proto: $0, baseDirectory: baseDirectory) })
        case .sparseTensors:
            return .sparseTensors(try proto.sparseTensors.map { try SparseTensor(proto: $0, baseDirectory: baseDirectory) })
        case .typeProtos: return .typeProtos(try proto.typeProtos.map { try ValueType(proto: $0, owner: owner) })
        case .undefined: return .absent(.undefined)
        }
    }

    private static func inferredType(of proto: Onnx_AttributeProto) -> AttributeType {
        if proto.hasF { return .float }
        if proto.hasI { return .int }
        if proto.hasS { return .string }
        if proto.hasT { return .tensor }
        if proto.hasG { return .graph }
        if proto.hasSparseTensor { return .sparseTensor }
        if proto.hasTp { return .typeProto }
        if !proto.floats.isEmpty { return .floats }
        if !proto.ints.isEmpty { return .ints }
        if !proto.strings.isEmpty { return .strings }
        if !proto.tensors.isEmpty { return .tensors }
        if !proto.graphs.isEmpty { return .graphs }
        if !proto.sparseTensors.isEmpty { return .sparseTensors }
        if !proto.typeProtos.isEmpty { return .typeProtos }
        return .undefined
    }
}

extension Node {
    init(proto: Onnx_NodeProto, baseDirectory: URL?) throws {
        self.init(
            opType: proto.hasOpType ? proto.opType : nil,
            domain: proto.hasDomain ? proto.domain : nil,
            name: proto.hasName ? proto.name : nil,
            inputs: proto.input, outputs: proto.output,
            attributes: try proto.attribute.map { try Attribute(proto: $0, baseDirectory: baseDirectory) },
            overload: proto.hasOverload ? proto.overload : nil,
            docString: proto.hasDocString ? proto.docString : nil,
            metadata: proto.metadataProps.map(MetadataEntry.init(proto:)),
            deviceConfigurations: proto.deviceConfigurations)
    }
}

extension Graph {
    init(proto: Onnx_GraphProto, baseDirectory: URL?) throws {
        self.init(
            name: proto.hasName ? proto.name : nil,
            nodes: try proto.node.map { try Node(proto: $0, baseDirectory: baseDirectory) },
            inputs: try proto.input.map(Value.init(proto:)),
            outputs: try proto.output.map(Value.init(proto:)),
            initializers: try proto.initializer.map { try Tensor(proto: $0, baseDirectory: baseDirectory) },
            sparseInitializers: try proto.sparseInitializer.map { try SparseTensor(proto: $0, baseDirectory: baseDirectory) },
            valueInfo: try proto.valueInfo.map(Value.init(proto:)),
            quantizationAnnotations: proto.quantizationAnnotation.map {
                TensorAnnotation(
                    tensorName: $0.hasTensorName ? $0.tensorName : nil,
                    quantParameterTensorNames: $0.quantParameterTensorNames.map(MetadataEntry.init(proto:)))
            },
            docString: proto.hasDocString ? proto.docString : nil,
            metadata: proto.metadataProps.map(MetadataEntry.init(proto:)))
    }
}

extension Function {
    init(proto: Onnx_FunctionProto, baseDirectory: URL?) throws {
        self.init(
            name: proto.hasName ? proto.name : nil,
            domain: proto.hasDomain ? proto.domain : nil,
            overload: proto.hasOverload ? proto.overload : nil,
            inputs: proto.input, outputs: proto.output,
            attributeNames: proto.attribute,
            attributeDefaults: try proto.attributeProto.map { try Attribute(proto: $0, baseDirectory: baseDirectory) },
            nodes: try proto.node.map { try Node(proto: $0, baseDirectory: baseDirectory) },
            opsetImports: proto.opsetImport.map(OperatorSetID.init(proto:)),
            valueInfo: try proto.valueInfo.map(Value.init(proto:)),
            docString: proto.hasDocString ? proto.docString : nil,
            metadata: proto.metadataProps.map(MetadataEntry.init(proto:)))
    }
}

extension TrainingInfo {
    init(proto: Onnx_TrainingInfoProto, baseDirectory: URL?) throws {
        self.init(
            initialization: proto.hasInitialization ? try Graph(proto: proto.initialization, baseDirectory: baseDirectory) : nil,
            algorithm: proto.hasAlgorithm ? try Graph(proto: proto.algorithm, baseDirectory: baseDirectory) : nil,
            initializationBinding: proto.initializationBinding.map(MetadataEntry.init(proto:)),
            updateBinding: proto.updateBinding.map(MetadataEntry.init(proto:)))
    }
}

extension Model {
    /// The IR of a decoded `ModelProto`; external tensors are left as references relative to `baseDirectory`.
    public init(proto: Onnx_ModelProto, baseDirectory: URL?) throws {
        self.init(
            irVersion: proto.hasIrVersion ? proto.irVersion : nil,
            opsetImports: proto.opsetImport.map(OperatorSetID.init(proto:)),
            graph: proto.hasGraph ? try Graph(proto: proto.graph, baseDirectory: baseDirectory) : nil,
            producerName: proto.hasProducerName ? proto.producerName : nil,
            producerVersion: proto.hasProducerVersion ? proto.producerVersion : nil,
            domain: proto.hasDomain ? proto.domain : nil,
            modelVersion: proto.hasModelVersion ? proto.modelVersion : nil,
            docString: proto.hasDocString ? proto.docString : nil,
            metadata: proto.metadataProps.map(MetadataEntry.init(proto:)),
            trainingInfo: try proto.trainingInfo.map { try TrainingInfo(proto: $0, baseDirectory: baseDirectory) },
            functions: try proto.functions.map { try Function(proto: $0, baseDirectory: baseDirectory) },
            configurations: proto.configuration)
    }
}

extension Tensor {
    /// A tensor read on its own (a `.pb` tensor file); `source` names it in errors.
    public init(proto: Onnx_TensorProto, source: String) throws {
        do {
            try self.init(proto: proto, baseDirectory: nil)
        } catch let error as UnknownEnumValue {
            throw FormatError(file: source, "\(error.owner): unknown \(error.what) \(error.value)")
        }
    }
}
