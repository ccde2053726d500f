import Events

/// The runtimes an execution may use, keyed by (language, version) (docs/decisions.md, D5).
///
/// Upstream's worker used `runtime_image` and `runtime_command` from the message verbatim, so anyone
/// able to write to the command topic could run any image with any argv. Here the registry decides:
/// ``resolve(_:)`` looks the command's (language, version) up and takes the image, file name and
/// command from the entry. A command whose pair is unknown, or whose `runtime_image`,
/// `runtime_command` or `runtime_filename` disagree with the entry, is refused.
///
/// **`allowUnlisted`** (default `false`) turns that check off: the message's values are then used as
/// given (an empty message field falls back to the entry when there is one). Only the syntax is still
/// checked (image text, a usable ConfigMap key, no NUL in argv). This restores upstream's trust model —
/// any writer to the topic picks the image and argv, bounded only by the Pod's hardening (PSA
/// restricted, no network, no token, clamped resources) — so turn it on only when the topic is as
/// trusted as the cluster credentials.
///
/// **Digests and mirrors.** An entry's image may be pinned by digest (`python:3.11-slim@sha256:…`); a
/// command's `runtime_image` matches the entry when it equals the image with or without its digest, so
/// upstream's commands (which name the tag) keep matching and the Pod runs the pinned digest. ``imageRewrite``
/// then replaces a registry prefix in the image the Pod runs, whichever path chose it.
public struct RuntimeRegistry: Sendable, Hashable {
    /// One runtime.
    public struct Entry: Sendable, Hashable {
        /// Registry key, e.g. `python`.
        public var language: String
        /// Registry key, e.g. `3.11`.
        public var version: String
        /// Container image, e.g. `python:3.11-slim` (a digest-pinned reference is recommended, docs/decisions.md, D5).
        public var image: String
        /// ConfigMap key and file name under `/scripts`, e.g. `main.py`.
        public var filename: String
        /// argv after the entrypoint, e.g. `["python", "/scripts/main.py"]`.
        public var command: [String]

        /// Creates an entry.
        public init(language: String, version: String, image: String, filename: String, command: [String]) {
            self.language = language
            self.version = version
            self.image = image
            self.filename = filename
            self.command = command
        }
    }

    /// The entries, in configuration order.
    public let entries: [Entry]
    /// Whether commands may name runtimes the registry does not list (see the type's documentation).
    public var allowUnlisted: Bool
    /// The registry-mirror prefix rewrite applied to every image the Pods run, or `nil`.
    public var imageRewrite: ImageRewrite?

    /// Creates a registry from configuration, refusing duplicate keys and unusable entries.
    public init(entries: [Entry], allowUnlisted: Bool = false, imageRewrite: ImageRewrite? = nil) throws(ManifestError)
    {
        var seen = Set<String>()
        for entry in entries {
            guard seen.insert(Self.key(entry.language, entry.version)).inserted else {
                throw ManifestError(
                    .invalidConfiguration,
                    "runtime registry lists \(ManifestError.clip(entry.language)) \(ManifestError.clip(entry.version)) twice"
                )
            }
            if let problem = Self.problem(image: entry.image, filename: entry.filename, command: entry.command) {
                throw ManifestError(
                    .invalidConfiguration,
                    "runtime \(ManifestError.clip(entry.language)) \(ManifestError.clip(entry.version)): \(problem)")
            }
            guard !entry.language.isEmpty, !entry.version.isEmpty, !entry.command.isEmpty else {
                throw ManifestError(
                    .invalidConfiguration, "runtime registry entries need a language, a version and a command")
            }
        }
        if let problem = imageRewrite?.problem {
            throw ManifestError(.invalidConfiguration, "image prefix rewrite: \(problem)")
        }
        self.entries = entries
        self.allowUnlisted = allowUnlisted
        self.imageRewrite = imageRewrite
        self.index = Self.index(entries)
    }

    private let index: [String: Int]

    /// Upstream's table (docs/upstream-contract.md §7): 18 runtimes, `allowUnlisted` off.
    public static let upstream = RuntimeRegistry(trusted: upstreamEntries)

