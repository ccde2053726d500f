import Events
import Testing

@testable import KubeSimulator

@Suite("Selectors, patches, validation and field sets")
struct PureLogicTests {
    @Test("label selector parsing and matching")
    func labelSelector() throws {
        let selector = try LabelSelector(parsing: "a=1, b != 2, c in (x,y), !d, e, f notin (z), g>3")
        #expect(selector.matches(["a": "1", "c": "x", "e": "", "g": "4"]))
        #expect(!selector.matches(["a": "1", "c": "x", "e": "", "g": "3"]))
        #expect(!selector.matches(["a": "1", "c": "x", "e": "", "d": "", "g": "4"]))
        #expect(throws: LabelSelector.Failure.self) { try LabelSelector(parsing: "a in x") }
        #expect(throws: LabelSelector.Failure.self) { try LabelSelector(parsing: "a=b,") }
        #expect(throws: LabelSelector.Failure.self) { try LabelSelector(parsing: "bad key=1") }
    }

    @Test("strategic merge patch directives")
    func strategicMerge() throws {
        let target =
            TestSupport.json(
                """
                {"metadata":{"finalizers":["a"],"ownerReferences":[{"uid":"1","name":"x"},{"uid":"2","name":"y"}]},
                 "spec":{"containers":[{"name":"c","image":"old","env":[{"name":"A","value":"1"}]}],"keep":1,"drop":2}}
                """
            ).objectValue ?? JSONObject()
        let patch =
            TestSupport.json(
                """
                {"metadata":{"finalizers":["b"],"ownerReferences":[{"uid":"1","$patch":"delete"}]},
                 "spec":{"containers":[{"name":"c","image":"new","env":[{"name":"B","value":"2"}]}],"$retainKeys":["containers","keep"]},
                 "$deleteFromPrimitiveList/unused":["x"]}
                """
            ).objectValue ?? JSONObject()
        let result = try StrategicMergePatch.apply(patch, to: target)
        #expect(result[path: ["metadata", "finalizers"]] == TestSupport.json(#"["a","b"]"#))
        #expect(result[path: ["metadata", "ownerReferences"]] == TestSupport.json(#"[{"uid":"2","name":"y"}]"#))
        let container = result[path: ["spec", "containers"]]?.arrayValue?.first?.objectValue
        #expect(container?["image"]?.stringValue == "new")
        #expect(container?["env"]?.arrayValue?.count == 2)
        #expect(result[path: ["spec", "drop"]] == nil)
        #expect(result[path: ["spec", "keep"]] != nil)
    }

