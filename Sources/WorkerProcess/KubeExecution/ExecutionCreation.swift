import Events
import IPC
import KubeAccess
import KubeClient
import KubeManifests
import Logging

/// One `create_pod_command` carried out in three requests: the Pod, created with the scheduling gate
/// `integr8s.io/script`; its ConfigMap, owned by the Pod; then the gate removed.
///
/// **Why gated.** A Pod that reaches a node before its ConfigMap exists waits in `FailedMount` (the kubelet
/// retries the mount from 500 ms up to 2 minutes apart) while its `activeDeadlineSeconds` counts from its start
/// time, so during an API outage it could end `DeadlineExceeded` without ever running. A gated Pod is not
/// scheduled at all (KEP-3521, GA in Kubernetes 1.30): nothing counts and no node holds it. The ConfigMap is
/// still created with its owner reference in its create body, so no crash point leaves an ownerless ConfigMap:
/// after the Pod, the gated Pod waits for the redelivery (every uncommitted command is redone), which adopts it,
/// creates or adopts the ConfigMap and removes the gate; after the ConfigMap, the redelivery adopts both and
/// removes the gate. ConfigMap first with an owner patch afterwards (upstream's order) also takes three
/// requests but leaves an ownerless ConfigMap at a crash between the two. Kueue's own gate
/// (`kueue.x-k8s.io/admission`) is independent: the patch deletes this gate by name (strategic merge,
/// `$patch: delete`), so a Pod is scheduled once both are gone.
///
/// Idempotent: a name that exists is accepted only when the object was made for this very command
/// (``Adoption``: this execution's labels, and this command's digest and saga id in its annotations), so a
/// redelivered or retried command converges on the same two objects. A Pod of this command that already
/// finished (`Succeeded` or `Failed`) is a redelivery of work done: it is reported as created again (the same
/// deterministic events) and nothing is created. Another command reusing the execution id fails with a
/// conflict and leaves the existing objects as they are. When the ConfigMap cannot be created for good the Pod
/// is deleted again (background propagation).
///
/// A 500 on the Pod's create is retried like any transient failure, but counted (``CreateAttempts``): a server
/// error that never clears (a broken admission webhook) ends the create after `workers.max_create_attempts`
/// attempts, over every dispatch of the command, with a short reason. A 403 for an exceeded ResourceQuota is a
/// "retry later": it clears when Pods of the namespace finish.
struct ExecutionCreation {
    let api: any KubernetesAPI
    let prepared: PreparedExecution
    let deadline: KubeDeadline
    let logger: Logger
    let metrics: ExecutionMetrics
    /// The Pod creation attempts answered 500, before and during this run, against their limit.
    var attempts = CreateAttempts(used: 0, limit: 0)

    /// Carries out the command. A retry-later answer reports the 500s this run met, for the next dispatch.
    mutating func run() -> CommandOutcome {
        let before = attempts.used
        let outcome = createBoth()
        if case .retryLater(let reason, _) = outcome {
            return .retryLater(reason: reason, createAttempts: attempts.used - before)
        }
        return outcome
    }

    private mutating func createBoth() -> CommandOutcome {
        let pod = prepared.pod
        let podUID: String
        let gated: Bool
        switch createOrAdopt(pod, step: "create the Pod") {
        case .success(let (object, adopted)):
            guard let uid = ObjectIdentity.uid(object) else {
                return .failed(reason: "Failed to create pod: the cluster returned no uid")
            }
            if adopted && ObjectIdentity.hasFinished(object) {
                // A redelivery of an execution that already ran: the same events again, nothing new in the cluster.
                logger.info(
                    "the Pod of this command has already finished; reporting it, creating nothing",
                    metadata: ["pod": "\(pod.name)", "namespace": "\(pod.namespace)", "pod.uid": "\(uid)"])
                return .created(podName: pod.name, namespace: pod.namespace, uid: uid)
            }
            podUID = uid
            gated = ObjectIdentity.hasSchedulingGate(ManifestLabels.scriptGate, object)
        case .failure(let result):
            return result.outcome
        }

        let configMap: KubeObject
        do {
            configMap = try prepared.configMap(podUID: podUID)
        } catch {
            return cleanUp(pod: pod, podUID: podUID, after: .failed("Failed to create pod: \(error.reason)"))
        }
        let configMapResult = createOrAdopt(configMap, step: "create the script ConfigMap", owner: podUID)
        switch configMapResult {
        case .success(let (_, adopted)): metrics.configMap(adopted ? "already_exists" : "success")
        case .failure: metrics.configMap("failed")
        }
        switch configMapResult {
        case .success:
            break
        case .failure(.retryLater(let reason)):
            // The Pod stays gated, unscheduled, until the retry creates its ConfigMap and releases it.
            return .retryLater(reason: reason, createAttempts: 0)
        case .failure(let result):
            return cleanUp(pod: pod, podUID: podUID, after: result)
        }
        if gated, let failure = release(pod) {
            if case .retryLater(let reason) = failure { return .retryLater(reason: reason) }
            return cleanUp(pod: pod, podUID: podUID, after: failure)
        }
        logger.info(
            "execution created",
            metadata: ["pod": "\(pod.name)", "namespace": "\(pod.namespace)", "pod.uid": "\(podUID)"])
        return .created(podName: pod.name, namespace: pod.namespace, uid: podUID)
    }

