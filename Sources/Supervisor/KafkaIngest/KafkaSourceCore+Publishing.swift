import Platform
import Events
import IPC
import KafkaClient
import Logging
import SagaBridge
import SupervisorCore

/// Publishing events and dead letters.
///
/// Transient failures (brokers down, leader moves, a full local queue) are retried with backoff for as long as
/// they last: the command stays uncommitted meanwhile, and after `kafka.publish_stall_timeout` the source turns
/// not ready. A failure no retry can cure (``KafkaError/Code/isPermanentForProduce``: too large, invalid, not
/// authorized) is resolved at once so the partition moves on: an event is replaced by an `unpublishable_event`
/// dead letter; a dead letter that is itself refused is dropped, logged at error level and counted
/// (`k8s_worker_kafka_records_dropped_total`). README, "Record sizes and unpublishable records".
extension KafkaSourceCore {
    /// The supervisor finished the command from `origin` (ordering key `key`) with `outcome`: publish its events;
    /// the offset is done once they are delivered.
    ///
    /// - Parameter wallClock: the time written into the events.
    mutating func commandFinished(
        _ origin: CommandOrigin, key: String, outcome: CommandOutcome, now: Instant, wallClock: Timestamp
    ) -> [Action] {
        guard let state = pending[origin] else {
            // Its partition was revoked or lost meanwhile: the new owner redoes it, with the same event ids.
            return [
                .log(
                    .debug, "result for a released partition dropped",
                    logContext(for: origin).merging(["execution.id": "\(key)"]) { $1 })
            ]
        }
        guard let command = state.command else { return [] }
        let plan = OutcomeEvents.plan(
            for: command, outcome: outcome, layout: settings.layout, now: wallClock, trace: state.trace)
        var actions: [Action] = []
        if let anomaly = plan.anomaly {
            actions.append(
                .log(
                    .warning, "unexpected outcome",
                    logContext(for: origin).merging(["detail": "\(anomaly)"]) { $1 }))
        }
        if plan.records.isEmpty {
            pending[origin] = nil
            tracker.markDone(partition: origin.partition, offset: origin.offset)
            return actions
        }
        pending[origin]?.outstanding += plan.records.count  // in place: no copy of the command
        for record in plan.records { actions += publish(record, for: origin, now: now) }
        return actions
    }

    /// Produces a record on behalf of `origin`; the origin is done once all its records are delivered.
    mutating func publish(_ record: OutgoingRecord, for origin: CommandOrigin, now: Instant) -> [Action] {
        let token = newToken()
        deliveries[token] = Delivery(origin: origin, record: record, since: now)
        return send(token)
    }

    /// One more attempt at `token`'s record.
    mutating func send(_ token: UInt64) -> [Action] {
        guard let index = deliveries.index(forKey: token) else { return [] }
        deliveries.values[index].attempts += 1
        return [.produce(token: token, record: deliveries.values[index].record)]
    }

    /// The brokers acknowledged `token`'s record: its origin may be done.
    mutating func delivered(_ token: UInt64, now: Instant) {
        guard deliveries[token] != nil else { return }
        published += 1
        lastError = nil
        brokersDownSince = nil
        resolve(token, now: now)
    }

    /// The record of `token` is out of the way (delivered or dropped): its origin may be done.
    mutating func resolve(_ token: UInt64, now: Instant) {
        guard let delivery = deliveries.removeValue(forKey: token), let index = pending.index(forKey: delivery.origin)
        else { return }
        // In place: reading `pending.values[index]` would copy the whole entry, the command included.
        if pending.values[index].settleOne() {
            pending.remove(at: index)
            tracker.markDone(partition: delivery.origin.partition, offset: delivery.origin.offset)
            settled += 1
            lastSettledAt = now
        }
    }

    /// A produce call or a delivery failed: retry what may still succeed, resolve what never will.
    mutating func deliveryFailed(_ token: UInt64, error: KafkaError, now: Instant) -> [Action] {
        guard var delivery = deliveries[token] else { return [] }
        guard error.code.isPermanentForProduce else { return scheduleRetry(token, error: error, now: now) }
        permanentFailures += 1
        var context = logContext(for: delivery.origin)
        context["event.topic"] = "\(delivery.record.topic)"
        context["error"] = "\(error)"
        context["record.bytes"] = "\(delivery.record.wireSize)"
        let isEvent = delivery.record.topic != settings.layout.deadLetter
        if isEvent, let source = streams[delivery.origin.partition] {
            let log = Action.log(.error, "event refused by Kafka for good; dead-lettering it instead", context)
            delivery.record = DeadLetter.unpublishable(
                delivery.record, answering: (source.topic, source.partition, delivery.origin.offset), error: "\(error)",
                topic: settings.layout.deadLetter, maxBytes: settings.maxMessageBytes)
            delivery.attempts = 0
            deliveries[token] = delivery
            return [log] + send(token)
        }
        dropped += 1
        resolve(token, now: now)
        return [.log(.error, "record refused by Kafka for good; dropped so that its partition can move on", context)]
    }

    /// A transient failure: try again after a backoff that doubles per attempt, up to 30 s.
    mutating func scheduleRetry(_ token: UInt64, error: KafkaError, now: Instant) -> [Action] {
        guard let delivery = deliveries[token] else { return [] }
        let exponent = min(max(delivery.attempts - 1, 0), 8)
        let delay = min(settings.publishRetryBackoff * (1 << exponent), Self.maxRetryDelay)
        lastError = "\(error)"
        retries.append((now + delay, token))
        return [
            .log(
                .warning, "publish failed; will retry",
                logContext(for: delivery.origin).merging([
                    "event.topic": "\(delivery.record.topic)", "error": "\(error)", "attempt": "\(delivery.attempts)",
                    "retry_in": "\(delay)",
                ]) { $1 })
        ]
    }

    /// Attempts again every delivery whose retry time has come.
    mutating func retryDue(now: Instant) -> [Action] {
        guard !retries.isEmpty else { return [] }
        let due = retries.filter { $0.at <= now }
        retries.removeAll { $0.at <= now }
        return due.flatMap { send($0.token) }
    }

    /// The oldest record still unpublished, and since when.
    func oldestUnpublished() -> Instant? {
        deliveries.values.map(\.since).min()
    }

    /// Why publishing holds the source back: a record unpublished for longer than `kafka.publish_stall_timeout`.
    func publishStall(now: Instant) -> String? {
        guard let oldest = oldestUnpublished(), now.since(oldest) >= settings.publishStallTimeout else { return nil }
        let seconds = Int(now.since(oldest).seconds)
        return "kafka: \(deliveries.count) records unpublished, the oldest for \(seconds)s"
            + (lastError.map { " (last error: \($0))" } ?? "")
    }
}
