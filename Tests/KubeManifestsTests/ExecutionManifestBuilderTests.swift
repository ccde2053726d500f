import Events
import KubeManifests
import Testing

@Suite("Preparing a command: refusals and determinism")
struct ExecutionManifestBuilderTests {
    @Test("forbidden namespaces are refused when the builder is made", arguments: ForbiddenNamespaces.names)
    func forbiddenNamespace(namespace: String) {
        #expect {
            try ExecutionManifestBuilder(settings: ManifestSettings(namespace: namespace))
        } throws: { error in
            (error as? ManifestError)?.code == .forbiddenNamespace
        }
    }

    @Test("the forbidden-namespace error says why")
    func forbiddenMessage() {
        do {
            try ForbiddenNamespaces.check("kube-system")
            Issue.record("kube-system was accepted")
        } catch {
            #expect(error.code == .forbiddenNamespace)
            #expect(error.reason.contains("kube-system") && error.reason.contains("dedicated namespace"))
        }
        #expect(throws: Never.self) { try ForbiddenNamespaces.check("integr8scode") }
        #expect(!ForbiddenNamespaces.contains("integr8scode"))
    }

    @Test(
        "invalid settings are refused",
        arguments: [
            ManifestSettings(namespace: "Bad_Namespace"),
            ManifestSettings(runtimeClassName: "Not Valid"),
            ManifestSettings(terminationGracePeriodSeconds: -1),
            ManifestSettings(queueName: "bad queue"),
            ManifestSettings(dnsNameservers: []),
            ManifestSettings(dnsNameservers: ["1.1.1.1", "8.8.8.8", "9.9.9.9", "1.0.0.1"]),
            ManifestSettings(maxScriptBytes: 1 << 20),
        ])
    func invalidSettings(settings: ManifestSettings) {
        #expect(throws: ManifestError.self) { try ExecutionManifestBuilder(settings: settings) }
    }

    @Test("incoherent policies are refused")
    func invalidPolicy() {
        let policies = [
            ResourcePolicy(defaultCPULimit: CPUQuantity(millicores: 4000)),
            ResourcePolicy(defaultMemoryRequest: .mebibytes(256)),
            ResourcePolicy(minMemoryLimit: MemoryQuantity(bytes: 0)),
            ResourcePolicy(defaultTimeoutSeconds: 600),
            ResourcePolicy(ephemeralStorage: EphemeralStorage(request: .mebibytes(128), limit: .mebibytes(64))),
        ]
        for policy in policies {
            #expect(throws: ManifestError.self) {
                try ExecutionManifestBuilder(policy: policy, settings: ManifestSettings())
            }
        }
        #expect(throws: ManifestError.self) {
            try ExecutionManifestBuilder(
                policy: ResourcePolicy(
                    ephemeralStorage: EphemeralStorage(request: .mebibytes(16), limit: .mebibytes(64))),
                settings: ManifestSettings(tmpSizeLimit: .mebibytes(60)))
        }
        #expect(throws: Never.self) {
            try ExecutionManifestBuilder(
                policy: ResourcePolicy(ephemeralStorage: nil), settings: ManifestSettings(tmpSizeLimit: .mebibytes(60)))
        }
    }

    @Test(
        "execution ids that cannot name objects are refused",
        arguments: [
            "", "UPPER", "has space", "-leading", "trailing-", "dots.in.id", String(repeating: "a", count: 55), "ünï",
        ])
    func badExecutionID(id: String) throws {
        let builder = try Samples.builder()
        #expect {
            try builder.prepare(Samples.command { $0.executionID = id })
        } throws: { error in
            (error as? ManifestError)?.code == .invalidExecutionID
        }
    }

    @Test("a 54-character id is the longest accepted")
    func longestID() throws {
        let id = String(repeating: "a", count: 54)
        let prepared = try Samples.builder().prepare(Samples.command { $0.executionID = id })
        #expect(prepared.pod.name.count == 63)
    }

    @Test("scripts over the limit are refused before anything is created")
    func scriptTooLarge() throws {
        let builder = try Samples.builder(settings: ManifestSettings(maxScriptBytes: 1000))
        #expect(throws: Never.self) {
            try builder.prepare(Samples.command { $0.script = String(repeating: "x", count: 1000) })
        }
        #expect {
            try builder.prepare(Samples.command { $0.script = String(repeating: "x", count: 1001) })
        } throws: { error in
            (error as? ManifestError)?.code == .scriptTooLarge
        }
        let defaults = try Samples.builder()
        #expect(throws: ManifestError.self) {
            try defaults.prepare(Samples.command { $0.script = String(repeating: "é", count: 600_000) })
        }
    }

    @Test("refusals carry short, user-safe reasons that quote at most 64 characters of input")
    func userSafeReasons() throws {
        let hostile = String(repeating: "A\u{1B}[31m", count: 100)
        let builder = try Samples.builder()
        for command in [
            try Samples.command { $0.language = hostile },
            try Samples.command { $0.cpuLimit = hostile },
            try Samples.command { $0.executionID = hostile },
        ] {
            do {
                _ = try builder.prepare(command)
                Issue.record("accepted a hostile command")
            } catch {
                #expect(error.reason.count < 200)
                #expect(!error.reason.unicodeScalars.contains { $0.value < 0x20 })
                #expect(!error.isRetriable)
            }
        }
    }

    @Test("the same command gives identical bytes, every time and from every builder")
    func determinism() throws {
        let first = try Samples.builder().prepare(Samples.command())
        let second = try Samples.builder().prepare(Samples.command())
        #expect(first.pod.json == second.pod.json)
        #expect(try first.configMap(podUID: Samples.podUID).json == second.configMap(podUID: Samples.podUID).json)
        #expect(first == second)
        let namespaceBody = JSONWriter.encode(NamespaceSecurityPatch.body())
        #expect(namespaceBody == JSONWriter.encode(NamespaceSecurityPatch.body()))
        #expect(
            NetworkPolicyManifest.build(namespace: "integr8scode").json
                == NetworkPolicyManifest.build(namespace: "integr8scode").json)
    }

    @Test("adjustments made by the policy are exposed for logging")
    func adjustmentsExposed() throws {
        let prepared = try Samples.builder().prepare(
            Samples.command {
                $0.cpuLimit = "8"
                $0.timeoutSeconds = 0
            })
        #expect(prepared.adjustments.map(\.field) == [.cpuLimit, .timeoutSeconds])
        #expect(prepared.pod.body["spec"]["activeDeadlineSeconds"]?.numberValue?.int64Value == 300)
        #expect(prepared.pod.body["spec"]["containers"][0]["resources"]["limits"]["cpu"]?.stringValue == "2000m")
    }
}
