/// An upstream `EventType` value: the `event_type` field and (in upstream's layout) the topic.
///
/// A struct with static constants rather than an enum, because the set is upstream's to grow;
/// each event model pins its own literal and decoding rejects any other.
public struct EventType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The wire string, e.g. `create_pod_command`.
    public let rawValue: String

    /// Wraps a wire string.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The wire string.
    public var description: String { rawValue }

    /// `create_pod_command`: consumed by the worker.
    public static let createPodCommand = EventType(rawValue: "create_pod_command")
    /// `delete_pod_command`: consumed by the worker.
    public static let deletePodCommand = EventType(rawValue: "delete_pod_command")
    /// `pod_created`: published by the worker after a successful create.
    public static let podCreated = EventType(rawValue: "pod_created")
    /// `execution_started`: published by the worker after `pod_created`.
    public static let executionStarted = EventType(rawValue: "execution_started")
    /// `execution_failed`: published by the worker on a permanent create failure.
    public static let executionFailed = EventType(rawValue: "execution_failed")

    /// `pod_scheduled` (pod monitor).
    public static let podScheduled = EventType(rawValue: "pod_scheduled")
    /// `pod_running` (pod monitor).
    public static let podRunning = EventType(rawValue: "pod_running")
    /// `pod_succeeded` (defined, unused upstream).
    public static let podSucceeded = EventType(rawValue: "pod_succeeded")
    /// `pod_failed` (defined, unused upstream).
    public static let podFailed = EventType(rawValue: "pod_failed")
    /// `pod_terminated` (pod monitor).
    public static let podTerminated = EventType(rawValue: "pod_terminated")
    /// `pod_deleted` (defined, unused upstream).
    public static let podDeleted = EventType(rawValue: "pod_deleted")
    /// `execution_requested` (API).
    public static let executionRequested = EventType(rawValue: "execution_requested")
    /// `execution_accepted` (defined, unused upstream).
    public static let executionAccepted = EventType(rawValue: "execution_accepted")
    /// `execution_queued` (defined, unused upstream).
    public static let executionQueued = EventType(rawValue: "execution_queued")
    /// `execution_running` (defined, unused upstream).
    public static let executionRunning = EventType(rawValue: "execution_running")
    /// `execution_completed` (pod monitor).
    public static let executionCompleted = EventType(rawValue: "execution_completed")
    /// `execution_timeout` (pod monitor).
    public static let executionTimeout = EventType(rawValue: "execution_timeout")
    /// `execution_cancelled` (API).
    public static let executionCancelled = EventType(rawValue: "execution_cancelled")
    /// `result_stored` (result processor).
    public static let resultStored = EventType(rawValue: "result_stored")
    /// `result_failed` (result processor).
    public static let resultFailed = EventType(rawValue: "result_failed")
    /// `saga_started` (saga orchestrator).
    public static let sagaStarted = EventType(rawValue: "saga_started")
    /// `saga_cancelled` (saga orchestrator / API).
    public static let sagaCancelled = EventType(rawValue: "saga_cancelled")
    /// `allocate_resources_command` (defined, unused upstream).
    public static let allocateResourcesCommand = EventType(rawValue: "allocate_resources_command")
    /// `release_resources_command` (defined, unused upstream).
    public static let releaseResourcesCommand = EventType(rawValue: "release_resources_command")
}
