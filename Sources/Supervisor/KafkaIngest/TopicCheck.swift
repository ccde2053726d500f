import Events
import KafkaClient
import SagaBridge

/// Whether the topics a layout names exist and can be used, judged from the cluster's metadata (pure).
///
/// A missing command topic is the silent failure this exists for: the group assigns nothing, lag stays 0, and
/// the service would look healthy while it does nothing. A missing event topic fails only when the first event
/// is published, long after start, so it is reported the same way (a broker with `auto.create.topics.enable`
/// creates it on first publish, and the next check clears the problem).
public struct TopicCheck: Sendable {
    public enum Role: String, Sendable {
        case command
        case event
        case deadLetter = "dead-letter"
    }

    /// One topic that cannot be used, with the reason in words.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var topic: String
        public var role: Role
        public var reason: String
        public var description: String { "\(role.rawValue) topic '\(topic)' \(reason)" }
    }

    /// The topics to check, each with its role, in the layout's order.
    public let topics: [(name: String, role: Role)]
    /// The configured layout's name, for the messages (`kafka.layout`).
    public let layoutName: String

    public init(layout: TopicLayout, layoutName: String) {
        var topics: [(String, Role)] = layout.commandTopics.map { ($0, .command) }
        let events = [EventType.podCreated, .executionStarted, .executionFailed].map { layout.topic(for: $0) }
        for topic in events where !topics.contains(where: { $0.0 == topic }) { topics.append((topic, .event)) }
        if !topics.contains(where: { $0.0 == layout.deadLetter }) { topics.append((layout.deadLetter, .deadLetter)) }
        self.topics = topics
        self.layoutName = layoutName
    }

    /// The problems `metadata` shows, in the layout's order (empty when every topic exists without error).
    public func problems(in metadata: [String: KafkaTopicMetadata]) -> [Problem] {
        topics.compactMap { topic in
            // A broker lists only the topics it has; asked for one by name it answers UNKNOWN_TOPIC_OR_PART.
            guard let entry = metadata[topic.name], entry.error != .unknownTopicOrPartition else {
                return Problem(
                    topic: topic.name, role: topic.role, reason: "does not exist (kafka.layout: \(layoutName))")
            }
            if let error = entry.error {
                return Problem(topic: topic.name, role: topic.role, reason: "is unusable: \(error)")
            }
            if entry.partitionCount == 0 {
                return Problem(topic: topic.name, role: topic.role, reason: "has no partitions")
            }
            return nil
        }
    }
}