    /// For the built-in table, whose keys are unique by construction (a test checks it).
    private init(trusted entries: [Entry]) {
        self.entries = entries
        self.allowUnlisted = false
        self.index = Self.index(entries)
    }

    private static func index(_ entries: [Entry]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (offset, entry) in entries.enumerated() where index[key(entry.language, entry.version)] == nil {
            index[key(entry.language, entry.version)] = offset
        }
        return index
    }

    private static func key(_ language: String, _ version: String) -> String { language + "\u{0}" + version }

    /// This registry with `overrides` applied: an entry with a listed (language, version) replaces it in
    /// place, any other is appended. `allowUnlisted` and `imageRewrite` are kept.
    public func merging(_ overrides: [Entry]) throws(ManifestError) -> RuntimeRegistry {
        var merged = entries
        var appended: [Entry] = []
        for entry in overrides {
            if let offset = index[Self.key(entry.language, entry.version)] {
                merged[offset] = entry
            } else {
                appended.append(entry)
            }
        }
        var registry = try RuntimeRegistry(entries: merged + appended, allowUnlisted: allowUnlisted)
        registry.imageRewrite = imageRewrite
        return registry
    }

    /// The entry for (language, version), if listed.
    public func entry(language: String, version: String) -> Entry? {
        index[Self.key(language, version)].map { entries[$0] }
    }

    /// Every distinct image the Pods run (after ``imageRewrite``), sorted (what an image pre-puller needs).
    public var distinctImages: [String] { Array(Set(entries.map { rewritten($0.image) })).sorted() }

    /// Decides the runtime of `command`, or refuses it with a short, user-safe reason.
    public func resolve(_ command: CreatePodCommand) throws(ManifestError) -> ResolvedRuntime {
        let name = "\(ManifestError.clip(command.language)) \(ManifestError.clip(command.languageVersion))"
        let listed = entry(language: command.language, version: command.languageVersion)
        if allowUnlisted {
            let image = command.runtimeImage.isEmpty ? listed?.image ?? "" : command.runtimeImage
            let filename = command.runtimeFilename.isEmpty ? listed?.filename ?? "" : command.runtimeFilename
            let argv = command.runtimeCommand.isEmpty ? listed?.command ?? [] : command.runtimeCommand
            if let problem = Self.problem(image: image, filename: filename, command: argv) {
                throw ManifestError(.invalidRuntime, "runtime \(name): \(problem)")
            }
            let source: ResolvedRuntime.Source =
                listed.map { $0.image == image && $0.filename == filename && $0.command == argv } == true
                ? .registry : .message
            return ResolvedRuntime(
                language: command.language, version: command.languageVersion, image: rewritten(image),
                filename: filename, command: argv, source: source)
        }
        guard let listed else {
            throw ManifestError(.unknownRuntime, "runtime \(name) is not supported")
        }
        var mismatched: [String] = []
        if command.runtimeImage != listed.image && command.runtimeImage != ImageReference.withoutDigest(listed.image) {
            mismatched.append("runtime_image")
        }
        if command.runtimeCommand != listed.command { mismatched.append("runtime_command") }
        if command.runtimeFilename != listed.filename { mismatched.append("runtime_filename") }
        guard mismatched.isEmpty else {
            throw ManifestError(
                .runtimeMismatch, "\(mismatched.joined(separator: ", ")) does not match runtime \(name)")
        }
        return ResolvedRuntime(
            language: command.language, version: command.languageVersion, image: rewritten(listed.image),
            filename: listed.filename,
            command: listed.command, source: .registry)
    }

    /// `image` after ``imageRewrite``.
    public func rewritten(_ image: String) -> String { imageRewrite?.apply(image) ?? image }

    /// Why these runtime values cannot go into a Pod, or `nil`.
    static func problem(image: String, filename: String, command: [String]) -> String? {
        if let problem = ImageReference.problem(image) { return problem }
        if !KubernetesNames.isConfigMapKey(filename) { return "the file name is not a valid ConfigMap key" }
        if filename == EntrypointScript.fileName { return "the file name '\(EntrypointScript.fileName)' is reserved" }
        if command.contains(where: { $0.utf8.contains(0) }) { return "the command contains a NUL character" }
        return nil
    }
}
