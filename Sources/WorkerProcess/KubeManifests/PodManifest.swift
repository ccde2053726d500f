import Events

/// Builds the executor Pod `executor-<execution_id>` (docs/upstream-contract.md §4.3; docs/decisions.md, D4).
///
/// Kept from upstream, field for field: labels (`app`, `component`, `execution-id`, `language`,
/// `kueue.x-k8s.io/queue-name`, `user-id`, `saga-id`) and annotations, `restartPolicy: Never`,
/// `activeDeadlineSeconds`, no service-account token, no service links, no host namespaces,
/// `hostUsers`, the pod and container security contexts (uid/gid 1000, non-root, read-only root,
/// no privilege escalation, all capabilities dropped, RuntimeDefault seccomp), the single container
/// `executor` at index 0 running `/bin/sh /entry/entrypoint.sh <command…>`, `EXECUTION_ID` and
/// `OUTPUT_PATH`, the four volumes and their mounts, `terminationMessagePolicy: FallbackToLogsOnError`.
///
/// Added: the `integr8s.io/command-digest` annotation after upstream's (``CommandDigest``),
/// `dnsPolicy: None` with loopback `dnsConfig`, `terminationGracePeriodSeconds`,
/// `imagePullPolicy`, optional ephemeral-storage request/limit, image pull secrets, node selector and tolerations, `HOME=/tmp` and `GOCACHE=/tmp/go-cache` (docs/decisions.md, D4.5),
/// `defaultMode: 0444` on the ConfigMap volumes, an explicit `privileged: false`, optional runtime
/// class, priority class and service account; label values sanitized (docs/decisions.md, D4.6). The image and command come from the ``ResolvedRuntime``,
/// the resources and deadline from ``ResolvedResources``, never from the message directly.
public enum PodManifest {
    /// The uid and gid the executor runs as (upstream's).
    public static let userID = 1000
    /// `defaultMode` of the ConfigMap volumes: 0444 (read-only for everyone).
    public static let configMapFileMode = 0o444

    /// The Pod's name: `executor-<execution_id>`.
    public static func name(executionID: String) -> String { "executor-" + executionID }

    /// Builds the Pod. `command` must have a valid execution id (``ExecutionManifestBuilder`` checks it);
    /// `commandDigest` is its ``CommandDigest``.
    public static func build(
        command: CreatePodCommand, runtime: ResolvedRuntime, resources: ResolvedResources, settings: ManifestSettings,
        commandDigest: String
    ) -> KubeObject {
        let name = name(executionID: command.executionID)
        let configMapName = ConfigMapManifest.name(executionID: command.executionID)

        var labels: [(String, String)] = [
            (ManifestLabels.app, ManifestLabels.appValue),
            (ManifestLabels.component, ManifestLabels.executorComponent),
            (ManifestLabels.executionID, command.executionID),
            (ManifestLabels.language, LabelSanitizer.sanitizeValue(runtime.language)),
        ]
        if let queue = settings.queueName { labels.append((ManifestLabels.queueName, queue)) }
        labels.append((ManifestLabels.userID, LabelSanitizer.sanitizeValue(command.metadata.userID)))
        if !command.sagaID.isEmpty {
            labels.append((ManifestLabels.sagaID, LabelSanitizer.sanitizeValue(command.sagaID)))
        }

        var annotations: [(String, String)] = [
            (ManifestLabels.executionIDAnnotation, command.executionID),
            (ManifestLabels.createdByAnnotation, ManifestLabels.createdByValue),
            (ManifestLabels.languageAnnotation, runtime.language),
        ]
        if !command.sagaID.isEmpty { annotations.append((ManifestLabels.sagaIDAnnotation, command.sagaID)) }
        annotations.append((ManifestLabels.commandDigestAnnotation, commandDigest))

        var metadata = JSONObject()
        metadata.append("name", .text(name))
        metadata.append("namespace", .text(settings.namespace))
        metadata.append("labels", .stringMap(labels))
        metadata.append("annotations", .stringMap(annotations))

        var spec = JSONObject()
        spec.append("activeDeadlineSeconds", .integer(resources.activeDeadlineSeconds))
        spec.append("automountServiceAccountToken", .bool(false))
        spec.append("enableServiceLinks", .bool(false))
        spec.append("hostIPC", .bool(false))
        spec.append("hostNetwork", .bool(false))
        spec.append("hostPID", .bool(false))
        if let hostUsers = settings.hostUsers { spec.append("hostUsers", .bool(hostUsers)) }
        spec.append("restartPolicy", .text("Never"))
        spec.append("terminationGracePeriodSeconds", .integer(settings.terminationGracePeriodSeconds))
        if let nameservers = settings.dnsNameservers {
            spec.append("dnsPolicy", .text("None"))
            spec.append("dnsConfig", .members(["nameservers": .texts(nameservers)]))
        }
        if let runtimeClass = settings.runtimeClassName { spec.append("runtimeClassName", .text(runtimeClass)) }
        if let priorityClass = settings.priorityClassName { spec.append("priorityClassName", .text(priorityClass)) }
        if let account = settings.serviceAccountName { spec.append("serviceAccountName", .text(account)) }
        appendPlacement(settings, to: &spec)
        spec.append(
            "securityContext",
            .members([
                "fsGroup": .integer(userID),
                "fsGroupChangePolicy": .text("OnRootMismatch"),
                "runAsGroup": .integer(userID),
                "runAsNonRoot": .bool(true),
                "runAsUser": .integer(userID),
                "seccompProfile": .members(["type": .text("RuntimeDefault")]),
            ]))
        spec.append(
            "containers",
            .array([container(command: command, runtime: runtime, resources: resources, settings: settings)]))
        spec.append(
            "volumes",
            .array([
                configMapVolume("script-volume", configMapName, key: runtime.filename),
                configMapVolume("entrypoint-volume", configMapName, key: EntrypointScript.fileName),
                .members([
                    "name": .text("output-volume"),
                    "emptyDir": .members(["sizeLimit": .text(settings.outputSizeLimit.description)]),
                ]),
                .members([
                    "name": .text("tmp-volume"),
                    "emptyDir": .members(["sizeLimit": .text(settings.tmpSizeLimit.description)]),
                ]),
            ]))

        let body = JSONValue.members([
            "apiVersion": .text("v1"),
            "kind": .text("Pod"),
            "metadata": .object(metadata),
            "spec": .object(spec),
        ])
        return KubeObject(apiVersion: "v1", kind: "Pod", name: name, namespace: settings.namespace, body: body)
    }

