import Logging

/// Log level names as written in configuration.
public enum LogLevelName {
    public static func parse(_ text: String) -> Logger.Level? { Logger.Level(rawValue: text.trimmed.lowercased()) }
}
