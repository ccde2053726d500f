import Events
import KubeManifests
import Testing

@Suite("Pod Security Standards, restricted")
struct PodSecurityRestrictedTests {
    private let checker = PodSecurityRestricted()

    private func ourPod(settings: ManifestSettings = ManifestSettings()) throws -> JSONValue {
        try Samples.builder(settings: settings).prepare(Samples.command()).pod.body
    }

    /// Our Pod with `change` applied to its parsed JSON text (edits through `JSONObject` paths).
    private func weakened(hostUsers: Bool? = false, _ change: (inout JSONObject) -> Void) throws -> JSONValue {
        guard case .object(var pod) = try ourPod(settings: ManifestSettings(hostUsers: hostUsers)) else { return .null }
        change(&pod)
        return .object(pod)
    }

    @Test("our Pod passes with zero violations, with and without hostUsers")
    func ourPodPasses() throws {
        #expect(checker.evaluate(pod: try ourPod()).isEmpty)
        #expect(checker.evaluate(pod: try ourPod(settings: ManifestSettings(hostUsers: nil))).isEmpty)
        #expect(checker.evaluate(pod: try ourPod(settings: ManifestSettings(hostUsers: true))).isEmpty)
        for minor in 25...35 {
            #expect(PodSecurityRestricted(minorVersion: minor).evaluate(pod: try ourPod()).isEmpty, "1.\(minor)")
        }
    }

    @Test("upstream's own Pod passes too")
    func upstreamPodPasses() throws {
        #expect(checker.evaluate(pod: try Samples.json(UpstreamRenderings.pod)).isEmpty)
    }

    @Test("privileged container")
    func privileged() throws {
        let pod = try weakened {
            $0.edit("spec", "containers", 0, "securityContext") { $0.set("privileged", .bool(true)) }
        }
        #expect(
            checker.evaluate(pod: pod) == [
                PodSecurityViolation(
                    check: "privileged", reason: "privileged",
                    detail: #"container "executor" must not set securityContext.privileged=true"#)
            ])
    }

