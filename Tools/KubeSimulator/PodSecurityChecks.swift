import Events

/// The individual Pod Security Standards checks, with the API server's wording.
enum PodSecurityChecks {
    private static let baselineCapabilities: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
        "SETGID",
        "SETPCAP", "SETUID", "SYS_CHROOT",
    ]
    private static let allowedVolumeSources: Set<String> = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
        "image",
    ]

    static func hostNamespaces(_ pod: PodView) -> PodSecurity.Violation? {
        let set = ["hostIPC", "hostNetwork", "hostPID"].filter { pod.spec.bool($0) == true }
        return set.isEmpty
            ? nil : .init(reason: "host namespaces", detail: set.map { "\($0)=true" }.joined(separator: ", "))
    }

    static func hostPorts(_ pod: PodView) -> PodSecurity.Violation? {
        var bad: [String] = []
        var ports = Set<Int64>()
        for container in pod.containers {
            let used = (container.array("ports") ?? []).compactMap { $0.objectValue?.int("hostPort") }.filter {
                $0 != 0
            }
            if !used.isEmpty {
                bad.append(name(container))
                ports.formUnion(used)
            }
        }
        guard !bad.isEmpty else { return nil }
        let portList = ports.map(String.init).sorted().joined(separator: ", ")
        return .init(
            reason: "hostPort",
            detail: "\(plural("container", bad)) \(quoteList(bad)) \(bad.count == 1 ? "uses" : "use") "
                + "\(ports.count == 1 ? "hostPort" : "hostPorts") \(portList)")
    }

    static func privileged(_ pod: PodView) -> PodSecurity.Violation? {
        let bad = pod.containers.filter { $0.object("securityContext")?.bool("privileged") == true }.map(name)
        return bad.isEmpty
            ? nil
            : .init(
                reason: "privileged",
                detail: "\(plural("container", bad)) \(quoteList(bad)) must not set securityContext.privileged=true")
    }

    static func procMount(_ pod: PodView, minor: Int) -> PodSecurity.Violation? {
        if minor >= 34 && pod.usesUserNamespace { return nil }
        var bad: [String] = []
        var types = Set<String>()
        for container in pod.containers {
            guard let type = container.object("securityContext")?.string("procMount"), type != "Default" else {
                continue
            }
            bad.append(name(container))
            types.insert(type)
        }
        return bad.isEmpty
            ? nil
            : .init(
                reason: "procMount",
                detail:
                    "\(plural("container", bad)) \(quoteList(bad)) must not set securityContext.procMount to \(quoteList(types.sorted()))"
            )
    }

    static func sysctls(_ pod: PodView, minor: Int) -> PodSecurity.Violation? {
        var allowed: Set<String> = [
            "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        ]
        if minor >= 27 { allowed.insert("net.ipv4.ip_local_reserved_ports") }
        if minor >= 29 {
            allowed.formUnion([
                "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes",
            ])
        }
        if minor >= 32 { allowed.formUnion(["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]) }
        let names = (pod.podContext?.array("sysctls") ?? []).compactMap { $0.objectValue?.string("name") }
        let bad = names.filter { !allowed.contains($0) }
        return bad.isEmpty ? nil : .init(reason: "forbidden sysctls", detail: bad.joined(separator: ", "))
    }

    static func capabilitiesBaseline(_ pod: PodView) -> PodSecurity.Violation? {
        var bad: [String] = []
        var capabilities = Set<String>()
        for container in pod.containers {
            let added = (container.object("securityContext")?.object("capabilities")?.array("add") ?? []).compactMap(
                \.stringValue)
            let forbidden = added.filter { !baselineCapabilities.contains($0) }
            if !forbidden.isEmpty {
                bad.append(name(container))
                capabilities.formUnion(forbidden)
            }
        }
        return bad.isEmpty
            ? nil
            : .init(
                reason: "non-default capabilities",
                detail:
                    "\(plural("container", bad)) \(quoteList(bad)) must not include \(quoteList(capabilities.sorted())) in securityContext.capabilities.add"
            )
    }

    static func capabilitiesRestricted(_ pod: PodView) -> PodSecurity.Violation? {
        var missingDrop: [String] = []
        var adding: [String] = []
        var capabilities = Set<String>()
        for container in pod.containers {
            guard let caps = container.object("securityContext")?.object("capabilities") else {
                missingDrop.append(name(container))
                continue
            }
            if !(caps.array("drop") ?? []).contains(where: { $0.stringValue == "ALL" }) {
                missingDrop.append(name(container))
            }
            let forbidden = (caps.array("add") ?? []).compactMap(\.stringValue).filter { $0 != "NET_BIND_SERVICE" }
            if !forbidden.isEmpty {
                adding.append(name(container))
                capabilities.formUnion(forbidden)
            }
        }
        var details: [String] = []
        if !missingDrop.isEmpty {
            details.append(
                "\(plural("container", missingDrop)) \(quoteList(missingDrop)) must set securityContext.capabilities.drop=[\"ALL\"]"
            )
        }
        if !adding.isEmpty {
            details.append(
                "\(plural("container", adding)) \(quoteList(adding)) must not include "
                    + "\(quoteList(capabilities.sorted())) in securityContext.capabilities.add")
        }
        return details.isEmpty
            ? nil : .init(reason: "unrestricted capabilities", detail: details.joined(separator: "; "))
    }

    static func hostPathVolumes(_ pod: PodView) -> PodSecurity.Violation? {
        let bad = (pod.spec.array("volumes") ?? []).compactMap(\.objectValue).filter { $0["hostPath"] != nil }.map(name)
        return bad.isEmpty
            ? nil : .init(reason: "hostPath volumes", detail: "\(plural("volume", bad)) \(quoteList(bad))")
    }

    static func restrictedVolumes(_ pod: PodView) -> PodSecurity.Violation? {
        var bad: [String] = []
        var types = Set<String>()
        for volume in (pod.spec.array("volumes") ?? []).compactMap(\.objectValue) {
            let sources = volume.keys.filter { $0 != "name" }
            guard !sources.contains(where: allowedVolumeSources.contains) else { continue }
            bad.append(name(volume))
            types.insert(sources.first ?? "unknown")
        }
        guard !bad.isEmpty else { return nil }
        return .init(
            reason: "restricted volume types",
            detail: "\(plural("volume", bad)) \(quoteList(bad)) \(bad.count == 1 ? "uses" : "use") "
                + "\(types.count == 1 ? "restricted volume type" : "restricted volume types") \(quoteList(types.sorted()))"
        )
    }

    static func allowPrivilegeEscalation(_ pod: PodView) -> PodSecurity.Violation? {
        let bad = pod.containers.filter { $0.object("securityContext")?.bool("allowPrivilegeEscalation") != false }.map(
            name)
        return bad.isEmpty
            ? nil
            : .init(
                reason: "allowPrivilegeEscalation != false",
                detail:
                    "\(plural("container", bad)) \(quoteList(bad)) must set securityContext.allowPrivilegeEscalation=false"
            )
    }

    static func runAsNonRoot(_ pod: PodView, minor: Int) -> PodSecurity.Violation? {
        if minor >= 34 && pod.usesUserNamespace { return nil }
        var setters: [String] = []
        var podTrue = false
        if let value = pod.podContext?.bool("runAsNonRoot") {
            if value { podTrue = true } else { setters.append("pod") }
        }
        var explicit: [String] = []
        var implicit: [String] = []
        for container in pod.containers {
            if let value = container.object("securityContext")?.bool("runAsNonRoot") {
                if !value { explicit.append(name(container)) }
            } else if !podTrue {
                implicit.append(name(container))
            }
        }
        if !explicit.isEmpty { setters.append("\(plural("container", explicit)) \(quoteList(explicit))") }
        if !setters.isEmpty {
            return .init(
                reason: "runAsNonRoot != true",
                detail: "\(setters.joined(separator: " and ")) must not set securityContext.runAsNonRoot=false")
        }
        return implicit.isEmpty
            ? nil
            : .init(
                reason: "runAsNonRoot != true",
                detail:
                    "pod or \(plural("container", implicit)) \(quoteList(implicit)) must set securityContext.runAsNonRoot=true"
            )
    }

    static func runAsUser(_ pod: PodView, minor: Int) -> PodSecurity.Violation? {
        if minor >= 34 && pod.usesUserNamespace { return nil }
        var setters: [String] = []
        if pod.podContext?.int("runAsUser") == 0 { setters.append("pod") }
        let bad = pod.containers.filter { $0.object("securityContext")?.int("runAsUser") == 0 }.map(name)
        if !bad.isEmpty { setters.append("\(plural("container", bad)) \(quoteList(bad))") }
        return setters.isEmpty
            ? nil
            : .init(reason: "runAsUser=0", detail: "\(setters.joined(separator: " and ")) must not set runAsUser=0")
    }

    static func seccompRestricted(_ pod: PodView) -> PodSecurity.Violation? {
        seccomp(pod, restricted: true)
    }

    static func seccompBaseline(_ pod: PodView) -> PodSecurity.Violation? {
        seccomp(pod, restricted: false)
    }

    private static func seccomp(_ pod: PodView, restricted: Bool) -> PodSecurity.Violation? {
        func isValid(_ type: String) -> Bool {
            restricted ? (type == "RuntimeDefault" || type == "Localhost") : type != "Unconfined"
        }
        var setters: [String] = []
        var values = Set<String>()
        var podSet = false
        if let profile = pod.podContext?.object("seccompProfile") {
            let type = profile.string("type") ?? ""
            if isValid(type) {
                podSet = true
            } else {
                setters.append("pod")
                values.insert(type)
            }
        }
        var explicit: [String] = []
        var implicit: [String] = []
        for container in pod.containers {
            if let profile = container.object("securityContext")?.object("seccompProfile") {
                let type = profile.string("type") ?? ""
                if !isValid(type) {
                    explicit.append(name(container))
                    values.insert(type)
                }
            } else if !podSet && restricted {
                implicit.append(name(container))
            }
        }
        if !explicit.isEmpty { setters.append("\(plural("container", explicit)) \(quoteList(explicit))") }
        if !setters.isEmpty {
            return .init(
                reason: "seccompProfile",
                detail:
                    "\(setters.joined(separator: " and ")) must not set securityContext.seccompProfile.type to \(quoteList(values.sorted()))"
            )
        }
        return implicit.isEmpty
            ? nil
            : .init(
                reason: "seccompProfile",
                detail:
                    "pod or \(plural("container", implicit)) \(quoteList(implicit)) must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\""
            )
    }

    private static func name(_ object: JSONObject) -> String { object.string("name") ?? "" }

    private static func plural(_ word: String, _ items: [String]) -> String { items.count == 1 ? word : word + "s" }

    private static func quoteList(_ items: [String]) -> String { items.map(FieldError.quote).joined(separator: ", ") }
}
