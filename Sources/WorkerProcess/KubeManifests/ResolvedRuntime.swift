/// The image, script file name and command an execution runs with, as decided by the ``RuntimeRegistry``.
public struct ResolvedRuntime: Sendable, Hashable {
    /// Where the values came from.
    public enum Source: String, Sendable, Hashable {
        /// The registry entry for (language, version): the trusted path.
        case registry
        /// The command's own values, accepted because ``RuntimeRegistry/allowUnlisted`` is on.
        case message
    }

    /// `language` as the command gave it.
    public var language: String
    /// `language_version` as the command gave it.
    public var version: String
    /// Container image.
    public var image: String
    /// ConfigMap key and file name under `/scripts`.
    public var filename: String
    /// argv appended after `/bin/sh /entry/entrypoint.sh`.
    public var command: [String]
    /// Where the values came from.
    public var source: Source

    /// Creates a resolved runtime.
    public init(language: String, version: String, image: String, filename: String, command: [String], source: Source) {
        self.language = language
        self.version = version
        self.image = image
        self.filename = filename
        self.command = command
        self.source = source
    }
}
