import Events

/// Which topics commands come from and where each event goes (docs/decisions.md, D1).
public struct TopicLayout: Sendable, Equatable {
    /// Topics consumed.
    public var commandTopics: [String]
    /// Where `pod_created` goes.
    public var podEvents: String
    /// Where `execution_started` and `execution_failed` go.
    public var executionEvents: String
    /// Where undecodable or invalid records go, with the reason in headers.
    public var deadLetter: String
    /// In upstream's `per-event-type` layout a topic carries only the event type it is named after.
    public var topicNamesEventType: Bool

    public init(
        commandTopics: [String], podEvents: String, executionEvents: String, deadLetter: String,
        topicNamesEventType: Bool
    ) {
        self.commandTopics = commandTopics
        self.podEvents = podEvents
        self.executionEvents = executionEvents
        self.deadLetter = deadLetter
        self.topicNamesEventType = topicNamesEventType
    }

    /// The product's layout: `saga_commands` → `pod_events`, `execution_events`.
    public static let standard = TopicLayout(
        commandTopics: ["saga_commands"], podEvents: "pod_events", executionEvents: "execution_events",
        deadLetter: "saga_commands.dlq", topicNamesEventType: false)

    /// Upstream's current code: one topic per event type.
    public static let perEventType = TopicLayout(
        commandTopics: ["create_pod_command", "delete_pod_command"], podEvents: "pod_created",
        executionEvents: "execution_events", deadLetter: "saga_commands.dlq", topicNamesEventType: true)

    /// The topic an event of `type` is published to.
    public func topic(for type: EventType) -> String {
        if topicNamesEventType { return type.rawValue }
        return type == .podCreated ? podEvents : executionEvents
    }
}
