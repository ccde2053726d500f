import Events
import KubeSimulator
import Testing

@Suite("ConfigMaps: CRUD, selectors, patches, errors")
struct ConfigMapTests {
    private let base = "/api/v1/namespaces/ns/configmaps"

    @Test("create, get, list, delete; server-set metadata; AlreadyExists and NotFound")
    func lifecycle() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let created = try client.request("POST", base, json: TestSupport.configMap("one", labels: ["app": "a"]))
        #expect(created.status == 201)
        let meta = created.object
        #expect(meta.text("metadata.namespace") == "ns")
        #expect(meta.text("metadata.uid")?.count == 36)
        #expect(Int(meta.text("metadata.resourceVersion") ?? "") != nil)
        let timestamp = try #require(meta.text("metadata.creationTimestamp"))
        #expect(timestamp.count == 20 && timestamp.hasSuffix("Z"))
        #expect(meta.value("metadata.generation") == nil)

        let again = try client.request("POST", base, json: TestSupport.configMap("one"))
        #expect(again.status == 409)
        #expect(again.object.text("reason") == "AlreadyExists")
        #expect(again.object.text("message") == "configmaps \"one\" already exists")
        #expect(again.object.text("details.kind") == "configmaps")

        let fetched = try client.request("GET", "\(base)/one")
        #expect(fetched.status == 200)
        #expect(fetched.object.text("metadata.uid") == meta.text("metadata.uid"))
        #expect(fetched.object.text("data.k") == "v")

        let deleted = try client.request("DELETE", "\(base)/one")
        #expect(deleted.status == 200)
        #expect(deleted.object.text("kind") == "Status")
        #expect(deleted.object.text("status") == "Success")
        #expect(deleted.object.text("details.uid") == meta.text("metadata.uid"))

