import KafkaClient
import SupervisorCore
import Testing

@testable import KafkaIngest

let p2 = KafkaTopicPartition(topic: commandTopic, partition: 2)

/// The cooperative (incremental) protocol: assignments add to what is assigned, revocations take a subset, and
/// the partitions that stay keep flowing throughout.
@Suite struct IncrementalAssignmentTests {
    @Test func revokingASubsetLeavesTheOtherPartitionsWorkAndCommitsAlone() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0, p1])
        core.consume(0...1)
        core.consume(0...1, of: p1)
        // Offset 0 of both partitions is dispatched; offset 1 of both stays buffered here.
        #expect(core.fetch(max: 1).map(\.origin) == [CommandOrigin(partition: 0, offset: 0)])
        #expect(core.fetch(max: 1).map(\.origin) == [CommandOrigin(partition: 0, offset: 1)])
        _ = core.fetch(max: 0)
        core.consume(2...2)

        _ = core.partitionsRevoked([p1], now: ms(0)) { streams in
            #expect(streams == [1], "only the moving partition's queued work is withdrawn")
            return []
        }
        #expect(core.fetch(max: 10).map(\.origin) == [CommandOrigin(partition: 0, offset: 2)], "p0 keeps its buffer")
        // p0 keeps consuming and committing while p1's revocation is pending.
        core.consume(3...3)
        core.deliverAll(core.finishCreated(0, at: ms(10)))
        #expect(core.committableOffsets().contains(offset(p0, 1)))
        let released = core.progressRevocation(now: ms(20)) { _ in 0 }
        #expect(
            released == [.commitBeforeRelease([offset(p1, 0)]), .withdrawQueued(streams: [1]), .completeRevocation],
            "p1 alone is committed (at its first unfinished offset) and released")
        #expect(core.assigned == [p0])
        #expect(core.committableOffsets() == [offset(p0, 1)], "p0's position is untouched by p1's revocation")
        #expect(core.readinessProblem(now: ms(20)) == nil, "still a member with partitions")
    }

    @Test func anIncrementalAssignmentAddsWithoutResettingWhatIsAssigned() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        core.consume(0...0)
        _ = core.fetch(max: 1)
        core.deliverAll(core.finishCreated(0))
        #expect(core.committableOffsets() == [offset(p0, 1)])
        #expect(logs(core.partitionsAssigned([p1])) == ["info: partitions assigned"])
        #expect(core.assigned == [p0, p1])
        #expect(core.committableOffsets() == [offset(p0, 1)], "p0 tracked on; p1 has nothing finished yet")
        core.consume(7...7, of: p1)
        #expect(Set(core.committableOffsets()) == [offset(p0, 1), offset(p1, 7)])
    }

    @Test func partitionsAddedWhilePausedArePausedToo() {
        var core = KafkaSourceCore(settings: settings(maxBuffered: 2), assigned: [p0])
        core.consume(0...1)
        #expect(core.adjustBackpressure() == [.pause([p0])])
        let actions = core.partitionsAssigned([p1, p2])
        #expect(actions.contains(.pause([p1, p2])), "a new partition must not flow past the backpressure")
        _ = core.fetch(max: 2)
        guard case .resume(let resumed) = core.adjustBackpressure().first else {
            Issue.record("expected a resume")
            return
        }
        #expect(Set(resumed) == [p0, p1, p2])
        #expect(!core.partitionsAssigned([p2]).contains { if case .pause = $0 { true } else { false } })
    }

    @Test func losingEverythingThenBeingAssignedAgainStartsClean() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0, p1])
        core.consume(0...3)
        _ = core.partitionsLost([p0, p1])
        #expect(core.assigned.isEmpty)
        #expect(core.readinessProblem(now: ms(0)) == "kafka: waiting for the consumer group to assign partitions")
        _ = core.partitionsAssigned([p1])
        #expect(core.assigned == [p1])
        #expect(core.committableOffsets().isEmpty)
        #expect(core.readinessProblem(now: ms(0)) == nil)
    }

    @Test func unfetchedCommittedOffsetsAreFetchedAgainByALocalReassignment() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0, p1])
        core.consume(0...1)
        _ = core.fetch(max: 1)
        core.committedOffsetsUnavailable(now: ms(0))
        #expect(core.rejoinIfDue(now: ms(499), cooperative: true) { _ in [] }.isEmpty)
        var withdrawnFrom: Set<Int32> = []
        let begin = core.rejoinIfDue(now: ms(500), cooperative: true) { streams in
            withdrawnFrom = streams
            return []
        }
        #expect(!begin.contains(.rejoin), "a rejoin would give the same partitions back without fetching")
        #expect(withdrawnFrom == [0, 1])
        #expect(core.fetch(max: 10).isEmpty, "buffered records are dropped: they are read again after")
        #expect(core.progressRevocation(now: ms(600)) { _ in 1 }.isEmpty, "offset 0 still runs")
        core.deliverAll(core.finishCreated(0, at: ms(700)))
        let done = core.progressRevocation(now: ms(800)) { _ in 0 }
        #expect(
            done == [
                .commitBeforeRelease([offset(p0, 1)]), .withdrawQueued(streams: [0, 1]),
                .reassignFromCommitted([p0, p1]),
            ])
        #expect(!done.contains(.completeRevocation), "the group asked for nothing")
        _ = core.partitionsAssigned([p0, p1])
        #expect(core.assigned == [p0, p1])
        #expect(core.rejoinIfDue(now: ms(5000), cooperative: true) { _ in [] }.isEmpty, "once")
    }

    @Test func aGroupRevocationDuringTheLocalReassignmentAsksAgainAfterwards() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0, p1])
        core.committedOffsetsUnavailable(now: ms(0))
        _ = core.rejoinIfDue(now: ms(500), cooperative: true) { _ in [] }
        #expect(core.revocation?.refetch == true)
        _ = core.partitionsRevoked([p1], now: ms(600)) { _ in [] }
        #expect(core.revocation?.refetch == false)
        #expect(core.progressRevocation(now: ms(700)) { _ in 0 }.last == .completeRevocation)
        #expect(core.assigned == [p0])
        let again = core.rejoinIfDue(now: ms(1100), cooperative: true) { _ in [] }
        #expect(logs(again).first?.hasPrefix("warning: committed offsets of the assignment") == true)
        #expect(core.revocation?.partitions == [p0], "the partition that stayed is reassigned after all")
    }

    /// A supervisor left running without brokers spun at 80% of a core: a rejoin due during a revocation made
    /// every turn of the loop immediate until the revocation ended.
    @Test func aRejoinDueDuringARevocationDoesNotMakeTheLoopSpin() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        core.consume(0...0)
        _ = core.fetch(max: 1)
        core.committedOffsetsUnavailable(now: ms(0))
        _ = core.rejoinIfDue(now: ms(500), cooperative: true) { _ in [] }
        core.committedOffsetsUnavailable(now: ms(600))
        #expect(core.progressRevocation(now: ms(1200)) { _ in 1 }.isEmpty, "offset 0 still runs")
        #expect(core.nextDeadline(now: ms(1200)) == ms(1250), "the revocation's own check, not the overdue rejoin")
        core.deliverAll(core.finishCreated(0, at: ms(1300)))
        _ = core.progressRevocation(now: ms(1300)) { _ in 0 }
        #expect(core.nextDeadline(now: ms(1300)) == ms(1100), "once it ended, the rejoin is due at once")
    }

    @Test func theEagerProtocolStillRejoinsTheGroup() {
        var core = KafkaSourceCore(settings: settings(), assigned: [p0])
        core.committedOffsetsUnavailable(now: ms(0))
        #expect(core.rejoinIfDue(now: ms(500), cooperative: false) { _ in [] } == [.rejoin])
        #expect(core.revocation == nil)
    }
}
