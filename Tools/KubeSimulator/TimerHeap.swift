/// The delayed requests of an event loop, keyed by their due time (a ``DueHeap``).
struct TimerHeap {
    /// A request waiting for its injected latency.
    struct Entry {
        var due: UInt64
        var descriptor: Int32
        var serial: UInt32
        var pending: RequestProcessor.Pending
    }

    private var heap = DueHeap<Entry>()

    var isEmpty: Bool { heap.count == 0 }

    /// The earliest due time.
    var nextDue: UInt64? { heap.nextDue }

    mutating func push(_ entry: Entry) { heap.push(entry.due, entry) }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(_ now: UInt64) -> Entry? { heap.popDue(now) }

    /// Removes every entry (at shutdown), returning them.
    mutating func drain() -> [Entry] { heap.drain() }
}
