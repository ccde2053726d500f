import Events
import KubeAccess
import KubeClient
import KubeManifests
import Logging
import SupervisorCore

/// What the supervisor does to the namespace before any worker starts (docs/decisions.md, D6): refuse the forbidden namespaces,
/// apply the deny-all NetworkPolicy (server-side apply) and the Pod Security Admission "restricted" labels.
///
/// When RBAC forbids one of the two writes, ``Policy/fail`` stops the start and ``Policy/warn`` goes on with a
/// loud error: the cluster administrator may have applied both already (the labels are checked and reported).
public struct NamespacePreflight {
    /// What to do when the cluster forbids a write.
    /// What to do when RBAC forbids a write: the `kubernetes.on_forbidden` choice itself.
    public typealias Policy = ForbiddenPolicy

    /// What the preflight found and did.
    public struct Report: Sendable, Equatable {
        public var networkPolicyApplied = false
        public var labelsApplied = false
        /// Problems tolerated under ``Policy/warn``.
        public var warnings: [String] = []
    }

    let api: any KubernetesAPI
    let namespace: String
    let policy: Policy
    let logger: Logger

    public init(api: any KubernetesAPI, namespace: String, policy: Policy, logger: Logger) {
        self.api = api
        self.namespace = namespace
        self.policy = policy
        self.logger = logger
    }

    /// Runs the checks and writes. Throws when the start must not go on.
    public func run(timeout: Duration = .seconds(30)) throws(NamespacePreflightError) -> Report {
        do { try ForbiddenNamespaces.check(namespace) } catch { throw NamespacePreflightError(error.reason) }
        let deadline = KubeDeadline.after(timeout)
        var report = Report()
        let namespaceObject: JSONValue
        do {
            namespaceObject = try api.get(NamespaceSecurityPatch.path(namespace: namespace), deadline: deadline)
        } catch {
            if error.kind == .notFound { throw NamespacePreflightError("namespace '\(namespace)' does not exist") }
            if error.kind == .forbidden {
                try tolerate(
                    "reading namespace '\(namespace)' is forbidden; its Pod Security labels cannot be checked", &report)
                namespaceObject = .null
            } else {
                throw NamespacePreflightError(
                    "cannot read namespace '\(namespace)': \(error.summary): \(error.message)")
            }
        }

        let policyBody = JSONWriter.encode(NetworkPolicyManifest.build(namespace: namespace).body)
        do {
            _ = try api.patch(
                "/apis/networking.k8s.io/v1/namespaces/\(namespace)/networkpolicies/\(NetworkPolicyManifest.name)",
                body: policyBody, contentType: NetworkPolicyManifest.applyContentType,
                query: [("fieldManager", NetworkPolicyManifest.fieldManager), ("force", "true")], deadline: deadline)
            report.networkPolicyApplied = true
        } catch {
            try handleWriteFailure(error, what: "applying NetworkPolicy \(NetworkPolicyManifest.name)", &report)
        }

        let missing =
            namespaceObject.isNull
            ? NamespaceSecurityPatch.labels.map(\.key) : NamespaceSecurityPatch.missingLabels(in: namespaceObject)
        if missing.isEmpty {
            report.labelsApplied = true
        } else {
            do {
                _ = try api.patch(
                    NamespaceSecurityPatch.path(namespace: namespace),
                    body: JSONWriter.encode(NamespaceSecurityPatch.body()),
                    contentType: NamespaceSecurityPatch.contentType, query: [], deadline: deadline)
                report.labelsApplied = true
            } catch {
                try handleWriteFailure(
                    error,
                    what:
                        "labelling namespace \(namespace) with Pod Security 'restricted' (\(missing.joined(separator: ", ")) missing)",
                    &report)
            }
        }
        logger.info(
            "namespace prepared",
            metadata: [
                "namespace": "\(namespace)",
                "network_policy": "\(report.networkPolicyApplied ? "applied" : "NOT applied")",
                "pod_security_labels": "\(report.labelsApplied ? "present" : "NOT present")",
            ])
        return report
    }

    private func handleWriteFailure(
        _ error: KubeAPIError, what: String, _ report: inout Report
    ) throws(NamespacePreflightError) {
        guard error.kind == .forbidden else {
            throw NamespacePreflightError("\(what) failed: \(error.summary): \(error.message)")
        }
        try tolerate("\(what) is forbidden by RBAC", &report)
    }

    private func tolerate(_ problem: String, _ report: inout Report) throws(NamespacePreflightError) {
        switch policy {
        case .fail:
            throw NamespacePreflightError("\(problem) (kubernetes.on_forbidden is 'fail')")
        case .warn:
            logger.error(
                "SECURITY: \(problem); starting anyway because kubernetes.on_forbidden is 'warn' — make sure the cluster administrator has applied it"
            )
            report.warnings.append(problem)
        }
    }
}

/// Why the namespace preflight stopped the start.
public struct NamespacePreflightError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
