/// `create_pod_command` (upstream `CreatePodCommandEvent`): asks the worker to run a script.
///
/// Wire order: base fields, then `saga_id, execution_id, script, language, language_version,
/// runtime_image, runtime_command, runtime_filename, timeout_seconds, cpu_limit, memory_limit,
/// cpu_request, memory_request, priority`.
public struct CreatePodCommand: DomainEvent {
    /// `create_pod_command`.
    public static let eventType = EventType.createPodCommand

    /// `event_id`.
    public var eventID: String
    /// `event_version` (default `"1.0"`).
    public var eventVersion: String
    /// `timestamp`.
    public var timestamp: Timestamp
    /// `aggregate_id` (the execution id upstream).
    public var aggregateID: String?
    /// `metadata`.
    public var metadata: EventMetadata

    /// `saga_id`. Required.
    public var sagaID: String
    /// `execution_id`: names the pod and is the Kafka key. Required.
    public var executionID: String
    /// `script`: the user's source code. Required.
    public var script: String
    /// `language`, e.g. `python`. Required.
    public var language: String
    /// `language_version`, e.g. `3.11`. Required.
    public var languageVersion: String
    /// `runtime_image`, e.g. `python:3.11-slim`. Required.
    public var runtimeImage: String
    /// `runtime_command`: argv after the entrypoint. Default `[]`.
    public var runtimeCommand: [String]
    /// `runtime_filename`, e.g. `main.py`. Required.
    public var runtimeFilename: String
    /// `timeout_seconds`. Required (lax integer).
    public var timeoutSeconds: Int
    /// `cpu_limit` (K8s quantity; empty means the worker's default). Required.
    public var cpuLimit: String
    /// `memory_limit`. Required.
    public var memoryLimit: String
    /// `cpu_request`. Required.
    public var cpuRequest: String
    /// `memory_request`. Required.
    public var memoryRequest: String
    /// `priority`. Default `normal`.
    public var priority: QueuePriority

    /// Creates a command.
    public init(
        eventID: String, eventVersion: String = "1.0", timestamp: Timestamp, aggregateID: String?,
        metadata: EventMetadata, sagaID: String, executionID: String, script: String, language: String,
        languageVersion: String, runtimeImage: String, runtimeCommand: [String] = [], runtimeFilename: String,
        timeoutSeconds: Int, cpuLimit: String, memoryLimit: String, cpuRequest: String, memoryRequest: String,
        priority: QueuePriority = .normal
    ) {
        self.eventID = eventID
        self.eventVersion = eventVersion
        self.timestamp = timestamp
        self.aggregateID = aggregateID
        self.metadata = metadata
        self.sagaID = sagaID
        self.executionID = executionID
        self.script = script
        self.language = language
        self.languageVersion = languageVersion
        self.runtimeImage = runtimeImage
        self.runtimeCommand = runtimeCommand
        self.runtimeFilename = runtimeFilename
        self.timeoutSeconds = timeoutSeconds
        self.cpuLimit = cpuLimit
        self.memoryLimit = memoryLimit
        self.cpuRequest = cpuRequest
        self.memoryRequest = memoryRequest
        self.priority = priority
    }

    /// The executor pod's name, `executor-<execution_id>` (upstream's naming).
    public var podName: String { "executor-" + executionID }
}
