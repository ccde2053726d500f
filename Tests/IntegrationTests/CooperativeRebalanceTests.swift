import Events
import Glibc
import KafkaClient
import KubeSimulator
import Testing

extension Integration {
    /// Issue 15: a supervisor joining a busy group, with work in flight on the partitions that move and on those
    /// that stay. Kafka, two supervisors, workers with the Kubernetes handler, the simulator answering slowly.
    @Suite struct CooperativeRebalance {
        /// One JSON log line's field, as text.
        static func field(_ name: String, in line: Substring) -> String? {
            guard let start = line.range(of: "\"\(name)\":\"") else { return nil }
            let rest = line[start.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }

        /// The `ts` of the first line of `log` whose message starts with `message` and that `matches`.
        static func time(
            of message: String, in log: String, where matches: (Substring) -> Bool = { _ in true }
        )
            -> String?
        {
            log.split(separator: "\n").first { $0.contains("\"msg\":\"\(message)") && matches($0) }.flatMap {
                field("ts", in: $0)
            }
        }

        @Test(
            "a second supervisor joins while the first is busy: eager revokes everything; cooperative only what moves while the rest keeps working; nothing is lost",
            arguments: ["cooperative-sticky", "roundrobin"])
        func joinWithWorkInFlight(strategy: String) throws {
            let directory = TestSupport.makeTemporaryDirectory()
            // Three calls per create at 100 ms each: a command is in flight for about 300 ms.
            let simulator = try KubernetesFlow.simulator(
                directory, faults: FaultConfiguration(latency: .milliseconds(100)))
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let kafka = try KafkaHarness()
            let total = 150
            try kafka.send(
                (0..<total).map {
                    (executionID($0), Array(stampedNow(createTemplate.replacing("EXEC", with: executionID($0))).utf8))
                })
            let arguments = kafka.supervisorArguments([
                "workers.handler": "kubernetes", "kafka.assignment_strategy": strategy,
            ])
            let first = SupervisorProcess(config: KubernetesFlow.kubernetesConfig(simulator))
            first.start(arguments: arguments)
            kafka.observe(for: 60) { $0.count { $0.topic == "pod_events" } >= 10 }
            let second = SupervisorProcess(config: KubernetesFlow.kubernetesConfig(simulator))
            second.start(arguments: arguments)
            #expect(
                second.notify.waitFor(60) { $0.fields["STATUS"]?.contains("kafka 3 partitions") == true } != nil,
                "second: \(second.log().suffix(2000))")
            kafka.observe(for: 120) { Set($0.filter { $0.topic == "pod_events" }.map(\.key)).count >= total }

            let created = kafka.createdExecutionIDs()
            #expect(Set(created) == Set((0..<total).map(executionID)), "nothing lost")

            let firstLog = first.log()
            // Redone work (a released partition's uncommitted commands) republishes identical event ids.
            let events = kafka.observed(on: "pod_events").compactMap {
                try? PodCreatedEvent.decode($0.value, options: DecodingOptions())
            }
            for (id, same) in Dictionary(grouping: events, by: \.executionID) {
                #expect(Set(same.map(\.eventID)).count == 1, "\(id) republished with another event id")
            }
            let revoked = firstLog.split(separator: "\n").filter { $0.contains("\"msg\":\"partitions revoked") }
            let revokedNames = revoked.first.flatMap { Self.field("partitions", in: $0) }?.split(separator: " ") ?? []
            let kept = Set(0..<6).subtracting(
                revokedNames.compactMap { Int($0.split(separator: "[").last?.dropLast() ?? "") })
            // Commands of the partitions the first supervisor keeps, finished between its revocation and the moment
            // the newcomer receives the moved partitions.
            var keptWork = 0
            if let revokedAt = Self.time(of: "partitions revoked", in: firstLog),
                let movedAt = Self.time(
                    of: "partitions assigned", in: second.log(), where: { !$0.contains(#""partitions":"""#) })
            {
                keptWork = firstLog.split(separator: "\n").count { line in
                    guard line.contains("\"msg\":\"command done\""), let ts = Self.field("ts", in: line),
                        let partition = Self.field("partition", in: line).flatMap(Int.init)
                    else { return false }
                    return ts > revokedAt && ts < movedAt && kept.contains(partition)
                }
            }
            // Whether the group's committed offsets must reach the end once both stopped: not after librdkafka dropped
            // an assignment as lost, since the member that gets it next resumes from an older commit and may commit
            // below what the lost owner had reached (its work is redone with the same ids; nothing is lost).
            var committedToTheEnd = true
            if strategy == "roundrobin" {
                #expect(revokedNames.count == 6, "eager: everything is revoked")
                #expect(keptWork == 0, "eager: every partition stops")
                // The mock coordinator refuses the commit of a revocation while the group prepares a rebalance, which
                // a broker accepts; the finished work of the revoked partitions is then redone (with the same ids)
                // and the end state of the commits depends on the order of the redone work.
                committedToTheEnd = !firstLog.contains("commit on revoke failed")
            } else {
                let cooperativeAsDesigned =
                    revoked.count == 1 && revokedNames.count == 3 && keptWork > 0 && created.count == total
                    && !firstLog.contains("partitions lost")
                if KafkaLibraryVersion.current.keepsCooperativeAssignmentOnCommitRace {
                    #expect(cooperativeAsDesigned, "\(firstLog.suffix(3000))")
                } else {
                    // librdkafka before 2.10 (issue #4059): a commit that waits behind the member's own JoinGroup is
                    // answered ILLEGAL_GENERATION, and librdkafka then drops the whole assignment as lost. This is why
                    // `kafka.assignment_strategy: auto` is roundrobin with such a librdkafka.
                    let lostToTheCommitRace =
                        firstLog.contains("ILLEGAL_GENERATION") && firstLog.contains("\"msg\":\"partitions lost")
                    #expect(cooperativeAsDesigned || lostToTheCommitRace, "\(firstLog.suffix(3000))")
                    committedToTheEnd = cooperativeAsDesigned
                }
            }

            // One after the other: each commits its own partitions on the way out (static members send no
            // LeaveGroup, so the first one's partitions do not move in between).
            second.signal(SIGTERM)
            #expect(second.waitForExit(within: 30) == 0)
            first.signal(SIGTERM)
            #expect(first.waitForExit(within: 30) == 0)
            if committedToTheEnd {
                #expect(try kafka.committedTotal() == Int64(total))
            }
        }
    }
}
