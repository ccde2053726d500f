import IPC
import KubeClient
import KubeExecution
import Testing

/// The handler's statistics (upstream's pod and ConfigMap metrics, the client's retries) against the simulator.
@Suite struct ExecutionMetricsTests {
    static func count(_ statistics: WorkerStatistics?, _ status: String, _ language: String) -> UInt64? {
        statistics?.podCreations[.init(status: status, language: language)]
    }

    @Test("a creation, its redelivery and a refused language are counted under upstream's labels")
    func creationsAreCounted() throws {
        let cluster = try ClusterHarness()
        let handler = try cluster.handler()
        let id = freshExecutionID()
        for attempt in 1...2 {
            guard
                case .created = handler.handle(
                    DispatchedCommand(
                        id: UInt64(attempt), attempt: UInt32(attempt), deadlineMilliseconds: 10_000, key: id,
                        payload: createCommand(id)))
            else {
                Issue.record("attempt \(attempt) did not create")
                return
            }
        }
        _ = handler.handle(
            DispatchedCommand(
                id: 3, attempt: 1, deadlineMilliseconds: 10_000, key: "x",
                payload: createCommand(freshExecutionID(), language: "cobol")))
        let statistics = handler.statistics()
        #expect(Self.count(statistics, "success", "python") == 2)
        #expect(
            Self.count(statistics, "failed", "unknown") == 1, "a language outside the registry is never a label value")
        #expect(statistics?.podCreations.count == 2)
        #expect(statistics?.configMapsCreated == ["success": 1, "already_exists": 1])
        #expect(statistics?.podCreationSeconds["python"]?.count == 2)
        #expect(statistics?.podCreationsActive == 0)
        // Two creates with a POST each, plus the GETs that adopted the existing objects on the second attempt.
        #expect((statistics?.apiRequests ?? 0) >= 4)
        #expect(statistics?.apiFailures ?? 0 >= 2, "the 409s of the redelivery")
    }

    @Test("a ConfigMap refused for good counts a failed ConfigMap and a failed creation")
    func failuresAreCounted() throws {
        let cluster = try ClusterHarness()
        let refusing = FailingAPI(cluster.workerClient) { method, path in
            method == "POST" && path.hasSuffix("/configmaps")
                ? KubeAPIError(kind: .invalid, code: 422, reason: "Invalid", message: "data: Too long", attempts: 1)
                : nil
        }
        let handler = try cluster.handler(api: refusing)
        let outcome = handler.handle(
            DispatchedCommand(
                id: 1, attempt: 1, deadlineMilliseconds: 10_000, key: "k", payload: createCommand(freshExecutionID())))
        guard case .failed = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        let statistics = handler.statistics()
        #expect(Self.count(statistics, "failed", "python") == 1)
        #expect(statistics?.configMapsCreated == ["failed": 1])
        #expect(statistics?.podCreationSeconds.isEmpty == true, "durations are of successful creations only")
        // The wrapper keeps no client counters of its own.
        #expect(statistics?.apiRequests == 0)
    }
}
