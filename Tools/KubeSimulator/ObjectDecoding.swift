import Events

/// The type checks the API server's JSON decoder makes before validation: a wrong JSON type is a 400
/// BadRequest ("cannot be handled as a ..."), not a 422.
enum ObjectDecoding {
    /// Checks the common and per-resource field types of a request body.
    static func check(_ object: JSONObject, resource: ResourceKind) throws(APIStatus) {
        if let kind = object["kind"], kind.stringValue == nil {
            throw failure(resource, "Object 'Kind' is not a string")
        }
        if let apiVersion = object["apiVersion"], apiVersion.stringValue == nil {
            throw failure(resource, "Object 'apiVersion' is not a string")
        }
        guard let metaValue = object["metadata"] else { return }
        guard let meta = metaValue.objectValue else {
            throw unmarshal(resource, metaValue, "\(resource.kind).metadata", "v1.ObjectMeta")
        }
        for key in ["name", "generateName", "namespace", "uid", "resourceVersion"] {
            if let value = meta[key], value.stringValue == nil, !value.isNull {
                throw unmarshal(resource, value, "ObjectMeta.metadata.\(key)", "string")
            }
        }
        for key in ["labels", "annotations"] {
            try stringMap(meta[key], resource, field: "ObjectMeta.metadata.\(key)")
        }
        if let references = meta["ownerReferences"], !references.isNull {
            guard let list = references.arrayValue, list.allSatisfy({ $0.objectValue != nil }) else {
                throw unmarshal(resource, references, "ObjectMeta.metadata.ownerReferences", "[]v1.OwnerReference")
            }
        }
        switch resource {
        case .configMaps:
            try stringMap(object["data"], resource, field: "ConfigMap.data")
            try stringMap(object["binaryData"], resource, field: "ConfigMap.binaryData")
            for member in object.object("binaryData")?.members ?? [] {
                guard let text = member.value.stringValue, Base64.decode(text) != nil else {
                    throw failure(resource, "illegal base64 data in binaryData[\(member.key)]")
                }
            }
            if let immutable = object["immutable"], immutable.boolValue == nil, !immutable.isNull {
                throw unmarshal(resource, immutable, "ConfigMap.immutable", "bool")
            }
        case .pods:
            if let spec = object["spec"], spec.objectValue == nil, !spec.isNull {
                throw unmarshal(resource, spec, "Pod.spec", "v1.PodSpec")
            }
            try PodValidation.checkTypes(object.object("spec") ?? JSONObject(), resource: resource)
        default:
            break
        }
    }

    /// The 400 for a decode failure.
    static func failure(_ resource: ResourceKind, _ detail: String) -> APIStatus {
        .badRequest(
            "\(resource.kind) in version \"\(resource.version)\" cannot be handled as a \(resource.kind): \(detail)")
    }

    /// Go's `json: cannot unmarshal <type> into Go struct field <field> of type <goType>`.
    static func unmarshal(_ resource: ResourceKind, _ value: JSONValue, _ field: String, _ goType: String) -> APIStatus
    {
        failure(
            resource, "json: cannot unmarshal \(jsonTypeName(value)) into Go struct field \(field) of type \(goType)")
    }

    private static func stringMap(_ value: JSONValue?, _ resource: ResourceKind, field: String) throws(APIStatus) {
        guard let value, !value.isNull else { return }
        guard let object = value.objectValue else { throw unmarshal(resource, value, field, "map[string]string") }
        for member in object.members where member.value.stringValue == nil {
            throw unmarshal(resource, member.value, field, "string")
        }
    }

    private static func jsonTypeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
