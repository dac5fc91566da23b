// swift-tools-version:6.0
import PackageDescription

// Breakwater: resilience policies for gRPC-style RPC (circuit breaker, retry and hedging,
// timeouts, bulkheads, fallback), over an HTTP/2 transport built on libnghttp2.
// No outside Swift packages.
let package = Package(
    name: "Breakwater",
    products: [
        .library(name: "RPCCore", targets: ["RPCCore"]),
        .library(name: "Resilience", targets: ["Resilience"]),
        .library(name: "InProcessTransport", targets: ["InProcessTransport"]),
        .library(name: "HTTP2Transport", targets: ["HTTP2Transport"]),
        .library(name: "Protobuf", targets: ["Protobuf"]),
        .library(name: "ProtobufRPC", targets: ["ProtobufRPC"]),
        .library(name: "ResilienceTestKit", targets: ["ResilienceTestKit"]),
        .library(name: "FaultInjection", targets: ["FaultInjection"]),
        .executable(name: "example-server", targets: ["ExampleServer"]),
        .executable(name: "example-client", targets: ["ExampleClient"]),
        .executable(name: "flaky-server", targets: ["FlakyServer"]),
        .executable(name: "benchmarks", targets: ["Benchmarks"]),
    ],
    targets: [
        // C libraries
        .systemLibrary(
            name: "CNGHTTP2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        .systemLibrary(name: "CLinuxShims"),

        // Libraries
        .target(name: "RPCCore"),
        .target(name: "Resilience", dependencies: ["RPCCore"]),
        .target(name: "InProcessTransport", dependencies: ["RPCCore"]),
        .target(name: "HTTP2Transport", dependencies: ["RPCCore", "CNGHTTP2", "CLinuxShims"]),
        .target(name: "Protobuf"),
        .target(name: "ProtobufRPC", dependencies: ["RPCCore", "Protobuf"]),
        .target(name: "ResilienceTestKit", dependencies: ["RPCCore", "InProcessTransport"]),
        .target(name: "FaultInjection", dependencies: ["RPCCore"]),

        // Examples
        .target(
            name: "ExampleServices",
            dependencies: ["RPCCore", "Protobuf", "ProtobufRPC"],
            path: "Examples/Services"
        ),
        .executableTarget(
            name: "ExampleServer",
            dependencies: ["ExampleServices", "FaultInjection", "RPCCore", "HTTP2Transport"],
            path: "Examples/ExampleServer"
        ),
        .executableTarget(
            name: "ExampleClient",
            dependencies: ["ExampleServices", "FaultInjection", "RPCCore", "HTTP2Transport", "Resilience", "Protobuf"],
            path: "Examples/ExampleClient"
        ),
        .executableTarget(
            name: "FlakyServer",
            dependencies: ["ExampleServices", "FaultInjection", "HTTP2Transport", "RPCCore"],
            path: "Examples/FlakyServer"
        ),

        // Benchmarks (`make bench`): the allocation counter interposes malloc, so only the
        // benchmark executable links it.
        .target(name: "CAllocationCounter", path: "Benchmarks/CAllocationCounter"),
        .executableTarget(
            name: "Benchmarks",
            dependencies: [
                "CAllocationCounter", "RPCCore", "Resilience", "ResilienceTestKit",
                "HTTP2Transport", "ExampleServices", "Protobuf", "ProtobufRPC",
            ],
            path: "Benchmarks/Sources"
        ),

        // Tests
        .testTarget(name: "RPCCoreTests", dependencies: ["RPCCore"]),
        .testTarget(name: "ResilienceTests", dependencies: ["Resilience", "RPCCore", "InProcessTransport", "ResilienceTestKit"]),
        .testTarget(name: "InProcessTransportTests", dependencies: ["InProcessTransport", "RPCCore"]),
        .testTarget(
            name: "FaultInjectionTests",
            dependencies: ["FaultInjection", "RPCCore", "InProcessTransport", "ResilienceTestKit", "HTTP2Transport"]
        ),
        .testTarget(
            name: "HTTP2TransportTests",
            dependencies: ["HTTP2Transport", "RPCCore", "ExampleServices", "Resilience"]
        ),
        .testTarget(name: "ProtobufTests", dependencies: ["Protobuf", "ProtobufRPC", "ExampleServices", "RPCCore"]),
        .testTarget(
            name: "ExamplesTests",
            dependencies: ["ExampleServices", "HTTP2Transport", "Protobuf", "RPCCore", "Resilience"]
        ),
        .testTarget(
            name: "InteropTests",
            dependencies: ["HTTP2Transport", "RPCCore", "ExampleServices"],
            resources: [.copy("python")]
        ),
        // The real client against the real flaky-server executable over loopback sockets.
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["ExampleServices", "FaultInjection", "HTTP2Transport", "Protobuf", "RPCCore", "Resilience", "ResilienceTestKit"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
