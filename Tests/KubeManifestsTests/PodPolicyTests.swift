import Events
import KubeManifests
import Testing

/// The configurable Pod (``PodPolicy``): runtime table, registry check, mirror rewrite, digests, resources above
/// their maxima, placement; and its wire form.
@Suite("Pod policy: runtimes, images, resources, placement")
struct PodPolicyTests {
    static let digest = "sha256:" + String(repeating: "0123456789abcdef", count: 4)

    private func builder(_ change: (inout PodPolicy) -> Void) throws -> ExecutionManifestBuilder {
        var policy = PodPolicy()
        change(&policy)
        return try policy.builder(settings: ManifestSettings())
    }

    @Test("the default policy builds exactly the default Pod")
    func defaultsReproduceThePod() throws {
        let configured = try PodPolicy().builder(settings: ManifestSettings()).prepare(Samples.command()).pod
        let plain = try Samples.builder().prepare(Samples.command()).pod
        #expect(configured.json == plain.json)
        #expect(configured.json == JSONWriter.encode(try Samples.json(UpstreamRenderings.ourPod)))
    }

    @Test("a mirror rewrite changes the image the Pod runs, and upstream's commands still match")
    func mirrorRewrite() throws {
        let builder = try builder { $0.imagePrefixRewrite = ImageRewrite(from: "docker.io/", to: "mirror.local/") }
        let pod = try builder.prepare(Samples.command()).pod
        #expect(pod.body["spec"]["containers"][0]["image"]?.stringValue == "mirror.local/library/python:3.11-slim")
        #expect(builder.registry.distinctImages.allSatisfy { $0.hasPrefix("mirror.local/") })
        let rewrite = ImageRewrite(from: "docker.io/", to: "mirror.local/")
        #expect(rewrite.apply("docker.io/library/node:20") == "mirror.local/library/node:20")
        #expect(rewrite.apply("someone/tool:1") == "mirror.local/someone/tool:1")
        #expect(rewrite.apply("ghcr.io/org/tool:1") == "ghcr.io/org/tool:1")
        #expect(rewrite.apply("localhost:5000/tool") == "localhost:5000/tool")
        #expect(ImageRewrite(from: "", to: "x/").problem != nil)
        #expect(ImageRewrite(from: "docker.io/", to: "").problem != nil)
        #expect(ImageRewrite(from: "docker.io/", to: "mirror local/").problem != nil)
    }

