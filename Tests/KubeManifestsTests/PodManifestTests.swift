import Events
import KubeManifests
import Testing

@Suite("Executor Pod for the sample command")
struct PodManifestTests {
    private func ourPod() throws -> KubeObject {
        try Samples.builder().prepare(Samples.command()).pod
    }

    @Test("identity: executor-<id> in the configured namespace")
    func identity() throws {
        let pod = try ourPod()
        #expect(pod.name == "executor-\(Samples.executionID)")
        #expect(pod.namespace == "integr8scode")
        #expect(pod.kind == "Pod" && pod.apiVersion == "v1")
        #expect(pod.body["kind"]?.stringValue == "Pod")
    }

    @Test("every upstream-visible field equals upstream's rendering")
    func upstreamFields() throws {
        let ours = try ourPod().body
        let upstream = try Samples.json(UpstreamRenderings.pod)
        #expect(sameJSON(ours["apiVersion"], upstream["apiVersion"]))
        // The metadata is upstream's, but for one annotation added after upstream's own.
        #expect(ours["metadata"]?.objectValue?.keys == upstream["metadata"]?.objectValue?.keys)
        for key in upstream["metadata"]?.objectValue?.keys ?? [] where key != "annotations" {
            #expect(sameJSON(ours["metadata"][key], upstream["metadata"][key]), "metadata.\(key)")
        }
        let annotations = ours["metadata"]["annotations"]?.objectValue?.members ?? []
        let upstreamAnnotations = upstream["metadata"]["annotations"]?.objectValue?.members ?? []
        #expect(Array(annotations.dropLast()) == upstreamAnnotations)
        #expect(annotations.last?.key == "integr8s.io/command-digest")
        // Same label order as upstream's rendering, too.
        #expect(ours["metadata"]["labels"]?.objectValue?.keys == upstream["metadata"]["labels"]?.objectValue?.keys)

        let spec = ours["spec"]
        let upstreamSpec = upstream["spec"]
        for key in upstreamSpec?.objectValue?.keys ?? [] where key != "containers" && key != "volumes" {
            #expect(sameJSON(spec[key], upstreamSpec[key]), "spec.\(key)")
        }

        #expect(spec["containers"]?.arrayValue?.count == 1)
        let container = spec["containers"][0]
        let upstreamContainer = upstreamSpec["containers"][0]
        for key in ["name", "image", "command", "stdin", "tty", "terminationMessagePolicy", "volumeMounts"] {
            #expect(sameJSON(container[key], upstreamContainer[key]), "container.\(key)")
        }
        // Upstream's env entries come first, unchanged.
        let env = container["env"]?.arrayValue ?? []
        let upstreamEnv = upstreamContainer["env"]?.arrayValue ?? []
        #expect(env.count >= upstreamEnv.count && zip(env, upstreamEnv).allSatisfy { sameJSON($0, $1) })
        // Every upstream security-context member is present with the same value.
        for key in upstreamContainer["securityContext"]?.objectValue?.keys ?? [] {
            #expect(
                sameJSON(container["securityContext"][key], upstreamContainer["securityContext"][key]),
                "securityContext.\(key)")
        }
        for kind in ["limits", "requests"] {
            for resource in ["cpu", "memory"] {
                #expect(
                    sameJSON(container["resources"][kind][resource], upstreamContainer["resources"][kind][resource]))
            }
        }

        let volumes = spec["volumes"]?.arrayValue ?? []
        let upstreamVolumes = upstreamSpec["volumes"]?.arrayValue ?? []
        #expect(volumes.count == upstreamVolumes.count)
        for (volume, upstreamVolume) in zip(volumes, upstreamVolumes) {
            #expect(volume["name"] == upstreamVolume["name"])
            #expect(sameJSON(volume["emptyDir"], upstreamVolume["emptyDir"]))
            #expect(volume["configMap"]["name"] == upstreamVolume["configMap"]["name"])
            #expect(sameJSON(volume["configMap"]["items"], upstreamVolume["configMap"]["items"]))
        }
    }

    @Test("our additions: DNS off, grace period, pull policy, HOME/GOCACHE, 0444 modes; no ephemeral storage")
    func additions() throws {
        let spec = try ourPod().body["spec"]
        #expect(spec["dnsPolicy"]?.stringValue == "None")
        #expect(sameJSON(spec["dnsConfig"], try Samples.json(#"{"nameservers":["127.0.0.1"]}"#)))
        #expect(spec["terminationGracePeriodSeconds"]?.numberValue?.int64Value == 5)
        let container = spec["containers"][0]
        #expect(container["imagePullPolicy"]?.stringValue == "IfNotPresent")
        #expect(container["securityContext"]["privileged"]?.boolValue == false)
        let env = (container["env"]?.arrayValue ?? []).map {
            "\($0["name"]?.stringValue ?? "")=\($0["value"]?.stringValue ?? "")"
        }
        #expect(
            env == ["EXECUTION_ID=\(Samples.executionID)", "OUTPUT_PATH=/output", "HOME=/tmp", "GOCACHE=/tmp/go-cache"])
        // Not requested by default: a Kueue ClusterQueue covering only cpu and memory would never admit the Pod.
        #expect(container["resources"]["limits"]["ephemeral-storage"] == nil)
        #expect(container["resources"]["requests"]["ephemeral-storage"] == nil)
        #expect(spec["volumes"][0]["configMap"]["defaultMode"]?.numberValue?.int64Value == 0o444)
        #expect(spec["volumes"][1]["configMap"]["defaultMode"]?.numberValue?.int64Value == 0o444)
        #expect(
            spec["runtimeClassName"] == nil && spec["priorityClassName"] == nil && spec["serviceAccountName"] == nil)
    }

    @Test("exact bytes, member order included")
    func exactBytes() throws {
        let expected = JSONWriter.encode(try Samples.json(UpstreamRenderings.ourPod))
        #expect(try ourPod().json == expected)
    }

    @Test("optional settings appear when set and vanish when nil")
    func optionalSettings() throws {
        let settings = ManifestSettings(
            namespace: "executions", runtimeClassName: "gvisor", priorityClassName: "executor-low",
            serviceAccountName: "executor", terminationGracePeriodSeconds: 3, imagePullPolicy: nil, hostUsers: nil,
            queueName: nil, dnsNameservers: nil, tmpSizeLimit: .mebibytes(48))
        let pod = try Samples.builder(settings: settings).prepare(Samples.command()).pod
        let spec = pod.body["spec"]
        #expect(pod.namespace == "executions" && pod.body["metadata"]["namespace"]?.stringValue == "executions")
        #expect(spec["runtimeClassName"]?.stringValue == "gvisor")
        #expect(spec["priorityClassName"]?.stringValue == "executor-low")
        #expect(spec["serviceAccountName"]?.stringValue == "executor")
        #expect(spec["terminationGracePeriodSeconds"]?.numberValue?.int64Value == 3)
        #expect(spec["hostUsers"] == nil && spec["dnsPolicy"] == nil && spec["dnsConfig"] == nil)
        #expect(spec["containers"][0]["imagePullPolicy"] == nil)
        #expect(pod.body["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] == nil)
        #expect(spec["volumes"][3]["emptyDir"]["sizeLimit"]?.stringValue == "48Mi")
        #expect(PodSecurityRestricted().evaluate(pod: pod.body).isEmpty)
    }

    @Test("ephemeral storage appears only as configured: both, request only, limit only")
    func configuredEphemeralStorage() throws {
        let cases: [(EphemeralStorage, limits: [String], requests: [String])] = [
            (
                EphemeralStorage(request: .mebibytes(16), limit: .mebibytes(64)),
                ["cpu", "memory", "ephemeral-storage"],
                ["cpu", "memory", "ephemeral-storage"]
            ),
            (
                EphemeralStorage(request: .mebibytes(16), limit: nil), ["cpu", "memory"],
                ["cpu", "memory", "ephemeral-storage"]
            ),
            (
                EphemeralStorage(request: nil, limit: .mebibytes(64)), ["cpu", "memory", "ephemeral-storage"],
                ["cpu", "memory"]
            ),
        ]
        for (storage, limits, requests) in cases {
            let pod = try Samples.builder(policy: ResourcePolicy(ephemeralStorage: storage)).prepare(Samples.command())
                .pod
            let resources = pod.body["spec"]["containers"][0]["resources"]
            #expect(resources["limits"]?.objectValue?.keys == limits)
            #expect(resources["requests"]?.objectValue?.keys == requests)
            #expect(resources["limits"]["ephemeral-storage"]?.stringValue == storage.limit?.description)
            #expect(resources["requests"]["ephemeral-storage"]?.stringValue == storage.request?.description)
        }
        let none = try Samples.builder().prepare(Samples.command()).pod.body["spec"]["containers"][0]["resources"]
        #expect(none["limits"]?.objectValue?.keys == ["cpu", "memory"])
        #expect(none["requests"]?.objectValue?.keys == ["cpu", "memory"])
    }

    @Test("hostile user id and language become valid label values; annotations keep the language")
    func hostileLabels() throws {
        let command = try Samples.command {
            $0.metadata.userID = String(repeating: "ü../ \u{1}", count: 80)
            $0.language = "Py thon/../3"
        }
        let builder = try ExecutionManifestBuilder(
            registry: RuntimeRegistry(entries: RuntimeRegistry.upstreamEntries, allowUnlisted: true),
            settings: ManifestSettings())
        let pod = try builder.prepare(command).pod
        let labels = pod.body["metadata"]["labels"]?.objectValue
        for member in labels?.members ?? [] {
            #expect(LabelSanitizer.isValidKey(member.key), "key \(member.key)")
            #expect(LabelSanitizer.isValidValue(member.value.stringValue ?? "\u{0}"), "value of \(member.key)")
        }
        #expect(labels?["language"]?.stringValue == "Py-thon-..-3")
        #expect(pod.body["metadata"]["annotations"]["integr8s.io/language"]?.stringValue == "Py thon/../3")
    }

    @Test("an empty saga id leaves out the saga label and annotation")
    func emptySaga() throws {
        let pod = try Samples.builder().prepare(Samples.command { $0.sagaID = "" }).pod
        #expect(pod.body["metadata"]["labels"]["saga-id"] == nil)
        #expect(pod.body["metadata"]["annotations"]["integr8s.io/saga-id"] == nil)
    }

    @Test("belongs: a GET after 409 is ours only when its execution-id label matches")
    func belongs() throws {
        let pod = try ourPod().body
        #expect(ManifestLabels.belongs(pod, to: Samples.executionID))
        #expect(!ManifestLabels.belongs(pod, to: "another"))
        #expect(!ManifestLabels.belongs(try Samples.json(#"{"metadata":{"name":"x"}}"#), to: Samples.executionID))
        #expect(!ManifestLabels.belongs(pod, to: ""))
    }
}
