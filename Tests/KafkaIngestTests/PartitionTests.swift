import Platform
import Events
import IPC
import KafkaClient
import SagaBridge
import SupervisorCore
import Testing

@testable import KafkaIngest

/// Backpressure, revocations, lost partitions and readiness.
@Suite struct PartitionTests {
    @Test func pausesAtMaxBufferedAndResumesAtHalf() {
        var core = KafkaSourceCore(settings: settings(maxBuffered: 4), assigned: [p0])
        core.consume(0...2)
        #expect(core.adjustBackpressure().isEmpty)
        core.consume(3...3)
        #expect(core.adjustBackpressure() == [.pause([p0])])
        #expect(core.paused)
        #expect(core.adjustBackpressure().isEmpty, "paused once")
        _ = core.fetch(max: 1)
        #expect(core.adjustBackpressure().isEmpty, "3 buffered is above half of 4")
        _ = core.fetch(max: 1)
        #expect(core.adjustBackpressure() == [.resume([p0])])
        #expect(!core.paused)
    }

    @Test func aRefusedPauseOrResumeIsTriedAgain() {
        var core = KafkaSourceCore(settings: settings(maxBuffered: 2), assigned: [p0])
        core.consume(0...1)
        #expect(core.adjustBackpressure() == [.pause([p0])])
        core.pauseFailed()
        #expect(core.adjustBackpressure() == [.pause([p0])])
        _ = core.fetch(max: 2)
        #expect(core.adjustBackpressure() == [.resume([p0])])
        core.resumeFailed()
        #expect(core.adjustBackpressure() == [.resume([p0])])
    }

    @Test func bufferedBytesPauseToo() {
        let size = createCommand.count
        var core = KafkaSourceCore(settings: settings(maxBufferedBytes: 2 * size), assigned: [p0])
        core.consume(0...0)
        #expect(core.adjustBackpressure().isEmpty)
        core.consume(1...1)
        #expect(core.adjustBackpressure() == [.pause([p0])])
        _ = core.fetch(max: 1)
        #expect(core.adjustBackpressure() == [.resume([p0])])
    }

