/// What a worker reports for one command: a typed value, never a thrown error.
public enum CommandOutcome: Equatable, Sendable {
    /// The Pod and its ConfigMap exist and carry our execution id.
    case created(podName: String, namespace: String, uid: String)
    /// The Pod (and what it owned) is gone, or was never there.
    case deleted(podName: String, namespace: String)
    /// A handler with no Kubernetes effect finished (test and benchmark handlers).
    case completed
    /// The command cannot succeed. `reason` is short and safe to show to the end user;
    /// the full detail is only in the worker's log.
    case failed(reason: String)
    /// The command could not be carried out *yet* (the API was unreachable or throttling past the deadline):
    /// the supervisor tries it again later, on any worker. Nothing is published, nothing committed past it.
    /// `createAttempts` counts the Pod creation attempts of this dispatch answered 500, which the supervisor adds
    /// up for the next dispatch (``DispatchedCommand/createAttempts``).
    case retryLater(reason: String, createAttempts: UInt32 = 0)

    private enum Tag: UInt8 {
        case created = 1, deleted = 2, completed = 3, failed = 4, retryLater = 5
    }

    func encode(into writer: inout PayloadWriter) {
        switch self {
        case .created(let podName, let namespace, let uid):
            writer.write(Tag.created.rawValue)
            writer.write(podName)
            writer.write(namespace)
            writer.write(uid)
        case .deleted(let podName, let namespace):
            writer.write(Tag.deleted.rawValue)
            writer.write(podName)
            writer.write(namespace)
        case .completed:
            writer.write(Tag.completed.rawValue)
        case .failed(let reason):
            writer.write(Tag.failed.rawValue)
            writer.write(reason)
        case .retryLater(let reason, let createAttempts):
            writer.write(Tag.retryLater.rawValue)
            writer.write(reason)
            writer.write(createAttempts)
        }
    }

    static func decode(from reader: inout PayloadReader) throws(IPCError) -> CommandOutcome {
        let raw = try reader.readUInt8("outcome tag")
        switch Tag(rawValue: raw) {
        case .created:
            return .created(
                podName: try reader.readString("pod name"), namespace: try reader.readString("namespace"),
                uid: try reader.readString("uid"))
        case .deleted:
            return .deleted(podName: try reader.readString("pod name"), namespace: try reader.readString("namespace"))
        case .completed:
            return .completed
        case .failed:
            return .failed(reason: try reader.readString("reason"))
        case .retryLater:
            return .retryLater(
                reason: try reader.readString("reason"), createAttempts: try reader.readUInt32("create attempts"))
        case nil:
            throw IPCError(.malformedPayload, "unknown outcome tag \(raw)")
        }
    }
}
