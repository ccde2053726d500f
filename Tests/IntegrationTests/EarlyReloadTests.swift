import Glibc
import KubeSimulator
import Testing

extension Integration {
    /// A reload asked for before the supervisor is ready.
    @Suite struct EarlyReload {
        @Test("SIGHUP during the Kubernetes preflight does not end the supervisor: it becomes ready and stops cleanly")
        func hangupWhileStarting() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            // Every API answer takes 400 ms: the preflight (namespace, NetworkPolicy, pre-puller) lasts seconds.
            let simulator = try KubernetesFlow.simulator(
                directory, faults: FaultConfiguration(latency: .milliseconds(400)))
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let supervisor = SupervisorProcess(config: KubernetesFlow.kubernetesConfig(simulator))
            // The test runner blocks signals and its children inherit the mask, which would hide the default action:
            // start from an empty mask, as systemd and a shell do.
            let emptyMask = [
                "/usr/bin/python3", "-c",
                "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
            ]
            supervisor.start(prefix: emptyMask)
            // Once main runs (its first log line), and while the first API call is still unanswered.
            #expect(TestSupport.eventually(within: 30) { supervisor.log().contains("k8s-worker starting") })
            #expect(!supervisor.log().contains("supervisor started"), "still in the preflight")
            supervisor.signal(SIGHUP)
            #expect(
                supervisor.notify.waitFor(60) { $0.fields["READY"] == "1" } != nil,
                "log: \(supervisor.log().suffix(2000))")
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0, "log: \(supervisor.log().suffix(2000))")
        }
    }
}
