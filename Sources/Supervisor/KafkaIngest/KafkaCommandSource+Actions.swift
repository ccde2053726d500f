import Platform
import KafkaClient
import Logging
import SupervisorCore

extension KafkaCommandSource {
    /// Carries out the core's actions in order. An action that fails is reported back to the core, and what the
    /// core answers is carried out at once, before the next action.
    func perform(_ actions: [KafkaSourceCore.Action], now: Instant) {
        for action in actions { perform(action, now: now) }
    }

    private func perform(_ action: KafkaSourceCore.Action, now: Instant) {
        switch action {
        case .produce(let token, let record):
            guard let producer else { return }
            do {
                try producer.produce(
                    topic: record.topic, key: record.key, value: record.valueIsNull ? nil : record.value,
                    headers: record.headers.map { KafkaHeader(name: $0.name, value: $0.value) }, token: token)
            } catch {
                perform(core.deliveryFailed(token, error: error, now: now), now: now)
            }
        case .commit(let offsets):
            attempt("commit failed", { consumer throws(KafkaError) in try consumer.commit(offsets) }) {
                $0.commitNotSubmitted()
            }
        case .commitBeforeRelease(let offsets):
            guard let consumer else { return }
            do {
                _ = try consumer.commitSync(offsets, timeout: .seconds(2))
                core.revocationCommitFinished(succeeded: true)
            } catch {
                core.revocationCommitFinished(succeeded: false)
                logger.warning("commit on revoke failed", metadata: ["error": "\(error)"])
            }
        case .pause(let partitions):
            attempt("pause failed", { consumer throws(KafkaError) in try consumer.pause(partitions) }) {
                $0.pauseFailed()
            }
        case .resume(let partitions):
            attempt("resume failed", { consumer throws(KafkaError) in try consumer.resume(partitions) }) {
                $0.resumeFailed()
            }
        case .withdrawQueued(let streams):
            _ = control?.withdrawQueued { streams.contains($0.partition) }
        case .completeRevocation:
            do { try consumer?.completeRevocation() } catch {
                logger.warning("completing revocation", metadata: ["error": "\(error)"])
            }
        case .rejoin:
            guard let consumer else { return }
            do {
                try consumer.subscribe(topics: settings.layout.commandTopics)
                logger.warning(
                    "committed offsets of the assignment could not be fetched; rejoined the group to fetch them again")
            } catch {
                logger.warning("rejoining the group failed; trying again", metadata: ["error": "\(error)"])
                core.rejoinFailed(now: now)
            }
        case .reassignFromCommitted(let partitions):
            guard let consumer else { return }
            do {
                try consumer.reassignFromCommittedOffsets(partitions)
                logger.warning("reassigned the partitions to fetch their committed offsets again")
            } catch {
                logger.warning("reassigning the partitions failed; trying again", metadata: ["error": "\(error)"])
                core.rejoinFailed(now: now)
            }
            // Either way they are still assigned to this consumer: track them again from the committed position.
            perform(core.partitionsAssigned(partitions), now: now)
        case .log(let level, let message, let metadata):
            logger.log(level: level, "\(message)", metadata: metadata)
        }
    }

    /// Makes a consumer call; if it fails, tells the core (`failed`) and logs `message`.
    private func attempt(
        _ message: Logger.Message, _ call: (KafkaConsumer) throws(KafkaError) -> Void,
        failed: (inout KafkaSourceCore) -> Void
    ) {
        guard let consumer else { return }
        do { try call(consumer) } catch {
            failed(&core)
            logger.warning(message, metadata: ["error": "\(error)"])
        }
    }
}