    @Test("runAsUser 0 (and runAsNonRoot false) without a user namespace")
    func rootUser() throws {
        let pod = try weakened(hostUsers: nil) {
            $0.edit("spec", "securityContext") { $0.set("runAsUser", .number(JSONNumber(0))) }
            $0.edit("spec", "containers", 0, "securityContext") { $0.set("runAsUser", .number(JSONNumber(0))) }
        }
        #expect(
            checker.evaluate(pod: pod) == [
                PodSecurityViolation(
                    check: "runAsUser", reason: "runAsUser=0",
                    detail: #"pod and container "executor" must not set runAsUser=0"#)
            ])
        let nonRootFalse = try weakened(hostUsers: true) {
            $0.edit("spec", "containers", 0, "securityContext") { $0.set("runAsNonRoot", .bool(false)) }
        }
        #expect(
            checker.evaluate(pod: nonRootFalse).map(\.description) == [
                #"runAsNonRoot != true (container "executor" must not set securityContext.runAsNonRoot=false)"#
            ])
    }

    @Test("from 1.35, hostUsers: false exempts runAsUser and runAsNonRoot; 1.34 does not")
    func userNamespaceRelaxation() throws {
        let pod = try weakened(hostUsers: false) {
            $0.edit("spec", "securityContext") {
                $0.set("runAsUser", .number(JSONNumber(0)))
                $0.removeAll(named: "runAsNonRoot")
            }
            $0.edit("spec", "containers", 0, "securityContext") { $0.removeAll(named: "runAsNonRoot") }
        }
        #expect(checker.evaluate(pod: pod).isEmpty)
        #expect(
            PodSecurityRestricted(minorVersion: 34).evaluate(pod: pod).map(\.check) == ["runAsNonRoot", "runAsUser"])
    }

    @Test("missing runAsNonRoot at both levels")
    func implicitRoot() throws {
        let pod = try weakened(hostUsers: nil) {
            $0.edit("spec", "securityContext") { $0.removeAll(named: "runAsNonRoot") }
            $0.edit("spec", "containers", 0, "securityContext") { $0.removeAll(named: "runAsNonRoot") }
        }
        #expect(
            checker.evaluate(pod: pod).map(\.description) == [
                #"runAsNonRoot != true (pod or container "executor" must set securityContext.runAsNonRoot=true)"#
            ])
    }

    @Test("allowPrivilegeEscalation missing or true")
    func privilegeEscalation() throws {
        for value: JSONValue? in [nil, .bool(true)] {
            let pod = try weakened {
                $0.edit("spec", "containers", 0, "securityContext") { context in
                    if let value {
                        context.set("allowPrivilegeEscalation", value)
                    } else {
                        context.removeAll(named: "allowPrivilegeEscalation")
                    }
                }
            }
            #expect(
                checker.evaluate(pod: pod).map(\.description) == [
                    #"allowPrivilegeEscalation != false (container "executor" must set securityContext.allowPrivilegeEscalation=false)"#
                ])
        }
    }

    @Test("hostPath volume: restrictedVolumes (it overrides hostPathVolumes)")
    func hostPath() throws {
        let pod = try weakened {
            $0.edit("spec") { spec in
                var volumes = spec["volumes"]?.arrayValue ?? []
                volumes.append(
                    .object(
                        JSONObject(pairs: [
                            "name": .string("host"), "hostPath": .object(JSONObject(pairs: ["path": .string("/")])),
                        ])))
                spec.set("volumes", .array(volumes))
            }
        }
        #expect(
            checker.evaluate(pod: pod) == [
                PodSecurityViolation(
                    check: "restrictedVolumes", reason: "restricted volume types",
                    detail: #"volume "host" uses restricted volume type "hostPath""#)
            ])
    }

    @Test("host namespaces")
    func hostNamespaces() throws {
        let pod = try weakened {
            $0.edit("spec") {
                $0.set("hostNetwork", .bool(true))
                $0.set("hostPID", .bool(true))
            }
        }
        #expect(checker.evaluate(pod: pod).map(\.description) == ["host namespaces (hostNetwork=true, hostPID=true)"])
    }

    @Test("capabilities: adding SYS_ADMIN, not dropping ALL")
    func capabilities() throws {
        let adding = try weakened {
            $0.edit("spec", "containers", 0, "securityContext", "capabilities") {
                $0.set("add", .array([.string("SYS_ADMIN"), .string("NET_BIND_SERVICE")]))
            }
        }
        #expect(
            checker.evaluate(pod: adding).map(\.description) == [
                #"unrestricted capabilities (container "executor" must not include "SYS_ADMIN" in securityContext.capabilities.add)"#
            ])
        let notDropping = try weakened {
            $0.edit("spec", "containers", 0, "securityContext") { $0.removeAll(named: "capabilities") }
        }
        #expect(
            checker.evaluate(pod: notDropping).map(\.description) == [
                #"unrestricted capabilities (container "executor" must set securityContext.capabilities.drop=["ALL"])"#
            ])
        let netBindOnly = try weakened {
            $0.edit("spec", "containers", 0, "securityContext", "capabilities") {
                $0.set("add", .array([.string("NET_BIND_SERVICE")]))
            }
        }
        #expect(checker.evaluate(pod: netBindOnly).isEmpty)
    }

    @Test("seccomp Unconfined, or absent at both levels")
    func seccomp() throws {
        let unconfined = try weakened {
            $0.edit("spec", "containers", 0, "securityContext", "seccompProfile") {
                $0.set("type", .string("Unconfined"))
            }
        }
        #expect(
            checker.evaluate(pod: unconfined).map(\.description) == [
                #"seccompProfile (container "executor" must not set securityContext.seccompProfile.type to "Unconfined")"#
            ])
        let absent = try weakened {
            $0.edit("spec", "securityContext") { $0.removeAll(named: "seccompProfile") }
            $0.edit("spec", "containers", 0, "securityContext") { $0.removeAll(named: "seccompProfile") }
        }
        #expect(
            checker.evaluate(pod: absent).map(\.description) == [
                #"seccompProfile (pod or container "executor" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#
            ])
        let podLevelOnly = try weakened {
            $0.edit("spec", "containers", 0, "securityContext") { $0.removeAll(named: "seccompProfile") }
        }
        #expect(checker.evaluate(pod: podLevelOnly).isEmpty)
        let localhost = try weakened {
            $0.edit("spec", "securityContext", "seccompProfile") { $0.set("type", .string("Localhost")) }
        }
        #expect(checker.evaluate(pod: localhost).isEmpty)
    }

    @Test("hostPort, procMount, unsafe sysctl, SELinux, AppArmor, hostProcess, probe host")
    func baselineChecks() throws {
        let pod = try weakened {
            $0.edit("spec", "containers", 0) {
                $0.set(
                    "ports",
                    .array([
                        .object(
                            JSONObject(pairs: [
                                "containerPort": .number(JSONNumber(80)), "hostPort": .number(JSONNumber(8080)),
                            ]))
                    ]))
            }
            $0.edit("spec", "containers", 0) {
                $0.set(
                    "livenessProbe",
                    .object(
                        JSONObject(pairs: [
                            "tcpSocket": .object(
                                JSONObject(pairs: ["host": .string("10.0.0.1"), "port": .number(JSONNumber(1))]))
                        ])))
            }
            $0.edit("spec", "containers", 0, "securityContext") {
                $0.set("procMount", .string("Unmasked"))
                $0.set("seLinuxOptions", .object(JSONObject(pairs: ["type": .string("spc_t")])))
                $0.set("appArmorProfile", .object(JSONObject(pairs: ["type": .string("Unconfined")])))
                $0.set("windowsOptions", .object(JSONObject(pairs: ["hostProcess": .bool(true)])))
            }
            $0.edit("spec", "securityContext") {
                $0.set(
                    "sysctls",
                    .array([
                        .object(JSONObject(pairs: ["name": .string("kernel.msgmax"), "value": .string("1")])),
                        .object(
                            JSONObject(pairs: ["name": .string("net.ipv4.tcp_syncookies"), "value": .string("1")])),
                    ]))
            }
        }
        let violations = checker.evaluate(pod: pod)
        #expect(
            violations.map(\.check) == [
                "appArmorProfile", "hostPorts", "hostProbesAndHostLifecycle", "procMount_restricted", "seLinuxOptions",
                "sysctls",
                "windowsHostProcess",
            ])
        #expect(violations.first { $0.check == "hostPorts" }?.detail == #"container "executor" uses hostPort 8080"#)
        #expect(violations.first { $0.check == "sysctls" }?.detail == "kernel.msgmax")
        #expect(
            violations.first { $0.check == "procMount_restricted" }?.detail
                == #"container "executor" must not set securityContext.procMount to "Unmasked""#)
        #expect(PodSecurityRestricted(minorVersion: 33).evaluate(pod: pod).map(\.check).contains("procMount"))
        #expect(
            !PodSecurityRestricted(minorVersion: 33).evaluate(pod: pod).map(\.check).contains(
                "hostProbesAndHostLifecycle"))
    }

    @Test("init containers are checked too, and the refusal reads like the API server's")
    func initContainers() throws {
        let pod = try Samples.json(
            #"""
            {"metadata":{"name":"p"},"spec":{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
              "initContainers":[{"name":"setup","image":"busybox"}],
              "containers":[{"name":"main","image":"busybox","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}
            """#)
        let violations = checker.evaluate(pod: pod)
        #expect(violations.map(\.check) == ["allowPrivilegeEscalation", "capabilities_restricted"])
        #expect(
            PodSecurityRestricted.forbiddenMessage(violations)
                == #"violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "setup" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "setup" must set securityContext.capabilities.drop=["ALL"])"#
        )
    }

    @Test("a bare Pod with nothing set fails the restricted checks that need explicit settings")
    func barePod() throws {
        let pod = try Samples.json(#"{"spec":{"containers":[{"name":"a","image":"x"}]}}"#)
        #expect(
            checker.evaluate(pod: pod).map(\.check) == [
                "allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted",
            ])
    }

    @Test("Windows Pods are exempt from seccomp, capabilities and privilege escalation")
    func windows() throws {
        let pod = try Samples.json(
            #"{"spec":{"os":{"name":"windows"},"securityContext":{"runAsNonRoot":true},"containers":[{"name":"a","image":"x"}]}}"#
        )
        #expect(checker.evaluate(pod: pod).isEmpty)
    }
}

extension JSONObject {
    /// Edits the object found by following `path` (member names and array indices) from here.
    mutating func edit(_ path: any PathComponent..., change: (inout JSONObject) -> Void) {
        edit(path: path[...], change: change)
    }

    private mutating func edit(path: ArraySlice<any PathComponent>, change: (inout JSONObject) -> Void) {
        guard let first = path.first else {
            change(&self)
            return
        }
        guard let key = first as? String, let value = self[key] else { return }
        set(key, value.editing(path: path.dropFirst(), change: change))
    }
}

/// A step in an edit path: a member name or an array index.
protocol PathComponent {}
extension String: PathComponent {}
extension Int: PathComponent {}

extension JSONValue {
    fileprivate func editing(path: ArraySlice<any PathComponent>, change: (inout JSONObject) -> Void) -> JSONValue {
        switch self {
        case .object(var object):
            guard let first = path.first else {
                change(&object)
                return .object(object)
            }
            guard let key = first as? String, let value = object[key] else { return self }
            object.set(key, value.editing(path: path.dropFirst(), change: change))
            return .object(object)
        case .array(var array):
            guard let index = path.first as? Int, array.indices.contains(index) else { return self }
            array[index] = array[index].editing(path: path.dropFirst(), change: change)
            return .array(array)
        default:
            return self
        }
    }
}
