import IPC
import KubeAccess
import KubeClient
import Logging

/// How an API error ends a command: wait and try again, or fail it for good with a reason the user may read.
enum APIFailure {
    /// The command's outcome for `error`, met while doing `step` (e.g. "create the Pod").
    static func outcome(_ error: KubeAPIError, step: String) -> StepResult {
        if error.isQuotaExceeded {
            // Clears when Pods of the namespace finish (or the quota is raised): wait, as for an outage.
            return .retryLater(
                "the namespace's ResourceQuota has no room to \(step) (Forbidden, 403) after \(error.attempts) "
                    + "attempt(s); waiting for Pods to finish")
        }
        if error.isTransient {
            return .retryLater(
                "Kubernetes API unavailable while trying to \(step): \(error.summary) after \(error.attempts) attempt(s)"
            )
        }
        return .failed("Failed to \(step): \(userReason(error))")
    }

    /// A short, fixed description: the reason and code only. The server's message can quote object fields and
    /// cluster details, so it goes to the worker's log, never into an event.
    static func userReason(_ error: KubeAPIError) -> String {
        switch error.kind {
        case .forbidden: "the cluster refused the request (Forbidden, 403)"
        case .invalid: "the cluster rejected the object as invalid (422)"
        case .unauthorized: "the worker's cluster credentials were refused (401)"
        case .badRequest: "the cluster rejected the request (400)"
        case .conflict: "the object changed concurrently (Conflict, 409)"
        case .alreadyExists: "an object with this name already exists"
        case .notFound: "a required object does not exist (404)"
        case .configuration: "the worker's cluster configuration is unusable"
        default: "unexpected response from the cluster (\(error.summary))"
        }
    }

    /// Logs a failed call with everything an operator needs (the server's message included, which never
    /// reaches an event).
    static func log(_ error: KubeAPIError, step: String, kind: String, name: String, to logger: Logger) {
        logger.warning(
            "API call failed",
            metadata: [
                "step": "\(step)", "kind": "\(kind)", "name": "\(name)", "error.kind": "\(error.kind)",
                "error.code": "\(error.code)", "error.reason": "\(error.reason)", "error.message": "\(error.message)",
                "attempts": "\(error.attempts)", "transient": "\(error.isTransient)",
            ])
    }
}

/// Where one step of a flow left the command.
enum StepResult: Error, Equatable {
    case retryLater(String)
    case failed(String)

    /// The command's outcome when the flow ends here.
    var outcome: CommandOutcome {
        switch self {
        case .retryLater(let reason): .retryLater(reason: reason)
        case .failed(let reason): .failed(reason: reason)
        }
    }
}
