import Events
import Glibc
import IPC
import KubeClient
import KubeExecution
import KubeSimulator
import Platform
import TestKit
import Testing

/// Errors that clear are waited out, permanent ones end (issue 12, item 4), and commands expire (item 5): a full
/// ResourceQuota is a "retry later", a 500 that never changes gives up after `workers.max_create_attempts`, and a
/// create older than `workers.max_command_age` creates nothing. Against the simulator under the shipped RBAC
/// policy, so the worker is shown to need no right on resourcequotas.
@Suite struct QuotaAttemptsExpiryTests {
    static func quota(pods: Int) -> JSONValue {
        .object(
            JSONObject([
                .init(key: "apiVersion", value: .string("v1")), .init(key: "kind", value: .string("ResourceQuota")),
                .init(key: "metadata", value: .object(JSONObject([.init(key: "name", value: .string("executors"))]))),
                .init(
                    key: "spec",
                    value: .object(
                        JSONObject([
                            .init(
                                key: "hard",
                                value: .object(JSONObject([.init(key: "pods", value: .string(String(pods)))])))
                        ]))),
            ]))
    }

    /// A Pod of someone else that fills the quota.
    static let blocker = TestSupportJSON.parse(
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"blocker"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#
    )

    /// A cluster whose namespace holds a quota of one Pod, filled by `blocker`.
    static func fullQuota() throws -> ClusterHarness {
        let cluster = try ClusterHarness()
        let admin = try cluster.admin()
        #expect(
            try admin.request("POST", "/api/v1/namespaces/\(cluster.namespace)/resourcequotas", json: quota(pods: 1))
                .status == 201)
        #expect(try admin.request("POST", "/api/v1/namespaces/\(cluster.namespace)/pods", json: blocker).status == 201)
        return cluster
    }

    static func quotaRefusals(_ cluster: ClusterHarness) -> Int {
        cluster.simulator.requestLog.filter { $0.verb == "create" && $0.resource == "pods" && $0.status == 403 }.count
    }

    // MARK: Quota

    @Test("a full quota is a retry-later, not a failure; once a Pod finishes the retry creates the execution")
    func quotaWaitsForAPodToFinish() throws {
        let cluster = try Self.fullQuota()
        let id = freshExecutionID()
        let outcome = try cluster.run(createCommand(id), deadline: .seconds(2))
        guard case .retryLater(let reason, let createAttempts) = outcome else {
            Issue.record("expected retryLater, got \(outcome)")
            return
        }
        #expect(reason.contains("ResourceQuota"))
        #expect(createAttempts == 0, "a quota refusal is not a 500")
        #expect(Self.quotaRefusals(cluster) >= 2, "retried inside the client, like a 429")
        #expect((cluster.workerClient.statistics.retries["quota"] ?? 0) >= 1)
        #expect(cluster.pod(id) == nil && cluster.configMap(id) == nil)
        #expect(cluster.simulator.counters.authorizationDenials == 0, "the worker needs no right on resourcequotas")

        try cluster.simulator.setPodPhase(namespace: cluster.namespace, name: "blocker", phase: "Succeeded")
        guard case .created = try cluster.run(createCommand(id), attempt: 2) else {
            Issue.record("once the blocker finished, the retry must create the execution")
            return
        }
        #expect(cluster.pod(id) != nil && cluster.configMap(id) != nil)
    }

    @Test("a quota raised while the worker waits: the same dispatch goes on to create the execution")
    func quotaRaisedDuringTheWait() throws {
        let cluster = try Self.fullQuota()
        let id = freshExecutionID()
        let handler = try cluster.handler()
        let result = Locked<CommandOutcome?>(nil)
        let raised = Locked(false)
        TestThreads.run(count: 2) { index in
            if index == 0 {
                let outcome = try? cluster.run(createCommand(id), deadline: .seconds(20), handler: handler)
                result.withLock { $0 = outcome }
            } else {
                // Raise it only once the worker has met the full quota.
                guard Poll.until(timeout: .seconds(10), { Self.quotaRefusals(cluster) >= 1 }) else { return }
                let response = try? cluster.admin().request(
                    "PUT", "/api/v1/namespaces/\(cluster.namespace)/resourcequotas/executors", json: Self.quota(pods: 2)
                )
                raised.withLock { $0 = response?.status == 200 }
            }
        }
        #expect(raised.withLock { $0 })
        let outcome = result.withLock { $0 }
        guard case .created = outcome else {
            Issue.record("expected created within the same dispatch, got \(String(describing: outcome))")
            return
        }
        #expect(Self.quotaRefusals(cluster) >= 1)
    }

    @Test("a quota refusal for a Pod this command already created (a lost response): adopted, not waited for")
    func quotaRefusalOfOurOwnPodIsAdopted() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        guard case .created(_, _, let uid) = try cluster.run(createCommand(id)) else {
            Issue.record("the first create must succeed")
            return
        }
        // Now the quota is full with our own Pod: admission refuses before the name is checked.
        #expect(
            try cluster.admin().request(
                "POST", "/api/v1/namespaces/\(cluster.namespace)/resourcequotas", json: Self.quota(pods: 1)
            ).status == 201)
        #expect(
            try cluster.run(createCommand(id), attempt: 2)
                == .created(podName: "executor-" + id, namespace: cluster.namespace, uid: uid))
        // The client retries a full quota a few times first (it cannot know the Pod is ours), then the worker looks.
        #expect(Self.quotaRefusals(cluster) >= 1)
        #expect(cluster.pods().count == 1)
    }

    // MARK: Attempts

    @Test("a 500 that never changes (a broken webhook): failed after max_create_attempts, counted over dispatches")
    func permanentServerErrorGivesUp() throws {
        let cluster = try ClusterHarness()
        cluster.simulator.setFaults(
            FaultConfiguration(rules: [FaultRule(.webhook, verbs: ["create"], resources: ["pods"])]))
        let handler = try cluster.handler()
        let id = freshExecutionID()
        // A first dispatch cut short by its deadline: a retry-later reporting the attempts it made.
        let first = try cluster.run(
            createCommand(id), deadline: .milliseconds(300), maxCreateAttempts: 1000, handler: handler)
        guard case .retryLater(_, let used) = first else {
            Issue.record("expected retryLater, got \(first)")
            return
        }
        let creates = { cluster.simulator.requestLog.filter { $0.verb == "create" && $0.resource == "pods" }.count }
        // Every 500 the worker saw counts; an attempt the deadline cut short (its 500 never read) does not.
        let createsBefore = creates()
        #expect(used >= 1 && Int(used) <= createsBefore && Int(used) >= createsBefore - 1)
        // The next dispatch carries them and stops exactly at the limit.
        let limit = used + 3
        let outcome = try cluster.run(
            createCommand(id), attempt: 2, maxCreateAttempts: limit, createAttempts: used, handler: handler)
        guard case .failed(let reason) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason == "Failed to create pod: the cluster kept failing (InternalError, 500) after \(limit) attempts")
        #expect(creates() - createsBefore == 3, "exactly max_create_attempts Pod creates answered 500 in all")
        #expect(cluster.pods().isEmpty && cluster.configMaps().isEmpty)
        let statistics = try #require(handler.statistics())
        #expect(statistics.podCreationsGivenUp == ["attempts": 1])
        #expect(statistics.podCreations[.init(status: "failed", language: "python")] == 1)
    }

    @Test("500s that clear before the limit: created; other transient faults do not count as attempts")
    func clearingServerErrorsAreRetried() throws {
        let cluster = try ClusterHarness()
        cluster.simulator.setFaults(
            FaultConfiguration(rules: [
                FaultRule(.serviceUnavailable, verbs: ["create"], resources: ["pods"], remaining: 3),
                FaultRule(.webhook, verbs: ["create"], resources: ["pods"], remaining: 2),
            ]))
        let id = freshExecutionID()
        guard case .created = try cluster.run(createCommand(id), maxCreateAttempts: 20) else {
            Issue.record("expected created")
            return
        }
        #expect(cluster.pods().count == 1)
    }

    // MARK: Expiry

    @Test("an expired create fails without a single API call")
    func expiredCreateMakesNoCall() throws {
        let cluster = try ClusterHarness()
        let handler = try cluster.handler()
        let before = cluster.simulator.nextRequestSequence
        let outcome = try cluster.run(
            createCommand(freshExecutionID()),
            expiresAtMilliseconds: ClusterHarness.wallClockMilliseconds(.seconds(-1)),
            handler: handler)
        #expect(outcome == .failed(reason: "Failed to create pod: the command expired before the pod could be created"))
        #expect(cluster.simulator.nextRequestSequence == before)
        let statistics = try #require(handler.statistics())
        #expect(statistics.podCreationsGivenUp == ["expired": 1])
        #expect(statistics.podCreations[.init(status: "failed", language: "python")] == 1)
    }

    @Test("a create that has not expired yet is carried out")
    func unexpiredCreateRuns() throws {
        let cluster = try ClusterHarness()
        let outcome = try cluster.run(
            createCommand(freshExecutionID()), expiresAtMilliseconds: ClusterHarness.wallClockMilliseconds(.seconds(60))
        )
        guard case .created = outcome else {
            Issue.record("expected created, got \(outcome)")
            return
        }
    }

    @Test("an expired delete still deletes")
    func expiredDeleteRuns() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        guard case .created = try cluster.run(createCommand(id)) else {
            Issue.record("the create must succeed")
            return
        }
        let outcome = try cluster.run(
            deleteCommand(id), expiresAtMilliseconds: ClusterHarness.wallClockMilliseconds(.seconds(-600)))
        #expect(outcome == .deleted(podName: "executor-" + id, namespace: cluster.namespace))
        #expect(TestPolling.eventually { cluster.pod(id) == nil && cluster.configMap(id) == nil })
    }

    @Test("an expired re-dispatch removes the Pod an earlier attempt of the same command left")
    func expiredRedispatchRemovesLeftover() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        guard case .created = try cluster.run(createCommand(id)) else {
            Issue.record("the first attempt must create the execution")
            return
        }
        let outcome = try cluster.run(
            createCommand(id), attempt: 2, expiresAtMilliseconds: ClusterHarness.wallClockMilliseconds(.seconds(-1)))
        #expect(outcome == .failed(reason: "Failed to create pod: the command expired before the pod could be created"))
        #expect(TestPolling.eventually { cluster.pod(id) == nil })
        #expect(TestPolling.eventually { cluster.configMap(id) == nil }, "its ConfigMap goes with it")
        let calls = cluster.simulator.requestLog.filter { $0.resource == "pods" }
        #expect(calls.filter { $0.verb == "delete" && $0.name == "executor-" + id }.count == 1)
        #expect(calls.filter { $0.verb == "create" }.count == 1, "the expired attempt created nothing")
    }

    @Test("an expired re-dispatch leaves a Pod of another command alone")
    func expiredRedispatchSparesOthers() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        guard case .created = try cluster.run(createCommand(id, script: "print('first')\n")) else {
            Issue.record("the first create must succeed")
            return
        }
        let outcome = try cluster.run(
            createCommand(id, script: "print('another command')\n"), attempt: 2,
            expiresAtMilliseconds: ClusterHarness.wallClockMilliseconds(.seconds(-1)))
        guard case .failed = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(cluster.pod(id) != nil, "not this command's Pod: left as it is")
        #expect(!cluster.simulator.requestLog.contains { $0.verb == "delete" })
    }

    @Test("an outage outlasting the command's age: the worker stops at the expiry, not at the deadline, and fails")
    func expiryEndsTheRetriesInsideTheWorker() throws {
        let cluster = try ClusterHarness()
        cluster.simulator.setFaults(
            FaultConfiguration(rules: [FaultRule(.serviceUnavailable, verbs: ["create"], resources: ["configmaps"])]))
        let id = freshExecutionID()
        // Attempts enough that only the expiry can end the retries (the harness's client, with its short waits,
        // would otherwise run out of attempts first and answer "retry later").
        let patient = try cluster.client { $0.maxAttempts = 1000 }
        let started = ContinuousClock.now
        let outcome = try cluster.run(
            createCommand(id), deadline: .seconds(30), api: patient,
            expiresAtMilliseconds: ClusterHarness.wallClockMilliseconds(.milliseconds(1500)))
        let elapsed = ContinuousClock.now - started
        #expect(outcome == .failed(reason: "Failed to create pod: the command expired before the pod could be created"))
        #expect(elapsed < .seconds(10), "ended at the expiry (1.5 s), not the 30 s deadline: took \(elapsed)")
        // The Pod this very dispatch created before the ConfigMap stalled is removed with the command.
        #expect(TestPolling.eventually { cluster.pod(id) == nil })
    }

    @Test("a wait the server asks for that ends after the expiry: the command expires at once, its Pod removed")
    func retryAfterBeyondTheExpiryEndsAtOnce() throws {
        let cluster = try ClusterHarness()
        // 429 with Retry-After: 3 on the ConfigMap (the API server's priority and fairness answer, with a longer
        // wait than its usual second): the client cannot retry before the expiry 1.5 s away, so no re-dispatch
        // could either. Answering "retry later" would leave the gated Pod until the supervisor tried again.
        cluster.simulator.setFaults(
            FaultConfiguration(rules: [
                FaultRule(.tooManyRequests, retryAfterSeconds: 3, verbs: ["create"], resources: ["configmaps"])
            ]))
        let id = freshExecutionID()
        let started = ContinuousClock.now
        let outcome = try cluster.run(
            createCommand(id), deadline: .seconds(30),
            expiresAtMilliseconds: ClusterHarness.wallClockMilliseconds(.milliseconds(1500)))
        let elapsed = ContinuousClock.now - started
        #expect(outcome == .failed(reason: "Failed to create pod: the command expired before the pod could be created"))
        #expect(elapsed < .milliseconds(1500), "ended before the expiry itself: took \(elapsed)")
        #expect(TestPolling.eventually { cluster.pod(id) == nil })
    }
}

/// A JSON literal in a test.
enum TestSupportJSON {
    static func parse(_ text: String) -> JSONValue { (try? JSONParser().parse(text)) ?? .null }
}
