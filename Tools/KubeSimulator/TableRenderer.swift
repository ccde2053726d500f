import Events

/// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), so `kubectl get` shows the
/// usual columns.
enum TableRenderer {
    /// Whether the client asked for a Table.
    static func wantsTable(_ accept: String?) -> Bool {
        guard let accept else { return false }
        return accept.contains("as=Table") && accept.contains("g=meta.k8s.io")
    }

    /// A `meta.k8s.io/v1` Table for `objects` (list items or a single object).
    static func table(
        _ resource: ResourceKind, objects: [JSONObject], resourceVersion: String, includeObject: String
    ) -> JSONValue {
        let now = SimulatorClock.wallMicroseconds() / 1_000_000
        var table = JSONObject()
        table.append("kind", .string("Table"))
        table.append("apiVersion", .string("meta.k8s.io/v1"))
        table.append("metadata", .object(JSONObject([.init(key: "resourceVersion", value: .string(resourceVersion))])))
        table.append(
            "columnDefinitions",
            .array(
                columns(resource).map { name, type, priority in
                    .object(
                        JSONObject([
                            .init(key: "name", value: .string(name)), .init(key: "type", value: .string(type)),
                            .init(key: "format", value: .string(name == "Name" ? "name" : "")),
                            .init(key: "description", value: .string(name)),
                            .init(key: "priority", value: .integer(priority)),
                        ]))
                }))
        table.append(
            "rows",
            .array(
                objects.map { object in
                    var row = JSONObject()
                    row.append("cells", .array(cells(resource, object, now: now)))
                    switch includeObject {
                    case "None": break
                    case "Object": row.append("object", .object(object))
                    default:
                        row.append(
                            "object",
                            .object(
                                JSONObject([
                                    .init(key: "kind", value: .string("PartialObjectMetadata")),
                                    .init(key: "apiVersion", value: .string("meta.k8s.io/v1")),
                                    .init(key: "metadata", value: object["metadata"] ?? .object(JSONObject())),
                                ])))
                    }
                    return .object(row)
                }))
        return .object(table)
    }

    private static func columns(_ resource: ResourceKind) -> [(String, String, Int)] {
        switch resource {
        case .pods:
            [
                ("Name", "string", 0), ("Ready", "string", 0), ("Status", "string", 0), ("Restarts", "string", 0),
                ("Age", "string", 0),
                ("IP", "string", 1), ("Node", "string", 1),
            ]
        case .configMaps: [("Name", "string", 0), ("Data", "integer", 0), ("Age", "string", 0)]
        case .namespaces: [("Name", "string", 0), ("Status", "string", 0), ("Age", "string", 0)]
        case .networkPolicies: [("Name", "string", 0), ("Pod-Selector", "string", 0), ("Age", "string", 0)]
        case .daemonSets:
            [
                ("Name", "string", 0), ("Desired", "integer", 0), ("Current", "integer", 0), ("Ready", "integer", 0),
                ("Up-to-date", "integer", 0), ("Available", "integer", 0), ("Node Selector", "string", 0),
                ("Age", "string", 0),
            ]
        default: [("Name", "string", 0), ("Age", "string", 0)]
        }
    }

    private static func cells(_ resource: ResourceKind, _ object: JSONObject, now: Int64) -> [JSONValue] {
        let meta = object.object("metadata") ?? JSONObject()
        let name = JSONValue.string(meta.string("name") ?? "")
        let age = JSONValue.string(age(meta.string("creationTimestamp"), now: now))
        switch resource {
        case .pods:
            let status = object.object("status") ?? JSONObject()
            let containers = object.object("spec")?.array("containers")?.count ?? 0
            let ready = (status.array("containerStatuses") ?? []).filter { $0.objectValue?.bool("ready") == true }.count
            var phase = status.string("reason") ?? status.string("phase") ?? "Pending"
            // kubectl shows a waiting container's reason (ErrImagePull, …) in place of the phase.
            let waiting = (status.array("containerStatuses") ?? []).compactMap {
                $0.objectValue?.object("state")?.object("waiting")?.string("reason")
            }
            if let reason = waiting.first, status.string("reason") == nil { phase = reason }
            if meta["deletionTimestamp"] != nil { phase = "Terminating" }
            return [
                name, .string("\(ready)/\(containers)"), .string(phase), .string("0"), age,
                .string(status.string("podIP") ?? "<none>"),
                .string(object.object("spec")?.string("nodeName") ?? "<none>"),
            ]
        case .configMaps:
            return [
                name, .integer((object.object("data")?.count ?? 0) + (object.object("binaryData")?.count ?? 0)), age,
            ]
        case .namespaces:
            return [name, .string(object.object("status")?.string("phase") ?? "Active"), age]
        case .networkPolicies:
            let labels = object.object("spec")?.object("podSelector")?.object("matchLabels")?.stringMap ?? [:]
            let selector =
                labels.isEmpty
                ? "<none>" : labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            return [name, .string(selector), age]
        case .daemonSets:
            let status = object.object("status") ?? JSONObject()
            func count(_ key: String) -> JSONValue { .integer(Int(status.int(key) ?? 0)) }
            let nodeSelector =
                object.object("spec")?.object("template")?.object("spec")?.object("nodeSelector")?.stringMap ?? [:]
            let selector =
                nodeSelector.isEmpty
                ? "<none>"
                : nodeSelector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            return [
                name, count("desiredNumberScheduled"), count("currentNumberScheduled"), count("numberReady"),
                count("updatedNumberScheduled"), count("numberAvailable"), .string(selector), age,
            ]
        default:
            return [name, age]
        }
    }

    /// kubectl's short human duration (`42s`, `5m3s`, `3h`, `2d4h`, `400d`).
    static func age(_ timestamp: String?, now: Int64) -> String {
        guard let timestamp, let parsed = try? Timestamp(parsing: timestamp) else { return "<unknown>" }
        let seconds = max(0, now - parsed.microsecondsSinceEpoch / 1_000_000)
        let minutes = seconds / 60
        let hours = minutes / 60
        let days = hours / 24
        switch seconds {
        case ..<120: return "\(seconds)s"
        case ..<600: return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s"
        case ..<10_800: return "\(minutes)m"
        case ..<28_800: return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m"
        case ..<172_800: return "\(hours)h"
        case ..<691_200: return hours % 24 == 0 ? "\(days)d" : "\(days)d\(hours % 24)h"
        case ..<63_072_000: return "\(days)d"
        default: return "\(days / 365)y"
        }
    }
}
