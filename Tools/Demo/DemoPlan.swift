import Events
import KubeManifests

/// The records `k8s-worker demo` produces: create commands cycling through every runtime of a registry, a few
/// deletes of earlier executions, one create naming an image outside the registry, and one record that is not
/// JSON. Pure: the same arguments give the same records.
public struct DemoPlan: Sendable {
    /// What one record is, and so what the demo expects of it.
    public enum Kind: Sendable, Hashable {
        /// A create the registry allows: expects `pod_created` and `execution_started`.
        case create(language: String, version: String)
        /// A create naming an image the registry does not list: expects `execution_failed`.
        case disallowedImage(image: String)
        /// A delete of an earlier create: expects that execution's Pod to be gone.
        case delete
        /// Not JSON: expects a dead-lettered copy.
        case poison
    }

    /// One record for `saga_commands`.
    public struct Record: Sendable {
        /// What the record is.
        public var kind: Kind
        /// The record key: the execution id (for the poison record, a marker).
        public var key: String
        /// The record value.
        public var value: [UInt8]
    }

    /// The image the disallowed create names.
    public static let disallowedImage = "docker.io/attacker/miner:latest"
    /// The key of the poison record.
    public static let poisonKey = "demo-poison-record"

    /// The records in production order.
    public let records: [Record]

    /// - Parameters:
    ///   - commands: records in total (at least 4: one valid create, one delete, the disallowed create and the
    ///     poison record).
    ///   - registry: the runtimes to cycle through.
    ///   - run: distinguishes the execution ids of one run from another's.
    ///   - now: the commands' `timestamp`.
    public init(commands: Int, registry: RuntimeRegistry = .upstream, run: UInt32, now: Timestamp) {
        let total = max(commands, 4)
        let deletes = max(1, total / 12)
        let creates = total - deletes - 2
        let runtimes = registry.entries
        var valid: [Record] = []
        for index in 0..<creates where !runtimes.isEmpty {
            valid.append(Self.validCreate(run: run, index: index, entry: runtimes[index % runtimes.count], now: now))
        }
        var records = valid
        // The refused create and the poison record land among the valid ones, never first (the first record
        // is the observer's warm-up probe).
        if let python = registry.entry(language: "python", version: "3.11") ?? runtimes.first {
            let id = Self.executionID(run: run, index: creates)
            let command = Self.create(
                id: id, run: run, index: creates, entry: python, image: Self.disallowedImage, now: now)
            records.insert(
                Record(kind: .disallowedImage(image: Self.disallowedImage), key: id, value: command.encoded()),
                at: max(1, (2 * records.count) / 3))
        }
        records.insert(
            Record(kind: .poison, key: Self.poisonKey, value: Array("this is not a saga command {".utf8)),
            at: max(1, records.count / 3))
        // Deletes of the earliest executions, after every create.
        for target in valid.prefix(deletes) {
            records.append(Self.delete(executionID: target.key, run: run, index: records.count, now: now))
        }
        self.records = records
    }

    /// The create of execution `index` of `run` in the registry's runtime `entry`.
    public static func validCreate(run: UInt32, index: Int, entry: RuntimeRegistry.Entry, now: Timestamp) -> Record {
        let id = executionID(run: run, index: index)
        let command = create(id: id, run: run, index: index, entry: entry, image: entry.image, now: now)
        return Record(
            kind: .create(language: entry.language, version: entry.version), key: id, value: command.encoded())
    }

    /// A delete of `executionID`'s Pod; `index` makes its event id unique within `run`.
    public static func delete(executionID: String, run: UInt32, index: Int, now: Timestamp) -> Record {
        let delete = DeletePodCommand(
            eventID: uuid(run: run, stream: 2, index: index),
            timestamp: now, aggregateID: executionID, metadata: metadata, sagaID: sagaID, executionID: executionID,
            reason: "Saga compensation (k8s-worker demo)")
        return Record(kind: .delete, key: executionID, value: delete.encoded())
    }

    /// Execution ids of the creates the registry allows.
    public var validCreates: [String] { records.compactMap { if case .create = $0.kind { $0.key } else { nil } } }
    /// Execution ids of the creates naming an image outside the registry.
    public var disallowedCreates: [String] {
        records.compactMap { if case .disallowedImage = $0.kind { $0.key } else { nil } }
    }
    /// Execution ids whose Pods are deleted.
    public var deletedExecutions: [String] { records.compactMap { $0.kind == .delete ? $0.key : nil } }
    /// Keys of records that must be dead-lettered.
    public var poisonKeys: [String] { records.compactMap { $0.kind == .poison ? $0.key : nil } }

    /// The saga id every demo command carries.
    public static let sagaID = "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"
    static let metadata = EventMetadata(
        serviceName: "saga-orchestrator", serviceVersion: "1.0.0", userID: "7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e")

    /// A UUID-shaped execution id unique to `run` and `index`.
    public static func executionID(run: UInt32, index: Int) -> String {
        uuid(run: run, stream: 0, index: index)
    }

    /// A version-4-shaped UUID: `run` and `stream` in the high half, `index` in the low half.
    private static func uuid(run: UInt32, stream: UInt16, index: Int) -> String {
        UUID(
            high: UInt64(run) << 32 | UInt64(stream) << 16 | 0x4000,
            low: 0x8000_0000_0000_0000 | UInt64(truncatingIfNeeded: index)
        )
        .uuidString
    }

    static func create(
        id: String, run: UInt32, index: Int, entry: RuntimeRegistry.Entry, image: String, now: Timestamp
    ) -> CreatePodCommand {
        CreatePodCommand(
            eventID: uuid(run: run, stream: 1, index: index),
            timestamp: now, aggregateID: id, metadata: metadata, sagaID: sagaID, executionID: id,
            script: script(for: entry.language), language: entry.language, languageVersion: entry.version,
            runtimeImage: image, runtimeCommand: entry.command, runtimeFilename: entry.filename, timeoutSeconds: 30,
            cpuLimit: "500m", memoryLimit: "128Mi", cpuRequest: "100m", memoryRequest: "64Mi")
    }

    /// A hello-world in the language (never logged; it ends up in the ConfigMap).
    static func script(for language: String) -> String {
        switch language {
        case "python": "print('hello from k8s-worker demo')\n"
        case "node": "console.log('hello from k8s-worker demo');\n"
        case "ruby": "puts 'hello from k8s-worker demo'\n"
        case "bash": "echo 'hello from k8s-worker demo'\n"
        case "go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from k8s-worker demo\") }\n"
        default: "hello from k8s-worker demo\n"
        }
    }
}
