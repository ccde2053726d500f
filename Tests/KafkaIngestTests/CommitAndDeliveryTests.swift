import Events
import IPC
import KafkaClient
import SagaBridge
import SupervisorCore
import Testing

@testable import KafkaIngest

/// Commits follow finished work; deliveries are retried, replaced or dropped as README, "Record sizes and
/// unpublishable records" describes.
@Suite struct CommitAndDeliveryTests {
    @Test func commitsOnlyPastOffsetsWhoseEventsAreDelivered() throws {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        core.consume(0...2)
        #expect(core.fetch(max: 10).map(\.origin.offset) == [0, 1, 2])
        // Nothing is done yet: the first commit names the start position.
        #expect(committed(core.commitIfDue(now: ms(0))) == [offset(p0, 0)])
        #expect(core.commitCompleted(.success([offset(p0, 0)])).isEmpty)

        // Offset 1 finishes first and its events are delivered: 0 still holds the position back.
        let second = core.finishCreated(1)
        #expect(produced(second).count == 2)
        core.deliverAll(second)
        #expect(core.commitIfDue(now: ms(1000)).isEmpty)

        // Offset 0 finishes, but its events are not acknowledged yet: still nothing to commit.
        let first = core.finishCreated(0)
        #expect(core.commitIfDue(now: ms(2000)).isEmpty)
        #expect(core.committableOffsets() == [])
        core.deliverAll(first)
        #expect(core.settled == 2)

        // Now everything below 2 is done; the commit interval has passed.
        #expect(core.commitIfDue(now: ms(2500)).isEmpty, "only once per commit interval")
        #expect(committed(core.commitIfDue(now: ms(3000))) == [offset(p0, 2)])
        // One commit at a time: the next waits for the coordinator's answer.
        core.deliverAll(core.finishCreated(2))
        #expect(core.commitIfDue(now: ms(5000)).isEmpty)
        #expect(core.commitCompleted(.success([offset(p0, 2)])).isEmpty)
        #expect(committed(core.commitIfDue(now: ms(5000))) == [offset(p0, 3)])
        #expect(core.commitsAcknowledged == 2)
    }

    @Test func aCommitThatFailsIsRetriedAtTheNextInterval() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        core.consume(0...0)
        _ = core.fetch(max: 1)
        core.deliverAll(core.finishCreated(0))
        #expect(committed(core.commitIfDue(now: ms(0))) == [offset(p0, 1)])
        let failure = core.commitCompleted(.failure(KafkaError(code: .requestTimedOut, message: "timed out")))
        #expect(logs(failure) == ["warning: commit failed; retrying at the next interval"])
        #expect(core.commitFailures == 1)
        #expect(committed(core.commitIfDue(now: ms(1000))) == [offset(p0, 1)])
        // A commit the consumer refuses to submit leaves none in flight either.
        core.commitNotSubmitted()
        #expect(committed(core.commitIfDue(now: ms(2000))) == [offset(p0, 1)])
    }

    @Test func aTransientDeliveryFailureIsRetriedWithBackoffUntilDelivered() throws {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        core.consume(0...0)
        _ = core.fetch(max: 1)
        let records = produced(core.finishCreated(0, at: ms(0)))
        let (token, record) = try #require(records.first)
        core.delivered(records[1].token, now: ms(0))

        let failure = core.deliveryFailed(token, error: queueFull, now: ms(0))
        #expect(produced(failure).isEmpty, "a transient failure is not retried at once")
        #expect(logs(failure) == ["warning: publish failed; will retry"])
        #expect(core.retryDue(now: ms(199)).isEmpty)
        let retry = core.retryDue(now: ms(200))
        #expect(retry == [.produce(token: token, record: record)])
        // The second failure waits twice as long.
        _ = core.deliveryFailed(token, error: queueFull, now: ms(200))
        #expect(core.retryDue(now: ms(599)).isEmpty)
        #expect(core.retryDue(now: ms(600)) == [.produce(token: token, record: record)])
        #expect(core.nextDeadline(now: ms(600)) == ms(1600), "no retry pending: the commit interval")
        #expect(core.committableOffsets() == [offset(p0, 0)], "uncommitted while unpublished")

        core.delivered(token, now: ms(700))
        #expect(core.committableOffsets() == [offset(p0, 1)])
        #expect(core.lastError == nil)
        #expect(core.deliveries.isEmpty)
    }

    @Test func aPermanentlyRefusedEventIsReplacedByADeadLetterAndARefusedDeadLetterIsDropped() throws {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        core.consume(0...0)
        _ = core.fetch(max: 1)
        let records = produced(core.finishCreated(0))
        core.delivered(records[1].token, now: ms(0))
        let token = records[0].token

        let replaced = core.deliveryFailed(token, error: tooLarge, now: ms(0))
        #expect(logs(replaced) == ["error: event refused by Kafka for good; dead-lettering it instead"])
        let letter = try #require(produced(replaced).first)
        #expect(letter.token == token)
        #expect(letter.record.topic == "saga_commands.dlq")
        #expect(core.permanentFailures == 1)
        #expect(core.committableOffsets() == [offset(p0, 0)], "the dead letter is not delivered yet")

        let dropped = core.deliveryFailed(token, error: tooLarge, now: ms(0))
        #expect(produced(dropped).isEmpty)
        #expect(logs(dropped) == ["error: record refused by Kafka for good; dropped so that its partition can move on"])
        #expect(core.dropped == 1)
        #expect(core.permanentFailures == 2)
        #expect(core.committableOffsets() == [offset(p0, 1)], "the partition moves on")
    }

    @Test func aPoisonRecordIsDeadLetteredAndCommittedOnceTheLetterIsDelivered() throws {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        let actions = core.consumed(message(0, value: Array("{not json".utf8)), now: ms(0), wallClock: wallClock)
        #expect(logs(actions) == ["warning: record dead-lettered"])
        let letter = try #require(produced(actions).first)
        #expect(letter.record.topic == "saga_commands.dlq")
        #expect(core.fetch(max: 10).isEmpty, "nothing for the workers")
        #expect(core.deadLettered == 1)
        #expect(core.committableOffsets() == [offset(p0, 0)])
        core.delivered(letter.token, now: ms(0))
        #expect(core.committableOffsets() == [offset(p0, 1)])
    }

    @Test func aCommandWithoutEventsIsDoneAtOnceAndAnAnomalyIsLogged() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        _ = core.consumed(message(0, value: deleteCommand), now: ms(0), wallClock: wallClock)
        core.consume(1...1)
        _ = core.fetch(max: 2)
        let deleted = core.commandFinished(
            CommandOrigin(partition: 0, offset: 0), key: "k", outcome: .deleted(podName: "pod", namespace: "ns"),
            now: ms(0), wallClock: wallClock)
        #expect(deleted.isEmpty, "a finished delete publishes nothing")
        #expect(core.committableOffsets() == [offset(p0, 1)])
        // A create answered "completed" is a handler bug: logged, and answered with a failure event.
        let anomaly = core.commandFinished(
            CommandOrigin(partition: 0, offset: 1), key: "k", outcome: .completed, now: ms(0), wallClock: wallClock)
        #expect(logs(anomaly) == ["warning: unexpected outcome"])
        #expect(produced(anomaly).map(\.record.topic) == ["execution_events"])
    }
}
