import Events
import KubeManifests
import Testing

@Suite("The command digest annotated on the Pod and the ConfigMap")
struct CommandDigestTests {
    @Test("the sample command's digest equals one computed apart (Python json + hashlib), on both objects")
    func golden() throws {
        let prepared = try Samples.builder().prepare(Samples.command())
        #expect(CommandDigest.hex(try Samples.command()) == UpstreamRenderings.commandDigest)
        #expect(prepared.commandDigest == UpstreamRenderings.commandDigest)
        let key = ManifestLabels.commandDigestAnnotation
        #expect(prepared.pod.body["metadata"]["annotations"][key]?.stringValue == UpstreamRenderings.commandDigest)
        let configMap = try prepared.configMap(podUID: Samples.podUID)
        #expect(configMap.body["metadata"]["annotations"][key]?.stringValue == UpstreamRenderings.commandDigest)
    }

    /// Each change alters one field that decides what runs, or for whom.
    static let coveredChanges: [(String, @Sendable (inout CreatePodCommand) -> Void)] = [
        ("script", { $0.script += " " }),
        ("language", { $0.language = "pythob" }),
        ("language_version", { $0.languageVersion = "3.12" }),
        ("runtime_image", { $0.runtimeImage = "python:3.12-slim" }),
        ("runtime_command", { $0.runtimeCommand = ["python", "-I", "/scripts/main.py"] }),
        ("runtime_command split differently", { $0.runtimeCommand = ["python /scripts/main.py"] }),
        ("runtime_filename", { $0.runtimeFilename = "app.py" }),
        ("timeout_seconds", { $0.timeoutSeconds = 6 }),
        ("cpu_limit", { $0.cpuLimit = "1" }),
        ("memory_limit", { $0.memoryLimit = "256Mi" }),
        ("cpu_request", { $0.cpuRequest = "100m" }),
        ("memory_request", { $0.memoryRequest = "64Mi" }),
        ("user_id", { $0.metadata.userID = "another-user" }),
    ]

    @Test("a change to any covered field changes the digest", arguments: 0..<coveredChanges.count)
    func coveredFields(index: Int) throws {
        let (field, change) = Self.coveredChanges[index]
        let changed = CommandDigest.hex(try Samples.command(change))
        #expect(changed != UpstreamRenderings.commandDigest, "\(field)")
        #expect(
            changed.utf8.count == 64
                && changed.utf8.allSatisfy {
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                        || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
                })
    }

    @Test("a value moved from one field to the next changes the digest (the fields are delimited)")
    func delimited() throws {
        let first = CommandDigest.hex(
            try Samples.command {
                $0.cpuLimit = "1"
                $0.memoryLimit = "28Mi"
            })
        let second = CommandDigest.hex(
            try Samples.command {
                $0.cpuLimit = "12"
                $0.memoryLimit = "8Mi"
            })
        #expect(first != second)
    }

    @Test(
        "what a redelivered or re-sent copy may change leaves it alone: event id, timestamp, aggregate id, priority, service metadata, saga id"
    )
    func uncoveredFields() throws {
        let copy = try Samples.command {
            $0.eventID = "11111111-2222-4333-8444-555555555555"
            $0.eventVersion = "1.1"
            $0.timestamp = .epoch
            $0.aggregateID = nil
            $0.priority = .high
            $0.metadata.serviceName = "another-orchestrator"
            $0.metadata.serviceVersion = "2.0.0"
            $0.sagaID = "another-saga"
        }
        #expect(CommandDigest.hex(copy) == UpstreamRenderings.commandDigest)
    }
}
