import KafkaClient
import Logging
import SagaBridge
import SupervisorCore

extension KafkaCommandSource {
    /// Produces a record on behalf of `origin`; the origin is done once all its records are delivered.
    func publish(_ record: OutgoingRecord, for origin: CommandOrigin) {
        let token = nextToken
        nextToken += 1
        deliveries[token] = Delivery(origin: origin, record: record)
        send(token)
    }

    func send(_ token: UInt64) {
        guard let producer, var delivery = deliveries[token] else { return }
        delivery.attempts += 1
        deliveries[token] = delivery
        do {
            try producer.produce(
                topic: delivery.record.topic, key: delivery.record.key,
                value: delivery.record.valueIsNull ? nil : delivery.record.value,
                headers: delivery.record.headers.map { KafkaHeader(name: $0.name, value: $0.value) }, token: token)
        } catch {
            // A full local queue clears as reports arrive; anything else is retried with backoff too. The
            // command stays uncommitted until its events are out, whatever happens (never dropped).
            scheduleRetry(token, error: error, now: .now())
        }
    }

    /// Delivery reports: an origin is done when its last record is acknowledged.
    func handleDeliveryReports(now: Instant) {
        guard let producer else { return }
        let reports = producer.poll(maxEvents: Self.pollBatch)
        producerMayHaveMore = reports.count == Self.pollBatch
        for report in reports {
            guard let delivery = deliveries[report.token] else { continue }
            if let error = report.error {
                scheduleRetry(report.token, error: error, now: now)
                continue
            }
            deliveries[report.token] = nil
            published += 1
            lastError = nil
            brokersDownSince = nil
            guard var state = pending[delivery.origin] else { continue }
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
    }

    func scheduleRetry(_ token: UInt64, error: KafkaError, now: Instant) {
        guard let delivery = deliveries[token] else { return }
        let exponent = min(max(delivery.attempts - 1, 0), 8)
        let delay = min(settings.publishRetryBackoff * (1 << exponent), .seconds(30))
        lastError = "\(error)"
        logger.warning(
            "publish failed; will retry",
            metadata: logContext(for: delivery.origin).merging([
                "event.topic": "\(delivery.record.topic)", "error": "\(error)", "attempt": "\(delivery.attempts)", "retry_in": "\(delay)",
            ]) { $1 })
        retries.append((now + delay, token))
    }

    func retryDue(now: Instant) {
        guard !retries.isEmpty else { return }
        let due = retries.filter { $0.at <= now }
        retries.removeAll { $0.at <= now }
        for (_, token) in due { send(token) }
    }
}
