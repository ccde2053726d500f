import Platform
import KafkaClient
import SupervisorCore

extension KafkaCommandSource {
    /// Drains the producer's delivery reports without blocking, feeding each into the core.
    func handleDeliveryReports(now: Instant) {
        guard let producer else { return }
        let reports = producer.poll(maxEvents: Self.pollBatch)
        producerMayHaveMore = reports.count == Self.pollBatch
        for report in reports {
            if let error = report.error {
                perform(core.deliveryFailed(report.token, error: error, now: now), now: now)
            } else {
                core.delivered(report.token, now: now)
            }
        }
    }
}
