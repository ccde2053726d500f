import Events

/// Pod Security Admission: the level a namespace enforces (or warns about), from its labels.
struct PodSecurity: Sendable, Hashable {
    /// A Pod Security Standards level.
    enum Level: String, Sendable {
        case privileged, baseline, restricted
    }

    /// One failed check: `reason (detail)` in the message.
    struct Violation: Sendable, Hashable {
        var reason: String
        var detail: String
    }

    /// The level.
    var level: Level
    /// The policy version as a minor version of 1.x.
    var minor: Int
    /// The version as written in messages: `latest` or `v1.30`.
    var versionLabel: String

    /// The policy for `mode` (`enforce` or `warn`) from namespace labels; `nil` when the namespace sets none.
    /// Invalid values fall back to `restricted:latest`, as the admission plugin does.
    init?(labels: [String: String], mode: String, serverMinor: Int) {
        guard let levelText = labels["pod-security.kubernetes.io/\(mode)"] else { return nil }
        level = Level(rawValue: levelText) ?? .restricted
        let version = labels["pod-security.kubernetes.io/\(mode)-version"] ?? "latest"
        if version != "latest", version.hasPrefix("v1."), let parsed = Int(version.dropFirst(3)), parsed >= 0 {
            minor = min(parsed, serverMinor)
            versionLabel = version
        } else {
            minor = serverMinor
            versionLabel = "latest"
        }
        if Level(rawValue: levelText) == nil { versionLabel = "latest" }
    }

    /// `restricted:latest`.
    var policyName: String { "\(level.rawValue):\(versionLabel)" }

    /// The violations of a pod spec, in the order the API server lists them.
    func evaluate(_ spec: JSONObject) -> [Violation] {
        guard level != .privileged else { return [] }
        let pod = PodView(spec: spec)
        var checks: [(PodView) -> Violation?] = [
            PodSecurityChecks.hostNamespaces, PodSecurityChecks.hostPorts, PodSecurityChecks.privileged,
            { PodSecurityChecks.procMount($0, minor: minor) }, { PodSecurityChecks.sysctls($0, minor: minor) },
        ]
        if level == .baseline {
            checks += [
                PodSecurityChecks.capabilitiesBaseline, PodSecurityChecks.hostPathVolumes,
                PodSecurityChecks.seccompBaseline,
            ]
        } else {
            checks += [
                PodSecurityChecks.allowPrivilegeEscalation, PodSecurityChecks.capabilitiesRestricted,
                PodSecurityChecks.restrictedVolumes, { PodSecurityChecks.runAsNonRoot($0, minor: minor) },
                { PodSecurityChecks.runAsUser($0, minor: minor) }, PodSecurityChecks.seccompRestricted,
            ]
        }
        return checks.compactMap { $0(pod) }
    }

    /// `violates PodSecurity "restricted:latest": reason (detail), ...`.
    func message(_ violations: [Violation], verb: String = "violates") -> String {
        let list = violations.map { $0.detail.isEmpty ? $0.reason : "\($0.reason) (\($0.detail))" }.joined(
            separator: ", ")
        return "\(verb) PodSecurity \"\(policyName)\": \(list)"
    }
}
