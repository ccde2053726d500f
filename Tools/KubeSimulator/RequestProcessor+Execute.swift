import Events

extension RequestProcessor {
    /// Runs an authenticated request without a fault.
    func execute(_ pending: Pending) -> HTTPResponse {
        let request = pending.request
        switch pending.route.target {
        case .health:
            return .text(200, "ok")
        case .version:
            return .json(200, Discovery.version(minor: kubernetesMinor))
        case .discovery(let path):
            guard request.method == "GET" || request.method == "HEAD" else {
                return APIStatus.methodNotSupported(request.method, request.path).response
            }
            guard
                let document = Discovery.document(path: path, serverAddress: serverAddress)
                    ?? OpenAPIDocument.document(path: path, minor: kubernetesMinor)
            else {
                return APIStatus.pathNotFound().response
            }
            return .json(200, document)
        case .control(let path):
            return control(path: path, request: request)
        case .unknown:
            return APIStatus.pathNotFound().response
        case .resource(let kind, _, _, _) where kind.isAccessReview:
            return accessReview(kind, request, pending.identity ?? .anonymous)
        case .resource(let kind, let namespace, let name, let subresource):
            do {
                var result = try resource(
                    kind, namespace: namespace, name: name, subresource: subresource, request: request)
                if (request.method == "GET" || request.method == "HEAD")
                    && TableRenderer.wantsTable(request.header("accept")),
                    let object = result.body.objectValue
                {
                    let items = name.isEmpty ? (object.array("items") ?? []).compactMap(\.objectValue) : [object]
                    // A page of a list keeps its `continue` token and remaining count, so kubectl fetches the rest.
                    let paging = name.isEmpty ? object.object("metadata") : nil
                    let version = object.object("metadata")?.string("resourceVersion") ?? ""
                    result.body = TableRenderer.table(
                        kind, objects: items, resourceVersion: version, paging: paging,
                        includeObject: request.queryValue("includeObject") ?? "Metadata")
                }
                return .json(
                    result.status, result.body,
                    headers: result.warnings.map { ("Warning", "299 - \(FieldError.quote($0))") })
            } catch {
                return error.response
            }
        }
    }

