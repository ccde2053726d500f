import Events

/// Builds the ConfigMap `script-<execution_id>` holding the user's script and the entrypoint (docs/upstream-contract.md §4.2).
///
/// Unlike upstream, it is created **after** the Pod, with an `ownerReferences` entry to that Pod set in
/// the create body (docs/decisions.md, D4.1): no failure path leaves it without an owner, and the garbage
/// collector deletes it with the Pod. The kubelet retries the volume mount until the ConfigMap exists;
/// a Pod whose ConfigMap never arrives still ends at `activeDeadlineSeconds`. The reference matches
/// upstream's patch: `apiVersion: v1`, `kind: Pod`, name, uid, `blockOwnerDeletion: false`, no
/// `controller`. The ConfigMap is also `immutable: true` (the worker never updates it; the kubelet
/// then stops watching it). Unlike upstream it is annotated, like the Pod, with `integr8s.io/saga-id` and
/// `integr8s.io/command-digest` (``CommandDigest``): a leftover ConfigMap is adopted only by its own command.
public enum ConfigMapManifest {
    /// The ConfigMap's name: `script-<execution_id>`.
    public static func name(executionID: String) -> String { "script-" + executionID }

    /// Builds the ConfigMap owned by the Pod `ownerName` with uid `ownerUID`; `commandDigest` is the
    /// ``CommandDigest`` of `command`.
    public static func build(
        command: CreatePodCommand, runtime: ResolvedRuntime, settings: ManifestSettings, commandDigest: String,
        ownerName: String, ownerUID: String
    ) throws(ManifestError) -> KubeObject {
        guard !ownerUID.isEmpty, ownerUID.utf8.count <= 128,
            ownerUID.utf8.allSatisfy({ KubernetesNames.isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
        else {
            throw ManifestError(.invalidOwner, "the Pod uid '\(ManifestError.clip(ownerUID))' is not usable")
        }
        let name = name(executionID: command.executionID)

        var labels: [(String, String)] = [
            (ManifestLabels.app, ManifestLabels.appValue),
            (ManifestLabels.component, ManifestLabels.scriptComponent),
            (ManifestLabels.executionID, command.executionID),
        ]
        if !command.sagaID.isEmpty {
            labels.append((ManifestLabels.sagaID, LabelSanitizer.sanitizeValue(command.sagaID)))
        }
        var annotations: [(String, String)] = []
        if !command.sagaID.isEmpty { annotations.append((ManifestLabels.sagaIDAnnotation, command.sagaID)) }
        annotations.append((ManifestLabels.commandDigestAnnotation, commandDigest))

        var metadata = JSONObject()
        metadata.append("name", .text(name))
        metadata.append("namespace", .text(settings.namespace))
        metadata.append("labels", .stringMap(labels))
        metadata.append("annotations", .stringMap(annotations))
        metadata.append(
            "ownerReferences",
            .array([
                .members([
                    "apiVersion": .text("v1"),
                    "kind": .text("Pod"),
                    "name": .text(ownerName),
                    "uid": .text(ownerUID),
                    "blockOwnerDeletion": .bool(false),
                ])
            ]))

        let body = JSONValue.members([
            "apiVersion": .text("v1"),
            "kind": .text("ConfigMap"),
            "metadata": .object(metadata),
            "immutable": .bool(true),
            "data": .stringMap([(runtime.filename, command.script), (EntrypointScript.fileName, EntrypointScript.text)]
            ),
        ])
        return KubeObject(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: settings.namespace, body: body)
    }

    /// Bytes of `data` (keys and values) for a script under `filename`; the API refuses more than 1 MiB.
    public static func dataSize(script: String, filename: String) -> Int {
        filename.utf8.count + script.utf8.count + EntrypointScript.fileName.utf8.count
            + EntrypointScript.text.utf8.count
    }
}
