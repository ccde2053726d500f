import Events

/// An offline evaluator of the Pod Security Standards **restricted** level, as pod-security-admission
/// enforces it (Kubernetes docs, "Pod Security Standards"). Pure, and independent of the builders: it reads any
/// Pod JSON, so the API simulator can enforce a namespace's `enforce=restricted` label with it.
///
/// Checks, by ID (restricted includes every baseline check it does not override):
/// `allowPrivilegeEscalation` (explicitly false on every container), `appArmorProfile` (no Unconfined),
/// `capabilities_restricted` (drop must include `ALL`, add only `NET_BIND_SERVICE`; overrides
/// `capabilities_baseline`), `hostNamespaces`, `hostPorts`, `hostProbesAndHostLifecycle` (1.34+),
/// `privileged`, `procMount` (`procMount_restricted` from 1.35), `restrictedVolumes` (only configMap,
/// csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret; overrides
/// `hostPathVolumes`), `runAsNonRoot`, `runAsUser` (1.23+), `seLinuxOptions`, `seccompProfile_restricted`
/// (RuntimeDefault or Localhost at pod level or on every container; overrides the baseline check),
/// `sysctls` (the safe set of the version), `windowsHostProcess`.
///
/// Version rules follow the library: from 1.35 a Pod with `hostUsers: false` is exempt from
/// `runAsNonRoot` and `runAsUser` (user namespaces map uid 0 to an unprivileged host uid); Windows Pods
/// (`spec.os.name: windows`) are exempt from the seccomp, capabilities and privilege-escalation checks.
/// Containers are visited in the order initContainers, containers, ephemeralContainers. Fields of the
/// wrong JSON type count as unset (the API server's validation rejects them first).
public struct PodSecurityRestricted: Sendable, Hashable {
    /// The newest policy version known here, used for `latest`: 1.35.
    public static let latestMinorVersion = 35
    /// The oldest version evaluated; older requests are evaluated as 1.25.
    public static let oldestMinorVersion = 25

    /// The policy version `1.<minorVersion>`.
    public let minorVersion: Int

    /// Creates an evaluator for policy version `1.<minorVersion>` (clamped to 1.25…1.35).
    public init(minorVersion: Int = PodSecurityRestricted.latestMinorVersion) {
        self.minorVersion = min(max(minorVersion, Self.oldestMinorVersion), Self.latestMinorVersion)
    }

    /// Evaluates a whole Pod object (`metadata` and `spec`); an empty list means it is admitted.
    public func evaluate(pod: JSONValue) -> [PodSecurityViolation] {
        evaluate(metadata: pod[member: "metadata"], spec: pod[member: "spec"] ?? .object(JSONObject()))
    }

    /// Evaluates a pod template's metadata and spec (e.g. of a DaemonSet).
    public func evaluate(metadata: JSONValue?, spec: JSONValue) -> [PodSecurityViolation] {
        let pod = PodView(metadata: metadata?.objectValue ?? JSONObject(), spec: spec.objectValue ?? JSONObject())
        var results: [PodSecurityViolation?] = [
            allowPrivilegeEscalation(pod),
            appArmorProfile(pod),
            capabilitiesRestricted(pod),
            hostNamespaces(pod),
            hostPorts(pod),
            privileged(pod),
            procMount(pod),
            restrictedVolumes(pod),
            runAsNonRoot(pod),
            runAsUser(pod),
            seLinuxOptions(pod),
            seccompProfileRestricted(pod),
            sysctls(pod),
            windowsHostProcess(pod),
        ]
        if minorVersion >= 34 { results.append(hostProbesAndHostLifecycle(pod)) }
        return results.compactMap { $0 }.sorted { Array($0.check.utf8).lexicographicallyPrecedes(Array($1.check.utf8)) }
    }

    /// The API server's refusal text: `violates PodSecurity "restricted:latest": reason (detail), …`.
    public static func forbiddenMessage(_ violations: [PodSecurityViolation], version: String = "latest") -> String {
        "violates PodSecurity \"restricted:\(version)\": " + violations.map(\.description).joined(separator: ", ")
    }

    // MARK: - Reading the Pod

    /// The parts of a Pod the checks read.
    struct PodView {
        let metadata: JSONObject
        let spec: JSONObject

        var securityContext: JSONObject? { spec["securityContext"]?.objectValue }
        var isWindows: Bool { spec["os"]?[member: "name"]?.stringValue == "windows" }
        /// `hostUsers: false` explicitly.
        var usesUserNamespace: Bool { spec["hostUsers"]?.boolValue == false }

        /// initContainers, containers, ephemeralContainers.
        var containers: [ContainerView] {
            ["initContainers", "containers", "ephemeralContainers"].flatMap { key in
                (spec[key]?.arrayValue ?? []).compactMap { $0.objectValue.map(ContainerView.init) }
            }
        }
    }

    /// One container of any kind.
    struct ContainerView {
        let object: JSONObject
        init(_ object: JSONObject) { self.object = object }

        var name: String { object["name"]?.stringValue ?? "" }
        var securityContext: JSONObject? { object["securityContext"]?.objectValue }
    }

    // MARK: - Formatting, as the library's helpers do

    /// `"a", "b"`.
    static func joinQuote(_ items: [String]) -> String {
        items.isEmpty ? "" : "\"" + items.joined(separator: "\", \"") + "\""
    }

    /// `singular` for 1, else `plural`.
    static func pluralize(_ singular: String, _ plural: String, _ count: Int) -> String {
        count == 1 ? singular : plural
    }

    /// `container "a"` / `containers "a", "b"`.
    static func containerList(_ names: [String]) -> String {
        "\(pluralize("container", "containers", names.count)) \(joinQuote(names))"
    }

    /// Unique values in byte order (Go's `sets.String.List()`).
    static func sortedUnique(_ values: [String]) -> [String] {
        Array(Set(values)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
