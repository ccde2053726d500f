// swift-tools-version: 6.0
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode, explicit existentials; in release builds each
/// function in a section of its own, so that the linker can place it by `linker/code-order.txt`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .unsafeFlags(["-Xfrontend", "-function-sections"], .when(platforms: [.linux], configuration: .release)),
]

/// The two shipped executables, in release builds (README, "Memory"), linked by the toolchain's lld:
/// - with packed relative relocations (DT_RELR, glibc 2.36 and later) instead of gold's table of RELA entries
///   (2 MB in the supervisor, 0.6 MB in a worker) that every process reads whole at start-up and keeps resident;
/// - with the functions the service executes placed together, in the order of `linker/code-order.txt`
///   (`scripts/code-order.sh` regenerates it), so that the pages the kernel maps around each fault hold code
///   that runs. Symbols the file names that a binary lacks are skipped silently;
/// - without SwiftPM's `--export-dynamic`: nothing loads symbols from these executables, and the loader kept
///   their 10,000 exported names (0.8 MB of tables) resident.
let shippedLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker",
            "--symbol-ordering-file=\(Context.packageDirectory)/linker/code-order.txt", "-Xlinker",
            "--no-warn-symbol-ordering", "-Xlinker", "--no-export-dynamic",
        ],
        .when(platforms: [.linux], configuration: .release))
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
        .executable(name: "k8s-worker-demo", targets: ["DemoRunner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // MARK: The supervisor process (Sources/Supervisor): command intake, ordering, offsets, the worker pool.
        .executableTarget(
            name: "Supervisor",
            dependencies: [
                "SupervisorCore", "Diagnostics", "KafkaClient", "KafkaIngest", "KubeAccess", "KubeManifests",
                "KubePreflight", "Events",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Supervisor/Main", swiftSettings: swiftSettings, linkerSettings: shippedLinkerSettings),
        // The event loop and its pure state machines (pool, ledger, commits), signals, systemd, the HTTP endpoint.
        .target(
            name: "SupervisorCore",
            dependencies: [
                "IPC", "Systemd", "Diagnostics", "KubeManifests", "Observability", "HTTPWire", "Platform",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/Supervisor/Core", swiftSettings: swiftSettings),
        // The Kafka command source: consume, triage, publish events, commit finished work.
        .target(
            name: "KafkaIngest",
            dependencies: [
                "SupervisorCore", "KafkaClient", "SagaBridge", "Events", "IPC", "Observability", "Platform",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            path: "Sources/Supervisor/KafkaIngest", swiftSettings: swiftSettings),
        // Before any worker starts: credentials files checked, the namespace prepared; the settings workers receive;
        // the image pre-puller beside the loop.
        .target(
            name: "KubePreflight",
            dependencies: [
                "SupervisorCore", "KubeAccess", "KubeClient", "KubeconfigLoading", "KubeManifests", "Events",
                "Observability", "Platform", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Supervisor/KubePreflight", swiftSettings: swiftSettings),
        // Saga commands and events as records: triage, dead letters, outcome events, topics (pure).
        .target(
            name: "SagaBridge", dependencies: ["Events", "IPC"], path: "Sources/Supervisor/SagaBridge",
            swiftSettings: swiftSettings),

        // MARK: The worker process (Sources/WorkerProcess): one Kubernetes API connection, creates and deletes.
        .executableTarget(
            name: "WorkerProcess",
            dependencies: [
                "WorkerCore", "KubeExecution", "KubeAccess", "Diagnostics",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/WorkerProcess/Main", swiftSettings: swiftSettings, linkerSettings: shippedLinkerSettings),
        // The worker's runtime: handshake, leader/follower threads, heartbeats, handlers.
        .target(
            name: "WorkerCore",
            dependencies: [
                "IPC", "CLinux", "Diagnostics", "Events", "Platform", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/WorkerProcess/Runtime", swiftSettings: swiftSettings),
        // The Kubernetes handler: create and delete the executor objects.
        .target(
            name: "KubeExecution",
            dependencies: [
                "KubeAccess", "KubeClient", "KubeManifests", "WorkerCore", "Events", "IPC", "Platform",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/WorkerProcess/KubeExecution", swiftSettings: swiftSettings),
        // The hardened Pod and its ConfigMap, built from a command (pure).
        .target(
            name: "KubeManifests", dependencies: ["Events"], path: "Sources/WorkerProcess/KubeManifests",
            swiftSettings: swiftSettings),

        // MARK: The protocol between them (Sources/IPC).
        .target(name: "IPC", dependencies: ["Platform"], swiftSettings: swiftSettings),

        // MARK: Libraries (Sources/Libraries): C shims (a module map and one header each), wrappers, clients.
        .systemLibrary(name: "CLinux", path: "Sources/Libraries/CLinux"),
        .systemLibrary(
            name: "CSystemd", path: "Sources/Libraries/CSystemd", pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(
            name: "CRdKafka", path: "Sources/Libraries/CRdKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/Libraries/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/Libraries/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "Systemd", dependencies: ["CSystemd", "Platform"], path: "Sources/Libraries/Systemd",
            swiftSettings: swiftSettings),
        // The platform layer both processes and the tools share, one of each primitive: lock (with its condition),
        // thread, monotonic clock, epoll reactor, spawn (with the child environment rules), descriptors, seeded
        // randomness; thin Swift over CLinux, which only this target and two prctl calls (core dumps, the
        // worker's parent-death signal) import.
        .target(
            name: "Platform", dependencies: ["CLinux"], path: "Sources/Libraries/Platform", swiftSettings: swiftSettings
        ),
        // JSON, the upstream event models byte for byte, timestamps and identities.
        .target(name: "Events", path: "Sources/Libraries/Events", swiftSettings: swiftSettings),
        // HTTP/1 on the wire: the one request-head parser (the supervisor's endpoint, the simulator).
        .target(name: "HTTPWire", path: "Sources/Libraries/HTTPWire", swiftSettings: swiftSettings),
        .target(
            name: "Observability", dependencies: ["HTTPWire"], path: "Sources/Libraries/Observability",
            swiftSettings: swiftSettings),
        .target(
            name: "Diagnostics", dependencies: ["Systemd", "CLinux", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Libraries/Diagnostics", swiftSettings: swiftSettings),
        .target(
            name: "KafkaClient", dependencies: ["CRdKafka", "C11ThreadsForTSan", "Platform"],
            path: "Sources/Libraries/KafkaClient", swiftSettings: swiftSettings),
        .target(
            name: "KubeClient", dependencies: ["CCurl", "Events", "Platform"],
            path: "Sources/Libraries/KubeClient", swiftSettings: swiftSettings),
        // What both processes agree on to reach the API: the settings' wire form, the API protocol, the logging client.
        .target(
            name: "KubeAccess",
            dependencies: ["KubeClient", "KubeManifests", "Events", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Libraries/KubeAccess", swiftSettings: swiftSettings),
        // Kubeconfig files are YAML: parsing them needs Yams and with it Foundation, so this lives apart from the
        // client and only the supervisor links it. Workers receive the resolved configuration.
        .target(
            name: "KubeconfigLoading", dependencies: ["KubeClient", .product(name: "Yams", package: "Yams")],
            path: "Sources/Libraries/KubeconfigLoading", swiftSettings: swiftSettings),

        // MARK: Tools (Tools/): the test doubles, the demo, chaos, benchmarks; none of it is the product.
        // The simulator reads RBAC policy files (YAML) with Yams; neither product binary links the simulator.
        .target(
            name: "KubeSimulator",
            dependencies: [
                "Events", "HTTPWire", "COpenSSL", "Platform", .product(name: "Yams", package: "Yams"),
            ],
            path: "Tools/KubeSimulator", swiftSettings: swiftSettings),
        .executableTarget(
            name: "APISimulator", dependencies: ["KubeSimulator"], path: "Tools/APISimulator",
            swiftSettings: swiftSettings),
        .target(
            name: "Demo",
            dependencies: ["Events", "KubeManifests", "KafkaClient", "KubeSimulator", "SagaBridge", "Platform"],
            path: "Tools/Demo", swiftSettings: swiftSettings),
        // k8s-worker-demo, which `k8s-worker demo` execs: the supervisor in-process on the embedded cluster and simulator.
        .executableTarget(
            name: "DemoRunner",
            dependencies: [
                "Demo", "SupervisorCore", "KafkaIngest", "KubePreflight", "Diagnostics", "Events",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/DemoRunner", swiftSettings: swiftSettings),
        .target(
            name: "Chaos",
            dependencies: [
                "Demo", "Events", "KafkaClient", "KubeManifests", "KubeSimulator", "SagaBridge", "Platform",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            path: "Tools/Chaos", swiftSettings: swiftSettings),
        .executableTarget(
            name: "ChaosRunner",
            dependencies: [
                "Chaos", "SupervisorCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/ChaosRunner", swiftSettings: swiftSettings),
        .executableTarget(
            name: "Benchmarks",
            dependencies: [
                "SupervisorCore", "IPC", "KafkaClient", "KafkaIngest", "Events", "KubeClient", "Platform",
                "KubeExecution",
                "KubeAccess", "KubeconfigLoading", "KubeSimulator", "Demo",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/Benchmarks", swiftSettings: swiftSettings),
        // Only in ThreadSanitizer builds: C11 threads over the pthread calls TSan intercepts (see the source).
        .target(name: "C11ThreadsForTSan", path: "Tools/C11ThreadsForTSan", publicHeadersPath: "."),
        // Helpers the test targets share (threads, scratch directories, polling); never linked into a product.
        .target(name: "TestKit", dependencies: ["Platform"], path: "Tools/TestKit", swiftSettings: swiftSettings),

        // MARK: Tests.
        .testTarget(name: "IPCTests", dependencies: ["IPC", "Platform"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ObservabilityTests", dependencies: ["Observability", "HTTPWire"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DiagnosticsTests",
            dependencies: ["Diagnostics", "Systemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .testTarget(name: "EventsTests", dependencies: ["Events", "Platform"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeManifestsTests", dependencies: ["KubeManifests", "Events", "Platform"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeSimulatorTests", dependencies: ["TestKit", "KubeSimulator", "Events", "Platform"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SagaBridgeTests", dependencies: ["SagaBridge", "Events", "IPC"], swiftSettings: swiftSettings),
        .testTarget(name: "KafkaClientTests", dependencies: ["KafkaClient"], swiftSettings: swiftSettings),
        // The Kafka source's pure core, driven by hand (no broker, no clock).
        .testTarget(
            name: "KafkaIngestTests",
            dependencies: [
                "KafkaIngest", "KafkaClient", "SupervisorCore", "SagaBridge", "Events", "IPC", "Platform",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeClientTests",
            dependencies: [
                "TestKit", "KubeClient", "KubeconfigLoading", "KubeSimulator", "Events", "Platform",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeExecutionTests",
            dependencies: [
                "TestKit", "KubeExecution", "KubeAccess", "KubePreflight", "KubeClient", "KubeconfigLoading",
                "KubeManifests", "KubeSimulator", "Events", "IPC", "Platform",
                "SagaBridge", "SupervisorCore", "Observability",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SupervisorCoreTests",
            dependencies: [
                "SupervisorCore", "IPC", "Systemd", "Observability", "Platform",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ChaosTests", dependencies: ["Chaos", "Demo", "Events", "KubeManifests"], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "TestKit", "SupervisorCore", "IPC", "Supervisor", "WorkerProcess", "DemoRunner",
                "KafkaClient", "Events", "KubeSimulator", "Platform",
                "Chaos", "Demo",
            ],
            swiftSettings: swiftSettings),
    ]
)
