import Events
import KubeManifests
import Testing

@Suite("Script ConfigMap for the sample command")
struct ConfigMapManifestTests {
    private func ourConfigMap() throws -> KubeObject {
        try Samples.builder().prepare(Samples.command()).configMap(podUID: Samples.podUID)
    }

    @Test("every upstream-visible field equals upstream's rendering")
    func upstreamFields() throws {
        let ours = try ourConfigMap()
        let upstream = try Samples.json(UpstreamRenderings.configMap)
        #expect(
            ours.name == "script-\(Samples.executionID)" && ours.namespace == "integr8scode" && ours.kind == "ConfigMap"
        )
        #expect(sameJSON(ours.body["apiVersion"], upstream["apiVersion"]))
        #expect(sameJSON(ours.body["kind"], upstream["kind"]))
        for key in ["name", "namespace", "labels"] {
            #expect(sameJSON(ours.body["metadata"][key], upstream["metadata"][key]), "metadata.\(key)")
        }
        // Our addition: the command's identity, which upstream's ConfigMap does not carry.
        #expect(
            ours.body["metadata"]["annotations"]?.objectValue?.keys == [
                "integr8s.io/saga-id", "integr8s.io/command-digest",
            ])
        #expect(ours.body["metadata"]["annotations"]["integr8s.io/saga-id"]?.stringValue == Samples.sagaID)
        #expect(
            ours.body["metadata"]["annotations"]["integr8s.io/command-digest"]?.stringValue
                == UpstreamRenderings.commandDigest)
        #expect(ours.body["data"]?.objectValue?.keys == ["main.py", "entrypoint.sh"])
        #expect(ours.body["data"]["main.py"] == upstream["data"]["main.py"])
        #expect(ours.body["data"]["entrypoint.sh"]?.stringValue == EntrypointScript.text)
    }

    @Test("owned by the Pod from creation: v1 Pod, name, uid, blockOwnerDeletion false, no controller")
    func ownerReference() throws {
        let references = try ourConfigMap().body["metadata"]["ownerReferences"]?.arrayValue ?? []
        #expect(references.count == 1)
        let reference = references.first
        #expect(reference["apiVersion"]?.stringValue == "v1")
        #expect(reference["kind"]?.stringValue == "Pod")
        #expect(reference["name"]?.stringValue == "executor-\(Samples.executionID)")
        #expect(reference["uid"]?.stringValue == Samples.podUID)
        #expect(reference["blockOwnerDeletion"]?.boolValue == false)
        #expect(reference["controller"] == nil)
    }

    @Test("exact bytes, member order included")
    func exactBytes() throws {
        guard case .object(var expected) = try Samples.json(UpstreamRenderings.ourConfigMap),
            case .object(var data)? = expected["data"]
        else {
            Issue.record("the expected rendering is not an object")
            return
        }
        data.set("entrypoint.sh", .string(EntrypointScript.text))
        expected.set("data", .object(data))
        #expect(try ourConfigMap().json == JSONWriter.encode(.object(expected)))
    }

    @Test("the script goes in verbatim, whatever it holds")
    func verbatimScript() throws {
        let script = "#!/usr/bin/env python3\n\"quotes\" \\ back\tslash \u{0} nul ünïcødé 🚀\r\n"
        let configMap = try Samples.builder().prepare(Samples.command { $0.script = script }).configMap(
            podUID: Samples.podUID)
        #expect(configMap.body["data"]["main.py"]?.stringValue == script)
        let reparsed = try JSONParser().parse(configMap.json)
        #expect(reparsed["data"]["main.py"]?.stringValue == script)
    }

    @Test("an unusable Pod uid is refused")
    func badOwner() throws {
        let prepared = try Samples.builder().prepare(Samples.command())
        for uid in ["", "a b", "x\"y", String(repeating: "a", count: 200)] {
            #expect(throws: ManifestError.self) { try prepared.configMap(podUID: uid) }
        }
    }

    @Test("the script never appears in the Pod")
    func scriptOnlyInConfigMap() throws {
        let marker = "print('SECRET-MARKER-4242')"
        let prepared = try Samples.builder().prepare(Samples.command { $0.script = marker })
        #expect(!String(decoding: prepared.pod.json, as: UTF8.self).contains("SECRET-MARKER-4242"))
    }
}
