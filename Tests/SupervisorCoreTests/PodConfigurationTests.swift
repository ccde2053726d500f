import KubeManifests
import SupervisorCore
import Testing

/// The `pod` section: YAML lists and mappings, the same values as text in flags and the environment, and one
/// clear error per invalid value, naming the key.
@Suite struct PodConfigurationTests {
    static let digest = "sha256:" + String(repeating: "0123456789abcdef", count: 4)

    static let sample = """
        source:
          path: /x
        pod:
          runtimes:
            - language: python
              version: "3.13"
              image: "python:3.13-slim@\(digest)"
            - {language: deno, version: "2", image: "denoland/deno:2.0.0", filename: main.ts, command: [deno, run, /scripts/main.ts]}
          image_allow_list: false
          image_prefix_rewrite: {from: "docker.io/", to: "mirror.local/"}
          max_cpu_limit: "4"
          above_maximum: refuse
          ephemeral_storage_request: 16Mi
          ephemeral_storage_limit: 64Mi
          queue_name: ""
          priority_class_name: executor-low
          node_selector:
            pool: executors
          tolerations:
            - key: dedicated
              operator: Equal
              value: executors
              effect: NoSchedule
            - {operator: Exists}
          image_pull_secrets: [mirror-pull]
          image_pull_policy: Always
        """

    @Test("a full pod section in YAML becomes the typed policy")
    func fullSection() throws {
        let pod = try loadConfiguration(Self.sample).pod
        var expected = PodPolicy()
        expected.runtimes = [
            PodPolicy.Runtime(language: "python", version: "3.13", image: "python:3.13-slim@\(Self.digest)"),
            PodPolicy.Runtime(
                language: "deno", version: "2", image: "denoland/deno:2.0.0", filename: "main.ts",
                command: ["deno", "run", "/scripts/main.ts"]),
        ]
        expected.imageAllowList = false
        expected.imagePrefixRewrite = ImageRewrite(from: "docker.io/", to: "mirror.local/")
        expected.resources.maxCPULimit = CPUQuantity(millicores: 4000)
        expected.resources.aboveMaximum = .refuse
        expected.resources.ephemeralStorage = EphemeralStorage(request: .mebibytes(16), limit: .mebibytes(64))
        expected.queueName = nil
        expected.priorityClassName = "executor-low"
        expected.nodeSelector = ["pool": "executors"]
        expected.tolerations = [
            Toleration(key: "dedicated", operator: .equal, value: "executors", effect: .noSchedule),
            Toleration(key: "", operator: .exists),
        ]
        expected.imagePullSecrets = ["mirror-pull"]
        expected.imagePullPolicy = .always
        #expect(pod == expected)
    }

    @Test("each rendered value reads back to the same configuration (file → text → flag)")
    func renderedValuesRoundTrip() throws {
        let loaded = try loadConfiguration(Self.sample)
        let flags = ConfigurationKeys.all.filter { $0.name.hasPrefix("pod.") }.map { ($0.name, $0.value(in: loaded)) }
        let again = try loadConfiguration(nil, flags: [("source.path", "/x")] + flags)
        #expect(again.pod == loaded.pod)
    }

    @Test("environment and comma-separated names work too")
    func environmentText() throws {
        let configuration = try loadConfiguration(
            nil,
            environment: [
                "K8S_WORKER_POD_IMAGE_PULL_SECRETS": "one, two", "K8S_WORKER_POD_NODE_SELECTOR": "{pool: executors}",
            ], flags: [("source.path", "/x")])
        #expect(configuration.pod.imagePullSecrets == ["one", "two"])
        #expect(configuration.pod.nodeSelector == ["pool": "executors"])
    }

