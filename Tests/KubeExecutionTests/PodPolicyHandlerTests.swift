import Events
import IPC
import KubeAccess
import KubeExecution
import KubeManifests
import KubeSimulator
import Logging
import Testing

/// The `pod` section through the handler: values above a maximum (clamped or refused, logged and counted), and
/// the default Pod against the simulator's model of Kueue.
@Suite struct PodPolicyHandlerTests {
    private static func handler(
        _ cluster: ClusterHarness, _ change: (inout PodPolicy) -> Void
    ) throws
        -> KubernetesHandler
    {
        var settings = cluster.settings
        change(&settings.pod)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try KubernetesHandler(settings: settings, api: cluster.workerClient, logger: logger)
    }

    private static func large(_ id: String) -> [UInt8] {
        Array(
            String(decoding: createCommand(id), as: UTF8.self).replacing(
                #""cpu_limit":"1000m""#, with: #""cpu_limit":"8""#
            ).utf8)
    }

    @Test("refuse: a CPU limit above the maximum fails the command with the field and the maximum, and is counted")
    func refuseAboveMaximum() throws {
        let cluster = try ClusterHarness()
        let handler = try Self.handler(cluster) { $0.resources.aboveMaximum = .refuse }
        let id = freshExecutionID()
        let outcome = handler.handle(
            DispatchedCommand(id: 1, attempt: 1, deadlineMilliseconds: 10_000, key: id, payload: Self.large(id)))
        guard case .failed(let reason) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason == "Failed to create pod: cpu_limit '8' is above the maximum 2000m")
        #expect(cluster.pod(id) == nil && cluster.configMap(id) == nil, "nothing is created")
        let statistics = handler.statistics()
        #expect(statistics?.resourceLimitsExceeded == ["refused/cpu_limit": 1])
        #expect(statistics?.podCreations[.init(status: "failed", language: "python")] == 1)
    }

    @Test("clamp: the Pod gets the maximum, and the clamp is counted")
    func clampAboveMaximum() throws {
        let cluster = try ClusterHarness()
        let handler = try Self.handler(cluster) { _ in }
        let id = freshExecutionID()
        let outcome = handler.handle(
            DispatchedCommand(id: 1, attempt: 1, deadlineMilliseconds: 10_000, key: id, payload: Self.large(id)))
        guard case .created = outcome else {
            Issue.record("expected created, got \(outcome)")
            return
        }
        let container = cluster.pod(id)?["spec"]?.objectValue?["containers"]?.arrayValue?.first?.objectValue
        #expect(container?["resources"]?.objectValue?["limits"]?.objectValue?["cpu"]?.stringValue == "2000m")
        #expect(handler.statistics()?.resourceLimitsExceeded == ["clamped/cpu_limit": 1])
    }

    @Test("Kueue (ClusterQueue of cpu and memory): the default Pod is admitted and runs")
    func kueueAdmitsTheDefaultPod() throws {
        let cluster = try ClusterHarness {
            $0.kueue = KueueAdmission()
            $0.phaseProgression = PhaseProgression(runningAfter: .milliseconds(20), succeededAfter: nil)
        }
        let id = freshExecutionID()
        guard case .created = try cluster.run(createCommand(id)) else {
            Issue.record("not created")
            return
        }
        #expect(TestPolling.eventually { cluster.pod(id)?["status"]?.objectValue?["phase"]?.stringValue == "Running" })
        #expect(cluster.pod(id)?["spec"]?.objectValue?["schedulingGates"] == nil)
        #expect(cluster.simulator.kueuePendingReason(namespace: cluster.namespace, pod: "executor-" + id) == nil)
    }

    @Test("Kueue: a Pod requesting ephemeral-storage stays gated, and the Workload says which resource")
    func kueueGatesEphemeralStorage() throws {
        let cluster = try ClusterHarness {
            $0.kueue = KueueAdmission()
            $0.phaseProgression = PhaseProgression(runningAfter: .milliseconds(20), succeededAfter: nil)
        }
        let handler = try Self.handler(cluster) {
            $0.resources.ephemeralStorage = EphemeralStorage(request: .mebibytes(16), limit: .mebibytes(64))
        }
        let id = freshExecutionID()
        guard
            case .created = handler.handle(
                DispatchedCommand(id: 1, attempt: 1, deadlineMilliseconds: 10_000, key: id, payload: createCommand(id)))
        else {
            Issue.record("not created")
            return
        }
        let pod = try #require(cluster.pod(id))
        #expect(
            pod["spec"]?.objectValue?["schedulingGates"]?.arrayValue?.first?.objectValue?["name"]?.stringValue
                == "kueue.x-k8s.io/admission")
        let condition = pod["status"]?.objectValue?["conditions"]?.arrayValue?.first?.objectValue
        #expect(
            condition?["type"]?.stringValue == "PodScheduled" && condition?["reason"]?.stringValue == "SchedulingGated")
        #expect(
            cluster.simulator.kueuePendingReason(namespace: cluster.namespace, pod: "executor-" + id)
                == "couldn't assign flavors to pod set main: resource ephemeral-storage unavailable in ClusterQueue")
        // Well past the progression delay it is still Pending: gated Pods never start.
        #expect(
            !TestPolling.eventually(within: 0.3) {
                cluster.pod(id)?["status"]?.objectValue?["phase"]?.stringValue != "Pending"
            })
    }
}