    @Test("JSON merge patch and JSON patch")
    func otherPatches() throws {
        let merged = JSONMergePatch.apply(
            TestSupport.json(#"{"a":null,"b":{"c":1}}"#), to: TestSupport.json(#"{"a":1,"b":{"d":2}}"#))
        #expect(merged == TestSupport.json(#"{"b":{"d":2,"c":1}}"#))
        let patched = try JSONPatch.apply(
            TestSupport.json(
                #"[{"op":"add","path":"/l/-","value":3},{"op":"remove","path":"/x"},{"op":"test","path":"/l/0","value":1}]"#
            ).arrayValue ?? [],
            to: TestSupport.json(#"{"l":[1,2],"x":0}"#))
        #expect(patched == TestSupport.json(#"{"l":[1,2,3]}"#))
        #expect(throws: JSONPatch.Failure.self) {
            try JSONPatch.apply(
                TestSupport.json(#"[{"op":"test","path":"/l","value":1}]"#).arrayValue ?? [],
                to: TestSupport.json(#"{"l":2}"#))
        }
    }

    @Test("name and label syntax")
    func names() {
        #expect(NameValidation.dns1123Subdomain("executor-1.a").isEmpty)
        #expect(!NameValidation.dns1123Subdomain("Upper").isEmpty)
        #expect(
            NameValidation.dns1123Subdomain(String(repeating: "a", count: 254)).contains(
                "must be no more than 253 characters"))
        #expect(NameValidation.dns1123Label("a.b") == [NameValidation.dns1123LabelMessage])
        #expect(NameValidation.qualifiedName("kubernetes.io/metadata.name").isEmpty)
        #expect(NameValidation.qualifiedName("a/b/c") == [NameValidation.qualifiedNameMessage])
        #expect(NameValidation.qualifiedName("/x") == ["prefix part must be non-empty"])
        #expect(NameValidation.labelValue("").isEmpty)
        #expect(NameValidation.labelValue("-x") == [NameValidation.labelValueMessage])
    }

    @Test("Pod Security at baseline uses the baseline capability and hostPath checks")
    func baselineLevel() throws {
        let policy = try #require(
            PodSecurity(labels: ["pod-security.kubernetes.io/enforce": "baseline"], mode: "enforce", serverMinor: 33))
        let spec =
            TestSupport.json(
                """
                {"volumes":[{"name":"h","hostPath":{"path":"/"}}],
                 "containers":[{"name":"c","image":"i","securityContext":{"capabilities":{"add":["NET_ADMIN","CHOWN"]}}}]}
                """
            ).objectValue ?? JSONObject()
        let violations = policy.evaluate(spec)
        #expect(violations.map(\.reason) == ["non-default capabilities", "hostPath volumes"])
        #expect(
            policy.message(violations) == """
                violates PodSecurity "baseline:latest": non-default capabilities (container "c" must not include "NET_ADMIN" in \
                securityContext.capabilities.add), hostPath volumes (volume "h")
                """)
        let relaxed = try #require(
            PodSecurity(labels: ["pod-security.kubernetes.io/enforce": "restricted"], mode: "enforce", serverMinor: 34))
        let userNamespace =
            TestSupport.json(
                """
                {"hostUsers":false,"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},
                 "containers":[{"name":"c","image":"i","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}
                """
            ).objectValue ?? JSONObject()
        #expect(relaxed.evaluate(userNamespace).isEmpty, "1.34+ relaxes runAsNonRoot for user-namespaced pods")
        let strict = try #require(
            PodSecurity(labels: ["pod-security.kubernetes.io/enforce": "restricted"], mode: "enforce", serverMinor: 33))
        #expect(strict.evaluate(userNamespace).map(\.reason) == ["runAsNonRoot != true"])
    }

    @Test("field sets encode as fieldsV1 with keyed list elements")
    func fieldSets() {
        let object =
            TestSupport.json(
                """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"1"}},
                 "spec":{"containers":[{"name":"c","image":"i"}]}}
                """
            ).objectValue ?? JSONObject()
        let encoded = FieldSet.encode(FieldSet.leaves(of: object))
        #expect(
            encoded
                == TestSupport.json(
                    """
                    {"f:metadata":{"f:labels":{"f:a":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{},"f:image":{},"f:name":{}}}}}
                    """
                ).objectValue)
    }
}

/// The Kueue model's decisions on Pod objects.
@Suite struct KueueAdmissionTests {
    private static func pod(queue: String?, requests: [String], limits: [String] = []) -> JSONObject {
        func quantities(_ names: [String]) -> JSONValue {
            .object(JSONObject(names.map { .init(key: $0, value: .string("1")) }))
        }
        var labels = JSONObject()
        if let queue { labels.append(KueueAdmission.queueLabel, .string(queue)) }
        let container = JSONObject([
            .init(key: "name", value: .string("c")),
            .init(
                key: "resources",
                value: .object(
                    JSONObject([
                        .init(key: "requests", value: quantities(requests)),
                        .init(key: "limits", value: quantities(limits)),
                    ]))),
        ])
        return JSONObject([
            .init(key: "metadata", value: .object(JSONObject([.init(key: "labels", value: .object(labels))]))),
            .init(
                key: "spec", value: .object(JSONObject([.init(key: "containers", value: .array([.object(container)]))]))
            ),
        ])
    }

    @Test func decisions() {
        let kueue = KueueAdmission()
        #expect(kueue.decide(Self.pod(queue: nil, requests: ["ephemeral-storage"])) == .unmanaged)
        #expect(kueue.decide(Self.pod(queue: "executor-queue", requests: ["cpu", "memory"])) == .admitted)
        #expect(
            kueue.decide(Self.pod(queue: "executor-queue", requests: ["cpu"], limits: ["ephemeral-storage"]))
                == .pending(
                    "couldn't assign flavors to pod set main: resource ephemeral-storage unavailable in ClusterQueue"))
        #expect(kueue.decide(Self.pod(queue: "other", requests: ["cpu"])) == .pending("LocalQueue other doesn't exist"))
        let dangling = KueueAdmission(localQueues: ["q": "missing"], clusterQueues: [])
        #expect(
            dangling.decide(Self.pod(queue: "q", requests: ["cpu"])) == .pending("ClusterQueue missing doesn't exist"))
        let wide = KueueAdmission(
            localQueues: ["executor-queue": "all"],
            clusterQueues: [.init(name: "all", coveredResources: ["cpu", "memory", "ephemeral-storage"])])
        #expect(wide.decide(Self.pod(queue: "executor-queue", requests: ["cpu", "ephemeral-storage"])) == .admitted)
    }
}
