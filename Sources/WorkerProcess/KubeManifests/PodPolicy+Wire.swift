import Events

/// The JSON form of a ``PodPolicy`` inside the Kubernetes handler's settings (supervisor → worker welcome).
/// Quantities travel as their canonical text; every member is written, and a missing member keeps its default.
extension PodPolicy {
    /// The JSON value.
    public var wire: JSONValue {
        var object = JSONObject()
        object.append(
            "runtimes",
            .array(
                runtimes.map { runtime in
                    var entry = JSONObject()
                    entry.append("language", .string(runtime.language))
                    entry.append("version", .string(runtime.version))
                    entry.append("image", .string(runtime.image))
                    entry.append("filename", runtime.filename.map(JSONValue.string) ?? .null)
                    entry.append("command", runtime.command.map { .array($0.map(JSONValue.string)) } ?? .null)
                    return .object(entry)
                }))
        object.append("runtimes_mode", .string(runtimesMode.rawValue))
        object.append("image_allow_list", .bool(imageAllowList))
        object.append(
            "image_prefix_rewrite",
            imagePrefixRewrite.map { .object(JSONObject(pairs: ["from": .string($0.from), "to": .string($0.to)])) }
                ?? .null)
        let policy = resources
        object.append("default_cpu_limit", .string(policy.defaultCPULimit.description))
        object.append("default_cpu_request", .string(policy.defaultCPURequest.description))
        object.append("default_memory_limit", .string(policy.defaultMemoryLimit.description))
        object.append("default_memory_request", .string(policy.defaultMemoryRequest.description))
        object.append("max_cpu_limit", .string(policy.maxCPULimit.description))
        object.append("max_memory_limit", .string(policy.maxMemoryLimit.description))
        object.append("default_timeout_seconds", .number(JSONNumber(policy.defaultTimeoutSeconds)))
        object.append("max_timeout_seconds", .number(JSONNumber(policy.maxTimeoutSeconds)))
        object.append("above_maximum", .string(policy.aboveMaximum.rawValue))
        object.append(
            "ephemeral_storage_request", policy.ephemeralStorage?.request.map { .string($0.description) } ?? .null)
        object.append(
            "ephemeral_storage_limit", policy.ephemeralStorage?.limit.map { .string($0.description) } ?? .null)
        object.append("queue_name", queueName.map(JSONValue.string) ?? .null)
        object.append("priority_class_name", priorityClassName.map(JSONValue.string) ?? .null)
        object.append("runtime_class_name", runtimeClassName.map(JSONValue.string) ?? .null)
        object.append(
            "node_selector",
            .object(
                JSONObject(nodeSelector.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .string($0.value)) })
            ))
        object.append(
            "tolerations",
            .array(
                tolerations.map { toleration in
                    var entry = JSONObject()
                    entry.append("key", .string(toleration.key))
                    entry.append("operator", .string(toleration.operator.rawValue))
                    entry.append("value", .string(toleration.value))
                    entry.append("effect", toleration.effect.map { .string($0.rawValue) } ?? .null)
                    entry.append(
                        "toleration_seconds", toleration.tolerationSeconds.map { .number(JSONNumber($0)) } ?? .null)
                    return .object(entry)
                }))
        object.append("image_pull_secrets", .array(imagePullSecrets.map(JSONValue.string)))
        object.append("image_pull_policy", .string(imagePullPolicy.rawValue))
        return .object(object)
    }

    /// Reads the JSON form; a wrong type or value is an error naming the member.
    public init(wire value: JSONValue) throws(ManifestError) {
        self.init()
        guard let object = value.objectValue else { throw Self.wireError("pod", "must be an object") }
        let reader = WireReader(object: object)
        if let items = try reader.array("runtimes") {
            runtimes = try items.map { (item: JSONValue) throws(ManifestError) -> Runtime in
                guard let entry = item.objectValue else { throw Self.wireError("runtimes", "must hold objects") }
                let field = WireReader(object: entry, prefix: "runtimes.")
                return Runtime(
                    language: try field.text("language") ?? "", version: try field.text("version") ?? "",
                    image: try field.text("image") ?? "", filename: try field.text("filename"),
                    command: try field.texts("command"))
            }
        }
        if let mode = try reader.choice("runtimes_mode", RuntimeTableMode.self) { runtimesMode = mode }
        if let allow = try reader.flag("image_allow_list") { imageAllowList = allow }
        if let rewrite = try reader.object("image_prefix_rewrite") {
            let field = WireReader(object: rewrite, prefix: "image_prefix_rewrite.")
            imagePrefixRewrite = ImageRewrite(from: try field.text("from") ?? "", to: try field.text("to") ?? "")
        }
        if let text = try reader.text("default_cpu_limit") {
            resources.defaultCPULimit = try reader.cpu(text, "default_cpu_limit")
        }
        if let text = try reader.text("default_cpu_request") {
            resources.defaultCPURequest = try reader.cpu(text, "default_cpu_request")
        }
        if let text = try reader.text("max_cpu_limit") { resources.maxCPULimit = try reader.cpu(text, "max_cpu_limit") }
        if let text = try reader.text("default_memory_limit") {
            resources.defaultMemoryLimit = try reader.memory(text, "default_memory_limit")
        }
        if let text = try reader.text("default_memory_request") {
            resources.defaultMemoryRequest = try reader.memory(text, "default_memory_request")
        }
        if let text = try reader.text("max_memory_limit") {
            resources.maxMemoryLimit = try reader.memory(text, "max_memory_limit")
        }
        if let seconds = try reader.integer("default_timeout_seconds") { resources.defaultTimeoutSeconds = seconds }
        if let seconds = try reader.integer("max_timeout_seconds") { resources.maxTimeoutSeconds = seconds }
        if let action = try reader.choice("above_maximum", AboveMaximumPolicy.self) { resources.aboveMaximum = action }
        let request = try reader.text("ephemeral_storage_request").map { (text: String) throws(ManifestError) in
            try reader.memory(text, "ephemeral_storage_request")
        }
        let limit = try reader.text("ephemeral_storage_limit").map { (text: String) throws(ManifestError) in
            try reader.memory(text, "ephemeral_storage_limit")
        }
        resources.ephemeralStorage =
            request == nil && limit == nil ? nil : EphemeralStorage(request: request, limit: limit)
        if object["queue_name"] != nil { queueName = try reader.text("queue_name") }
        priorityClassName = try reader.text("priority_class_name")
        runtimeClassName = try reader.text("runtime_class_name")
        if let selector = try reader.object("node_selector") {
            for member in selector.members {
                guard let text = member.value.stringValue else {
                    throw Self.wireError("node_selector", "values must be strings")
                }
                nodeSelector[member.key] = text
            }
        }
        if let items = try reader.array("tolerations") {
            tolerations = try items.map { (item: JSONValue) throws(ManifestError) -> Toleration in
                guard let entry = item.objectValue else { throw Self.wireError("tolerations", "must hold objects") }
                let field = WireReader(object: entry, prefix: "tolerations.")
                return Toleration(
                    key: try field.text("key") ?? "",
                    operator: try field.choice("operator", Toleration.Operator.self) ?? .equal,
                    value: try field.text("value") ?? "", effect: try field.choice("effect", Toleration.Effect.self),
                    tolerationSeconds: try field.integer("toleration_seconds"))
            }
        }
        if let secrets = try reader.texts("image_pull_secrets") { imagePullSecrets = secrets }
        if let policy = try reader.choice("image_pull_policy", ImagePullPolicy.self) { imagePullPolicy = policy }
    }

    fileprivate static func wireError(_ member: String, _ problem: String) -> ManifestError {
        ManifestError(.invalidConfiguration, "pod settings: '\(member)' \(problem)")
    }
}