    private func resource(
        _ kind: ResourceKind, namespace: String?, name: String, subresource: String, request: HTTPRequest
    ) throws(APIStatus) -> APIResult {
        let query = request.query
        let dryRunValues = query.filter { $0.name == "dryRun" }.map(\.value)
        guard dryRunValues.allSatisfy({ $0 == "All" }) else {
            throw APIStatus.badRequest("Invalid dryRun value: \(dryRunValues.joined(separator: ","))")
        }
        guard let fieldValidation = FieldValidation(query: request.queryValue("fieldValidation")) else {
            throw APIStatus.badRequest("fieldValidation must be one of Ignore, Warn, Strict")
        }
        let context = WriteContext(
            manager: fieldManager(request), dryRun: !dryRunValues.isEmpty,
            monotonicNow: SimulatorClock.monotonicNanoseconds(),
            timestamp: SimulatorClock.rfc3339Now(), fieldValidation: fieldValidation)
        let objectNamespace = namespace ?? ""
        if !subresource.isEmpty {
            guard subresource == "status", request.method == "GET" || request.method == "HEAD",
                kind == .pods || kind == .namespaces
            else {
                throw APIStatus.pathNotFound()
            }
        }

        switch (request.method, name.isEmpty) {
        case ("GET", true), ("HEAD", true):
            if request.queryValue("watch") == "true" || request.queryValue("watch") == "1" {
                throw APIStatus.methodNotSupported("GET", "watch is not supported by the simulator")
            }
            let options = try listOptions(request, kind)
            let maxItems = limits.maxListItems
            let list = try store.withLock { store throws(APIStatus) in
                try store.list(kind, namespace: namespace, options: options, maxItems: maxItems)
            }
            return APIResult(status: 200, body: .object(list))
        case ("GET", false), ("HEAD", false):
            let object = try store.withLock { store throws(APIStatus) in
                try store.get(kind, namespace: objectNamespace, name: name)
            }
            return APIResult(status: 200, body: .object(object))
        case ("POST", true):
            guard kind.namespaced == (namespace != nil) else {
                throw APIStatus.methodNotSupported("POST", request.path)
            }
            let body = try parseBody(request.body)
            return try store.withLock { store throws(APIStatus) in
                try store.create(kind, namespace: objectNamespace, body: body, context: context)
            }
        case ("PUT", false):
            let body = try parseBody(request.body)
            return try store.withLock { store throws(APIStatus) in
                try store.replace(kind, namespace: objectNamespace, name: name, body: body, context: context)
            }
        case ("PATCH", false):
            let force = request.queryValue("force") == "true"
            guard let type = PatchType(mediaType: request.mediaType, force: force) else {
                throw APIStatus.unsupportedMediaType(request.mediaType)
            }
            if case .apply = type {
                guard let manager = request.queryValue("fieldManager"), !manager.isEmpty else {
                    throw APIStatus.badRequest("PATCH apply requests require the fieldManager query parameter")
                }
                var applyContext = context
                applyContext.manager = String(manager.prefix(128))
                let body = try parseBody(request.body, apply: true)
                return try store.withLock { store throws(APIStatus) in
                    try store.apply(
                        kind, namespace: objectNamespace, name: name, body: body, force: force, context: applyContext)
                }
            }
            let patch = try parseBody(request.body)
            return try store.withLock { store throws(APIStatus) in
                try store.patch(
                    kind, namespace: objectNamespace, name: name, type: type, patch: patch, context: context)
            }
        case ("DELETE", false):
            var options = try DeleteOptions(body: request.body, query: query)
            options.dryRun = options.dryRun || context.dryRun
            var deleteContext = context
            deleteContext.dryRun = options.dryRun
            let finalOptions = options
            return try store.withLock { store throws(APIStatus) in
                try store.delete(
                    kind, namespace: objectNamespace, name: name, options: finalOptions, context: deleteContext)
            }
        case ("DELETE", true):
            guard kind != .namespaces else { throw APIStatus.methodNotSupported("DELETE", request.path) }
            let listOptions = try listOptions(request, kind)
            var options = try DeleteOptions(body: request.body, query: query)
            options.dryRun = options.dryRun || context.dryRun
            var deleteContext = context
            deleteContext.dryRun = options.dryRun
            let finalOptions = options
            return try store.withLock { store throws(APIStatus) in
                try store.deleteCollection(
                    kind, namespace: namespace, listOptions: listOptions, options: finalOptions, context: deleteContext)
            }
        default:
            throw APIStatus.methodNotSupported(request.method, request.path)
        }
    }

    /// The field manager: `fieldManager` when given, else the User-Agent up to its first `/` (as the API server).
    private func fieldManager(_ request: HTTPRequest) -> String {
        if let manager = request.queryValue("fieldManager"), !manager.isEmpty { return String(manager.prefix(128)) }
        let agent = request.header("user-agent") ?? ""
        let prefix = agent.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return prefix.isEmpty ? "unknown" : String(prefix.prefix(128))
    }

    private func listOptions(_ request: HTTPRequest, _ kind: ResourceKind) throws(APIStatus) -> ListOptions {
        var options = ListOptions()
        do {
            if let selector = request.queryValue("labelSelector") {
                options.labelSelector = try LabelSelector(parsing: selector)
            }
        } catch {
            throw APIStatus.badRequest(error.message)
        }
        do {
            if let selector = request.queryValue("fieldSelector") {
                options.fieldSelector = try FieldSelector(parsing: selector, resource: kind)
            }
        } catch {
            throw APIStatus.badRequest(error.message)
        }
        if let limit = request.queryValue("limit") {
            guard let value = Int(limit), value >= 0 else { throw APIStatus.badRequest("invalid limit \"\(limit)\"") }
            options.limit = value
        }
        options.continueToken = request.queryValue("continue") ?? ""
        return options
    }

    private func parseBody(_ body: [UInt8], apply: Bool = false) throws(APIStatus) -> JSONValue {
        guard !body.isEmpty else { throw APIStatus.badRequest("the request body is empty") }
        do {
            return try JSONParser(limits: .init(maxDepth: 100, maxInputBytes: limits.maxBodyBytes)).parse(body)
        } catch {
            if apply {
                throw APIStatus.badRequest("the simulator accepts only JSON-formatted apply configurations: \(error)")
            }
            throw APIStatus.badRequest("json parse error: \(error)")
        }
    }
}
