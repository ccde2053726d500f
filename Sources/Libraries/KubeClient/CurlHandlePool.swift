import Platform

/// Easy handles for concurrent callers: each call checks one out, so no handle is ever used by two threads, and
/// returns it afterwards. Connections belong to the pool's ``CurlMulti`` (its connection cache, at most `maxIdle`
/// kept open), not to a handle: over HTTP/2 concurrent calls share one connection, over HTTP/1.1 each call in
/// flight has one and idle ones are reused by the next calls.
///
/// Idle handles are a stack (the most recently used goes out first). More concurrent callers than idle handles get
/// new handles; a handle returned to a full pool is released.
final class CurlHandlePool: Sendable {
    private let share: CurlShare
    private let multi: CurlMulti
    private let transport: TransportSettings
    private let maxIdle: Int
    private let idle = Locked<[CurlEasy]>([])

    init(transport: TransportSettings, maxIdle: Int) throws(KubeAPIError) {
        share = try CurlShare()
        multi = try CurlMulti(share: share, maxConnections: max(1, maxIdle))
        self.transport = transport
        self.maxIdle = max(1, maxIdle)
    }

    /// Runs `body` with a handle of its own.
    func withHandle<Result>(_ body: (CurlEasy) -> Result) throws(KubeAPIError) -> Result {
        let handle = try checkOut()
        defer { checkIn(handle) }
        return body(handle)
    }

    private func checkOut() throws(KubeAPIError) -> CurlEasy {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        return try CurlEasy(share: share, multi: multi, transport: transport)
    }

    private func checkIn(_ handle: CurlEasy) {
        // A handle that does not fit is released here; its connection stays in the multi handle's cache.
        idle.withLock { handles in
            if handles.count < maxIdle { handles.append(handle) }
        }
    }
}
