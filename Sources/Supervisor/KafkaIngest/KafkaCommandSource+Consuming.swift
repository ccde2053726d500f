import Platform
import KafkaClient
import Logging
import SupervisorCore

extension KafkaCommandSource {
    /// Drains the consumer's events without blocking, feeding each into the core.
    func handleConsumerEvents(now: Instant) {
        guard let consumer else { return }
        let events = consumer.poll(maxEvents: Self.pollBatch)
        // librdkafka signals the readiness descriptor only when its queue turns non-empty: a full batch means more
        // may be waiting with no signal coming, so the next turn must poll again at once.
        consumerMayHaveMore = events.count == Self.pollBatch
        for event in events {
            switch event {
            case .message(let message):
                perform(core.consumed(message, now: now, wallClock: .now()), now: now)
            case .partitionsAssigned(let partitions):
                perform(core.partitionsAssigned(partitions), now: now)
            case .partitionsRevoked(let partitions):
                let withdraw: (Set<Int32>) -> [CommandOrigin] = { [control] streams in
                    control?.withdrawQueued { streams.contains($0.partition) } ?? []
                }
                perform(core.partitionsRevoked(partitions, now: now, withdrawQueued: withdraw), now: now)
            case .partitionsLost(let partitions):
                perform(core.partitionsLost(partitions), now: now)
            case .offsetsCommitted(let result):
                perform(core.commitCompleted(result), now: now)
            case .error(let error):
                perform(core.consumerError(error, now: now), now: now)
            case .committedOffsetsUnavailable:
                core.committedOffsetsUnavailable(now: now)
            }
        }
    }
}
