// swift-tools-version: 6.0
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode, explicit existentials.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "k8s-worker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "k8s-worker", targets: ["Supervisor"]),
        .executable(name: "k8s-worker-process", targets: ["WorkerProcess"]),
        .executable(name: "k8s-worker-bench", targets: ["Benchmarks"]),
        .executable(name: "k8s-api-simulator", targets: ["APISimulator"]),
        .executable(name: "k8s-worker-chaos", targets: ["ChaosRunner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // C shims: a module map and one header each, nothing else.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .systemLibrary(
            name: "CSystemd", path: "Sources/CSystemd", pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(
            name: "CRdKafka", path: "Sources/CRdKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),

        // Safe wrappers and pure libraries.
        .target(name: "Systemd", dependencies: ["CSystemd", "CLinux"], swiftSettings: swiftSettings),
        // A pthread-mutex lock: visible to ThreadSanitizer, unlike Synchronization.Mutex on Linux.
        .target(name: "Locking", swiftSettings: swiftSettings),
        // SplitMix64: seeded randomness for fault schedules, retry jitter and randomized tests.
        .target(name: "SplitMix", swiftSettings: swiftSettings),
        .target(name: "IPC", dependencies: ["CLinux", "Observability"], swiftSettings: swiftSettings),
        .target(name: "Observability", swiftSettings: swiftSettings),
        .target(name: "Events", swiftSettings: swiftSettings),
        .target(
            name: "Diagnostics", dependencies: ["Systemd", "CLinux", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(name: "KubeManifests", dependencies: ["Events"], swiftSettings: swiftSettings),
        .target(
            name: "KubeSimulator", dependencies: ["Events", "COpenSSL", "CLinux", "Locking", "SplitMix"],
            swiftSettings: swiftSettings),
        .target(name: "SagaBridge", dependencies: ["Events", "IPC"], swiftSettings: swiftSettings),
        // Only in ThreadSanitizer builds: C11 threads over the pthread calls TSan intercepts (see the source).
        .target(name: "C11ThreadsForTSan", path: "Sources/C11ThreadsForTSan", publicHeadersPath: "."),
        .target(name: "KafkaClient", dependencies: ["CRdKafka", "C11ThreadsForTSan"], swiftSettings: swiftSettings),
        .target(
            name: "KubeClient",
            dependencies: ["CCurl", "CLinux", "Events", "Locking", "SplitMix"], swiftSettings: swiftSettings),
        // Kubeconfig files are YAML: parsing them needs Yams and with it Foundation, so this lives apart from the
        // client and only the supervisor links it. Workers receive the resolved configuration.
        .target(
            name: "KubeconfigLoading", dependencies: ["KubeClient", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        .target(
            name: "KubeExecution",
            dependencies: [
                "KubeClient", "KubeManifests", "WorkerCore", "Events", "IPC", "Observability", "Locking",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "KafkaIngest",
            dependencies: [
                "SupervisorCore", "KafkaClient", "SagaBridge", "Events", "IPC", "Observability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings),

        // The logic.
        .target(
            name: "SupervisorCore",
            dependencies: [
                "IPC", "Systemd", "CLinux", "Diagnostics", "KubeManifests", "Observability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "WorkerCore",
            dependencies: [
                "IPC", "CLinux", "Diagnostics", "Events", "Locking", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        .target(
            name: "Demo", dependencies: ["Events", "KubeManifests", "KafkaClient", "KubeSimulator", "SagaBridge", "Locking"],
            swiftSettings: swiftSettings),

        .target(
            name: "Chaos",
            dependencies: [
                "Demo", "Events", "KafkaClient", "KubeManifests", "KubeSimulator", "SagaBridge", "Locking",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings),

        // Thin executables.
        .executableTarget(
            name: "Supervisor",
            dependencies: [
                "SupervisorCore", "Diagnostics", "KafkaIngest", "KubeManifests", "KubeExecution", "KubeClient", "KubeconfigLoading",
                "Events",
                "Demo", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "WorkerProcess",
            dependencies: ["WorkerCore", "KubeExecution", "Diagnostics", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .executableTarget(name: "APISimulator", dependencies: ["KubeSimulator"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "ChaosRunner",
            dependencies: ["Chaos", "SupervisorCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "Benchmarks",
            dependencies: [
                "SupervisorCore", "IPC", "CLinux", "KafkaClient", "KafkaIngest", "Events", "KubeClient", "KubeExecution",
                "KubeconfigLoading", "KubeSimulator", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // Tests.
        // Helpers the test targets share (threads, scratch directories, polling); never linked into a product.
        .target(name: "TestKit", swiftSettings: swiftSettings),
        .testTarget(name: "IPCTests", dependencies: ["IPC", "Observability", "SplitMix"], swiftSettings: swiftSettings),
        .testTarget(name: "ObservabilityTests", dependencies: ["Observability"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DiagnosticsTests", dependencies: ["Diagnostics", "Systemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .testTarget(name: "EventsTests", dependencies: ["Events", "SplitMix"], swiftSettings: swiftSettings),
        .testTarget(name: "KubeManifestsTests", dependencies: ["KubeManifests", "Events"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeSimulatorTests", dependencies: ["TestKit", "KubeSimulator", "Events", "CLinux", "Locking"],
            swiftSettings: swiftSettings),
        .testTarget(name: "SagaBridgeTests", dependencies: ["SagaBridge", "Events", "IPC"], swiftSettings: swiftSettings),
        .testTarget(name: "KafkaClientTests", dependencies: ["KafkaClient"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeClientTests",
            dependencies: ["TestKit", "KubeClient", "KubeconfigLoading", "KubeSimulator", "Events", "CLinux", "Locking"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeExecutionTests",
            dependencies: [
                "TestKit", "KubeExecution", "KubeClient", "KubeconfigLoading", "KubeManifests", "KubeSimulator", "Events", "IPC",
                "SagaBridge",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SupervisorCoreTests",
            dependencies: [
                "SupervisorCore", "IPC", "Systemd", "Observability", "SplitMix", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "ChaosTests", dependencies: ["Chaos", "Demo", "Events", "KubeManifests"], swiftSettings: swiftSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "TestKit", "SupervisorCore", "IPC", "CLinux", "Supervisor", "WorkerProcess", "KafkaClient", "Events", "KubeSimulator",
                "Chaos",
            ],
            swiftSettings: swiftSettings),
    ]
)