    /// The strategic merge patch that deletes the `integr8s.io/script` gate by name and leaves any other (Kueue's).
    static let releasePatch = JSONWriter.encode(
        .object(
            JSONObject([
                JSONObject.Member(
                    key: "spec",
                    value: .object(
                        JSONObject([
                            JSONObject.Member(
                                key: "schedulingGates",
                                value: .array([
                                    .object(
                                        JSONObject([
                                            JSONObject.Member(key: "$patch", value: .string("delete")),
                                            JSONObject.Member(key: "name", value: .string(ManifestLabels.scriptGate)),
                                        ]))
                                ]))
                        ])))
            ])))

    /// Removes the Pod's `integr8s.io/script` gate now that its ConfigMap exists; `nil` when done.
    private func release(_ pod: KubeObject) -> StepResult? {
        do throws(KubeAPIError) {
            try api.patchIgnoringResponse(
                "/api/v1/namespaces/\(pod.namespace)/pods/\(pod.name)", body: Self.releasePatch,
                contentType: "application/strategic-merge-patch+json", query: [], deadline: deadline)
            return nil
        } catch {
            log(error, step: "release the Pod (remove its scheduling gate)", object: pod)
            if error.kind == .notFound { return .retryLater("the Pod disappeared before it was released") }
            return APIFailure.outcome(error, step: "release the Pod")
        }
    }

    /// Creates `object`, or accepts the existing one when it was made for this command (`adopted`). For a
    /// ConfigMap, `owner` is the Pod uid it must be owned by: a leftover of this command owned by an earlier Pod
    /// is re-pointed. An existing object of another command is left untouched (no patch, no delete). The object
    /// returned is the server's; for a ConfigMap this run created it is `null` (nothing reads it).
    private mutating func createOrAdopt(
        _ object: KubeObject, step: String, owner: String? = nil
    ) -> Result<(object: JSONValue, adopted: Bool), StepResult> {
        let isPod = object.kind == "Pod"
        let collection = "/api/v1/namespaces/\(object.namespace)/\(isPod ? "pods" : "configmaps")"
        var quotaError: KubeAPIError? = nil
        do throws(KubeAPIError) {
            guard isPod else {
                // Nothing reads a created ConfigMap (its answer repeats the whole script): it is not parsed.
                try api.createIgnoringResponse(collection, body: object.json, deadline: deadline)
                return .success((.null, false))
            }
            let maxAttempts = attempts.remaining.map { Int(clamping: $0) }
            return .success(
                (try api.create(collection, body: object.json, maxAttempts: maxAttempts, deadline: deadline), false))
        } catch  where error.kind == .alreadyExists {
            // Created by an earlier attempt of this command (or another delivery of it)? Then it is ours to use.
        } catch  where error.isQuotaExceeded && isPod {
            // Quota admission runs before the name is checked, and our own Pod, left by an earlier attempt, counts
            // against the quota: look for it before waiting for room.
            log(error, step: step, object: object)
            quotaError = error
        } catch {
            log(error, step: step, object: object)
            // Every 500 of the call counts, also when a later attempt of it timed out or met another fault.
            if isPod && error.internalErrorAnswers > 0 {
                let answered = UInt32(clamping: error.internalErrorAnswers)
                attempts.used =
                    attempts.used.addingReportingOverflow(answered).overflow ? .max : attempts.used + answered
                if attempts.exhausted {
                    metrics.givenUp(cause: "attempts")
                    logger.error(
                        "Pod creation given up: the API server kept answering 500",
                        metadata: ["attempts": "\(attempts.used)", "limit": "\(attempts.limit)"])
                    return .failure(
                        .failed(
                            "Failed to create pod: the cluster kept failing ("
                                + "\(error.code == 500 ? error.reason : "InternalError"), 500) after "
                                + "\(attempts.used) attempts"))
                }
            }
            return .failure(APIFailure.outcome(error, step: step))
        }
        let path = collection + "/" + object.name
        let existing: JSONValue
        do throws(KubeAPIError) {
            existing = try api.get(path, deadline: deadline)
        } catch {
            if let quotaError, error.kind == .notFound {
                // Not ours: wait for room in the quota, as for any transient refusal.
                return .failure(APIFailure.outcome(quotaError, step: step))
            }
            // Gone between the two calls (deleted meanwhile): try the whole command again.
            log(error, step: step, object: object)
            return .failure(
                error.kind == .notFound
                    ? .retryLater("the existing \(object.kind) disappeared while it was checked")
                    : APIFailure.outcome(error, step: step))
        }
        let verdict = Adoption.judge(existing, as: object)
        if let quotaError {
            if case .same = verdict {
            } else {
                // Another object has the name, but the quota refused first: report the quota, which is what a
                // retry meets first too.
                return .failure(APIFailure.outcome(quotaError, step: step))
            }
        }
        switch verdict {
        case .same:
            break
        case .foreign:
            logger.error(
                "name taken by an object that is not this execution's",
                metadata: ["kind": "\(object.kind)", "name": "\(object.name)"])
            return .failure(
                .failed(
                    "Failed to \(step): a \(object.kind) with its name exists and was not created for this execution"))
        case .conflict(let difference):
            logger.error(
                "execution id already used by another command; its objects are left as they are",
                metadata: ["kind": "\(object.kind)", "name": "\(object.name)", "difference": "\(difference)"])
            return .failure(.failed("Failed to \(step): \(Adoption.conflictReason)"))
        }
        if ObjectIdentity.isTerminating(existing) {
            return .failure(.retryLater("the existing \(object.kind) of this execution is being deleted"))
        }
        if let owner, !ObjectIdentity.ownerUIDs(existing).contains(owner) {
            return replaceLeftover(existing, with: object, collection: collection, step: step)
        }
        logger.info(
            "adopted the existing object of this execution",
            metadata: ["kind": "\(object.kind)", "name": "\(object.name)"])
        return .success((existing, true))
    }

