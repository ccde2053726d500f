import Events

/// What makes two `create_pod_command`s the same command, as a SHA-256 hex digest. The Pod and the ConfigMap
/// carry it as `integr8s.io/command-digest`, next to `integr8s.io/saga-id`, so that a create meeting objects that
/// already exist can tell a redelivery of its own command (adopt them) from another command reusing the execution
/// id (a conflict: the objects run someone else's script).
///
/// Covered — everything that decides what runs, and for whom:
/// `script`, `language`, `language_version`, `runtime_image`, `runtime_command`, `runtime_filename`,
/// `timeout_seconds`, `cpu_limit`, `memory_limit`, `cpu_request`, `memory_request`, and `metadata.user_id` (the
/// Pod's `user-id` label attributes the execution's results to that user). The saga id is compared through its
/// own annotation, so that a log can say which of the two differs.
///
/// Left out — fields a redelivered or re-sent copy of the same command may carry differently, or that shape no
/// part of the objects: `event_id`, `event_version`, `timestamp`, `aggregate_id`, the rest of `metadata`
/// (service name and version, environment), and `priority`. The values are the command's own, not what the
/// runtime registry and the resource policy made of them: a worker restarted with other limits still recognises
/// the objects it made for the same command. The entrypoint script is left out too: it is the worker's, the same
/// for every command, and an upgrade that changes it must not turn a redelivery into a conflict.
///
/// The input is a JSON array of these values behind a version tag, encoded by ``JSONWriter`` (deterministic,
/// and unambiguous: every string is quoted and escaped). A change to the covered fields changes the tag.
public enum CommandDigest {
    /// The tag that starts the hashed array.
    static let version = "integr8s.io/command-digest/v1"

    /// The lowercase hex SHA-256 of `command`'s covered fields (64 characters).
    public static func hex(_ command: CreatePodCommand) -> String {
        let fields: [JSONValue] = [
            .string(version),
            .string(command.script),
            .string(command.language),
            .string(command.languageVersion),
            .string(command.runtimeImage),
            .array(command.runtimeCommand.map(JSONValue.string)),
            .string(command.runtimeFilename),
            .integer(command.timeoutSeconds),
            .string(command.cpuLimit),
            .string(command.memoryLimit),
            .string(command.cpuRequest),
            .string(command.memoryRequest),
            .string(command.metadata.userID),
        ]
        return SHA256.hash(JSONWriter.encode(.array(fields))).hex
    }
}
