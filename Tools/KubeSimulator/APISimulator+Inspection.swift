import Events

/// In-process inspection and control, for tests in the same process (all thread-safe).
extension APISimulator {
    /// The stored objects of a kind (`"Pod"`, `"pods"`, `"ConfigMap"`, `"cm"`, ...), optionally in one namespace,
    /// sorted by namespace and name, exactly as a GET would return them.
    public func objects(namespace: String? = nil, kind: String) -> [JSONObject] {
        guard let resource = ResourceKind.named(kind) else { return [] }
        return processor.store.withLock { store in
            store.matching(resource, namespace: namespace, options: ListOptions()).map(\.object)
        }
    }

    /// One stored object, or `nil`.
    public func object(namespace: String, kind: String, name: String) -> JSONObject? {
        guard let resource = ResourceKind.named(kind) else { return nil }
        return processor.store.withLock { $0.stored(resource, namespace, name)?.object }
    }

    /// Creates a namespace with labels (e.g. `pod-security.kubernetes.io/enforce: restricted`).
    public func createNamespace(_ name: String, labels: [String: String] = [:]) throws(SimulatorError) {
        let body = JSONValue.object(
            JSONObject([
                .init(
                    key: "metadata",
                    value: .object(
                        JSONObject([
                            .init(key: "name", value: .string(name)),
                            .init(key: "labels", value: .object(JSONObject.sortedStrings(labels))),
                        ])))
            ]))
        let context = Self.internalContext()
        do {
            _ = try processor.store.withLock { store throws(APIStatus) in
                try store.create(.namespaces, namespace: "", body: body, context: context)
            }
        } catch {
            throw SimulatorError(.invalidArgument, error.message)
        }
    }

    /// Replaces the labels of a namespace (merged with the automatic `kubernetes.io/metadata.name`).
    public func setNamespaceLabels(_ name: String, labels: [String: String]) throws(SimulatorError) {
        let context = Self.internalContext()
        do {
            _ = try processor.store.withLock { store throws(APIStatus) in
                var object = try store.get(.namespaces, namespace: "", name: name)
                object.set(path: ["metadata", "labels"], .object(JSONObject.sortedStrings(labels)))
                object.remove(path: ["metadata", "resourceVersion"])
                return try store.replace(
                    .namespaces, namespace: "", name: name, body: .object(object), context: context)
            }
        } catch {
            throw SimulatorError(error.code == 404 ? .notFound : .invalidArgument, error.message)
        }
    }

    /// Forces a pod's phase (Pending, Running, Succeeded, Failed), writing the status a kubelet would.
    public func setPodPhase(namespace: String, name: String, phase: String) throws(SimulatorError) {
        let context = Self.internalContext()
        do {
            try processor.store.withLock { store throws(APIStatus) in
                try store.setPodPhase(namespace: namespace, name: name, phase: phase, context: context)
            }
        } catch {
            throw SimulatorError(error.code == 404 ? .notFound : .invalidArgument, error.message)
        }
    }

    /// The current fault configuration (rules show their remaining counts).
    public var faults: FaultConfiguration { processor.faults.withLock { $0.configuration } }

    /// Replaces the fault configuration (and reseeds its generator).
    public func setFaults(_ faults: FaultConfiguration) {
        processor.faults.withLock { $0.reset(faults) }
    }

    /// Removes every fault.
    public func resetFaults() { setFaults(FaultConfiguration()) }

    /// The request log, oldest first (bounded by `requestLogCapacity`).
    public var requestLog: [RequestRecord] { processor.log.withLock { $0.records() } }

    /// Log records after sequence number `sequence`.
    public func requests(after sequence: Int) -> [RequestRecord] {
        processor.log.withLock { $0.records(after: sequence) }
    }

    /// The sequence number the next logged request will get.
    public var nextRequestSequence: Int { processor.log.withLock { $0.nextSequence } }

    /// Empties the request log.
    public func clearRequestLog() { processor.log.withLock { $0.clear() } }

    /// The counters.
    public var counters: SimulatorCounters { processor.counters() }

    /// Zeroes the request counters.
    public func resetCounters() { processor.log.withLock { $0.resetCounters() } }

    static func internalContext() -> WriteContext {
        WriteContext(
            manager: "k8s-api-simulator", dryRun: false, monotonicNow: SimulatorClock.monotonicNanoseconds(),
            timestamp: SimulatorClock.rfc3339Now())
    }
}