    @Test(
        "each invalid value is refused naming its key",
        arguments: [
            ("pod.runtimes", "{language: python}", "must be a list of runtimes"),
            ("pod.runtimes", "[{language: python, version: '3.13'}]", "'image' is required"),
            ("pod.runtimes", "[{language: python, version: '3.13', image: x, shell: sh}]", "unknown member 'shell'"),
            (
                "pod.runtimes", "[{language: cobol, version: '85', image: 'cobol:85'}]",
                "filename and command are required"
            ),
            ("pod.runtimes", "[{language: python, version: '3.13', image: 'python@sha256:abc'}]", "digest"),
            (
                "pod.runtimes",
                "[{language: python, version: '3.13', image: a}, {language: python, version: '3.13', image: b}]",
                "twice"
            ),
            ("pod.runtimes_mode", "merge", "is not one of `extend` or `replace`"),
            ("pod.image_allow_list", "maybe", "is not a boolean"),
            ("pod.image_prefix_rewrite", "{from: docker.io/}", "needs both 'from' and 'to'"),
            ("pod.image_prefix_rewrite", "{from: '', to: m/}", "'from' must not be empty"),
            ("pod.image_prefix_rewrite", "[a]", "must be a mapping"),
            ("pod.default_cpu_limit", "lots", "is not a CPU quantity"),
            ("pod.max_memory_limit", "1Qi", "is not a memory quantity"),
            ("pod.default_cpu_limit", "3", "must be between 10m and pod.max_cpu_limit"),
            ("pod.default_cpu_request", "1500m", "must not exceed pod.default_cpu_limit"),
            ("pod.default_memory_limit", "1Gi", "must be between 16Mi and pod.max_memory_limit"),
            ("pod.default_memory_request", "256Mi", "must not exceed pod.default_memory_limit"),
            ("pod.max_cpu_limit", "5m", "must be at least 10m"),
            ("pod.max_memory_limit", "1Mi", "must be at least 16Mi"),
            ("pod.default_timeout_seconds", "301", "must be between 1 and pod.max_timeout_seconds"),
            ("pod.max_timeout_seconds", "0", "must be at least 1"),
            ("pod.above_maximum", "truncate", "is not one of `clamp` or `refuse`"),
            ("pod.ephemeral_storage_request", "-1Mi", "is not a positive quantity"),
            ("pod.ephemeral_storage_limit", "8Mi", "must cover the /tmp and /output volumes"),
            ("pod.queue_name", "bad queue", "is not a valid label value"),
            ("pod.priority_class_name", "Executor_Low", "is not a valid name"),
            ("pod.runtime_class_name", "gVisor", "is not a valid name"),
            ("pod.node_selector", "{'bad key': x}", "is not a valid label key"),
            ("pod.node_selector", "{pool: 'two words'}", "is not a valid label value"),
            ("pod.node_selector", "[pool]", "must be a mapping"),
            ("pod.tolerations", "[{key: a, operator: Maybe}]", "operator 'Maybe' is not one of Equal, Exists"),
            ("pod.tolerations", "[{key: a, effect: Never}]", "effect 'Never' is not one of"),
            ("pod.tolerations", "[{key: a, operator: Exists, value: b}]", "operator Exists takes no value"),
            ("pod.tolerations", "[{key: a, effect: NoSchedule, toleration_seconds: 5}]", "needs effect NoExecute"),
            ("pod.tolerations", "[{key: a, toleration_seconds: soon}]", "toleration_seconds is not an integer"),
            ("pod.tolerations", "[{value: b}]", "operator Exists takes no value"),
            ("pod.tolerations", "[{key: a, colour: red}]", "unknown member 'colour'"),
            ("pod.image_pull_secrets", "[Mirror_Pull]", "is not a valid Secret name"),
            ("pod.image_pull_policy", "Sometimes", "is not one of `Always`, `IfNotPresent` or `Never`"),
        ])
    func invalidValue(key: String, value: String, message: String) {
        #expect {
            try loadConfiguration(nil, flags: [("source.path", "/x"), (key, value)])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && error.message.contains(message) && error.origin == "flag"
        }
    }

    @Test("a request above the limit, and a runtime class disagreeing with kubernetes.runtime_class, name the key")
    func crossKeyRules() {
        for (flags, key) in [
            (
                [("pod.ephemeral_storage_request", "128Mi"), ("pod.ephemeral_storage_limit", "64Mi")],
                "pod.ephemeral_storage_request"
            ),
            ([("pod.runtime_class_name", "gvisor"), ("kubernetes.runtime_class", "kata")], "pod.runtime_class_name"),
            ([("pod.runtimes_mode", "replace")], "pod.runtimes"),
        ] {
            #expect {
                try loadConfiguration(nil, flags: [("source.path", "/x")] + flags)
            } throws: { ($0 as? ConfigurationError)?.key == key }
        }
    }

    @Test("a structured value in the file is refused where a scalar is expected, and vice versa")
    func structureMismatch() {
        #expect {
            try loadConfiguration("source:\n  path: /x\npod:\n  queue_name: [a, b]\n")
        } throws: { ($0 as? ConfigurationError)?.key == "pod.queue_name" }
        #expect {
            try loadConfiguration("source:\n  path: /x\npod:\n  tolerations: NoSchedule\n")
        } throws: { ($0 as? ConfigurationError)?.key == "pod.tolerations" }
    }
}
