// swift-tools-version:6.0
// onnx-convert: framework-free conversion of trained models to ONNX.
// Data flows one way: read → import → rewrite → write, with interpret → compare beside it.
import PackageDescription

let package = Package(
    name: "onnx-convert",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "onnx-convert", targets: ["onnx-convert"]),
        .library(name: "Limits", targets: ["Limits"]),
        .library(name: "ONNX", targets: ["ONNX"]),
        .library(name: "NumPy", targets: ["NumPy"]),
        .library(name: "TensorIO", targets: ["TensorIO"]),
        .library(name: "Rewrite", targets: ["Rewrite"]),
        .library(name: "Interpreter", targets: ["Interpreter"]),
        .library(name: "Parity", targets: ["Parity"]),
        .library(name: "KerasFrontend", targets: ["KerasFrontend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System libraries: Debian packages named in `providers`, installed by scripts/install-deps.
        .systemLibrary(
            name: "CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"]), .brew(["hdf5"])]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        // glibc's mallopt, for the CLI's allocator tuning (part of libc; nothing to install).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),

        // Checked shape arithmetic and the memory budget: every size read from a file goes through it.
        .target(name: "Limits"),
        // The ONNX model: generated protobuf code, in-memory IR, load/save, op schemas, checker.
        .target(
            name: "ONNX",
            dependencies: ["Limits", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Proto/onnx.proto", "Proto/onnx-data.proto"]),
        // Shared format readers.
        .target(
            name: "NumPy",
            dependencies: ["Limits", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "HDF5", dependencies: ["CHDF5", "Limits"]),
        // Tensor files and I/O bundles (.npy, .npz, .pb) as ONNX tensors.
        .target(name: "TensorIO", dependencies: ["ONNX", "NumPy", "Limits"]),
        // Reference interpreter (BLAS binding for now; kernels come with the interpreter issue).
        .target(
            name: "Interpreter",
            dependencies: [
                "ONNX", "Limits",
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
            ]),
        // Parity: comparisons, tolerances, conformance runs and reports.
        .target(name: "Parity", dependencies: ["ONNX", "TensorIO", "Interpreter", "NumPy"]),
        // Keras frontend: .h5 / .keras / JSON readers, then a table of layer → ONNX mappings.
        .target(
            name: "KerasFrontend",
            dependencies: ["ONNX", "HDF5", "Rewrite", "Limits", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Rewrite engine: rules, passes, target profiles.
        .target(name: "Rewrite", dependencies: ["ONNX"]),
        // The CLI.
        .executableTarget(
            name: "onnx-convert",
            dependencies: [
                "ONNX", "TensorIO", "Rewrite", "Interpreter", "Parity", "NumPy", "KerasFrontend", "Limits", "HDF5",
                .target(name: "CMalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "LimitsTests", dependencies: ["Limits"]),
        .testTarget(name: "ONNXTests", dependencies: ["ONNX"]),
        .testTarget(name: "NumPyTests", dependencies: ["NumPy", "Limits"]),
        .testTarget(name: "TensorIOTests", dependencies: ["TensorIO", "ONNX", "NumPy", "Limits"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "CHDF5"]),
        .testTarget(name: "InterpreterTests", dependencies: ["Interpreter", "Limits"]),
        .testTarget(name: "RewriteTests", dependencies: ["Rewrite", "ONNX", "Interpreter"]),
        .testTarget(name: "ParityTests", dependencies: ["Parity", "Interpreter", "ONNX"]),
        .testTarget(name: "KerasFrontendTests", dependencies: ["KerasFrontend", "Interpreter", "TensorIO", "ONNX", "Parity",
                                                                .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "CLITests", dependencies: [
            "onnx-convert", "ONNX", "NumPy", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
    ]
)

// libFuzzer targets, one per reader (Fuzz/<Target>/main.swift calls libFuzzer's driver): only with
// ONNX_CONVERT_FUZZ=1, as `make fuzz` builds them with -sanitize=fuzzer,address into .build-fuzz; an
// ordinary build has no libFuzzer to link them with.
if Context.environment["ONNX_CONVERT_FUZZ"] != nil {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzNpy", ["NumPy", "Limits"]),
        ("FuzzNpz", ["NumPy", "Limits"]),
        ("FuzzTensorProto", ["TensorIO", "Interpreter", "Limits"]),
        ("FuzzONNX", ["ONNX", "Interpreter", "Limits"]),
        ("FuzzKerasConfig", ["KerasFrontend", "Limits"]),
        ("FuzzKerasH5", ["FuzzSupport"]),
        ("FuzzKerasArchive", ["FuzzSupport"]),
    ]
    package.targets.append(.systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"))
    // The forked-child harness of the targets that reach libhdf5.
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["CLibFuzzer", "HDF5", "Limits", "KerasFrontend"],
                                   path: "Fuzz/FuzzSupport"))
    for target in fuzzTargets {
        package.targets.append(.executableTarget(name: target.name, dependencies: target.dependencies + ["CLibFuzzer"],
                                                 path: "Fuzz/\(target.name)"))
        package.products.append(.executable(name: target.name, targets: [target.name]))
    }
}
