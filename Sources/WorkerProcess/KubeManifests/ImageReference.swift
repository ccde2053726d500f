/// Container image references as the runtime registry uses them: digest pinning and a registry-mirror
/// prefix rewrite (Kubernetes documentation, "Images": `name[:tag][@sha256:<64 hex>]`).
public enum ImageReference {
    /// `image` without its `@<digest>` part: `python:3.11-slim@sha256:…` → `python:3.11-slim`.
    public static func withoutDigest(_ image: String) -> String {
        guard let at = image.firstIndex(of: "@") else { return image }
        return String(image[..<at])
    }

    /// Why `image` is not a usable reference, or `nil`: not empty, at most 512 bytes, no spaces or control
    /// characters, and a digest, when present, is `sha256:` and 64 lower-case hex digits after a name.
    public static func problem(_ image: String) -> String? {
        if image.isEmpty { return "no image" }
        if image.utf8.count > 512 || image.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "the image reference is not valid"
        }
        let parts = image.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count > 2 || parts[0].isEmpty { return "the image reference is not valid" }
        if parts.count == 2 {
            let digest = parts[1]
            let hex = digest.dropFirst("sha256:".count)
            guard digest.hasPrefix("sha256:"), hex.utf8.count == 64,
                hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else { return "the image digest must be sha256: and 64 lower-case hex digits" }
        }
        return nil
    }

    /// `image` with Docker's implicit registry spelled out: `python:3.11` → `docker.io/library/python:3.11`,
    /// `user/app` → `docker.io/user/app`; a reference whose first component names a registry (it has a `.`
    /// or a `:`, or is `localhost`) is returned as given.
    public static func qualified(_ image: String) -> String {
        guard let slash = image.firstIndex(of: "/") else { return "docker.io/library/" + image }
        let first = image[..<slash]
        if first.contains(".") || first.contains(":") || first == "localhost" { return image }
        return "docker.io/" + image
    }
}

/// Replaces a registry prefix in every executor image, for a private mirror: with
/// `from: docker.io/`, `to: mirror.local/`, `python:3.11-slim` runs as `mirror.local/library/python:3.11-slim`.
///
/// `from` is matched against the image as written, then against its ``ImageReference/qualified(_:)`` form,
/// so short Docker Hub names are rewritten too. Images not starting with `from` are kept. The registry
/// check compares the command's `runtime_image` with the registry's image **before** the rewrite, so
/// upstream's commands keep matching.
public struct ImageRewrite: Sendable, Hashable {
    /// The prefix replaced, e.g. `docker.io/`.
    public var from: String
    /// Its replacement, e.g. `mirror.local/`.
    public var to: String

    /// Creates a rewrite.
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    /// `image` with the prefix replaced, or unchanged.
    public func apply(_ image: String) -> String {
        if image.hasPrefix(from) { return to + image.dropFirst(from.count) }
        let qualified = ImageReference.qualified(image)
        if qualified.hasPrefix(from) { return to + qualified.dropFirst(from.count) }
        return image
    }

    /// Why the rewrite is unusable, or `nil`.
    public var problem: String? {
        if from.isEmpty { return "'from' must not be empty" }
        if to.isEmpty { return "'to' must not be empty" }
        for text in [from, to]
        where text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "@" }) {
            return "'\(ManifestError.clip(text))' is not an image prefix"
        }
        return nil
    }
}
