import Events

/// Validation of `metadata` shared by every resource (apimachinery's `ValidateObjectMeta`).
enum MetadataValidation {
    /// The largest total size of all annotation keys and values.
    static let maxAnnotationBytes = 256 * 1024

    /// Every problem with `meta` for an object of `resource`.
    static func validate(_ meta: JSONObject, resource: ResourceKind) -> [FieldError] {
        var errors: [FieldError] = []
        let name = meta.string("name") ?? ""
        if name.isEmpty {
            errors.append(.required("metadata.name", "name or generateName is required"))
        } else {
            let messages =
                resource == .namespaces
                ? NameValidation.dns1123Label(name)
                : resource.isRBAC ? NameValidation.pathSegment(name) : NameValidation.dns1123Subdomain(name)
            errors.append(contentsOf: messages.map { FieldError.invalid("metadata.name", name, $0) })
        }
        if resource.namespaced, (meta.string("namespace") ?? "").isEmpty {
            errors.append(.required("metadata.namespace"))
        }
        errors.append(contentsOf: labels(meta.object("labels") ?? JSONObject(), field: "metadata.labels"))
        errors.append(contentsOf: annotations(meta.object("annotations") ?? JSONObject()))
        errors.append(contentsOf: ownerReferences(meta.array("ownerReferences") ?? []))
        for (index, finalizer) in (meta.array("finalizers") ?? []).enumerated() {
            let text = finalizer.stringValue ?? ""
            errors.append(
                contentsOf: NameValidation.qualifiedName(text).map {
                    FieldError.invalid("metadata.finalizers[\(index)]", text, $0)
                })
        }
        return errors
    }

    /// Label keys and values (also used for selectors' `matchLabels`).
    static func labels(_ labels: JSONObject, field: String) -> [FieldError] {
        var errors: [FieldError] = []
        for member in labels.members {
            errors.append(
                contentsOf: NameValidation.qualifiedName(member.key).map { FieldError.invalid(field, member.key, $0) })
            let value = member.value.stringValue ?? ""
            errors.append(contentsOf: NameValidation.labelValue(value).map { FieldError.invalid(field, value, $0) })
        }
        return errors
    }

    private static func annotations(_ annotations: JSONObject) -> [FieldError] {
        var errors: [FieldError] = []
        var total = 0
        for member in annotations.members {
            errors.append(
                contentsOf: NameValidation.qualifiedName(member.key.lowercased()).map {
                    FieldError.invalid("metadata.annotations", member.key, $0)
                })
            total += member.key.utf8.count + (member.value.stringValue?.utf8.count ?? 0)
        }
        if total > maxAnnotationBytes { errors.append(.tooLong("metadata.annotations", maxBytes: maxAnnotationBytes)) }
        return errors
    }

    private static func ownerReferences(_ references: [JSONValue]) -> [FieldError] {
        var errors: [FieldError] = []
        var controllers: [String] = []
        for reference in references {
            let object = reference.objectValue ?? JSONObject()
            if (object.string("apiVersion") ?? "").isEmpty {
                errors.append(.invalid("metadata.ownerReferences.apiVersion", "", "version must not be empty"))
            }
            if (object.string("kind") ?? "").isEmpty {
                errors.append(.invalid("metadata.ownerReferences.kind", "", "kind must not be empty"))
            }
            if (object.string("name") ?? "").isEmpty {
                errors.append(.invalid("metadata.ownerReferences.name", "", "name must not be empty"))
            }
            if (object.string("uid") ?? "").isEmpty {
                errors.append(.invalid("metadata.ownerReferences.uid", "", "uid must not be empty"))
            }
            if object.bool("controller") == true {
                controllers.append("\(object.string("kind") ?? "")/\(object.string("name") ?? "")")
            }
        }
        if controllers.count > 1 {
            errors.append(
                FieldError(
                    kind: .invalid, field: "metadata.ownerReferences", value: nil,
                    detail: "Only one reference can have Controller set to true. Found \"true\" in references for "
                        + controllers.joined(separator: " and ")))
        }
        return errors
    }
}
