/// The bounded request log and the request counters (kept together under one lock).
struct RequestLog: Sendable {
    let capacity: Int
    private var ring: [RequestRecord] = []
    private var start = 0
    private(set) var nextSequence = 1
    private(set) var counters = SimulatorCounters()

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Appends a record (dropping the oldest when full) and counts it.
    mutating func record(_ draft: RequestRecord) {
        var entry = draft
        entry.sequence = nextSequence
        nextSequence += 1
        if ring.count < capacity {
            ring.append(entry)
        } else {
            ring[start] = entry
            start = (start + 1) % capacity
        }
        counters.requests += 1
        counters.byStatus[entry.status, default: 0] += 1
        counters.byVerb[entry.verb, default: 0] += 1
        if !entry.resource.isEmpty { counters.byResource[entry.resource, default: 0] += 1 }
        if let fault = entry.fault { counters.faults[fault, default: 0] += 1 }
        if entry.status == 401 { counters.unauthorized += 1 }
    }

    /// Records with `sequence > after`, oldest first, at most `limit`.
    func records(after: Int = 0, limit: Int = .max) -> [RequestRecord] {
        var result: [RequestRecord] = []
        for offset in 0..<ring.count {
            let entry = ring[(start + offset) % ring.count]
            if entry.sequence > after { result.append(entry) }
            if result.count >= limit { break }
        }
        return result
    }

    /// Forgets every record (sequence numbers keep increasing).
    mutating func clear() {
        ring = []
        start = 0
    }

    /// Zeroes the counters.
    mutating func resetCounters() { counters = SimulatorCounters() }
}
