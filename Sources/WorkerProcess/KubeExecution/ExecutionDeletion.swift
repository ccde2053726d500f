import Events
import IPC
import KubeAccess
import KubeClient
import KubeManifests
import Logging

/// One `delete_pod_command` carried out: the execution's Pod is deleted (its grace period, background
/// propagation), then its ConfigMap, in case the garbage collector has not got to it or the Pod never existed.
///
/// Only objects of this execution are touched: the Pod is read first and deleted with its uid as a
/// precondition. 404 at any point means done (docs/decisions.md, D7: upstream swallowed every error instead).
struct ExecutionDeletion {
    let api: any KubernetesAPI
    let deletion: PodDeletion
    let configMapName: String
    let executionLabel: String
    let deadline: KubeDeadline
    let logger: Logger

    func run() -> CommandOutcome {
        let podPath = deletion.path
        do throws(KubeAPIError) {
            let pod = try api.get(podPath, deadline: deadline)
            guard ObjectIdentity.label(ManifestLabels.app, of: pod) == ManifestLabels.appValue,
                ObjectIdentity.label(ManifestLabels.executionID, of: pod) == executionLabel
            else {
                logger.error(
                    "refusing to delete a Pod that is not this execution's", metadata: ["pod": "\(deletion.name)"])
                return .failed(
                    reason: "Failed to delete pod: the Pod with this name was not created for this execution")
            }
            if !ObjectIdentity.isTerminating(pod), let uid = ObjectIdentity.uid(pod) {
                _ = try api.delete(
                    podPath, body: JSONWriter.encode(deletion.body(preconditionUID: uid)), deadline: deadline)
            }
        } catch {
            switch error.kind {
            case .notFound:
                break  // never created, or already gone
            case .conflict:
                // The uid precondition failed: the Pod was replaced between the read and the delete. Look again.
                return .retryLater(reason: "the Pod changed while it was being deleted")
            default:
                log(error, step: "delete the Pod")
                return APIFailure.outcome(error, step: "delete the Pod").outcome
            }
        }
        let configMapPath = "/api/v1/namespaces/\(deletion.namespace)/configmaps/\(configMapName)"
        do throws(KubeAPIError) {
            let configMap = try api.get(configMapPath, deadline: deadline)
            if ObjectIdentity.label(ManifestLabels.executionID, of: configMap) == executionLabel,
                !ObjectIdentity.isTerminating(configMap), let uid = ObjectIdentity.uid(configMap)
            {
                _ = try api.delete(
                    configMapPath,
                    body: JSONWriter.encode(PodDeletion.options(gracePeriodSeconds: nil, preconditionUID: uid)),
                    deadline: deadline)
            }
        } catch {
            if error.kind != .notFound && error.kind != .conflict {
                APIFailure.log(error, step: "delete the ConfigMap", kind: "ConfigMap", name: configMapName, to: logger)
                return APIFailure.outcome(error, step: "delete the script ConfigMap").outcome
            }
        }
        logger.info("execution deleted", metadata: ["pod": "\(deletion.name)", "namespace": "\(deletion.namespace)"])
        return .deleted(podName: deletion.name, namespace: deletion.namespace)
    }

    private func log(_ error: KubeAPIError, step: String) {
        APIFailure.log(error, step: step, kind: "Pod", name: deletion.name, to: logger)
    }
}