    /// The single container, `executor`, at index 0 (the pod monitor reads index 0 only).
    private static func container(
        command: CreatePodCommand, runtime: ResolvedRuntime, resources: ResolvedResources, settings: ManifestSettings
    ) -> JSONValue {
        var limits = JSONObject()
        limits.append("cpu", .text(resources.cpuLimit.description))
        limits.append("memory", .text(resources.memoryLimit.description))
        var requests = JSONObject()
        requests.append("cpu", .text(resources.cpuRequest.description))
        requests.append("memory", .text(resources.memoryRequest.description))
        if let limit = resources.ephemeralStorage?.limit {
            limits.append("ephemeral-storage", .text(limit.description))
        }
        if let request = resources.ephemeralStorage?.request {
            requests.append("ephemeral-storage", .text(request.description))
        }

        var container = JSONObject()
        container.append("name", .text("executor"))
        container.append("image", .text(runtime.image))
        if let policy = settings.imagePullPolicy { container.append("imagePullPolicy", .text(policy.rawValue)) }
        container.append("command", .texts(EntrypointScript.invocation + runtime.command))
        container.append(
            "env",
            .array([
                environment("EXECUTION_ID", command.executionID),
                environment("OUTPUT_PATH", "/output"),
                environment("HOME", "/tmp"),
                environment("GOCACHE", "/tmp/go-cache"),
            ]))
        container.append("resources", .members(["limits": .object(limits), "requests": .object(requests)]))
        container.append("securityContext", containerSecurityContext)
        container.append("stdin", .bool(false))
        container.append("tty", .bool(false))
        container.append("terminationMessagePolicy", .text("FallbackToLogsOnError"))
        container.append(
            "volumeMounts",
            .array([
                .members(["mountPath": .text("/scripts"), "name": .text("script-volume"), "readOnly": .bool(true)]),
                .members([
                    "mountPath": .text(EntrypointScript.mountPath), "name": .text("entrypoint-volume"),
                    "readOnly": .bool(true),
                ]),
                .members(["mountPath": .text("/output"), "name": .text("output-volume")]),
                .members(["mountPath": .text("/tmp"), "name": .text("tmp-volume")]),
            ]))
        return .object(container)
    }

    /// A container's security context: the restricted profile as uid/gid 1000 with a read-only root (shared with the
    /// image pre-puller's containers).
    static let containerSecurityContext = JSONValue.members([
        "allowPrivilegeEscalation": .bool(false),
        "capabilities": .members(["drop": .texts(["ALL"])]),
        "privileged": .bool(false),
        "readOnlyRootFilesystem": .bool(true),
        "runAsGroup": .integer(userID),
        "runAsNonRoot": .bool(true),
        "runAsUser": .integer(userID),
        "seccompProfile": .members(["type": .text("RuntimeDefault")]),
    ])

    /// `imagePullSecrets`, `nodeSelector` and `tolerations`, those `settings` sets (shared with the image pre-puller,
    /// which pulls where executors run).
    static func appendPlacement(_ settings: ManifestSettings, to spec: inout JSONObject) {
        if !settings.imagePullSecrets.isEmpty {
            spec.append(
                "imagePullSecrets", .array(settings.imagePullSecrets.map { .members(["name": .text($0)]) }))
        }
        if !settings.nodeSelector.isEmpty {
            spec.append(
                "nodeSelector", .stringMap(settings.nodeSelector.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        }
        if !settings.tolerations.isEmpty { spec.append("tolerations", .array(settings.tolerations.map(toleration))) }
    }

    private static func environment(_ name: String, _ value: String) -> JSONValue {
        .members(["name": .text(name), "value": .text(value)])
    }

    private static func configMapVolume(_ name: String, _ configMap: String, key: String) -> JSONValue {
        .members([
            "name": .text(name),
            "configMap": .members([
                "name": .text(configMap),
                "items": .array([.members(["key": .text(key), "path": .text(key)])]),
                "defaultMode": .integer(configMapFileMode),
            ]),
        ])
    }

    /// One `tolerations` entry, with only the fields set.
    static func toleration(_ toleration: Toleration) -> JSONValue {
        var object = JSONObject()
        if !toleration.key.isEmpty { object.append("key", .text(toleration.key)) }
        object.append("operator", .text(toleration.operator.rawValue))
        if !toleration.value.isEmpty { object.append("value", .text(toleration.value)) }
        if let effect = toleration.effect { object.append("effect", .text(effect.rawValue)) }
        if let seconds = toleration.tolerationSeconds { object.append("tolerationSeconds", .integer(seconds)) }
        return .object(object)
    }
}
