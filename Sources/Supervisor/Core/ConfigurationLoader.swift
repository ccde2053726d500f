import Glibc
import Yams

/// The one place that reads configuration: a YAML file, then `K8S_WORKER_*` environment variables, then
/// command-line overrides, each layer over the one before, over the defaults.
///
/// The file is a mapping of sections to mappings of keys, e.g.
///
/// ```yaml
/// workers:
///   count: 4
///   heartbeat_timeout: 5s
/// ```
///
/// Unknown sections and keys are errors, so a typo is caught at `check-config` time rather than ignored.
public struct ConfigurationLoader: Sendable {
    /// The configuration file, if any.
    public var path: String?
    /// The environment captured at start-up (a reload re-reads the file, not the environment).
    public var environment: [String: String]
    /// `key=value` overrides from flags; they win over everything else.
    public var overrides: [(key: String, value: String)]

    public init(path: String?, environment: [String: String], overrides: [(key: String, value: String)]) {
        self.path = path
        self.environment = environment
        self.overrides = overrides
    }

    /// The current process environment, for ``init(path:environment:overrides:)``.
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    /// Reads every layer and validates the result.
    public func load() throws(ConfigurationError) -> Configuration {
        var configuration = Configuration()
        /// Where each key's value came from, so a validation error names the right layer.
        var origins: [String: String] = [:]
        if let path {
            let text = try Self.readFile(path)
            for (key, value) in try Self.parseYAML(text, origin: path) {
                try Self.apply(key, value, to: &configuration, origin: path)
                origins[key] = path
            }
        }
        for key in ConfigurationKeys.all {
            if let value = environment[key.environmentName] {
                let origin = "environment \(key.environmentName)"
                try Self.apply(key.name, value, to: &configuration, origin: origin)
                origins[key.name] = origin
            }
        }
        for (key, value) in overrides {
            try Self.apply(key, value, to: &configuration, origin: "flag")
            origins[key] = "flag"
        }
        do {
            try configuration.validate()
        } catch {
            var error = error
            error.origin = error.origin ?? origins[error.key] ?? path
            throw error
        }
        return configuration
    }

    private static func apply(
        _ name: String, _ value: String, to configuration: inout Configuration, origin: String
    ) throws(ConfigurationError) {
        guard let key = ConfigurationKeys.key(named: name) else {
            throw ConfigurationError(key: name, message: "unknown key", origin: origin)
        }
        do {
            try key.apply(&configuration, value)
        } catch {
            throw ConfigurationError(key: name, message: error.message, origin: origin)
        }
    }

    /// Flattens `section: {key: scalar}` into `("section.key", "scalar")` pairs, in file order.
    static func parseYAML(_ text: String, origin: String) throws(ConfigurationError) -> [(String, String)] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(key: "", message: "not valid YAML: \(error)", origin: origin)
        }
        guard let root else { return [] }
        guard let sections = root.mapping else {
            throw ConfigurationError(key: "", message: "the top level must be a mapping of sections", origin: origin)
        }
        var pairs: [(String, String)] = []
        for (sectionNode, body) in sections {
            let section = sectionNode.string ?? ""
            guard ConfigurationKeys.all.contains(where: { $0.name.hasPrefix(section + ".") }) else {
                throw ConfigurationError(key: section, message: "unknown section", origin: origin)
            }
            guard let entries = body.mapping else {
                if body.null != nil { continue }
                throw ConfigurationError(key: section, message: "must be a mapping of keys", origin: origin)
            }
            for (keyNode, valueNode) in entries {
                let name = "\(section).\(keyNode.string ?? "")"
                if let mapping = valueNode.mapping, ConfigurationKeys.key(named: name)?.type == "mapping" {
                    // `kafka.properties` as a mapping: one `kafka.properties.<name>` entry each, values verbatim.
                    for (entryNode, entryValue) in mapping {
                        let entry = "\(name).\(entryNode.string ?? "")"
                        guard let scalar = entryValue.scalar else {
                            throw ConfigurationError(key: entry, message: "must be a single value", origin: origin)
                        }
                        pairs.append((entry, scalar.string))
                    }
                    continue
                }
                if valueNode.scalar == nil, let type = ConfigurationKeys.key(named: name)?.type,
                    type.hasPrefix("list") || type.hasPrefix("mapping ")
                {
                    // A structured `pod` value: handed over as YAML text, which the key parses.
                    do {
                        pairs.append((name, try Yams.serialize(node: valueNode)))
                    } catch {
                        throw ConfigurationError(key: name, message: "cannot be read: \(error)", origin: origin)
                    }
                    continue
                }
                guard let scalar = valueNode.scalar else {
                    throw ConfigurationError(key: name, message: "must be a single value", origin: origin)
                }
                pairs.append((name, scalar.string))
            }
        }
        return pairs
    }

    /// Reads a whole UTF-8 text file of at most 1 MiB.
    public static func readFile(_ path: String) throws(ConfigurationError) -> String {
        guard let file = fopen(path, "r") else {
            throw ConfigurationError(key: "", message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count { break }
            if bytes.count > 1 << 20 {
                throw ConfigurationError(key: "", message: "\(path) is larger than 1 MiB")
            }
        }
        if ferror(file) != 0 { throw ConfigurationError(key: "", message: "error reading \(path)") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(key: "", message: "\(path) is not UTF-8")
        }
        return text
    }
}
