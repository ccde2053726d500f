import KubeManifests

extension AboveMaximumPolicy: ConfigurationChoice {}
extension ImagePullPolicy: ConfigurationChoice {}
extension PodPolicy.RuntimeTableMode: ConfigurationChoice {}

extension ConfigurationKeys {
    /// The `pod` section: the configurable part of the executor Pod (``PodPolicy``). Restart-only: workers receive
    /// it in their welcome, so a reload would apply it only to workers started afterwards, and two policies
    /// would run side by side.
    static let pod: [ConfigurationKey] = [
        structured(
            "pod.runtimes", \.pod.runtimes, type: "list of runtimes",
            "Runtimes `{language, version, image[, filename, command]}` added to (or replacing) upstream's table; see `pod` below.",
            parse: PodValueText.runtimes, render: PodValueText.render),
        choice(
            "pod.runtimes_mode", \.pod.runtimesMode,
            "`extend`: upstream's table plus `pod.runtimes`; `replace`: `pod.runtimes` only.", reloadable: false),
        bool(
            "pod.image_allow_list", \.pod.imageAllowList,
            "Commands must name a listed (language, version) and match its image, command and file name.",
            reloadable: false),
        structured(
            "pod.image_prefix_rewrite", \.pod.imagePrefixRewrite, type: "mapping `{from, to}`",
            "Registry mirror: replace the image prefix `from` by `to` in every executor image; empty = none.",
            parse: { (text: String) throws(PodValueText.Problem) in
                let rewrite = try PodValueText.rewrite(text)
                if let problem = rewrite?.problem { throw PodValueText.Problem(problem) }
                return rewrite
            }, render: PodValueText.render),
        cpu("pod.default_cpu_limit", \.pod.resources.defaultCPULimit, "CPU limit when a command gives none."),
        cpu("pod.default_cpu_request", \.pod.resources.defaultCPURequest, "CPU request when a command gives none."),
        cpu("pod.max_cpu_limit", \.pod.resources.maxCPULimit, "Largest CPU limit or request a command gets."),
        memory(
            "pod.default_memory_limit", \.pod.resources.defaultMemoryLimit, "Memory limit when a command gives none."),
        memory(
            "pod.default_memory_request", \.pod.resources.defaultMemoryRequest,
            "Memory request when a command gives none."),
        memory(
            "pod.max_memory_limit", \.pod.resources.maxMemoryLimit, "Largest memory limit or request a command gets."),
        int(
            "pod.default_timeout_seconds", \.pod.resources.defaultTimeoutSeconds,
            "Timeout (`activeDeadlineSeconds`) when a command gives 0.", reloadable: false),
        int(
            "pod.max_timeout_seconds", \.pod.resources.maxTimeoutSeconds, "Largest timeout a command gets.",
            reloadable: false),
        choice(
            "pod.above_maximum", \.pod.resources.aboveMaximum,
            "A value above its maximum: `clamp` (lower it) or `refuse` (execution_failed); logged and counted either way.",
            reloadable: false),
        optionalMemory(
            "pod.ephemeral_storage_request", \.pod.resources.ephemeralStorage, \.request,
            "`ephemeral-storage` request; empty = not requested (what a Kueue ClusterQueue of cpu and memory admits)."),
        optionalMemory(
            "pod.ephemeral_storage_limit", \.pod.resources.ephemeralStorage, \.limit,
            "`ephemeral-storage` limit (at least /tmp + /output, 20Mi); empty = none."),
        key(
            "pod.queue_name", \.pod.queueName, type: "string", "`kueue.x-k8s.io/queue-name` label; empty = no label.",
            reloadable: false, problem: "is not a valid label value (at most 63 of a-z, A-Z, 0-9, '-', '_', '.')",
            parse: { text in
                let text = text.trimmed
                if text.isEmpty { return .some(nil) }
                return LabelSanitizer.isValidValue(text) ? .some(text) : nil
            }, render: { $0 ?? "" }),
        optionalName("pod.priority_class_name", \.pod.priorityClassName, "priorityClassName; empty = none."),
        optionalName(
            "pod.runtime_class_name", \.pod.runtimeClassName,
            "runtimeClassName (e.g. `gvisor`); empty = `kubernetes.runtime_class`."),
        structured(
            "pod.node_selector", \.pod.nodeSelector, type: "mapping label → value", "nodeSelector; empty = none.",
            parse: { (text: String) throws(PodValueText.Problem) in
                let selector = try PodValueText.stringMap(text)
                for (label, value) in selector.sorted(by: { $0.key < $1.key }) {
                    guard LabelSanitizer.isValidKey(label) else {
                        throw PodValueText.Problem("'\(label)' is not a valid label key")
                    }
                    guard LabelSanitizer.isValidValue(value) else {
                        throw PodValueText.Problem("the value of '\(label)', '\(value)', is not a valid label value")
                    }
                }
                return selector
            }, render: PodValueText.render),
        structured(
            "pod.tolerations", \.pod.tolerations, type: "list of tolerations",
            "Tolerations `{key, operator, value, effect, toleration_seconds}`; empty = none.",
            parse: PodValueText.tolerations, render: PodValueText.render),
        structured(
            "pod.image_pull_secrets", \.pod.imagePullSecrets, type: "list of names",
            "Secrets (in the namespace) for pulling the images; empty = none.",
            parse: { (text: String) throws(PodValueText.Problem) in
                let names = try PodValueText.names(text)
                for name in names where !KubernetesNames.isDNS1123Subdomain(name) {
                    throw PodValueText.Problem("'\(name)' is not a valid Secret name")
                }
                return names
            }, render: PodValueText.render),
        choice(
            "pod.image_pull_policy", \.pod.imagePullPolicy, "imagePullPolicy of the executor container.",
            reloadable: false),
    ]

