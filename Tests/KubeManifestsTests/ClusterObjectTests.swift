import Events
import KubeManifests
import Testing

@Suite("Objects applied at startup: NetworkPolicy and PSA labels")
struct ClusterObjectTests {
    @Test("executor-deny-all: upstream's policy with the app+component selector, no ingress, no egress")
    func networkPolicy() throws {
        let policy = NetworkPolicyManifest.build(namespace: "integr8scode")
        let expected = try Samples.json(
            #"""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy",
             "metadata":{"name":"executor-deny-all","namespace":"integr8scode","labels":{"app":"integr8s","component":"security"}},
             "spec":{"podSelector":{"matchLabels":{"app":"integr8s","component":"executor"}},
               "policyTypes":["Ingress","Egress"],"ingress":[],"egress":[]}}
            """#)
        #expect(policy.json == JSONWriter.encode(expected))
        #expect(policy.name == "executor-deny-all" && policy.kind == "NetworkPolicy")
        #expect(
            NetworkPolicyManifest.applyPath(namespace: "integr8scode")
                == "/apis/networking.k8s.io/v1/namespaces/integr8scode/networkpolicies/executor-deny-all?fieldManager=integr8s&force=true"
        )
        #expect(NetworkPolicyManifest.applyContentType == "application/apply-patch+yaml")
    }

    @Test("the policy selects exactly what the pod monitor watches, and our Pods carry those labels")
    func selectorMatchesPods() throws {
        let selector = NetworkPolicyManifest.build(namespace: "integr8scode").body["spec"]["podSelector"]["matchLabels"]
        let labels = try Samples.builder().prepare(Samples.command()).pod.body["metadata"]["labels"]
        for member in selector?.objectValue?.members ?? [] {
            #expect(labels[member.key] == member.value)
        }
        #expect(ManifestLabels.executorSelector == "app=integr8s,component=executor")
    }

    @Test("PSA labels patch: upstream's body, strategic merge")
    func namespacePatch() throws {
        let expected = try Samples.json(
            #"""
            {"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"restricted",
              "pod-security.kubernetes.io/enforce-version":"latest","pod-security.kubernetes.io/warn":"restricted",
              "pod-security.kubernetes.io/audit":"restricted"}}}
            """#)
        #expect(JSONWriter.encode(NamespaceSecurityPatch.body()) == JSONWriter.encode(expected))
        #expect(NamespaceSecurityPatch.contentType == "application/strategic-merge-patch+json")
        #expect(NamespaceSecurityPatch.path(namespace: "integr8scode") == "/api/v1/namespaces/integr8scode")
    }

    @Test("missing PSA labels are reported for a namespace object")
    func missingLabels() throws {
        let labelled = try Samples.json(
            #"{"metadata":{"name":"x","labels":{"pod-security.kubernetes.io/enforce":"restricted","pod-security.kubernetes.io/enforce-version":"latest","pod-security.kubernetes.io/warn":"restricted","pod-security.kubernetes.io/audit":"restricted"}}}"#
        )
        #expect(NamespaceSecurityPatch.missingLabels(in: labelled).isEmpty)
        let weak = try Samples.json(
            #"{"metadata":{"name":"x","labels":{"pod-security.kubernetes.io/enforce":"baseline"}}}"#)
        #expect(NamespaceSecurityPatch.missingLabels(in: weak).count == 4)
        #expect(NamespaceSecurityPatch.missingLabels(in: try Samples.json(#"{"metadata":{"name":"x"}}"#)).count == 4)
    }
}
