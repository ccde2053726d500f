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
extension KafkaCommandSource {
    /// Produces a record on behalf of `origin`; the origin is done once all its records are delivered.
    func publish(_ record: OutgoingRecord, for origin: CommandOrigin, now: Instant) {
        let token = nextToken
        nextToken += 1
        deliveries[token] = Delivery(origin: origin, record: record, since: now)
        send(token, now: now)
    }

    func send(_ token: UInt64, now: Instant) {
        guard let producer, var delivery = deliveries[token] else { return }
        delivery.attempts += 1
        deliveries[token] = delivery
        do {
            try producer.produce(
                topic: delivery.record.topic, key: delivery.record.key,
                value: delivery.record.valueIsNull ? nil : delivery.record.value,
                headers: delivery.record.headers.map { KafkaHeader(name: $0.name, value: $0.value) }, token: token)
        } catch {
            failed(token, error: error, now: now)
        }
    }

    /// Delivery reports: an origin is done when its last record is acknowledged.
    func handleDeliveryReports(now: Instant) {
        guard let producer else { return }
        let reports = producer.poll(maxEvents: Self.pollBatch)
        producerMayHaveMore = reports.count == Self.pollBatch
        for report in reports {
            guard deliveries[report.token] != nil else { continue }
            if let error = report.error {
                failed(report.token, error: error, now: now)
                continue
            }
            published += 1
            lastError = nil
            brokersDownSince = nil
            resolve(report.token, now: now)
        }
    }

    /// The record of `token` is out of the way (delivered or dropped): its origin may be done.
    func resolve(_ token: UInt64, now: Instant) {
        guard let delivery = deliveries.removeValue(forKey: token), var state = pending[delivery.origin] else { return }
        state.outstanding -= 1
        if state.outstanding <= 0 {
            pending[delivery.origin] = nil
            tracker.markDone(partition: delivery.origin.partition, offset: delivery.origin.offset)
            settled += 1
            lastSettledAt = now
        } else {
            pending[delivery.origin] = state
        }
    }

    /// A produce call or a delivery failed: retry what may still succeed, resolve what never will.
    func failed(_ token: UInt64, error: KafkaError, now: Instant) {
        guard var delivery = deliveries[token] else { return }
        guard error.code.isPermanentForProduce else {
            scheduleRetry(token, error: error, now: now)
            return
        }
        permanentFailures += 1
        var context = logContext(for: delivery.origin)
        context["event.topic"] = "\(delivery.record.topic)"
        context["error"] = "\(error)"
        context["record.bytes"] = "\(delivery.record.wireSize)"
        let isEvent = delivery.record.topic != settings.layout.deadLetter
        if isEvent, let source = streams[delivery.origin.partition] {
            logger.error("event refused by Kafka for good; dead-lettering it instead", metadata: context)
            delivery.record = DeadLetter.unpublishable(
                delivery.record, answering: (source.topic, source.partition, delivery.origin.offset), error: "\(error)",
                topic: settings.layout.deadLetter, maxBytes: settings.maxMessageBytes)
            delivery.attempts = 0
            deliveries[token] = delivery
            send(token, now: now)
        } else {
            dropped += 1
            logger.error(
                "record refused by Kafka for good; dropped so that its partition can move on", metadata: context)
            resolve(token, now: now)
        }
    }

    func scheduleRetry(_ token: UInt64, error: KafkaError, now: Instant) {
        guard let delivery = deliveries[token] else { return }
        let exponent = min(max(delivery.attempts - 1, 0), 8)
        let delay = min(settings.publishRetryBackoff * (1 << exponent), .seconds(30))
        lastError = "\(error)"
        logger.warning(
            "publish failed; will retry",
            metadata: logContext(for: delivery.origin).merging([
                "event.topic": "\(delivery.record.topic)", "error": "\(error)", "attempt": "\(delivery.attempts)",
                "retry_in": "\(delay)",
            ]) { $1 })
        retries.append((now + delay, token))
    }

    func retryDue(now: Instant) {
        guard !retries.isEmpty else { return }
        let due = retries.filter { $0.at <= now }
        retries.removeAll { $0.at <= now }
        for (_, token) in due { send(token, now: now) }
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
