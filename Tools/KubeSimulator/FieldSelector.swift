import Events

/// A field selector (`metadata.name=x,status.phase!=Running`) over the fields the API server indexes.
struct FieldSelector: Sendable, Hashable {
    /// One `field=value` or `field!=value` term.
    struct Term: Sendable, Hashable {
        var path: [String]
        var value: String
        var negated: Bool
    }

    /// The failure, reported as a 400 BadRequest.
    struct Failure: Error, Equatable {
        var message: String
    }

    /// The terms; all must hold.
    var terms: [Term]

    /// Parses `text` for `resource`; unsupported fields are rejected as the API server does.
    init(parsing text: String, resource: ResourceKind) throws(Failure) {
        var supported: Set<String> = ["metadata.name", "metadata.namespace"]
        if resource == .pods {
            supported.formUnion([
                "status.phase", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                "spec.serviceAccountName", "status.podIP", "status.nominatedNodeName",
            ])
        } else if resource == .namespaces {
            supported.insert("status.phase")
        }
        terms = []
        for part in text.split(separator: ",") where !part.trimmingSpaces.isEmpty {
            let text = part.trimmingSpaces
            let negated = text.contains("!=")
            let pieces =
                negated ? text.components("!=") : (text.contains("==") ? text.components("==") : text.components("="))
            guard pieces.count == 2 else {
                throw Failure(message: "invalid selector: '\(text)'; can't understand '\(text)'")
            }
            let field = pieces[0].trimmingSpaces
            guard supported.contains(field) else {
                throw Failure(message: "field label not supported: \(field)")
            }
            terms.append(
                Term(
                    path: field.split(separator: ".").map(String.init), value: pieces[1].trimmingSpaces,
                    negated: negated))
        }
    }

    /// Whether `object` satisfies every term.
    func matches(_ object: JSONObject) -> Bool {
        terms.allSatisfy { term in
            let actual = object[path: term.path]?.stringValue ?? ""
            return term.negated ? actual != term.value : actual == term.value
        }
    }
}
