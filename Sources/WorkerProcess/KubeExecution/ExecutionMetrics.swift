import IPC
import Platform

/// Counts what the handler does in upstream's terms (docs/upstream-contract.md §6: `pod_creations_total`,
/// `pod_creation_duration_seconds`, `pod_creations_active`, `configmaps_created_total`), for the statistics the
/// worker reports to the supervisor. Thread-safe: the worker's executor threads record concurrently.
final class ExecutionMetrics: Sendable {
    private let state = Locked(WorkerStatistics())
    /// Languages allowed as label values (the runtime registry's); any other is counted as `unknown`, so the
    /// label stays bounded whatever the commands say.
    let languages: Set<String>

    init(languages: Set<String>) {
        self.languages = languages
    }

    /// The label value for `language`.
    func label(_ language: String) -> String { languages.contains(language) ? language : "unknown" }

    /// A creation starts talking to the API.
    func creationStarted() {
        state.withLock { $0.podCreationsActive &+= 1 }
    }

    /// A creation that started ended with `outcome` after `seconds`. Successes and failures are counted (the
    /// duration for successes, as upstream does); a retry-later is not an end: the retry is counted when it ends.
    func creationEnded(language: String, outcome: CommandOutcome, seconds: Double) {
        let language = label(language)
        state.withLock { statistics in
            statistics.podCreationsActive = statistics.podCreationsActive > 0 ? statistics.podCreationsActive - 1 : 0
            switch outcome {
            case .created:
                statistics.podCreations[.init(status: "success", language: language), default: 0] &+= 1
                statistics.podCreationSeconds[
                    language, default: HistogramCounts(bounds: WorkerStatistics.durationBounds)
                ]
                .observe(seconds)
            case .failed:
                statistics.podCreations[.init(status: "failed", language: language), default: 0] &+= 1
            case .retryLater, .deleted, .completed:
                break
            }
        }
    }

    /// A creation refused before any API call (its manifest cannot be built).
    func creationRefused(language: String) {
        let language = label(language)
        state.withLock { $0.podCreations[.init(status: "failed", language: language), default: 0] &+= 1 }
    }

    /// A command value above its configured maximum: `clamped` or `refused`, on a ``ResourceAdjustment`` field
    /// name (a fixed set, so the label stays bounded).
    func resourceLimitExceeded(action: String, field: String) {
        state.withLock {
            $0.resourceLimitsExceeded[WorkerStatistics.resourceLimitKey(action: action, field: field), default: 0] &+= 1
        }
    }

    /// A create given up: `attempts` (its 500s reached `workers.max_create_attempts`) or `expired` (older than
    /// `workers.max_command_age`).
    func givenUp(cause: String) {
        state.withLock { $0.podCreationsGivenUp[cause, default: 0] &+= 1 }
    }

    /// One attempt to create a script ConfigMap: `success`, `already_exists` (this execution's, adopted) or `failed`.
    func configMap(_ status: String) {
        state.withLock { $0.configMapsCreated[status, default: 0] &+= 1 }
    }

    var snapshot: WorkerStatistics { state.withLock { $0 } }
}