    /// A ConfigMap of this command owned by an earlier Pod of the execution (deleted since): the garbage collector
    /// may be about to delete it, and it deletes by uid alone after checking the owners it read earlier, so
    /// re-pointing the owner reference at the new Pod could still lose it. It is deleted (uid precondition) and
    /// created afresh, owned by the new Pod; the Pod is gated meanwhile, so it cannot start without it.
    private func replaceLeftover(
        _ existing: JSONValue, with object: KubeObject, collection: String, step: String
    ) -> Result<(object: JSONValue, adopted: Bool), StepResult> {
        let options = JSONWriter.encode(
            PodDeletion.options(gracePeriodSeconds: nil, preconditionUID: ObjectIdentity.uid(existing)))
        do throws(KubeAPIError) {
            _ = try api.delete(collection + "/" + object.name, body: options, deadline: deadline)
        } catch  where error.kind == .notFound || error.kind == .conflict {
            // Collected already, or already replaced: create (or meet the replacement) below.
        } catch {
            log(error, step: "remove the ConfigMap left by an earlier Pod", object: object)
            return .failure(APIFailure.outcome(error, step: step))
        }
        do throws(KubeAPIError) {
            logger.info(
                "replaced the ConfigMap an earlier Pod of this execution left", metadata: ["name": "\(object.name)"])
            return .success((try api.create(collection, body: object.json, deadline: deadline), false))
        } catch {
            log(error, step: step, object: object)
            if error.kind == .alreadyExists { return .failure(.retryLater("the left-over ConfigMap is still there")) }
            return .failure(APIFailure.outcome(error, step: step))
        }
    }

    /// The ConfigMap cannot be created for good: remove the Pod (it would wait for its script forever), then fail.
    private func cleanUp(pod: KubeObject, podUID: String, after result: StepResult) -> CommandOutcome {
        let options = JSONWriter.encode(PodDeletion.options(gracePeriodSeconds: nil, preconditionUID: podUID))
        do throws(KubeAPIError) {
            _ = try api.delete(
                "/api/v1/namespaces/\(pod.namespace)/pods/\(pod.name)", body: options, deadline: deadline)
        } catch  where error.kind == .notFound || error.kind == .conflict {
            // Already gone, or replaced by another Pod (the precondition): nothing of ours is left.
        } catch {
            // The Pod stays for now; the retry finds it (ours), tries the ConfigMap again and cleans up again.
            log(error, step: "delete the Pod after the ConfigMap failed", object: pod)
            return .retryLater(reason: "could not remove the Pod after its ConfigMap failed: \(error.summary)")
        }
        return result.outcome
    }

    private func log(_ error: KubeAPIError, step: String, object: KubeObject) {
        APIFailure.log(error, step: step, kind: object.kind, name: object.name, to: logger)
    }
}