/// Typed reads of one JSON object's members; `null` and missing members read as `nil`.
private struct WireReader {
    let object: JSONObject
    var prefix = ""

    private func member(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    private func error(_ key: String, _ problem: String) -> ManifestError {
        PodPolicy.wireError(prefix + key, problem)
    }

    func text(_ key: String) throws(ManifestError) -> String? {
        guard let value = member(key) else { return nil }
        guard let text = value.stringValue else { throw error(key, "must be a string") }
        return text
    }

    func texts(_ key: String) throws(ManifestError) -> [String]? {
        guard let value = member(key) else { return nil }
        guard let items = value.arrayValue else { throw error(key, "must be an array of strings") }
        var texts: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw error(key, "must be an array of strings") }
            texts.append(text)
        }
        return texts
    }

    func array(_ key: String) throws(ManifestError) -> [JSONValue]? {
        guard let value = member(key) else { return nil }
        guard let items = value.arrayValue else { throw error(key, "must be an array") }
        return items
    }

    func object(_ key: String) throws(ManifestError) -> JSONObject? {
        guard let value = member(key) else { return nil }
        guard let object = value.objectValue else { throw error(key, "must be an object") }
        return object
    }

    func flag(_ key: String) throws(ManifestError) -> Bool? {
        guard let value = member(key) else { return nil }
        guard let flag = value.boolValue else { throw error(key, "must be a boolean") }
        return flag
    }

    func integer(_ key: String) throws(ManifestError) -> Int? {
        guard let value = member(key) else { return nil }
        guard let number = value.numberValue?.int64Value, let exact = Int(exactly: number) else {
            throw error(key, "must be an integer")
        }
        return exact
    }

    func choice<Value: RawRepresentable<String> & CaseIterable>(
        _ key: String, _: Value.Type
    ) throws(ManifestError) -> Value? {
        guard let text = try text(key) else { return nil }
        guard let value = Value(rawValue: text) else { throw error(key, "'\(ManifestError.clip(text))' is unknown") }
        return value
    }

    func cpu(_ text: String, _ key: String) throws(ManifestError) -> CPUQuantity {
        do { return try CPUQuantity(parsing: text) } catch { throw self.error(key, "is not a quantity") }
    }

    func memory(_ text: String, _ key: String) throws(ManifestError) -> MemoryQuantity {
        do { return try MemoryQuantity(parsing: text) } catch { throw self.error(key, "is not a quantity") }
    }
}
