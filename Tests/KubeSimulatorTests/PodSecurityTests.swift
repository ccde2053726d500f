import Events
import KubeSimulator
import Testing

@Suite("Pod Security Admission (restricted)")
struct PodSecurityTests {
    private let base = "/api/v1/namespaces/secure/pods"

    private func restricted() throws -> Harness {
        try TestSupport.simulator(namespaces: ["secure", "open"]) {
            $0.namespaceLabels["secure"] = [
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
            ]
        }
    }

    /// The upstream pod with `edit` applied to its spec, container 0's securityContext, and a new name.
    private func weakened(_ name: String, _ edit: (inout JSONObject, inout JSONObject) -> Void) -> JSONValue {
        var pod = UpstreamPod.object
        var spec = pod["spec"]?.objectValue ?? JSONObject()
        var context =
            spec["containers"]?.arrayValue?.first?.objectValue?["securityContext"]?.objectValue ?? JSONObject()
        edit(&spec, &context)
        var containers = spec["containers"]?.arrayValue ?? []
        var container = containers.first?.objectValue ?? JSONObject()
        container.set("securityContext", .object(context))
        containers[0] = .object(container)
        spec.set("containers", .array(containers))
        pod.set("spec", .object(spec))
        var meta = pod["metadata"]?.objectValue ?? JSONObject()
        meta.set("name", .string(name))
        pod.set("metadata", .object(meta))
        return .object(pod)
    }

    @Test("the upstream (hardened) pod is accepted in a restricted namespace")
    func compliantPodAccepted() throws {
        let harness = try restricted()
        let response = try harness.client().request("POST", base, json: .object(UpstreamPod.object))
        #expect(response.status == 201, "\(response.text)")
    }

    @Test(
        "allowPrivilegeEscalation, capabilities, runAsNonRoot and seccomp violations are listed like the API server does"
    )
    func restrictedViolations() throws {
        let harness = try restricted()
        let client = try harness.client()
        let pod = weakened("weak") { spec, context in
            var podContext = spec["securityContext"]?.objectValue ?? JSONObject()
            podContext.removeAll(named: "runAsNonRoot")
            podContext.removeAll(named: "seccompProfile")
            spec.set("securityContext", .object(podContext))
            for key in ["allowPrivilegeEscalation", "capabilities", "runAsNonRoot", "seccompProfile"] {
                context.removeAll(named: key)
            }
        }
        let response = try client.request("POST", base, json: pod)
        #expect(response.status == 403)
        #expect(response.object.text("reason") == "Forbidden")
        #expect(
            response.object.text("message") == """
                pods "weak" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \
                (container "executor" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities \
                (container "executor" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container \
                "executor" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "executor" must set \
                securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")
                """)
        #expect(harness.simulator.objects(namespace: "secure", kind: "pods").isEmpty)
    }

    @Test(
        "baseline checks: host namespaces, privileged, hostPath, hostPort, runAsUser=0, added capabilities, sysctls, procMount"
    )
    func baselineViolations() throws {
        let harness = try restricted()
        let client = try harness.client()
        let pod = weakened("host") { spec, context in
            spec.set("hostNetwork", .bool(true))
            spec.set("hostPID", .bool(true))
            var volumes = spec["volumes"]?.arrayValue ?? []
            volumes.append(TestSupport.json(#"{"name":"root","hostPath":{"path":"/"}}"#))
            spec.set("volumes", .array(volumes))
            var podContext = spec["securityContext"]?.objectValue ?? JSONObject()
            podContext.set("sysctls", TestSupport.json(#"[{"name":"kernel.msgmax","value":"1"}]"#))
            spec.set("securityContext", .object(podContext))
            context.set("privileged", .bool(true))
            context.removeAll(named: "allowPrivilegeEscalation")
            context.set("runAsUser", .number(JSONNumber(0)))
            context.set("procMount", .string("Unmasked"))
            context.set("capabilities", TestSupport.json(#"{"drop":["ALL"],"add":["SYS_ADMIN","NET_BIND_SERVICE"]}"#))
        }
        let response = try client.request("POST", base, json: pod)
        #expect(response.status == 403)
        let message = response.object.text("message") ?? ""
        for fragment in [
            "host namespaces (hostNetwork=true, hostPID=true)",
            "privileged (container \"executor\" must not set securityContext.privileged=true)",
            "procMount (container \"executor\" must not set securityContext.procMount to \"Unmasked\")",
            "forbidden sysctls (kernel.msgmax)",
            "unrestricted capabilities (container \"executor\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add)",
            "restricted volume types (volume \"root\" uses restricted volume type \"hostPath\")",
            "runAsUser=0 (container \"executor\" must not set runAsUser=0)",
        ] {
            #expect(message.contains(fragment), "missing: \(fragment) in \(message)")
        }
        let hostPort = weakened("port") { spec, _ in
            var containers = spec["containers"]?.arrayValue ?? []
            var container = containers[0].objectValue ?? JSONObject()
            container.set("ports", TestSupport.json(#"[{"containerPort":8080,"hostPort":8080}]"#))
            containers[0] = .object(container)
            spec.set("containers", .array(containers))
        }
        let portResponse = try client.request("POST", base, json: hostPort)
        #expect(
            portResponse.object.text("message")?.contains("hostPort (container \"executor\" uses hostPort 8080)")
                == true)
    }

    @Test(
        "a namespace without the enforce label accepts anything; labelling it by strategic merge patch turns enforcement on"
    )
    func labelling() throws {
        let harness = try restricted()
        let client = try harness.client()
        let weak = TestSupport.json(
            #"{"metadata":{"name":"anything"},"spec":{"hostNetwork":true,"containers":[{"name":"c","image":"i","securityContext":{"privileged":true}}]}}"#
        )
        #expect(try client.request("POST", "/api/v1/namespaces/open/pods", json: weak).status == 201)
        let labels = TestSupport.json(
            """
            {"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"restricted","pod-security.kubernetes.io/enforce-version":"latest",
             "pod-security.kubernetes.io/warn":"restricted","pod-security.kubernetes.io/audit":"restricted"}}}
            """)
        let patched = try client.request(
            "PATCH", "/api/v1/namespaces/open", json: labels, contentType: "application/strategic-merge-patch+json")
        #expect(patched.status == 200)
        #expect(patched.object.text("metadata.labels.kubernetes.io/metadata.name") == nil)
        #expect(
            patched.object.value("metadata.labels")?.objectValue?["pod-security.kubernetes.io/enforce"]?.stringValue
                == "restricted")
        var second = weak.objectValue ?? JSONObject()
        second.set("metadata", TestSupport.json(#"{"name":"second"}"#))
        #expect(try client.request("POST", "/api/v1/namespaces/open/pods", json: .object(second)).status == 403)
    }

    @Test("a warn label adds a Warning header without rejecting")
    func warnOnly() throws {
        let harness = try TestSupport.simulator(namespaces: ["w"]) {
            $0.namespaceLabels["w"] = ["pod-security.kubernetes.io/warn": "restricted"]
        }
        let response = try harness.client().request("POST", "/api/v1/namespaces/w/pods", json: TestSupport.pod("p"))
        #expect(response.status == 201)
        #expect(response.header("warning")?.contains("would violate PodSecurity \\\"restricted:latest\\\"") == true)
    }
}
