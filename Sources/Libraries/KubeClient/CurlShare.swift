internal import CCurl
import Glibc

/// A `CURLSH` sharing the DNS cache and TLS session cache between a client's easy handles, with the pthread
/// locks libcurl asks for when several threads use it.
///
/// The connection cache is deliberately **not** shared here: libcurl documents that sharing connections between
/// concurrent threads is unsupported (KNOWN_BUGS "A shared connection cache is not thread-safe", curl#4915), and
/// a shared cache would not multiplex anyway. Connections live in the client's one ``CurlMulti``, which only one
/// thread drives at a time.
final class CurlShare: @unchecked Sendable {
    /// The `CURLSH *`.
    let handle: UnsafeMutableRawPointer
    /// One mutex per `curl_lock_data` value; the lock callbacks find them through `CURLSHOPT_USERDATA`.
    ///
    /// Raw pthread mutexes rather than Platform's ``Locked`` (the lock everywhere else): libcurl locks and
    /// unlocks through two separate callbacks, with its own code between them, so there is no closure to hand
    /// to `withLock`. Still pthread mutexes, so the sanitizers see them.
    private let locks: UnsafeMutablePointer<pthread_mutex_t>
    private let lockCount: Int

    init() throws(KubeAPIError) {
        try CurlGlobal.ensureInitialized()
        guard let handle = curl_share_init() else {
            throw KubeAPIError(kind: .unexpected, reason: "CurlShareInit", message: "curl_share_init returned NULL")
        }
        self.handle = handle
        lockCount = Int(CURL_LOCK_DATA_LAST.rawValue) + 1
        locks = .allocate(capacity: lockCount)
        for index in 0..<lockCount { pthread_mutex_init(locks + index, nil) }

        var status = ccurl_share_setopt_pointer(handle, CURLSHOPT_USERDATA, UnsafeMutableRawPointer(locks))
        if status == CURLSHE_OK { status = ccurl_share_setopt_lock(handle, curlShareLock) }
        if status == CURLSHE_OK { status = ccurl_share_setopt_unlock(handle, curlShareUnlock) }
        if status == CURLSHE_OK { status = ccurl_share_setopt_data(handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) }
        if status == CURLSHE_OK {
            status = ccurl_share_setopt_data(handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION)
        }
        guard status == CURLSHE_OK else {
            let text = String(cString: curl_share_strerror(status))
            curl_share_cleanup(handle)
            for index in 0..<lockCount { pthread_mutex_destroy(locks + index) }
            locks.deallocate()
            throw KubeAPIError(kind: .unexpected, reason: "CurlShareSetopt", message: "curl_share_setopt: \(text)")
        }
    }

    deinit {
        curl_share_cleanup(handle)
        for index in 0..<lockCount { pthread_mutex_destroy(locks + index) }
        locks.deallocate()
    }
}

/// `CURLSHOPT_LOCKFUNC`: locks the mutex of one kind of shared data.
private func curlShareLock(
    _ handle: UnsafeMutableRawPointer?, _ data: curl_lock_data, _ access: curl_lock_access,
    _ context: UnsafeMutableRawPointer?
) {
    guard let context else { return }
    let locks = context.assumingMemoryBound(to: pthread_mutex_t.self)
    pthread_mutex_lock(locks + Int(data.rawValue))
}

/// `CURLSHOPT_UNLOCKFUNC`: unlocks it.
private func curlShareUnlock(
    _ handle: UnsafeMutableRawPointer?, _ data: curl_lock_data, _ context: UnsafeMutableRawPointer?
) {
    guard let context else { return }
    let locks = context.assumingMemoryBound(to: pthread_mutex_t.self)
    pthread_mutex_unlock(locks + Int(data.rawValue))
}
