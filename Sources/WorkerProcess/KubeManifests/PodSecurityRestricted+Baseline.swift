import Events

/// The baseline-level checks that restricted keeps.
extension PodSecurityRestricted {
    /// `hostNamespaces`: `hostNetwork`, `hostPID`, `hostIPC` unset or false.
    func hostNamespaces(_ pod: PodView) -> PodSecurityViolation? {
        let set = ["hostNetwork", "hostPID", "hostIPC"].filter { pod.spec[$0]?.boolValue == true }.map { "\($0)=true" }
        guard !set.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "hostNamespaces", reason: "host namespaces", detail: set.joined(separator: ", "))
    }

    /// `hostPorts`: every `ports[*].hostPort` unset or 0.
    func hostPorts(_ pod: PodView) -> PodSecurityViolation? {
        var bad: [String] = []
        var ports: [String] = []
        for container in pod.containers {
            let used = (container.object["ports"]?.arrayValue ?? []).compactMap { port -> String? in
                guard let number = port[member: "hostPort"]?.numberValue, number.int64Value != 0 else { return nil }
                return number.text
            }
            if !used.isEmpty {
                bad.append(container.name)
                ports += used
            }
        }
        guard !bad.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "hostPorts", reason: "hostPort",
            detail: "\(Self.containerList(bad)) \(Self.pluralize("uses", "use", bad.count)) "
                + "\(Self.pluralize("hostPort", "hostPorts", ports.count)) \(ports.joined(separator: ", "))")
    }

    /// `privileged`: no container sets `securityContext.privileged: true`.
    func privileged(_ pod: PodView) -> PodSecurityViolation? {
        let bad = pod.containers.filter { $0.securityContext?["privileged"]?.boolValue == true }.map(\.name)
        guard !bad.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "privileged", reason: "privileged",
            detail: "\(Self.containerList(bad)) must not set securityContext.privileged=true")
    }

    /// `appArmorProfile`: no `Unconfined` (or other unknown) profile at pod or container level, and no
    /// beta annotation other than `runtime/default` or `localhost/*`.
    func appArmorProfile(_ pod: PodView) -> PodSecurityViolation? {
        var bad: [String] = []
        if let type = pod.securityContext?["appArmorProfile"]?[member: "type"]?.stringValue,
            !Self.isAllowedAppArmor(type)
        {
            bad.append("pod \(Self.joinQuote([type]))")
        }
        for container in pod.containers {
            if let type = container.securityContext?["appArmorProfile"]?[member: "type"]?.stringValue,
                !Self.isAllowedAppArmor(type)
            {
                bad.append("container \(Self.joinQuote([container.name])) \(Self.joinQuote([type]))")
            }
        }
        let prefix = "container.apparmor.security.beta.kubernetes.io/"
        for member in pod.metadata["annotations"]?.objectValue?.members ?? [] where member.key.hasPrefix(prefix) {
            let value = member.value.stringValue ?? ""
            if !(value.isEmpty || value == "runtime/default" || value.hasPrefix("localhost/")) {
                bad.append("\(member.key)=\(Self.joinQuote([value]))")
            }
        }
        guard !bad.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "appArmorProfile",
            reason: Self.pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", bad.count),
            detail: bad.joined(separator: ", "))
    }

    /// `seLinuxOptions`: `type` empty or a container type, `user` and `role` empty, at pod and container level.
    func seLinuxOptions(_ pod: PodView) -> PodSecurityViolation? {
        var allowedTypes: Set<String> = ["", "container_t", "container_init_t", "container_kvm_t"]
        if minorVersion >= 31 { allowedTypes.insert("container_engine_t") }
        var setters: [String] = []
        var problems: [String] = []
        func inspect(_ options: JSONObject?, setter: String) {
            guard let options else { return }
            var found: [String] = []
            if let type = options["type"]?.stringValue, !allowedTypes.contains(type) {
                found.append("type \(Self.joinQuote([type]))")
            }
            if let user = options["user"]?.stringValue, !user.isEmpty { found.append("user \(Self.joinQuote([user]))") }
            if let role = options["role"]?.stringValue, !role.isEmpty { found.append("role \(Self.joinQuote([role]))") }
            if !found.isEmpty {
                setters.append(setter)
                problems += found
            }
        }
        inspect(pod.securityContext?["seLinuxOptions"]?.objectValue, setter: "pod")
        var containers: [String] = []
        for container in pod.containers {
            let before = setters.count
            inspect(container.securityContext?["seLinuxOptions"]?.objectValue, setter: container.name)
            if setters.count > before {
                setters.removeLast()
                containers.append(container.name)
            }
        }
        if !containers.isEmpty { setters.append(Self.containerList(containers)) }
        guard !setters.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "seLinuxOptions", reason: "seLinuxOptions",
            detail:
                "\(setters.joined(separator: " and ")) set forbidden securityContext.seLinuxOptions: \(Self.sortedUnique(problems).joined(separator: "; "))"
        )
    }

    /// `sysctls`: only the safe set of the policy version.
    func sysctls(_ pod: PodView) -> PodSecurityViolation? {
        var allowed: Set<String> = [
            "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_unprivileged_port_start",
        ]
        if minorVersion >= 27 { allowed.insert("net.ipv4.ip_local_reserved_ports") }
        if minorVersion >= 29 {
            allowed.formUnion([
                "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes",
            ])
        }
        if minorVersion >= 32 { allowed.formUnion(["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]) }
        let names = (pod.securityContext?["sysctls"]?.arrayValue ?? []).compactMap { $0[member: "name"]?.stringValue }
        let bad = names.filter { !allowed.contains($0) }
        guard !bad.isEmpty else { return nil }
        return PodSecurityViolation(check: "sysctls", reason: "forbidden sysctls", detail: bad.joined(separator: ", "))
    }

    /// `windowsHostProcess`: `windowsOptions.hostProcess` never true.
    func windowsHostProcess(_ pod: PodView) -> PodSecurityViolation? {
        var setters: [String] = []
        if pod.securityContext?["windowsOptions"]?[member: "hostProcess"]?.boolValue == true { setters.append("pod") }
        let bad = pod.containers.filter {
            $0.securityContext?["windowsOptions"]?[member: "hostProcess"]?.boolValue == true
        }.map(\.name)
        if !bad.isEmpty { setters.append(Self.containerList(bad)) }
        guard !setters.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "windowsHostProcess", reason: "hostProcess",
            detail: "\(setters.joined(separator: " and ")) must not set securityContext.windowsOptions.hostProcess=true"
        )
    }

    /// `hostProbesAndHostLifecycle` (1.34+): no `host` in probe or lifecycle `httpGet`/`tcpSocket` handlers.
    func hostProbesAndHostLifecycle(_ pod: PodView) -> PodSecurityViolation? {
        var bad: [String] = []
        var hosts: [String] = []
        for container in pod.containers {
            var handlers = ["livenessProbe", "readinessProbe", "startupProbe"].compactMap { container.object[$0] }
            if let lifecycle = container.object["lifecycle"] {
                handlers += ["postStart", "preStop"].compactMap { lifecycle[member: $0] }
            }
            let found = handlers.flatMap { handler in
                ["httpGet", "tcpSocket"].compactMap { handler[member: $0]?[member: "host"]?.stringValue }.filter {
                    !$0.isEmpty
                }
            }
            if !found.isEmpty {
                bad.append(container.name)
                hosts += found
            }
        }
        guard !bad.isEmpty else { return nil }
        return PodSecurityViolation(
            check: "hostProbesAndHostLifecycle", reason: "probe or lifecycle host",
            detail: "\(Self.containerList(bad)) \(Self.pluralize("uses", "use", bad.count)) probe or lifecycle "
                + "\(Self.pluralize("host", "hosts", hosts.count)) \(Self.joinQuote(Self.sortedUnique(hosts)))")
    }

    static func isAllowedAppArmor(_ type: String) -> Bool { type == "RuntimeDefault" || type == "Localhost" }
}
