import Events
import IPC
import KubeAccess
import KubeClient
import KubeManifests
import Logging

/// A `create_pod_command` older than `workers.max_command_age`: it creates nothing and fails, since the saga
/// that sent it has given up (upstream's saga times out after 300 s, without compensation), so a Pod started
/// now would run for nobody.
///
/// A first dispatch makes no API call at all. A later one (a re-dispatch after a worker died or a retry-later
/// answer) may find a Pod an earlier attempt of this very command created: that Pod is deleted (its uid as a
/// precondition, background propagation, so its ConfigMap goes with it), and only a Pod ``Adoption`` proves to be
/// this command's. If the API cannot be reached for that, the command is tried again later rather than leaving
/// the Pod behind.
struct ExpiredCreation {
    let api: any KubernetesAPI
    let prepared: PreparedExecution
    let deadline: KubeDeadline
    let logger: Logger

    /// The reason the execution fails with (short and fixed, like every other).
    static let reason = "Failed to create pod: the command expired before the pod could be created"

    /// - Parameter leftoverPossible: whether an earlier attempt of this command may have created its Pod.
    func run(leftoverPossible: Bool) -> CommandOutcome {
        logger.notice("create command expired; nothing is created", metadata: ["pod": "\(prepared.pod.name)"])
        guard leftoverPossible else { return .failed(reason: Self.reason) }
        let pod = prepared.pod
        let path = "/api/v1/namespaces/\(pod.namespace)/pods/\(pod.name)"
        do throws(KubeAPIError) {
            let existing = try api.get(path, deadline: deadline)
            guard case .same = Adoption.judge(existing, as: pod) else {
                // Not made for this command: not ours to remove.
                return .failed(reason: Self.reason)
            }
            guard !ObjectIdentity.isTerminating(existing), let uid = ObjectIdentity.uid(existing) else {
                return .failed(reason: Self.reason)
            }
            let options = JSONWriter.encode(PodDeletion.options(gracePeriodSeconds: nil, preconditionUID: uid))
            _ = try api.delete(path, body: options, deadline: deadline)
            logger.notice(
                "removed the Pod an earlier attempt of the expired command created",
                metadata: ["pod": "\(pod.name)", "pod.uid": "\(uid)"])
        } catch  where error.kind == .notFound || error.kind == .conflict {
            // Never created, already gone, or replaced by another Pod (the precondition): nothing of ours is left.
        } catch {
            APIFailure.log(error, step: "remove the Pod of an expired command", kind: "Pod", name: pod.name, to: logger)
            if error.isTransient {
                return .retryLater(reason: "could not remove the Pod of an expired command: \(error.summary)")
            }
        }
        return .failed(reason: Self.reason)
    }
}
