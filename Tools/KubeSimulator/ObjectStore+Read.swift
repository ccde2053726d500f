import Events

extension ObjectStore {
    /// GET one object.
    func get(_ resource: ResourceKind, namespace: String, name: String) throws(APIStatus) -> JSONObject {
        guard let stored = stored(resource, namespace, name) else { throw APIStatus.notFound(resource, name) }
        return stored.object
    }

    /// The objects of `resource` (in `namespace`, or every namespace when `nil`) that match, sorted as etcd
    /// returns them (namespace, then name).
    func matching(_ resource: ResourceKind, namespace: String?, options: ListOptions) -> [StoredObject] {
        objects.values.filter { stored in
            stored.resource == resource && (namespace == nil || !resource.namespaced || stored.namespace == namespace)
                && options.labelSelector.matches(stored.labels)
                && (options.fieldSelector?.matches(stored.object) ?? true)
        }.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }

    /// LIST, with selectors and `limit`/`continue` paging. Items carry no `kind`/`apiVersion`, as on the wire.
    func list(
        _ resource: ResourceKind, namespace: String?, options: ListOptions, maxItems: Int
    ) throws(APIStatus) -> JSONObject {
        var items = matching(resource, namespace: namespace, options: options)
        if !options.continueToken.isEmpty {
            guard let bytes = Base64.decode(options.continueToken), let start = String(validating: bytes, as: UTF8.self)
            else {
                throw APIStatus.badRequest("continue key is not valid: illegal base64 data")
            }
            items.removeAll { "\($0.namespace)/\($0.name)" <= start }
        }
        let limit = options.limit > 0 ? min(options.limit, maxItems) : maxItems
        var listMeta = JSONObject()
        listMeta.append("resourceVersion", .string(String(revision)))
        if items.count > limit {
            let last = items[limit - 1]
            listMeta.append("continue", .string(Base64.encode(Array("\(last.namespace)/\(last.name)".utf8))))
            listMeta.append("remainingItemCount", .integer(items.count - limit))
            items = Array(items.prefix(limit))
        }
        var list = JSONObject()
        list.append("kind", .string("\(resource.kind)List"))
        list.append("apiVersion", .string(resource.apiVersion))
        list.append("metadata", .object(listMeta))
        list.append(
            "items",
            .array(
                items.map { stored in
                    var item = stored.object
                    item.removeAll(named: "kind")
                    item.removeAll(named: "apiVersion")
                    return .object(item)
                }))
        return list
    }
}
