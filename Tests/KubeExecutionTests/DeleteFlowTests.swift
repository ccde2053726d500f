import KubeSimulator
import Events
import IPC
import KubeClient
import KubeExecution
import Testing

/// `delete_pod_command` against the simulator: the execution's objects go, 404 is done, foreign Pods stay.
@Suite struct DeleteFlowTests {
    @Test("delete: the Pod and its ConfigMap are gone; a second delete is done too (404)")
    func deleteRemovesEverything() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        _ = try cluster.run(createCommand(id))
        let outcome = try cluster.run(deleteCommand(id))
        #expect(outcome == .deleted(podName: "executor-" + id, namespace: cluster.namespace))
        #expect(TestPolling.eventually { cluster.pod(id) == nil && cluster.configMap(id) == nil })
        let deleteCall = cluster.simulator.requestLog.first { $0.verb == "delete" && $0.resource == "pods" }
        #expect(deleteCall != nil)
        #expect(try cluster.run(deleteCommand(id)) == .deleted(podName: "executor-" + id, namespace: cluster.namespace))
    }

    @Test("delete of an execution that never ran: done, nothing else touched")
    func deleteOfNothingIsDone() throws {
        let cluster = try ClusterHarness()
        let other = freshExecutionID()
        _ = try cluster.run(createCommand(other))
        let id = freshExecutionID()
        #expect(try cluster.run(deleteCommand(id)) == .deleted(podName: "executor-" + id, namespace: cluster.namespace))
        #expect(cluster.pod(other) != nil && cluster.configMap(other) != nil)
    }

    @Test("delete of a Pod that is not ours: refused, the Pod stays")
    func foreignPodIsNotDeleted() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        let foreign =
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"executor-\#(id)","labels":{"app":"someone-else"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#
        _ = try cluster.client.create(
            "/api/v1/namespaces/\(cluster.namespace)/pods", body: Array(foreign.utf8), deadline: .after(.seconds(5)))
        guard case .failed = try cluster.run(deleteCommand(id)) else {
            Issue.record("a foreign Pod must not be deleted")
            return
        }
        #expect(cluster.pod(id) != nil)
    }

    @Test("a delete naming another execution's Pod is refused before any call")
    func mismatchedPodNameIsRefused() throws {
        let cluster = try ClusterHarness()
        let before = cluster.simulator.nextRequestSequence
        guard
            case .failed(let reason) = try cluster.run(
                deleteCommand(freshExecutionID(), podName: "executor-someone-else"))
        else {
            Issue.record("expected failed")
            return
        }
        #expect(reason.contains("pod_name"))
        #expect(cluster.simulator.nextRequestSequence == before)
    }

    @Test("delete while the API is down: retry later, then done")
    func deleteDuringOutage() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        _ = try cluster.run(createCommand(id))
        cluster.simulator.setFaults(FaultConfiguration(rules: [FaultRule(.serviceUnavailable)]))
        guard case .retryLater = try cluster.run(deleteCommand(id), deadline: .seconds(2)) else {
            Issue.record("expected retryLater")
            return
        }
        #expect(cluster.pod(id) != nil)
        cluster.simulator.resetFaults()
        #expect(try cluster.run(deleteCommand(id)) == .deleted(podName: "executor-" + id, namespace: cluster.namespace))
        #expect(TestPolling.eventually { cluster.pod(id) == nil && cluster.configMap(id) == nil })
    }
}
