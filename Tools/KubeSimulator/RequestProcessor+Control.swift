import Events

/// The `/_sim/...` control endpoint (admin token only; never subject to faults or latency).
///
/// - `GET /_sim/requests?since=N&limit=M`, `DELETE /_sim/requests`
/// - `GET /_sim/counters`, `DELETE /_sim/counters`
/// - `GET|PUT|DELETE /_sim/faults` (PUT takes ``FaultConfiguration/init(json:)``'s JSON; DELETE removes all faults)
/// - `GET /_sim/objects?kind=pods&namespace=ns`
/// - `PUT /_sim/namespaces/{ns}/pods/{name}/phase` with `{"phase":"Running"}`
/// - `POST /_sim/reset` (faults, request log and counters)
extension RequestProcessor {
    func control(path: [String], request: HTTPRequest) -> HTTPResponse {
        let method = request.method
        switch (path.first ?? "", method) {
        case ("requests", "GET"):
            let since = Int(request.queryValue("since") ?? "") ?? 0
            let limit = Int(request.queryValue("limit") ?? "") ?? Int.max
            let (records, next) = log.withLock { ($0.records(after: since, limit: limit), $0.nextSequence) }
            return .json(
                200,
                .object(
                    JSONObject([
                        .init(key: "items", value: .array(records.map(\.json))),
                        .init(key: "nextSequence", value: .integer(next)),
                    ])))
        case ("requests", "DELETE"):
            log.withLock { $0.clear() }
            return .json(200, Self.ok)
        case ("counters", "GET"):
            var counters = counters().json.objectValue ?? JSONObject()
            let objects = store.withLock { store in
                Dictionary(grouping: store.objects.values, by: { $0.resource.plural }).mapValues(\.count)
            }
            counters.append(
                "objects",
                .object(
                    JSONObject(objects.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .integer($0.value)) })
                ))
            return .json(200, .object(counters))
        case ("counters", "DELETE"):
            log.withLock { $0.resetCounters() }
            return .json(200, Self.ok)
        case ("faults", "GET"):
            return .json(200, faults.withLock { $0.configuration.json })
        case ("faults", "PUT"), ("faults", "POST"):
            do {
                let value = try JSONParser(limits: .init(maxDepth: 16, maxInputBytes: 1024 * 1024)).parse(request.body)
                let configuration = try FaultConfiguration(json: value)
                faults.withLock { $0.reset(configuration) }
                return .json(200, configuration.json)
            } catch let error as SimulatorError {
                return APIStatus.badRequest(error.message).response
            } catch {
                return APIStatus.badRequest("invalid JSON: \(error)").response
            }
        case ("faults", "DELETE"):
            faults.withLock { $0.reset(FaultConfiguration()) }
            return .json(200, Self.ok)
        case ("objects", "GET"):
            let kind = request.queryValue("kind").flatMap(ResourceKind.named)
            let namespace = request.queryValue("namespace")
            let items = store.withLock { store in
                store.objects.values.filter { entry in
                    (kind == nil || entry.resource == kind) && (namespace == nil || entry.namespace == namespace)
                }.sorted { ($0.resource.plural, $0.namespace, $0.name) < ($1.resource.plural, $1.namespace, $1.name) }
                    .map(\.object)
            }
            return .json(200, .object(JSONObject([.init(key: "items", value: .array(items.map(JSONValue.object)))])))
        case ("namespaces", "PUT"), ("namespaces", "POST"):
            guard path.count == 6, path[2] == "pods", path[4] == "phase",
                let body = try? JSONParser().parse(request.body).objectValue, let phase = body.string("phase")
            else {
                return APIStatus.badRequest("expected PUT /_sim/namespaces/{ns}/pods/{name}/phase with {\"phase\":...}")
                    .response
            }
            let context = WriteContext(
                manager: "kubelet", dryRun: false, monotonicNow: SimulatorClock.monotonicNanoseconds(),
                timestamp: SimulatorClock.rfc3339Now())
            do {
                let object = try store.withLock { store throws(APIStatus) in
                    try store.setPodPhase(namespace: path[1], name: path[3], phase: phase, context: context)
                    return try store.get(.pods, namespace: path[1], name: path[3])
                }
                return .json(200, .object(object))
            } catch {
                return error.response
            }
        case ("reset", "POST"):
            faults.withLock { $0.reset(FaultConfiguration()) }
            log.withLock {
                $0.clear()
                $0.resetCounters()
            }
            return .json(200, Self.ok)
        default:
            return APIStatus.pathNotFound().response
        }
    }

    private static let ok = JSONValue.object(JSONObject([.init(key: "status", value: .string("ok"))]))
}