    @Test("a digest-pinned entry runs the digest; a command naming the tag or the pinned image matches")
    func digestPinned() throws {
        let pinned = "python:3.11-slim@\(Self.digest)"
        let builder = try builder {
            $0.runtimes = [PodPolicy.Runtime(language: "python", version: "3.11", image: pinned)]
        }
        for named in ["python:3.11-slim", pinned] {
            let pod = try builder.prepare(Samples.command { $0.runtimeImage = named }).pod
            #expect(pod.body["spec"]["containers"][0]["image"]?.stringValue == pinned)
        }
        #expect(throws: ManifestError.self) {
            try builder.prepare(Samples.command { $0.runtimeImage = "python:3.12-slim" })
        }
        // A bare digest (no tag) is accepted as an image but only its exact text matches.
        let bare = try self.builder {
            $0.runtimes = [PodPolicy.Runtime(language: "python", version: "3.11", image: "python@\(Self.digest)")]
        }
        #expect(throws: ManifestError.self) { try bare.prepare(Samples.command()) }
        for bad in ["python@sha256:abc", "python@md5:\(String(repeating: "0", count: 32))", "@\(Self.digest)", "a@b@c"]
        {
            #expect(ImageReference.problem(bad) != nil, "\(bad)")
            #expect(throws: ManifestError.self) {
                try self.builder { $0.runtimes = [PodPolicy.Runtime(language: "python", version: "3.11", image: bad)] }
            }
        }
    }

    @Test("a new version of a known language needs only its image; an unknown language needs file and command")
    func extendTable() throws {
        let builder = try builder {
            $0.runtimes = [
                PodPolicy.Runtime(language: "python", version: "3.13", image: "python:3.13-slim"),
                PodPolicy.Runtime(
                    language: "deno", version: "2", image: "denoland/deno:2.0.0", filename: "main.ts",
                    command: ["deno", "run", "/scripts/main.ts"]),
            ]
        }
        let runtime = try builder.registry.resolve(
            Samples.command {
                $0.languageVersion = "3.13"
                $0.runtimeImage = "python:3.13-slim"
            })
        #expect(runtime.image == "python:3.13-slim" && runtime.filename == "main.py")
        #expect(runtime.command == ["python", "/scripts/main.py"])
        #expect(builder.registry.entries.count == RuntimeRegistry.upstreamEntries.count + 2)
        #expect(throws: ManifestError.self) {
            try self.builder { $0.runtimes = [PodPolicy.Runtime(language: "cobol", version: "85", image: "cobol:85")] }
        }
        #expect(throws: ManifestError.self) {
            try self.builder {
                $0.runtimes = Array(
                    repeating: PodPolicy.Runtime(language: "python", version: "3.13", image: "p:1"), count: 2)
            }
        }
    }

    @Test("replace mode keeps only the configured runtimes; an empty replaced table is refused")
    func replaceTable() throws {
        let builder = try builder {
            $0.runtimesMode = .replace
            $0.runtimes = [PodPolicy.Runtime(language: "python", version: "3.11", image: "python:3.11-slim")]
        }
        #expect(builder.registry.entries.map(\.version) == ["3.11"])
        #expect(throws: ManifestError.self) {
            try builder.prepare(
                Samples.command {
                    $0.languageVersion = "3.12"
                    $0.runtimeImage = "python:3.12-slim"
                })
        }
        #expect(throws: ManifestError.self) { try self.builder { $0.runtimesMode = .replace } }
    }

    @Test("allow-list off: the command's image is used (and rewritten); on: a mismatch is refused")
    func allowListOff() throws {
        let command = try Samples.command { $0.runtimeImage = "registry.example/python:3.11-custom" }
        #expect {
            try builder { _ in }.prepare(command)
        } throws: { ($0 as? ManifestError)?.code == .runtimeMismatch }
        let open = try builder {
            $0.imageAllowList = false
            $0.imagePrefixRewrite = ImageRewrite(from: "registry.example/", to: "mirror.local/")
        }
        let pod = try open.prepare(command).pod
        #expect(pod.body["spec"]["containers"][0]["image"]?.stringValue == "mirror.local/python:3.11-custom")
        #expect(
            try open.prepare(
                Samples.command {
                    $0.language = "ruby"
                    $0.languageVersion = "9"
                }
            ).runtime.source == .message)
    }

    @Test("clamp lowers values above the maxima and lists them; refuse fails the command naming field and maximum")
    func clampOrRefuse() throws {
        let large = try Samples.command {
            $0.cpuLimit = "8"
            $0.memoryLimit = "4Gi"
            $0.timeoutSeconds = 3600
        }
        let clamped = try builder { _ in }.prepare(large)
        #expect(
            clamped.adjustments.filter { $0.kind == .clampedToMaximum }.map(\.field) == [
                .cpuLimit, .memoryLimit, .timeoutSeconds,
            ])
        #expect(clamped.resources.cpuLimit.description == "2000m" && clamped.resources.activeDeadlineSeconds == 300)
        let refusing = try builder { $0.resources.aboveMaximum = .refuse }
        let cases: [(ResourceAdjustment.Field, (inout CreatePodCommand) -> Void)] = [
            (.cpuLimit, { $0.cpuLimit = "8" }), (.cpuRequest, { $0.cpuRequest = "3" }),
            (.memoryLimit, { $0.memoryLimit = "4Gi" }), (.memoryRequest, { $0.memoryRequest = "1Gi" }),
            (.timeoutSeconds, { $0.timeoutSeconds = 301 }),
        ]
        for (field, change) in cases {
            #expect {
                try refusing.prepare(Samples.command(change))
            } throws: { error in
                let error = error as? ManifestError
                return error?.code == .aboveMaximum && error?.field == field
                    && error?.reason.hasPrefix(field.rawValue) == true && error?.reason.contains("maximum") == true
            }
        }
        // At the maximum is not above it.
        #expect(throws: Never.self) {
            try refusing.prepare(
                Samples.command {
                    $0.cpuLimit = "2"
                    $0.timeoutSeconds = 300
                })
        }
    }

    @Test("placement and pulling: node selector, tolerations, pull secrets, pull policy, classes, queue")
    func placement() throws {
        let builder = try builder {
            $0.nodeSelector = ["pool": "executors", "kubernetes.io/arch": "amd64"]
            $0.tolerations = [
                Toleration(key: "dedicated", operator: .equal, value: "executors", effect: .noSchedule),
                Toleration(
                    key: "node.kubernetes.io/unreachable", operator: .exists, effect: .noExecute, tolerationSeconds: 30),
            ]
            $0.imagePullSecrets = ["mirror-pull"]
            $0.imagePullPolicy = .always
            $0.priorityClassName = "executor-low"
            $0.runtimeClassName = "gvisor"
            $0.queueName = nil
        }
        let pod = try builder.prepare(Samples.command()).pod
        let spec = pod.body["spec"]
        #expect(spec["nodeSelector"]?.objectValue?.keys == ["kubernetes.io/arch", "pool"])
        #expect(
            sameJSON(
                spec["tolerations"],
                try Samples.json(
                    #"[{"key":"dedicated","operator":"Equal","value":"executors","effect":"NoSchedule"},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":30}]"#
                )))
        #expect(sameJSON(spec["imagePullSecrets"], try Samples.json(#"[{"name":"mirror-pull"}]"#)))
        #expect(spec["containers"][0]["imagePullPolicy"]?.stringValue == "Always")
        #expect(spec["priorityClassName"]?.stringValue == "executor-low")
        #expect(spec["runtimeClassName"]?.stringValue == "gvisor")
        #expect(pod.body["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] == nil)
        #expect(PodSecurityRestricted().evaluate(pod: pod.body).isEmpty)
    }

    @Test(
        "invalid tolerations, selectors and secret names are refused",
        arguments: [
            { (policy: inout PodPolicy) in policy.tolerations = [Toleration(key: "", operator: .equal, value: "x")] },
            { $0.tolerations = [Toleration(key: "a", operator: .exists, value: "x")] },
            { $0.tolerations = [Toleration(key: "a", effect: .noSchedule, tolerationSeconds: 5)] },
            { $0.tolerations = [Toleration(key: "a", effect: .noExecute, tolerationSeconds: -1)] },
            { $0.tolerations = [Toleration(key: "bad key")] },
            { $0.nodeSelector = ["bad key": "x"] },
            { $0.nodeSelector = ["pool": "bad value"] },
            { $0.imagePullSecrets = ["Not_A_Name"] },
            { $0.priorityClassName = "UPPER" },
            { $0.queueName = "bad queue" },
            { $0.resources.ephemeralStorage = EphemeralStorage(request: .mebibytes(64), limit: .mebibytes(16)) },
            { $0.resources.ephemeralStorage = EphemeralStorage(request: nil, limit: .mebibytes(8)) },
            { $0.resources.ephemeralStorage = EphemeralStorage(request: nil, limit: nil) },
        ] as [@Sendable (inout PodPolicy) -> Void])
    func invalidPlacement(change: @Sendable (inout PodPolicy) -> Void) {
        #expect(throws: ManifestError.self) { try builder(change) }
    }

    @Test("the wire form carries every field and reads back equal; bad members are named")
    func wireRoundTrip() throws {
        var policy = PodPolicy()
        policy.runtimes = [
            PodPolicy.Runtime(language: "python", version: "3.13", image: "python:3.13-slim@\(Self.digest)"),
            PodPolicy.Runtime(
                language: "deno", version: "2", image: "deno:2", filename: "main.ts", command: ["deno", "run"]),
        ]
        policy.runtimesMode = .replace
        policy.imageAllowList = false
        policy.imagePrefixRewrite = ImageRewrite(from: "docker.io/", to: "mirror.local/")
        policy.resources = ResourcePolicy(
            defaultCPULimit: CPUQuantity(millicores: 500), maxCPULimit: CPUQuantity(millicores: 4000),
            maxMemoryLimit: .mebibytes(1024), defaultTimeoutSeconds: 60, maxTimeoutSeconds: 600,
            ephemeralStorage: EphemeralStorage(request: .mebibytes(16), limit: nil), aboveMaximum: .refuse)
        policy.queueName = nil
        policy.priorityClassName = "executor-low"
        policy.runtimeClassName = "gvisor"
        policy.nodeSelector = ["pool": "executors"]
        policy.tolerations = [Toleration(key: "k", operator: .exists, effect: .noExecute, tolerationSeconds: 10)]
        policy.imagePullSecrets = ["mirror-pull"]
        policy.imagePullPolicy = .never
        #expect(try PodPolicy(wire: policy.wire) == policy)
        #expect(try PodPolicy(wire: PodPolicy().wire) == PodPolicy())
        #expect(try PodPolicy(wire: .object(JSONObject())) == PodPolicy())
        for (text, member) in [
            (#"{"above_maximum":"explode"}"#, "above_maximum"), (#"{"max_cpu_limit":"lots"}"#, "max_cpu_limit"),
            (#"{"tolerations":[{"operator":"Maybe"}]}"#, "tolerations.operator"), (#"{"runtimes":[1]}"#, "runtimes"),
            (#"{"image_pull_secrets":"x"}"#, "image_pull_secrets"), (#"{"node_selector":{"a":1}}"#, "node_selector"),
        ] {
            #expect {
                try PodPolicy(wire: Samples.json(text))
            } throws: { ($0 as? ManifestError)?.reason.contains("'\(member)'") == true }
        }
    }
}
