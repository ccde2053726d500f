import Events
import KubeAccess
import KubeClient
import KubeManifests
import KubePreflight
import KubeSimulator
import Logging
import SupervisorCore
import TestKit
import Testing

/// deploy/kubernetes/rbac.yaml against what the worker really calls, under the simulator's RBAC mode: nothing
/// the worker needs is missing (no 403), and nothing it grants goes unused.
@Suite struct RBACGuardTests {
    private var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// Every verb × resource (× name, when the rule names them) the shipped policy grants the k8s-worker account.
    private static func granted(
        _ simulator: APISimulator
    ) -> [(verb: String, group: String, resource: String, names: [String])] {
        func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }
        let bound = (simulator.objects(kind: "RoleBinding") + simulator.objects(kind: "ClusterRoleBinding")).filter {
            ($0["subjects"]?.arrayValue ?? []).contains {
                $0.objectValue?["kind"]?.stringValue == "ServiceAccount"
                    && $0.objectValue?["name"]?.stringValue == "k8s-worker"
            }
        }.compactMap { $0["roleRef"]?.objectValue?["name"]?.stringValue }
        let roles = (simulator.objects(kind: "Role") + simulator.objects(kind: "ClusterRole")).filter {
            bound.contains($0["metadata"]?.objectValue?["name"]?.stringValue ?? "")
        }
        var result: [(verb: String, group: String, resource: String, names: [String])] = []
        for role in roles {
            for rule in (role["rules"]?.arrayValue ?? []).compactMap(\.objectValue) {
                for verb in strings(rule["verbs"]) {
                    for group in strings(rule["apiGroups"]) {
                        for resource in strings(rule["resources"]) {
                            result.append((verb, group, resource, strings(rule["resourceNames"])))
                        }
                    }
                }
            }
        }
        return result
    }

    @Test(
        "the shipped rbac.yaml: preflight on a fresh namespace, the image pre-puller, create, 409 adoption with re-owning, delete — no 403, and every verb × resource it grants is used"
    )
    func shippedPolicyIsExactlyWhatTheWorkerUses() throws {
        let cluster = try ClusterHarness()
        let report = try NamespacePreflight(
            api: cluster.client, namespace: cluster.namespace, policy: .fail, logger: quiet
        ).run()
        #expect(report.networkPolicyApplied && report.labelsApplied)
        // The image pre-puller: created (apply), its Pods listed, then replaced after a registry change.
        var configuration = Configuration()
        configuration.kubernetes.namespace = cluster.namespace
        let prePuller = try ImagePrePuller(client: cluster.client, configuration: configuration, logger: quiet)
        prePuller.runOnce()
        var changed = configuration
        changed.pod.runtimes = [PodPolicy.Runtime(language: "python", version: "3.13", image: "python:3.13-slim")]
        prePuller.reloaded(loaded: changed, inForce: configuration)
        prePuller.runOnce()
        #expect(prePuller.lastStatus?.images.count == (try changed.pod.registry().distinctImages.count))

        let id = freshExecutionID()
        guard case .created = try cluster.run(createCommand(id)) else {
            Issue.record("the create failed")
            return
        }
        // Redelivered: both objects exist (409), they are checked and adopted.
        guard case .created = try cluster.run(createCommand(id), attempt: 2) else {
            Issue.record("the redelivered create was not adopted")
            return
        }
        // A leftover ConfigMap of an earlier Pod of this execution is re-owned (a merge patch).
        #expect(try cluster.removePodLeavingConfigMap(id))
        guard case .created = try cluster.run(createCommand(id), attempt: 3) else {
            Issue.record("the create after the Pod was removed failed")
            return
        }
        guard case .deleted = try cluster.run(deleteCommand(id)) else {
            Issue.record("the delete failed")
            return
        }
        // A delete that finds the Pod gone but its ConfigMap not yet collected removes the ConfigMap itself.
        let second = freshExecutionID()
        guard case .created = try cluster.run(createCommand(second)) else {
            Issue.record("the second create failed")
            return
        }
        #expect(try cluster.removePodLeavingConfigMap(second))
        guard case .deleted = try cluster.run(deleteCommand(second)) else {
            Issue.record("the second delete failed")
            return
        }
        #expect(cluster.configMap(second) == nil)

        let denials = cluster.simulator.authorizationDenials()
        #expect(denials.isEmpty, "the worker needs permissions rbac.yaml lacks: \(denials)")
        let grants = cluster.simulator.authorizationGrants(user: ClusterHarness.workerUser)
        let rules = Self.granted(cluster.simulator)
        #expect(rules.count == 16, "\(rules)")
        for rule in rules {
            let used = grants.contains {
                $0.verb == rule.verb && $0.group == rule.group && $0.resource == rule.resource && $0.subresource.isEmpty
                    && (rule.names.isEmpty || rule.names.contains($0.name))
            }
            #expect(used, "rbac.yaml grants \(rule.verb) \(rule.resource) \(rule.names) but the worker never used it")
        }
    }

    /// The shipped file before the fix: the NetworkPolicy rule granted `patch` only.
    private static var patchOnlyPolicy: String {
        get throws {
            let shipped = RepositoryFile.text("deploy/kubernetes/rbac.yaml")
            let old = shipped.replacing(
                "resourceNames: [\"executor-deny-all\"]\n    verbs: [\"create\", \"patch\"]",
                with: "resourceNames: [\"executor-deny-all\"]\n    verbs: [\"patch\"]")
            try #require(old != shipped, "the shipped NetworkPolicy rule changed; update this test")
            return old
        }
    }

    @Test(
        "with patch alone on the NetworkPolicy, the preflight's apply on a fresh namespace is refused (403, so 'fail' stops the start); the shipped rule passes"
    )
    func applyCreateNeedsCreate() throws {
        let old = try Self.patchOnlyPolicy
        let cluster = try ClusterHarness { configuration in
            configuration.authorization = AuthorizationConfiguration(rbac: [
                RBACPolicySource(.text(old, name: "rbac.yaml with patch only"))
            ])
        }
        do {
            _ = try NamespacePreflight(api: cluster.client, namespace: cluster.namespace, policy: .fail, logger: quiet)
                .run()
            Issue.record("the preflight passed with patch alone")
        } catch {
            #expect(
                error.description.contains("applying NetworkPolicy executor-deny-all is forbidden by RBAC"), "\(error)")
        }
        #expect(
            cluster.simulator.authorizationDenials().map(\.description) == [
                "\(ClusterHarness.workerUser) create networkpolicies.networking.k8s.io executor-deny-all -n integr8scode"
            ])
        #expect(
            cluster.simulator.object(namespace: cluster.namespace, kind: "NetworkPolicy", name: "executor-deny-all")
                == nil)

        let shipped = try ClusterHarness()
        #expect(
            try NamespacePreflight(api: shipped.client, namespace: shipped.namespace, policy: .fail, logger: quiet)
                .run()
                .networkPolicyApplied)
        #expect(shipped.simulator.authorizationDenials().isEmpty)
    }
}
