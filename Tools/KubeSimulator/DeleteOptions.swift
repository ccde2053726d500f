import Events

/// `DeleteOptions` from a DELETE body or query: grace period, propagation policy, preconditions, dry run.
struct DeleteOptions: Sendable, Equatable {
    /// `Background`, `Foreground` or `Orphan`.
    enum Propagation: String, Sendable {
        case background = "Background"
        case foreground = "Foreground"
        case orphan = "Orphan"
    }

    var gracePeriodSeconds: Int64?
    var propagation: Propagation?
    var preconditionUID: String?
    var preconditionResourceVersion: String?
    var dryRun = false
    /// The legacy `orphanDependents=false`, answered with 202.
    var legacyDeleteDependents = false

    init() {}

    /// Parses the body (a JSON `DeleteOptions`) when there is one, otherwise the query parameters.
    init(body: [UInt8], query: [(name: String, value: String)]) throws(APIStatus) {
        var fields = JSONObject()
        if !body.isEmpty && !body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) {
            guard
                let parsed = try? JSONParser(limits: .init(maxDepth: 16, maxInputBytes: 64 * 1024)).parse(body)
                    .objectValue
            else {
                throw APIStatus.badRequest("the DeleteOptions body is not a JSON object")
            }
            fields = parsed
        } else {
            for (name, value) in query {
                switch name {
                case "gracePeriodSeconds":
                    guard let number = Int64(value) else {
                        throw APIStatus.badRequest("invalid gracePeriodSeconds \"\(value)\"")
                    }
                    fields.set(name, .integer(number))
                case "propagationPolicy": fields.set(name, .string(value))
                case "orphanDependents": fields.set(name, .bool(value == "true"))
                case "dryRun": fields.set(name, .array([.string(value)]))
                default: break
                }
            }
        }
        if let grace = fields["gracePeriodSeconds"], !grace.isNull {
            guard let value = grace.int64Value else {
                throw APIStatus.badRequest("gracePeriodSeconds must be an integer")
            }
            gracePeriodSeconds = max(0, value)
        }
        let orphan = fields.bool("orphanDependents")
        if let policy = fields.string("propagationPolicy") {
            guard let parsed = Propagation(rawValue: policy) else {
                throw APIStatus(
                    code: 422, reason: "Invalid",
                    message:
                        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \(FieldError.quote(policy)): "
                        + "supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"",
                    kind: "DeleteOptions")
            }
            if orphan != nil {
                throw APIStatus(
                    code: 422, reason: "Invalid",
                    message:
                        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value: \"\(policy)\": "
                        + "orphanDependents and deletionPropagation cannot be both set",
                    kind: "DeleteOptions")
            }
            propagation = parsed
        } else if let orphan {
            propagation = orphan ? .orphan : .background
            legacyDeleteDependents = !orphan
        }
        if let preconditions = fields.object("preconditions") {
            preconditionUID = preconditions.string("uid")
            preconditionResourceVersion = preconditions.string("resourceVersion")
        }
        dryRun = (fields.array("dryRun") ?? []).contains { $0.stringValue == "All" }
    }
}
