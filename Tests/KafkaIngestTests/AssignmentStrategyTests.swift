import KafkaClient
import SupervisorCore
import Testing

@testable import KafkaIngest

/// `kafka.assignment_strategy`: what `auto` becomes, and what check-config says about the explicit choices.
@Suite struct AssignmentStrategyTests {
    let debian12 = KafkaLibraryVersion(version: "2.0.2", number: 0x0200_02FF)
    let fixed = KafkaLibraryVersion(version: "2.10.0", number: 0x020A_00FF)

    @Test func autoIsCooperativeOnlyWhereACommitRaceKeepsTheAssignment() {
        #expect(!debian12.keepsCooperativeAssignmentOnCommitRace)
        #expect(fixed.keepsCooperativeAssignmentOnCommitRace)
        #expect(KafkaSourceSettings.assignmentStrategy(.auto, library: debian12) == .roundRobin)
        #expect(KafkaSourceSettings.assignmentStrategy(.auto, library: fixed) == .cooperativeSticky)
        #expect(KafkaSourceSettings.assignmentStrategy(.cooperativeSticky, library: debian12) == .cooperativeSticky)
        #expect(KafkaSourceSettings.assignmentStrategy(.range, library: fixed) == .range)
        #expect(KafkaSourceSettings.assignmentStrategy(.roundrobin, library: fixed) == .roundRobin)
    }

    @Test func explicitChoicesThatCannotWorkWellAreWarnedAbout() {
        var configuration = Configuration()
        configuration.source.kind = .kafka
        #expect(configuration.warnings.isEmpty)
        #expect(KafkaSourceSettings.warnings(configuration, library: debian12).isEmpty, "auto needs no warning")

        configuration.kafka.assignmentStrategy = .cooperativeSticky
        #expect(KafkaSourceSettings.warnings(configuration, library: fixed).isEmpty)
        let race = KafkaSourceSettings.warnings(configuration, library: debian12)
        #expect(race.count == 1)
        #expect(race.first?.contains("librdkafka issue #4059") == true)

        configuration.kafka.assignmentStrategy = .range
        #expect(configuration.warnings.contains { $0.hasPrefix("kafka.assignment_strategy: range is eager") })
        configuration.source.kind = .lines
        #expect(configuration.warnings.isEmpty, "nothing to say without Kafka")
    }

    @Test func staticMembershipWithAVeryLongSessionIsWarnedAbout() {
        var configuration = Configuration()
        configuration.source.kind = .kafka
        configuration.kafka.sessionTimeout = .seconds(600)
        #expect(configuration.warnings.contains { $0.hasPrefix("kafka.session_timeout: ") })
        configuration.kafka.groupInstanceID = "none"
        #expect(configuration.warnings.isEmpty)
    }

    @Test func groupInstanceSettingsAreValidated() {
        for valid in ["auto", "none", "worker-a", "ns.pod_1", String(repeating: "x", count: 249)] {
            #expect(Configuration.Kafka.isValidGroupInstanceSetting(valid), "\(valid)")
        }
        for invalid in ["", "a b", "pod/1", "é", String(repeating: "x", count: 250)] {
            #expect(!Configuration.Kafka.isValidGroupInstanceSetting(invalid), "\(invalid)")
        }
    }
}
