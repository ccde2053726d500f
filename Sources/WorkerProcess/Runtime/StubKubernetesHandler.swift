import Events
import IPC

/// Answers saga commands as if a cluster had carried them out, without touching one: the stand-in used until
/// the Kubernetes client lands, and by tests that exercise the Kafka path alone.
///
/// A create answers `created` with the deterministic pod name and a uid derived from the execution id (so a
/// redelivered command gets the same answer); a delete answers `deleted`. A payload that is not a saga command
/// fails with a short reason. Everything it does is immediate.
public struct StubKubernetesHandler: CommandHandler {
    /// The namespace reported for created pods.
    public let namespace: String

    public init(namespace: String = "integr8scode") {
        self.namespace = namespace
    }

    public func handle(_ command: DispatchedCommand) -> CommandOutcome {
        do {
            switch try InboundCommand.decode(command.payload, options: DecodingOptions(now: { .epoch })) {
            case .create(let create):
                let uid = UUIDv5.make(namespace: EventID.namespace, name: "stub-pod/" + create.executionID)
                return .created(podName: create.podName, namespace: namespace, uid: uid.description)
            case .delete(let delete):
                return .deleted(podName: "executor-" + delete.executionID, namespace: namespace)
            }
        } catch {
            return .failed(reason: "The command could not be read")
        }
    }

    public func canAnswerImmediately(_ command: DispatchedCommand) -> Bool { true }
}