    @Test func aRevocationWaitsForInFlightWorkThenCommitsAndReleases() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0, p1])
        core.consume(0...1)
        core.consume(0...0, of: p1)
        core.consume(2...2)
        // 0 and 1 of p0 are with the supervisor (1 still queued there), 2 is buffered here.
        #expect(core.fetch(max: 2).map(\.origin.offset) == [0, 1])
        var asked: Set<Int32> = []
        let begin = core.partitionsRevoked([p0], now: ms(0)) { streams in
            asked = streams
            return [CommandOrigin(partition: 0, offset: 1)]
        }
        #expect(asked == [0])
        #expect(logs(begin) == ["info: partitions revoked: finishing their in-flight work"])
        #expect(core.fetch(max: 10).map(\.origin) == [CommandOrigin(partition: 1, offset: 0)], "p0's buffer dropped")
        // A record of the revoked partition that still arrives is left for the next owner.
        #expect(core.consume(3...3).isEmpty)
        #expect(core.consumed == 4)

        #expect(core.progressRevocation(now: ms(100)) { _ in 1 }.isEmpty, "offset 0 still runs")
        let events = core.finishCreated(0, at: ms(200))
        #expect(core.progressRevocation(now: ms(300)) { _ in 0 }.isEmpty, "its events are not delivered yet")
        core.deliverAll(events)
        let done = core.progressRevocation(now: ms(400)) { _ in 0 }
        #expect(done == [.commitBeforeRelease([offset(p0, 1)]), .withdrawQueued(streams: [0]), .completeRevocation])
        #expect(core.assigned == [p1])
        #expect(core.revocation == nil)
        #expect(core.committableOffsets().map(\.partition) == [1], "p0 is no longer this supervisor's to commit")
    }

    @Test func theRevocationDeadlineReleasesWithWorkStillInFlight() {
        var core = KafkaSourceCore(settings: settings(revocationTimeout: .seconds(30)), assigned: [p0])
        core.consume(0...1)
        _ = core.fetch(max: 2)
        _ = core.partitionsRevoked([p0], now: ms(0)) { _ in [] }
        core.deliverAll(core.finishCreated(0, at: ms(10)))
        #expect(core.nextDeadline(now: ms(20)) == ms(70), "checked again within 50 ms")
        #expect(core.progressRevocation(now: ms(29_999)) { _ in 1 }.isEmpty)
        let released = core.progressRevocation(now: ms(30_000)) { _ in 1 }
        #expect(
            released == [
                .commitBeforeRelease([offset(p0, 1)]),
                .log(.warning, "revocation deadline passed with work in flight; releasing the partitions anyway", [:]),
                .withdrawQueued(streams: [0]), .completeRevocation,
            ])
        // The late result is the next owner's to redo: nothing is published for it.
        let late = core.finishCreated(1, at: ms(31_000))
        #expect(produced(late).isEmpty)
        #expect(logs(late) == ["debug: result for a released partition dropped"])
        #expect(core.pending.isEmpty)
    }

    /// The supervisor counts a command's age from its own timestamp (`workers.max_command_age`).
    @Test func commandsCarryTheirTimestamp() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        // Issued a minute before it is consumed.
        let issued = Timestamp(secondsSinceEpoch: 1_772_832_493, microsecond: 250_004)!
        let value = String(decoding: createCommand, as: UTF8.self)
            .replacing(wallClock.iso8601, with: issued.iso8601)
        #expect(value.contains(issued.iso8601))
        _ = core.consumed(message(0, value: Array(value.utf8)), now: ms(0), wallClock: wallClock)
        let fetched = core.fetch(max: 1)
        #expect(fetched.count == 1)
        #expect(fetched.first?.issuedAtMilliseconds == 1_772_832_493_250)
    }

    @Test func lostPartitionsDropTheirPendingStateWithoutCommitting() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        core.consume(0...2)
        _ = core.fetch(max: 2)
        let unpublished = core.finishCreated(0)
        // A revocation in progress is abandoned too.
        _ = core.partitionsRevoked([p0], now: ms(0)) { _ in [] }
        let lost = core.partitionsLost([p0])
        #expect(lost.contains(.completeRevocation))
        #expect(lost.contains(.withdrawQueued(streams: [0])))
        #expect(!lost.contains { if case .commitBeforeRelease = $0 { true } else { false } })
        #expect(logs(lost).first == "warning: partitions lost")
        #expect(core.revocation == nil)
        #expect(core.fetch(max: 10).isEmpty, "the buffered record is dropped")
        #expect(core.pending[CommandOrigin(partition: 0, offset: 1)] == nil, "the in-flight command is forgotten")
        #expect(core.committableOffsets().isEmpty)
        #expect(core.commitIfDue(now: ms(0)).isEmpty)
        #expect(core.readinessProblem(now: ms(0)) == "kafka: waiting for the consumer group to assign partitions")
        // Deliveries still under way finish without reviving anything.
        core.deliverAll(unpublished)
        #expect(core.committableOffsets().isEmpty)
        #expect(produced(core.finishCreated(1)).isEmpty)
    }

    @Test func aNewAssignmentRestartsTrackingAtTheCommittedPosition() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        core.consume(0...1)
        // Assigned again (its committed position is where the consumer resumes): what was tracked is forgotten.
        #expect(logs(core.partitionsAssigned([p0])) == ["info: partitions assigned"])
        core.consume(5...5)
        #expect(core.committableOffsets() == [offset(p0, 5)])
        _ = core.partitionsLost([p0])
        #expect(core.readinessProblem(now: ms(0)) != nil)
        _ = core.partitionsAssigned([p0])
        #expect(core.readinessProblem(now: ms(0)) == nil, "a member of the group again")
    }

    @Test func aPublishStallMakesTheSourceNotReady() {
        var core = KafkaSourceCore(settings: settings(publishStallTimeout: .seconds(60)))
        #expect(core.readinessProblem(now: ms(0)) == "kafka: waiting for the consumer group to assign partitions")
        _ = core.partitionsAssigned([p0])
        #expect(core.readinessProblem(now: ms(0)) == nil)
        core.consume(0...0)
        _ = core.fetch(max: 1)
        let records = produced(core.finishCreated(0, at: ms(0)))
        _ = core.deliveryFailed(records[0].token, error: queueFull, now: ms(0))
        #expect(core.readinessProblem(now: ms(59_999)) == nil)
        #expect(
            core.readinessProblem(now: ms(60_000))
                == "kafka: 2 records unpublished, the oldest for 60s (last error: \(queueFull))")
        #expect(produced(core.retryDue(now: ms(60_000))).map(\.token) == [records[0].token])
        for record in records { core.delivered(record.token, now: ms(60_001)) }
        #expect(core.readinessProblem(now: ms(60_000)) == nil)
    }

    @Test func allBrokersDownIsNotReadyUntilContactOrTheSessionTimeout() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        let down = KafkaError(code: .allBrokersDown, message: "all brokers are down")
        #expect(logs(core.consumerError(down, now: ms(0))) == ["warning: kafka consumer error"])
        #expect(core.readinessProblem(now: ms(1000)) == "kafka: all brokers down")
        // Still down after the session timeout (45 s): a real outage loses the assignment instead.
        #expect(core.readinessProblem(now: ms(45_000)) == nil)
        core.consume(0...0)
        _ = core.consumerError(down, now: ms(50_000))
        #expect(core.readinessProblem(now: ms(50_001)) == "kafka: all brokers down")
        core.consume(1...1, at: ms(50_002))
        #expect(core.readinessProblem(now: ms(50_003)) == nil, "a record is a sign of broker contact")
    }

    @Test func unavailableCommittedOffsetsRejoinOnceAfterTheRevocation() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        core.committedOffsetsUnavailable(now: ms(0))
        core.committedOffsetsUnavailable(now: ms(100))
        func rejoin(_ now: Instant) -> [KafkaSourceCore.Action] {
            core.rejoinIfDue(now: now, cooperative: false) { _ in [] }
        }
        #expect(rejoin(ms(499)).isEmpty)
        _ = core.partitionsRevoked([p0], now: ms(450)) { _ in [] }
        #expect(rejoin(ms(500)).isEmpty, "waits for the revocation to end")
        _ = core.progressRevocation(now: ms(600)) { _ in 0 }
        #expect(rejoin(ms(600)) == [.rejoin])
        #expect(rejoin(ms(2000)).isEmpty, "once")
        core.rejoinFailed(now: ms(2000))
        #expect(rejoin(ms(2500)) == [.rejoin])
    }

    @Test func aMissingTopicIsNotReadyEvenWithAnAssignmentAndNamesTheFirstProblem() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        #expect(core.readinessProblem(now: ms(0)) == nil)
        let missing = "does not exist (kafka.layout: standard)"
        core.topicProblems = [
            .init(topic: "saga_commands", role: .command, reason: missing),
            .init(topic: "execution_events", role: .event, reason: missing),
        ]
        #expect(
            core.readinessProblem(now: ms(0))
                == "kafka: command topic 'saga_commands' \(missing) (and 1 more topic problems)")
        core.topicProblems = []
        #expect(core.readinessProblem(now: ms(0)) == nil, "ready once the topics exist")
    }
}
