internal import CRdKafka
import Platform

/// Leaving the group, bounded even when librdkafka is not.
///
/// Every call that changes a group member's assignment (`rd_kafka_assign`, `rd_kafka_incremental_unassign`) and
/// `rd_kafka_rebalance_protocol` are requests to librdkafka's group thread that wait for its answer with no
/// timeout (`rd_kafka_op_req` with `RD_POLL_INFINITE`). librdkafka 2.0.2 can fail to answer during a close: a
/// cooperative consumer's close was seen blocked in `rd_kafka_incremental_unassign` for over ten minutes, the
/// group thread idle (upstream issues #4527, fixed in 2.4.0, and #4884). A supervisor stopping would then hang
/// until systemd killed it.
///
/// So the blocking part of ``KafkaConsumer/close(within:)`` runs on a thread of its own, and the caller waits for it
/// only until the deadline. A close that finishes in time is joined, so nothing of it outlives the call. Past the
/// deadline the caller goes on as after any close that did not finish (the group notices by session timeout), and
/// the thread keeps the handle, the queues and the readiness pipe alive: if librdkafka answers later, the close
/// finishes there and the handle is destroyed then; if it never answers, they stay until the process exits. No log
/// line reaches the log handler once the caller has given up.
final class ClosingJob: @unchecked Sendable {
    // Owned by the closing thread from `run(within:)` on; the caller touches none of them again.
    private let client: RDKafkaClient
    private let queue: RDKafkaQueue
    private let readiness: WakeupPipe
    private let logHandler: KafkaLogHandler?
    private let pendingRevocation: PendingRevocation?
    private let stallForTesting: (@Sendable () -> Void)?

    private struct State {
        var outcome: Result<Bool, KafkaError>?
        /// Set when the caller stops waiting: log lines are dropped from then on.
        var abandoned = false
    }

    private let state = Locked(State())

    init(
        client: RDKafkaClient, queue: RDKafkaQueue, readiness: WakeupPipe, logHandler: KafkaLogHandler?,
        pendingRevocation: PendingRevocation?, stallForTesting: (@Sendable () -> Void)?
    ) {
        self.client = client
        self.queue = queue
        self.readiness = readiness
        self.logHandler = logHandler
        self.pendingRevocation = pendingRevocation
        self.stallForTesting = stallForTesting
    }

    /// Closes on a thread of its own and waits until `timeout` has passed. Returns whether the close completed.
    func run(within timeout: Duration) throws(KafkaError) -> Bool {
        let deadline = ContinuousClock.now + timeout
        let thread: PlatformThread
        do {
            thread = try PlatformThread.start { [self] in
                let outcome: Result<Bool, KafkaError>
                do throws(KafkaError) {
                    outcome = .success(try close(by: deadline))
                } catch {
                    outcome = .failure(error)
                }
                state.withLock { $0.outcome = outcome }
                state.broadcast()
            }
        } catch {
            // No thread to spare: close here, as bounded as librdkafka allows.
            return try close(by: deadline)
        }
        // A little past the deadline, for the answer of a close that gave up in time on its own.
        let waitUntil = Instant.now() + max(deadline - ContinuousClock.now, .zero) + .milliseconds(100)
        let outcome = state.wait(until: { $0.outcome }, deadline: waitUntil)
        guard let outcome else {
            state.withLock { $0.abandoned = true }
            thread.detach()
            return false
        }
        // The thread is about to end: joining it means its references are gone, so the handle is destroyed on the
        // caller's thread as before, never concurrently with the process's exit.
        thread.join()
        return try outcome.get()
    }

    /// The close itself: applies the pending revocation, then `rd_kafka_consumer_close_queue`, serving the close
    /// queue until librdkafka reports the consumer closed or `deadline` passes.
    private func close(by deadline: ContinuousClock.Instant) throws(KafkaError) -> Bool {
        stallForTesting?()
        var deferredError: KafkaError?
        if let pending = pendingRevocation {
            if pending.incremental {
                if let error = rd_kafka_incremental_unassign(client.handle, pending.partitions.handle) {
                    deferredError = KafkaError.consuming(error)
                }
            } else {
                let err = rd_kafka_assign(client.handle, nil)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR { deferredError = KafkaError.rdKafka(err, message: "unassign") }
            }
        }
        let closing = try RDKafkaQueue.temporary(for: client)
        _ = rd_kafka_set_log_queue(client.handle, closing.handle)
        defer {
            while let event = queue.poll(timeoutMilliseconds: 0) { forwardLog(event) }
            readiness.drain()
        }
        if let error = rd_kafka_consumer_close_queue(client.handle, closing.handle) {
            let code = rd_kafka_error_code(error)
            let text = String(optionalCString: rd_kafka_error_string(error)) ?? ""
            rd_kafka_error_destroy(error)
            throw KafkaError.rdKafka(code, message: "rd_kafka_consumer_close_queue: \(text)")
        }
        while rd_kafka_consumer_closed(client.handle) == 0 {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            guard
                let event = closing.poll(
                    timeoutMilliseconds: Int32(min(left, .milliseconds(100)).wholeMilliseconds) + 1)
            else {
                continue
            }
            if event.type == Int32(RD_KAFKA_EVENT_REBALANCE) {
                // Closing revokes everything: give it up at once, under either protocol.
                if client.rebalanceProtocol == "COOPERATIVE" {
                    if let error = rd_kafka_incremental_unassign(client.handle, event.topicPartitionList) {
                        rd_kafka_error_destroy(error)
                    }
                } else {
                    _ = rd_kafka_assign(client.handle, nil)
                }
            }
            forwardLog(event)
        }
        if let deferredError { throw deferredError }
        return true
    }

    private func forwardLog(_ event: RDKafkaEvent) {
        guard event.type == Int32(RD_KAFKA_EVENT_LOG), let logHandler, let line = event.logLine(of: client) else {
            return
        }
        // Under the lock, so that no line is delivered after the caller has given up and moved on.
        state.withLock { state in
            if !state.abandoned { logHandler(line) }
        }
    }
}
