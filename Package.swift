// swift-tools-version:6.0
import PackageDescription

/// Tensor kernels are built for AVX2 and FMA so `SIMD` types compile to packed instructions.
/// A binary built so will not run on a CPU without them; the README says so.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell", "-enforce-exclusivity=unchecked"])
]

let package = Package(
    name: "Thaw",
    products: [
        .executable(name: "thaw", targets: ["thaw"])
    ],
    targets: [
        // Layer 1: C bindings.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(name: "CThawShim", dependencies: ["CJPEG", "COpenSSL"]),
        .target(name: "CThawChecksum", dependencies: ["CZlib"]),

        // Layer 2: tensor math.
        .target(name: "ThawTensor", dependencies: ["COpenBLAS"], swiftSettings: fastMath),
        // Layer 3: layers and models.
        .target(name: "ThawLayers", dependencies: ["ThawTensor"], swiftSettings: fastMath),
        // Layer 4: the optimizer.
        .target(name: "ThawOptim", dependencies: ["ThawLayers"], swiftSettings: fastMath),
        // Layer 5: data sets and images.

        .target(name: "ThawData", dependencies: ["ThawTensor", "CZlib", "CPNG", "CThawShim"], swiftSettings: fastMath),
        // Layer 6: checkpoints and imported weights.
        .target(name: "ThawCheckpoint", dependencies: ["ThawTensor", "CZlib"]),

        .target(
            name: "ThawTraining", dependencies: ["ThawLayers", "ThawOptim", "ThawData", "ThawCheckpoint", "COpenSSL"],
            swiftSettings: fastMath),
        // Layer 7: wire format, TLS connections and certificates.
        .target(name: "ThawWire", dependencies: ["COpenSSL", "CThawChecksum", "CThawShim"]),
        // Layer 8: collectives over a transport protocol: TLS links in production, memory in tests.
        .target(name: "ThawCollectives", dependencies: ["ThawWire"]),
        // Layer 9: cluster roles: coordinator and workers.
        .target(
            name: "ThawCluster", dependencies: ["ThawTraining", "ThawWire", "ThawCollectives"], swiftSettings: fastMath),
        // Layer 11: the command line: a small argument parser, then the `thaw` tool.
        .target(name: "ThawCommandLine"),
        .executableTarget(
            name: "thaw", dependencies: ["CThawShim", "ThawCommandLine", "ThawTraining", "ThawCluster", "ThawWire"]),
        .testTarget(name: "ThawTensorTests", dependencies: ["ThawTensor"]),
        .testTarget(name: "ThawLayersTests", dependencies: ["ThawLayers"]),
        .testTarget(name: "ThawOptimTests", dependencies: ["ThawOptim"]),
        .testTarget(name: "ThawDataTests", dependencies: ["ThawData"], exclude: ["Fixtures"]),
        .testTarget(name: "ThawCheckpointTests", dependencies: ["ThawCheckpoint"], exclude: ["Fixtures"]),
        .testTarget(name: "ThawCommandLineTests", dependencies: ["ThawCommandLine"]),
        .testTarget(name: "ThawClusterTests", dependencies: ["ThawCluster"]),
        .testTarget(name: "ThawCommandTests", dependencies: ["ThawCheckpoint", "ThawWire"]),
        .testTarget(name: "ThawWireTests", dependencies: ["ThawWire", "CThawChecksum", "CZlib"], exclude: ["Corpus"]),
        .testTarget(name: "ThawCollectivesTests", dependencies: ["ThawCollectives"]),
        .testTarget(name: "ThawTrainingTests", dependencies: ["ThawTraining"]),
    ]
)
