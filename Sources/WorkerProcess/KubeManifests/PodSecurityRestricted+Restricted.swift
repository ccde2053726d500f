import Events

/// The restricted-level checks.
extension PodSecurityRestricted {
    /// `allowPrivilegeEscalation`: every container sets `securityContext.allowPrivilegeEscalation: false`.
    func allowPrivilegeEscalation(_ pod: PodView) -> PodSecurityViolation? {
        guard !pod.isWindows else { return nil }
        let bad = pod.containers.filter { $0.securityContext?["allowPrivilegeEscalation"]?.boolValue != false }.map(
            \.name)
        guard !bad.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "allowPrivilegeEscalation", reason: "allowPrivilegeEscalation != false",
            detail: "\(Self.containerList(bad)) must set securityContext.allowPrivilegeEscalation=false")
    }

    /// `capabilities_restricted`: `drop` includes `ALL`; `add` holds at most `NET_BIND_SERVICE`.
    func capabilitiesRestricted(_ pod: PodView) -> PodSecurityViolation? {
        guard !pod.isWindows else { return nil }
        var missingDropAll: [String] = []
        var adding: [String] = []
        var forbidden: [String] = []
        for container in pod.containers {
            guard let capabilities = container.securityContext?["capabilities"]?.objectValue else {
                missingDropAll.append(container.name)
                continue
            }
            let drop = (capabilities["drop"]?.arrayValue ?? []).compactMap(\.stringValue)
            if !drop.contains("ALL") { missingDropAll.append(container.name) }
            let added = (capabilities["add"]?.arrayValue ?? []).compactMap(\.stringValue).filter {
                $0 != "NET_BIND_SERVICE"
            }
            if !added.isEmpty {
                adding.append(container.name)
                forbidden += added
            }
        }
        var details: [String] = []
        if !missingDropAll.isEmpty {
            details.append("\(Self.containerList(missingDropAll)) must set securityContext.capabilities.drop=[\"ALL\"]")
        }
        if !adding.isEmpty {
            details.append(
                "\(Self.containerList(adding)) must not include \(Self.joinQuote(Self.sortedUnique(forbidden))) in securityContext.capabilities.add"
            )
        }
        guard !details.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "capabilities_restricted", reason: "unrestricted capabilities",
            detail: details.joined(separator: "; "))
    }

    /// `restrictedVolumes`: only configMap, csi, downwardAPI, emptyDir, ephemeral, image,
    /// persistentVolumeClaim, projected and secret volumes (this check overrides `hostPathVolumes`).
    func restrictedVolumes(_ pod: PodView) -> PodSecurityViolation? {
        var badVolumes: [String] = []
        var badTypes: [String] = []
        for volume in (pod.spec["volumes"]?.arrayValue ?? []).compactMap(\.objectValue) {
            let sources = volume.keys.filter { $0 != "name" && volume[$0]?.isNull == false }
            if sources.contains(where: Self.allowedVolumeTypes.contains) { continue }
            badVolumes.append(volume["name"]?.stringValue ?? "")
            badTypes.append(sources.first(where: Self.knownRestrictedVolumeTypes.contains) ?? "unknown")
        }
        guard !badVolumes.isEmpty else { return nil }
        let types = Self.sortedUnique(badTypes)
        return PodSecurityViolation(
            check: "restrictedVolumes", reason: "restricted volume types",
            detail: "\(Self.pluralize("volume", "volumes", badVolumes.count)) \(Self.joinQuote(badVolumes)) "
                + "\(Self.pluralize("uses", "use", badVolumes.count)) "
                + "\(Self.pluralize("restricted volume type", "restricted volume types", types.count)) \(Self.joinQuote(types))"
        )
    }

    /// `runAsNonRoot`: `true` at pod level or on every container, never `false` (exempt from 1.35 with
    /// `hostUsers: false`).
    func runAsNonRoot(_ pod: PodView) -> PodSecurityViolation? {
        if minorVersion >= 35 && pod.usesUserNamespace { return nil }
        var badSetters: [String] = []
        var podRunAsNonRoot = false
        if let value = pod.securityContext?["runAsNonRoot"]?.boolValue {
            if value { podRunAsNonRoot = true } else { badSetters.append("pod") }
        }
        var explicitlyBad: [String] = []
        var implicitlyBad: [String] = []
        for container in pod.containers {
            if let value = container.securityContext?["runAsNonRoot"]?.boolValue {
                if !value { explicitlyBad.append(container.name) }
            } else if !podRunAsNonRoot {
                implicitlyBad.append(container.name)
            }
        }
        if !explicitlyBad.isEmpty { badSetters.append(Self.containerList(explicitlyBad)) }
        if !badSetters.isEmpty {
            return PodSecurityViolation(
                check: "runAsNonRoot", reason: "runAsNonRoot != true",
                detail: "\(badSetters.joined(separator: " and ")) must not set securityContext.runAsNonRoot=false")
        }
        guard !implicitlyBad.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "runAsNonRoot", reason: "runAsNonRoot != true",
            detail: "pod or \(Self.containerList(implicitlyBad)) must set securityContext.runAsNonRoot=true")
    }

    /// `runAsUser`: never 0 at pod or container level (exempt from 1.35 with `hostUsers: false`).
    func runAsUser(_ pod: PodView) -> PodSecurityViolation? {
        if minorVersion >= 35 && pod.usesUserNamespace { return nil }
        var badSetters: [String] = []
        if Self.isZero(pod.securityContext?["runAsUser"]) { badSetters.append("pod") }
        let bad = pod.containers.filter { Self.isZero($0.securityContext?["runAsUser"]) }.map(\.name)
        if !bad.isEmpty { badSetters.append(Self.containerList(bad)) }
        guard !badSetters.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "runAsUser", reason: "runAsUser=0",
            detail: "\(badSetters.joined(separator: " and ")) must not set runAsUser=0")
    }

    /// `seccompProfile_restricted`: `RuntimeDefault` or `Localhost` at pod level or on every container;
    /// never another value anywhere.
    func seccompProfileRestricted(_ pod: PodView) -> PodSecurityViolation? {
        guard !pod.isWindows else { return nil }
        var badSetters: [String] = []
        var badValues: [String] = []
        var podSet = false
        if let profile = pod.securityContext?["seccompProfile"]?.objectValue {
            let type = profile["type"]?.stringValue ?? ""
            if Self.isValidSeccomp(type) {
                podSet = true
            } else {
                badSetters.append("pod")
                badValues.append(type)
            }
        }
        var explicitlyBad: [String] = []
        var implicitlyBad: [String] = []
        for container in pod.containers {
            if let profile = container.securityContext?["seccompProfile"]?.objectValue {
                let type = profile["type"]?.stringValue ?? ""
                if !Self.isValidSeccomp(type) {
                    explicitlyBad.append(container.name)
                    badValues.append(type)
                }
            } else if !podSet {
                implicitlyBad.append(container.name)
            }
        }
        if !explicitlyBad.isEmpty { badSetters.append(Self.containerList(explicitlyBad)) }
        if !badSetters.isEmpty {
            return PodSecurityViolation(
                check: "seccompProfile_restricted", reason: "seccompProfile",
                detail: "\(badSetters.joined(separator: " and ")) must not set securityContext.seccompProfile.type to "
                    + Self.joinQuote(Self.sortedUnique(badValues)))
        }
        guard !implicitlyBad.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "seccompProfile_restricted", reason: "seccompProfile",
            detail:
                "pod or \(Self.containerList(implicitlyBad)) must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\""
        )
    }

    /// `procMount_restricted` (1.35+; `procMount` before): `procMount` unset or `Default` everywhere,
    /// user namespace or not.
    func procMount(_ pod: PodView) -> PodSecurityViolation? {
        var bad: [String] = []
        var values: [String] = []
        for container in pod.containers {
            guard let value = container.securityContext?["procMount"]?.stringValue, value != "Default" else { continue }
            bad.append(container.name)
            values.append(value)
        }
        guard !bad.isEmpty else { return nil }
        return PodSecurityViolation(
            check: minorVersion >= 35 ? "procMount_restricted" : "procMount", reason: "procMount",
            detail:
                "\(Self.containerList(bad)) must not set securityContext.procMount to \(Self.joinQuote(Self.sortedUnique(values)))"
        )
    }

    static let allowedVolumeTypes: Set<String> = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected",
        "secret",
    ]

    static let knownRestrictedVolumeTypes: Set<String> = [
        "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd",
        "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk",
        "portworxVolume", "photonPersistentDisk", "scaleIO", "storageos",
    ]

    static func isValidSeccomp(_ type: String) -> Bool { type == "RuntimeDefault" || type == "Localhost" }

    static func isZero(_ value: JSONValue?) -> Bool { value?.numberValue?.int64Value == 0 }
}
