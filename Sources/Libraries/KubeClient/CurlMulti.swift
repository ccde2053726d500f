internal import CCurl
import Glibc

/// One `CURLM` for all of a client's transfers, so concurrent calls over HTTP/2 become streams of one connection.
///
/// libcurl multiplexes only transfers driven by the same multi handle (CURLOPT_PIPEWAIT(3): "having
/// CURLMOPT_PIPELINING(3) enabled for the multi handle this transfer is associated with"); a `curl_easy_perform`
/// on each thread runs a private multi handle per transfer, so N threads opened N connections even over HTTP/2.
/// Here every transfer joins this multi handle (`CURLMOPT_PIPELINING` = `CURLPIPE_MULTIPLEX`, each easy handle
/// with `CURLOPT_PIPEWAIT`), and its connection cache (`CURLMOPT_MAXCONNECTS`) keeps connections alive between
/// calls. Over HTTP/1.1 nothing changes on the wire: one connection per transfer in flight, reused afterwards.
///
/// A multi handle is not thread-safe, and there is no thread of its own: the callers take turns (leader and
/// followers). A caller queues its transfer; whoever finds nobody driving becomes the driver and runs
/// `curl_multi_perform`/`curl_multi_poll` for everybody's transfers until its own is done, then hands over to one
/// caller still waiting. `curl_multi_wakeup`, the one multi call documented as callable from any thread, makes the
/// driver pick up a transfer queued while it polls.
///
/// Each waiting caller sleeps on a condition of its own, signalled when its transfer is done or when it is handed
/// the driving; one shared condition broadcast on every completion woke every waiting thread for each transfer
/// (21 context switches per create with four threads, most of them to find nothing to do; README, "CPU per
/// create").
final class CurlMulti: @unchecked Sendable {
    /// The `CURLM *`.
    private let multi: UnsafeMutableRawPointer
    /// Kept alive as long as the multi handle: its connections' TLS sessions live in the share.
    private let share: CurlShare
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    // Guarded by `mutex`:
    private var driving = false
    private var queued: [Transfer] = []
    /// The callers asleep while someone else drives, in the order they began to wait.
    private var waiting: [Transfer] = []
    // Touched only by the driver:
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]

    /// One transfer waiting for its result, with the condition its caller sleeps on.
    private final class Transfer {
        let easy: UnsafeMutableRawPointer
        /// Set under `mutex` when done.
        var result: CURLcode?
        let condition: UnsafeMutablePointer<pthread_cond_t>

        init(_ easy: UnsafeMutableRawPointer) {
            self.easy = easy
            condition = .allocate(capacity: 1)
            condition.initialize(to: pthread_cond_t())
            pthread_cond_init(condition, nil)
        }

        deinit {
            pthread_cond_destroy(condition)
            condition.deinitialize(count: 1)
            condition.deallocate()
        }
    }

    /// The longest single `curl_multi_poll`; libcurl shortens it to its own next timeout.
    private static let pollMilliseconds: Int32 = 1000

    init(share: CurlShare, maxConnections: Int) throws(KubeAPIError) {
        try CurlGlobal.ensureInitialized()
        guard let multi = curl_multi_init() else {
            throw KubeAPIError(kind: .unexpected, reason: "CurlMultiInit", message: "curl_multi_init returned NULL")
        }
        var status = ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        if status == CURLM_OK { status = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, maxConnections)) }
        guard status == CURLM_OK else {
            let text = String(cString: curl_multi_strerror(status))
            curl_multi_cleanup(multi)
            throw KubeAPIError(kind: .unexpected, reason: "CurlMultiSetopt", message: "curl_multi_setopt: \(text)")
        }
        self.multi = multi
        self.share = share
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        // Every transfer was removed when it finished (its caller waited for that), so only cached connections
        // are left; cleanup closes them (a TLS close on a dead socket must not raise SIGPIPE).
        SigpipeGuard.run { _ = curl_multi_cleanup(multi) }
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs the transfer configured on `easy` to its end and returns its result, as `curl_easy_perform` would.
    /// Blocks the calling thread, which may drive other callers' transfers meanwhile.
    func perform(_ easy: UnsafeMutableRawPointer) -> CURLcode {
        let transfer = Transfer(easy)
        pthread_mutex_lock(mutex)
        queued.append(transfer)
        let someoneDrives = driving
        pthread_mutex_unlock(mutex)
        // The driver may be blocked in curl_multi_poll; make it add the new transfer now.
        if someoneDrives { curl_multi_wakeup(multi) }

        pthread_mutex_lock(mutex)
        // Bounded: every transfer carries CURLOPT_TIMEOUT_MS, and each pass either drives or waits for a change.
        while transfer.result == nil {
            if driving {
                waiting.append(transfer)
                pthread_cond_wait(transfer.condition, mutex)
                waiting.removeAll { $0 === transfer }
            } else {
                driving = true
                pthread_mutex_unlock(mutex)
                SigpipeGuard.run { drive(until: transfer) }
                pthread_mutex_lock(mutex)
                driving = false
                // Hand over: the longest-waiting caller whose transfer is still running becomes the next driver.
                if let next = waiting.first(where: { $0.result == nil }) { pthread_cond_signal(next.condition) }
            }
        }
        let result = transfer.result ?? CURLE_OK
        pthread_mutex_unlock(mutex)
        return result
    }

    /// The driver's loop: adds queued transfers, runs the multi handle, completes finished transfers, until `own`
    /// is done.
    private func drive(until own: Transfer) {
        var ownDone = false
        while !ownDone {
            pthread_mutex_lock(mutex)
            let added = queued
            queued.removeAll()
            pthread_mutex_unlock(mutex)
            for transfer in added {
                let code = curl_multi_add_handle(multi, transfer.easy)
                if code == CURLM_OK {
                    active[transfer.easy] = transfer
                } else {
                    ownDone = ownDone || transfer === own
                    complete(transfer, CURLE_FAILED_INIT)
                }
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = ccurl_msg_result(message)
                curl_multi_remove_handle(multi, easy)
                if let transfer = active.removeValue(forKey: easy) {
                    ownDone = ownDone || transfer === own
                    complete(transfer, code)
                }
            }
            if !ownDone { _ = curl_multi_poll(multi, nil, 0, Self.pollMilliseconds, nil) }
        }
    }

    private func complete(_ transfer: Transfer, _ code: CURLcode) {
        pthread_mutex_lock(mutex)
        transfer.result = code
        pthread_cond_signal(transfer.condition)
        pthread_mutex_unlock(mutex)
    }
}