        let missing = try client.request("GET", "\(base)/one")
        #expect(missing.status == 404)
        #expect(missing.object.text("reason") == "NotFound")
        #expect(missing.object.text("message") == "configmaps \"one\" not found")
        #expect(try client.request("DELETE", "\(base)/one").status == 404)
        #expect(harness.simulator.objects(namespace: "ns", kind: "ConfigMap").isEmpty)
        #expect(client.connectionsOpened == 1)
    }

    @Test("list with label selectors: equality, inequality, set-based and existence")
    func labelSelectors() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let labels: [(String, [String: String])] = [
            ("a", ["app": "x", "tier": "web"]), ("b", ["app": "y", "tier": "db"]), ("c", ["app": "z"]), ("d", [:]),
        ]
        for (name, set) in labels {
            #expect(try client.request("POST", base, json: TestSupport.configMap(name, labels: set)).status == 201)
        }
        func names(_ selector: String) throws -> [String] {
            let response = try client.request("GET", "\(base)?labelSelector=\(QueryEscape.encode(selector))")
            #expect(response.status == 200)
            #expect(response.object.text("kind") == "ConfigMapList")
            return response.object.items().compactMap { $0.text("metadata.name") }
        }
        #expect(try names("app=x") == ["a"])
        #expect(try names("app==y") == ["b"])
        #expect(try names("app!=x") == ["b", "c", "d"])
        #expect(try names("app in (x, z)") == ["a", "c"])
        #expect(try names("app notin (x),tier") == ["b"])
        #expect(try names("tier") == ["a", "b"])
        #expect(try names("!tier") == ["c", "d"])
        #expect(try names("app=x,tier!=db,app in (x,y),tier") == ["a"])
        #expect(try names("") == ["a", "b", "c", "d"])
        let bad = try client.request("GET", "\(base)?labelSelector=\(QueryEscape.encode("app in x"))")
        #expect(bad.status == 400)
        let paged = try client.request("GET", "\(base)?limit=3")
        #expect(paged.object.items().count == 3)
        let token = try #require(paged.object.text("metadata.continue"))
        let rest = try client.request("GET", "\(base)?limit=3&continue=\(QueryEscape.encode(token))")
        #expect(rest.object.items().compactMap { $0.text("metadata.name") } == ["d"])
    }

    @Test("merge and strategic-merge patches of labels, annotations and ownerReferences")
    func patches() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let created = try client.request(
            "POST", base, json: TestSupport.configMap("p", labels: ["keep": "1", "drop": "2"]))
        let version = try #require(created.object.text("metadata.resourceVersion"))

        let merge = try client.request(
            "PATCH", "\(base)/p",
            json: TestSupport.json(
                """
                {"metadata":{"labels":{"drop":null,"new":"3"},"annotations":{"note":"x"}}}
                """), contentType: "application/merge-patch+json")
        #expect(merge.status == 200)
        #expect(merge.object.value("metadata.labels") == TestSupport.json(#"{"keep":"1","new":"3"}"#))
        #expect(merge.object.text("metadata.annotations.note") == "x")
        #expect(merge.object.text("metadata.resourceVersion") != version)

        // Owners that exist: with absent ones the garbage collector may remove the ConfigMap between two patches
        // (as a real cluster's would), which a slower run (under a sanitizer) does see.
        func owner(_ name: String) throws -> String {
            let pod = try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod(name))
            let uid = try #require(pod.object.text("metadata.uid"))
            return #"{"apiVersion":"v1","kind":"Pod","name":"\#(name)","uid":"\#(uid)"}"#
        }
        let owner1 = try owner("o1")
        let owner2 = try owner("o2")
        _ = try client.request(
            "PATCH", "\(base)/p", json: TestSupport.json(#"{"metadata":{"ownerReferences":[\#(owner1)]}}"#),
            contentType: "application/strategic-merge-patch+json")
        let strategic = try client.request(
            "PATCH", "\(base)/p", json: TestSupport.json(#"{"metadata":{"ownerReferences":[\#(owner2)]}}"#),
            contentType: "application/strategic-merge-patch+json")
        #expect(strategic.status == 200)
        #expect(
            strategic.object.value("metadata.ownerReferences")?.arrayValue?.count == 2, "strategic merge merges by uid")

        let replaced = try client.request(
            "PATCH", "\(base)/p", json: TestSupport.json(#"{"metadata":{"ownerReferences":[\#(owner1)]}}"#),
            contentType: "application/merge-patch+json")
        #expect(
            replaced.object.value("metadata.ownerReferences")?.arrayValue?.count == 1, "a merge patch replaces lists")

        let noop = try client.request(
            "PATCH", "\(base)/p", json: TestSupport.json(#"{"metadata":{"labels":{"keep":"1"}}}"#),
            contentType: "application/merge-patch+json")
        #expect(
            noop.object.text("metadata.resourceVersion") == replaced.object.text("metadata.resourceVersion"),
            "a no-op patch does not bump resourceVersion")

        let jsonPatch = try client.request(
            "PATCH", "\(base)/p", json: TestSupport.json(#"[{"op":"add","path":"/data/extra","value":"e"}]"#),
            contentType: "application/json-patch+json")
        #expect(jsonPatch.object.text("data.extra") == "e")
        let unsupported = try client.request(
            "PATCH", "\(base)/p", json: TestSupport.json("{}"), contentType: "text/plain")
        #expect(unsupported.status == 415)
    }

    @Test("a patch or update with a stale resourceVersion is a 409 Conflict")
    func staleResourceVersion() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let created = try client.request("POST", base, json: TestSupport.configMap("c"))
        let stale = try #require(created.object.text("metadata.resourceVersion"))
        _ = try client.request(
            "PATCH", "\(base)/c", json: TestSupport.json(#"{"data":{"k":"v2"}}"#),
            contentType: "application/merge-patch+json")
        let conflict = try client.request(
            "PATCH", "\(base)/c",
            json: TestSupport.json(#"{"metadata":{"resourceVersion":"\#(stale)"},"data":{"k":"v3"}}"#),
            contentType: "application/strategic-merge-patch+json")
        #expect(conflict.status == 409)
        #expect(conflict.object.text("reason") == "Conflict")
        #expect(conflict.object.text("message")?.contains("the object has been modified") == true)

        var body = created.object
        body.set("data", TestSupport.json(#"{"k":"put"}"#))
        let put = try client.request("PUT", "\(base)/c", json: .object(body))
        #expect(put.status == 409)
        body.removeAll(named: "metadata")
        body.set("metadata", TestSupport.json(#"{"name":"c"}"#))
        let unconditional = try client.request("PUT", "\(base)/c", json: .object(body))
        #expect(unconditional.status == 200)
        #expect(unconditional.object.text("data.k") == "put")
    }

    @Test("data over 1 MiB is 422 Too long; wrong value types are 400")
    func sizeLimit() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let big = String(repeating: "x", count: 1024 * 1024 + 1)
        let response = try client.request("POST", base, json: TestSupport.configMap("big", data: ["script": big]))
        #expect(response.status == 422)
        #expect(response.object.text("reason") == "Invalid")
        let cause = try #require(response.object.value("details.causes")?.arrayValue?.first?.objectValue)
        #expect(cause.text("reason") == "FieldValueTooLong")
        #expect(response.object.text("message")?.contains("Too long: may not be more than 1048576 bytes") == true)
        let exact = String(repeating: "x", count: 1024 * 1024)
        #expect(
            try client.request("POST", base, json: TestSupport.configMap("exact", data: ["script": exact])).status
                == 201)

        let wrongType = try client.request(
            "POST", base, json: TestSupport.json(#"{"metadata":{"name":"t"},"data":{"k":1}}"#))
        #expect(wrongType.status == 400)
        #expect(wrongType.object.text("reason") == "BadRequest")
    }

    @Test("invalid names, label keys and values are 422 with one cause each")
    func invalidNamesAndLabels() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let response = try client.request(
            "POST", base,
            json: TestSupport.configMap(
                "Not_A_Name", labels: ["bad key": "ok", "ok": "bad value!", "x": String(repeating: "v", count: 64)]))
        #expect(response.status == 422)
        let causes = response.object.value("details.causes")?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(causes.count == 4)
        #expect(causes.first?.text("field") == "metadata.name")
        #expect(causes.filter { $0.text("field") == "metadata.labels" }.count == 3)
        #expect(causes.allSatisfy { $0.text("reason") == "FieldValueInvalid" })
        #expect(response.object.text("details.kind") == "ConfigMap")
        #expect(
            response.object.text("message")?.hasPrefix(
                "ConfigMap \"Not_A_Name\" is invalid: [metadata.name: Invalid value: \"Not_A_Name\"") == true)

        let badKey = try client.request("POST", base, json: TestSupport.configMap("ok", data: ["bad/key": "v"]))
        #expect(badKey.status == 422)
        #expect(badKey.object.value("details.causes")?.arrayValue?.first?.objectValue?.text("field") == "data[bad/key]")
    }

    @Test("namespace or name in the body different from the URL is 400; a missing namespace is 404")
    func mismatches() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let namespaceMismatch = try client.request(
            "POST", base, json: TestSupport.json(#"{"metadata":{"name":"m","namespace":"other"}}"#))
        #expect(namespaceMismatch.status == 400)
        #expect(
            namespaceMismatch.object.text("message")
                == "the namespace of the provided object does not match the namespace sent on the request")
        _ = try client.request("POST", base, json: TestSupport.configMap("m"))
        let nameMismatch = try client.request(
            "PUT", "\(base)/m", json: TestSupport.json(#"{"metadata":{"name":"other"}}"#))
        #expect(nameMismatch.status == 400)
        let noNamespace = try client.request(
            "POST", "/api/v1/namespaces/absent/configmaps", json: TestSupport.configMap("m"))
        #expect(noNamespace.status == 404)
        #expect(noNamespace.object.text("message") == "namespaces \"absent\" not found")
    }

    @Test("dryRun=All validates and answers without storing")
    func dryRun() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let response = try client.request("POST", "\(base)?dryRun=All", json: TestSupport.configMap("dry"))
        #expect(response.status == 201)
        #expect(harness.simulator.objects(namespace: "ns", kind: "configmaps").isEmpty)
    }
}
