import Testing

@testable import ONNX

/// Expected values were read from onnx 1.23.2 (`onnx.defs.get_all_schemas_with_history()`) when this
/// file was written; after an onnx bump, a failure here is a prompt to look at what changed.
@Suite struct OpSchemaRegistryTests {
    let registry = OpSchemaRegistry.standard

    @Test(arguments: [
        ("Conv", [1, 11, 22]),
        ("Reshape", [1, 5, 13, 14, 19, 21, 23, 24, 25]),
        ("Gemm", [1, 6, 7, 9, 11, 13]),
        ("Cast", [1, 6, 9, 13, 19, 21, 23, 24, 25, 28]),
        ("Attention", [23, 24, 25]),
        ("Upsample", [1, 7, 9, 10]),
        ("Split", [1, 2, 11, 13, 18]),
        ("LayerNormalization", [17]),
    ])
    func sinceVersions(op: String, expected: [Int]) {
        #expect(registry.sinceVersions(domain: "", opType: op) == expected)
    }

    @Test func resolvesTheHighestSinceVersionNotAboveTheOpset() {
        #expect(registry.schema(domain: "", opType: "Gemm", opset: 10)?.sinceVersion == 9)
        #expect(registry.schema(domain: "", opType: "Gemm", opset: 9)?.sinceVersion == 9)
        #expect(registry.schema(domain: "", opType: "Gemm", opset: 13)?.sinceVersion == 13)
        #expect(registry.schema(domain: "", opType: "Gemm", opset: 28)?.sinceVersion == 13)
        #expect(registry.schema(domain: "", opType: "Conv", opset: 21)?.sinceVersion == 11)
    }

    @Test func opNotYetIntroducedIsNil() {
        #expect(registry.schema(domain: "", opType: "Attention", opset: 22) == nil)
        #expect(registry.schema(domain: "", opType: "Attention", opset: 23)?.sinceVersion == 23)
        #expect(registry.schema(domain: "", opType: "Gemm", opset: 0) == nil)
    }

    @Test func unknownOpIsNilEverywhere() {
        #expect(registry.schema(domain: "", opType: "NoSuchOp", opset: 28) == nil)
        #expect(!registry.contains(domain: "", opType: "NoSuchOp"))
        #expect(registry.sinceVersions(domain: "", opType: "NoSuchOp").isEmpty)
        // Op names are case-sensitive in ONNX.
        #expect(!registry.contains(domain: "", opType: "conv"))
        // An ai.onnx op is not found in another domain.
        #expect(!registry.contains(domain: "ai.onnx.ml", opType: "Conv"))
        #expect(!registry.contains(domain: "com.example", opType: "Conv"))
    }

    @Test func aiOnnxIsTheDefaultDomain() {
        #expect(registry.sinceVersions(domain: "ai.onnx", opType: "Conv") == [1, 11, 22])
        #expect(registry.schema(domain: "ai.onnx", opType: "Gemm", opset: 10)?.sinceVersion == 9)
        #expect(registry.latestOpset(domain: "ai.onnx") == 28)
        #expect(registry.allOps(domain: "ai.onnx") == registry.allOps(domain: ""))
        #expect(registry.schema(domain: "ai.onnx", opType: "Conv", opset: 22)?.domain == "")
    }

    @Test func latestOpsets() {
        #expect(registry.latestOpset(domain: "") == 28)
        #expect(registry.latestOpset(domain: "ai.onnx.ml") == 5)
        #expect(registry.latestOpset(domain: "ai.onnx.preview.training") == 1)
        #expect(registry.latestOpset(domain: "ai.onnx.preview") == 1)
        // Known to onnx though it has no ops.
        #expect(registry.latestOpset(domain: "ai.onnx.training") == 1)
        #expect(registry.latestOpset(domain: "com.example") == nil)
    }