    /// A list or mapping value, given as YAML (the loader passes a file's list or mapping through as YAML text).
    private static func structured<Value: Equatable & Sendable>(
        _ name: String, _ path: any WritableKeyPath<Configuration, Value> & Sendable, type: String, _ summary: String,
        parse: @escaping @Sendable (String) throws(PodValueText.Problem) -> Value,
        render: @escaping @Sendable (Value) -> String
    ) -> ConfigurationKey {
        ConfigurationKey(
            name: name, type: type, summary: summary, reloadable: false,
            apply: { (configuration: inout Configuration, text: String) throws(ConfigurationError) in
                let value: Value
                do throws(PodValueText.Problem) {
                    value = try parse(text)
                } catch {
                    throw ConfigurationError(key: name, message: error.message)
                }
                configuration[keyPath: path] = value
            },
            render: { render($0[keyPath: path]) },
            keep: { $0[keyPath: path] = $1[keyPath: path] }, differs: { $0[keyPath: path] != $1[keyPath: path] })
    }

    /// A Kubernetes quantity (`500m`, `2`, `128Mi`, `1Gi`), rendered in its canonical form.
    private static func quantity<Value: Equatable & Sendable & CustomStringConvertible>(
        _ name: String, _ path: any WritableKeyPath<Configuration, Value> & Sendable, _ summary: String,
        problem: String, parse: @escaping @Sendable (String) -> Value?
    ) -> ConfigurationKey {
        key(
            name, path, type: "quantity", summary, reloadable: false, problem: problem,
            parse: { parse($0.trimmed) }, render: { $0.description })
    }

    private static func cpu(
        _ name: String, _ path: any WritableKeyPath<Configuration, CPUQuantity> & Sendable, _ summary: String
    ) -> ConfigurationKey {
        quantity(
            name, path, summary, problem: "is not a CPU quantity (e.g. 500m, 2)",
            parse: { try? CPUQuantity(parsing: $0) })
    }

    private static func memory(
        _ name: String, _ path: any WritableKeyPath<Configuration, MemoryQuantity> & Sendable, _ summary: String
    ) -> ConfigurationKey {
        quantity(
            name, path, summary, problem: "is not a memory quantity (e.g. 128Mi, 1Gi)",
            parse: { try? MemoryQuantity(parsing: $0) })
    }

    /// One half of the optional ``EphemeralStorage``: setting either creates it, clearing both removes it.
    private static func optionalMemory(
        _ name: String, _ path: any WritableKeyPath<Configuration, EphemeralStorage?> & Sendable,
        _ part: any WritableKeyPath<EphemeralStorage, MemoryQuantity?> & Sendable, _ summary: String
    ) -> ConfigurationKey {
        ConfigurationKey(
            name: name, type: "quantity", summary: summary, reloadable: false,
            apply: { (configuration: inout Configuration, text: String) throws(ConfigurationError) in
                var storage = configuration[keyPath: path] ?? EphemeralStorage(request: nil, limit: nil)
                if text.trimmed.isEmpty {
                    storage[keyPath: part] = nil
                } else {
                    guard let value = try? MemoryQuantity(parsing: text.trimmed), value.bytes > 0 else {
                        throw ConfigurationError(
                            key: name, message: "'\(text)' is not a positive quantity (e.g. 64Mi), nor empty")
                    }
                    storage[keyPath: part] = value
                }
                configuration[keyPath: path] = storage.request == nil && storage.limit == nil ? nil : storage
            },
            render: { $0[keyPath: path]?[keyPath: part]?.description ?? "" },
            keep: { $0[keyPath: path] = $1[keyPath: path] },
            differs: { $0[keyPath: path]?[keyPath: part] != $1[keyPath: path]?[keyPath: part] })
    }

    /// A Kubernetes object name (DNS-1123 subdomain), empty for none.
    private static func optionalName(
        _ name: String, _ path: any WritableKeyPath<Configuration, String?> & Sendable, _ summary: String
    ) -> ConfigurationKey {
        key(
            name, path, type: "string", summary, reloadable: false,
            problem: "is not a valid name (lower-case DNS subdomain: a-z, 0-9, '-', '.')",
            parse: { text in
                let text = text.trimmed
                if text.isEmpty { return .some(nil) }
                return KubernetesNames.isDNS1123Subdomain(text) ? .some(text) : nil
            }, render: { $0 ?? "" })
    }
}