    @Test func opCountsPerDomain() {
        #expect(registry.domains == ["", "ai.onnx.ml", "ai.onnx.preview", "ai.onnx.preview.training"])
        #expect(registry.allOps(domain: "").count == 203)
        #expect(registry.allOps(domain: "ai.onnx.ml").count == 19)
        #expect(
            registry.allOps(domain: "ai.onnx.preview.training") == ["Adagrad", "Adam", "Gradient", "Momentum"])
        #expect(registry.allOps(domain: "ai.onnx.preview") == ["FlexAttention"])
        #expect(registry.allOps(domain: "com.example").isEmpty)
        let schemaCount = registry.domains.reduce(0) { total, domain in
            registry.allOps(domain: domain).reduce(total) { count, op in
                count + registry.sinceVersions(domain: domain, opType: op).count
            }
        }
        #expect(schemaCount == 659)
    }

    @Test func tableInvariants() throws {
        for domain in registry.domains {
            let latest = try #require(registry.latestOpset(domain: domain))
            for op in registry.allOps(domain: domain) {
                let versions = registry.schemas(domain: domain, opType: op)
                #expect(versions.allSatisfy { $0.name == op && $0.domain == domain })
                #expect(versions.map(\.sinceVersion) == versions.map(\.sinceVersion).sorted())
                #expect(versions.allSatisfy { $0.sinceVersion >= 1 && $0.sinceVersion <= latest })
                #expect(versions.allSatisfy { $0.minInputs <= $0.maxInputs })
                #expect(versions.allSatisfy { $0.minOutputs <= $0.maxOutputs })
                // Type parameters of inputs/outputs are declared; fixed types like tensor(int64) need not be.
                for schema in versions {
                    let parameters = schema.inputs + schema.outputs
                    for parameter in parameters where !parameter.typeString.contains("(") {
                        #expect(
                            schema.allowedTypes(for: parameter.typeString) != nil,
                            "\(op)-\(schema.sinceVersion) \(parameter.name): \(parameter.typeString)")
                    }
                }
            }
        }
    }

    @Test func mlDomain() throws {
        let schema = try #require(registry.schema(domain: "ai.onnx.ml", opType: "LinearClassifier", opset: 1))
        #expect(schema.domain == "ai.onnx.ml")
        #expect(schema.sinceVersion == 1)
        #expect(schema.attribute(named: "coefficients")?.type == .floats)
        #expect(schema.requiredAttributes.map(\.name) == ["coefficients"])
        #expect(schema.attribute(named: "classlabels_strings")?.type == .strings)
        #expect(schema.inputCountRange == 1...1)
        #expect(schema.outputCountRange == 2...2)
        #expect(registry.sinceVersions(domain: "ai.onnx.ml", opType: "TreeEnsembleClassifier") == [1, 3, 5])
    }

    @Test func requiredAttributes() throws {
        let cast13 = try #require(registry.schema(domain: "", opType: "Cast", opset: 13))
        let to = try #require(cast13.attribute(named: "to"))
        #expect(to.required)
        #expect(to.type == .int)
        #expect(!to.hasDefault)
        // Cast-1 took the target type as a string.
        let cast1 = try #require(registry.schema(domain: "", opType: "Cast", opset: 1))
        #expect(cast1.attribute(named: "to")?.type == .string)

        let cast19 = try #require(registry.schema(domain: "", opType: "Cast", opset: 19))
        #expect(cast19.requiredAttributes.map(\.name) == ["to"])
        #expect(cast19.attribute(named: "saturate")?.defaultValue == .int(1))
        #expect(cast13.attribute(named: "saturate") == nil)
    }

    @Test func attributeTypesAndDefaults() throws {
        let conv = try #require(registry.schema(domain: "", opType: "Conv", opset: 22))
        #expect(
            conv.attributes.map(\.name) == ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"])
        let kernelShape = try #require(conv.attribute(named: "kernel_shape"))
        #expect(kernelShape.type == .ints)
        #expect(!kernelShape.required)
        #expect(!kernelShape.hasDefault)
        #expect(conv.attribute(named: "group")?.defaultValue == .int(1))
        #expect(conv.attribute(named: "auto_pad")?.defaultValue == .string("NOTSET"))
        #expect(conv.requiredAttributes.isEmpty)

        let gemm = try #require(registry.schema(domain: "", opType: "Gemm", opset: 13))
        #expect(gemm.attribute(named: "alpha")?.defaultValue == .float(1))
        #expect(gemm.attribute(named: "transA")?.defaultValue == .int(0))

        // Float defaults are the float32 onnx stores.
        let batchNorm = try #require(registry.schema(domain: "", opType: "BatchNormalization", opset: 15))
        #expect(batchNorm.attribute(named: "epsilon")?.defaultValue == .float(1e-5))
        #expect(batchNorm.attribute(named: "momentum")?.defaultValue == .float(0.9))
        let clip = try #require(registry.schema(domain: "", opType: "Clip", opset: 6))
        #expect(clip.attribute(named: "max")?.defaultValue == .float(.greatestFiniteMagnitude))

        let rnn = try #require(registry.schema(domain: "", opType: "RNN", opset: 22))
        #expect(rnn.attribute(named: "activations")?.defaultValue == .strings(["Tanh", "Tanh"]))
        let mvn = try #require(registry.schema(domain: "", opType: "MeanVarianceNormalization", opset: 13))
        #expect(mvn.attribute(named: "axes")?.defaultValue == .ints([0, 2, 3]))

        let loop = try #require(registry.schema(domain: "", opType: "Loop", opset: 21))
        #expect(loop.attribute(named: "body")?.type == .graph)
        #expect(loop.attribute(named: "body")?.required == true)
    }

    @Test func inputsAndOutputs() throws {
        let gemm = try #require(registry.schema(domain: "", opType: "Gemm", opset: 13))
        #expect(gemm.inputs.map(\.name) == ["A", "B", "C"])
        #expect(gemm.inputs.map(\.option) == [.single, .single, .optional])
        #expect(gemm.inputCountRange == 2...3)
        #expect(gemm.outputCountRange == 1...1)

        let concat = try #require(registry.schema(domain: "", opType: "Concat", opset: 13))
        #expect(concat.inputs.map(\.option) == [.variadic])
        #expect(concat.inputs.first?.isHomogeneous == true)
        #expect(concat.minInputs == 1)
        #expect(concat.maxInputs == Int.max)

        let split = try #require(registry.schema(domain: "", opType: "Split", opset: 18))
        #expect(split.outputs.map(\.option) == [.variadic])
        #expect(split.minOutputs == 1)
        #expect(split.maxOutputs == Int.max)

        // Loop state is variadic, differently typed, and may be empty from opset 11.
        let loop = try #require(registry.schema(domain: "", opType: "Loop", opset: 11))
        let state = try #require(loop.inputs.last)
        #expect(state.name == "v_initial")
        #expect(state.option == .variadic)
        #expect(!state.isHomogeneous)
        #expect(state.minArity == 0)
        #expect(loop.minInputs == 2)

        let dropout = try #require(registry.schema(domain: "", opType: "Dropout", opset: 22))
        #expect(dropout.inputs.map(\.option) == [.single, .optional, .optional])
    }

    @Test func typeConstraints() throws {
        let cast = try #require(registry.schema(domain: "", opType: "Cast", opset: 13))
        #expect(cast.typeConstraints.map(\.typeParameter) == ["T1", "T2"])
        #expect(cast.allowedTypes(for: "T2")?.contains("tensor(bfloat16)") == true)
        #expect(cast.allowedTypes(for: "T3") == nil)
        // Conv gained bfloat16 in 22.
        #expect(registry.schema(domain: "", opType: "Conv", opset: 11)?.allowedTypes(for: "T")
            == ["tensor(float16)", "tensor(float)", "tensor(double)"])
        #expect(registry.schema(domain: "", opType: "Conv", opset: 22)?.allowedTypes(for: "T")?
            .contains("tensor(bfloat16)") == true)
        let reshape = try #require(registry.schema(domain: "", opType: "Reshape", opset: 14))
        #expect(reshape.inputs.map(\.typeString) == ["T", "tensor(int64)"])
    }

    @Test func removedOpsAreDeprecatedSchemas() throws {
        #expect(registry.schema(domain: "", opType: "Upsample", opset: 9)?.deprecated == false)
        #expect(registry.schema(domain: "", opType: "Upsample", opset: 10)?.deprecated == true)
        #expect(registry.schema(domain: "", opType: "Upsample", opset: 28)?.deprecated == true)
        #expect(registry.schema(domain: "", opType: "Scatter", opset: 11)?.deprecated == true)
        #expect(registry.schema(domain: "", opType: "GroupNormalization", opset: 18)?.deprecated == true)
        #expect(registry.schema(domain: "", opType: "GroupNormalization", opset: 21)?.deprecated == false)
        #expect(registry.schema(domain: "", opType: "Conv", opset: 22)?.deprecated == false)
    }

    @Test func customRegistry() {
        // Given out of order, with the default domain spelled both ways.
        let custom = OpSchemaRegistry(
            schemas: [
                exampleSchema("Foo", 3), exampleSchema("Foo", 1), exampleSchema("Bar", 2),
                exampleSchema("Baz", 4, domain: "ai.onnx"),
            ],
            latestOpsets: ["ai.onnx": 7])
        #expect(custom.sinceVersions(domain: "com.example", opType: "Foo") == [1, 3])
        #expect(custom.schema(domain: "com.example", opType: "Foo", opset: 2)?.sinceVersion == 1)
        #expect(custom.allOps(domain: "com.example") == ["Bar", "Foo"])
        // Without a given opset, a domain's latest is its highest since-version.
        #expect(custom.latestOpset(domain: "com.example") == 3)
        #expect(custom.latestOpset(domain: "") == 7)
        #expect(custom.contains(domain: "", opType: "Baz"))
        #expect(!custom.contains(domain: "", opType: "Conv"))
    }

    @Test func duplicateSchemasStopAtStartUp() async {
        await #expect(processExitsWith: .failure) {
            let twice = [exampleSchema("Foo", 1), exampleSchema("Foo", 1)]
            _ = OpSchemaRegistry(schemas: twice)
        }
    }

    @Test func generatedFromTheOnnxVersionTheProjectFollows() {
        #expect(OpSchemaRegistry.standardOnnxVersion == "1.23.2")
    }
}

private func exampleSchema(_ name: String, _ since: Int, domain: String = "com.example") -> OpSchema {
    OpSchema(
        domain: domain, name: name, sinceVersion: since, attributes: [],
        inputs: [FormalParameter(name: "X", typeString: "T", option: .single)],
        outputs: [FormalParameter(name: "Y", typeString: "T", option: .single)],
        minInputs: 1, maxInputs: 1, minOutputs: 1, maxOutputs: 1)
}
