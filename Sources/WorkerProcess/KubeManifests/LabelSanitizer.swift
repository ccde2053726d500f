/// Kubernetes label keys and values (apimachinery `validation.IsQualifiedName`, `IsValidLabelValue`),
/// and a deterministic sanitizer for values taken from commands (docs/decisions.md, D4.6: upstream copied `user_id` and
/// `language` into labels unchecked, so an unusual value made the Pod POST fail with 422).
public enum LabelSanitizer {
    /// Longest label value, and longest name part of a key.
    public static let maxValueLength = 63
    /// What an input with no usable character becomes.
    public static let defaultFallback = "unknown"

    /// Turns `raw` into a valid label value, deterministically:
    ///
    /// 1. every character other than ASCII letters, digits, `-`, `_` and `.` becomes `-`
    ///    (one `-` per Unicode scalar);
    /// 2. leading characters that are not letters or digits are dropped;
    /// 3. the result is cut to 63 characters, then trailing non-alphanumerics are dropped;
    /// 4. an empty result becomes `fallback` (or `unknown` if `fallback` is not a valid value itself).
    ///
    /// A valid, non-empty value is returned unchanged. Work is bounded by the output length plus
    /// the leading junk, so a megabyte of input costs little.
    public static func sanitizeValue(_ raw: String, fallback: String = defaultFallback) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(maxValueLength)
        for scalar in raw.unicodeScalars {
            let byte: UInt8 =
                scalar.isASCII && isValueByte(UInt8(truncatingIfNeeded: scalar.value))
                ? UInt8(truncatingIfNeeded: scalar.value) : UInt8(ascii: "-")
            if output.isEmpty && !KubernetesNames.isAlphanumeric(byte) { continue }
            output.append(byte)
            if output.count == maxValueLength { break }
        }
        while let last = output.last, !KubernetesNames.isAlphanumeric(last) { output.removeLast() }
        if output.isEmpty {
            return isValidValue(fallback) && !fallback.isEmpty ? fallback : defaultFallback
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`, at most 63 characters (the empty value is valid).
    public static func isValidValue(_ value: String) -> Bool {
        value.isEmpty || isQualifiedNamePart(Array(value.utf8))
    }

    /// A label (or annotation) key: `[prefix/]name`, where the optional prefix is a DNS-1123
    /// subdomain of at most 253 characters and the name is 1–63 characters of
    /// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
    public static func isValidKey(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            return isQualifiedNamePart(Array(key.utf8))
        case 2:
            return KubernetesNames.isDNS1123Subdomain(String(parts[0])) && isQualifiedNamePart(Array(parts[1].utf8))
        default:
            return false
        }
    }

    private static func isQualifiedNamePart(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= maxValueLength else { return false }
        return KubernetesNames.isAlphanumeric(first) && KubernetesNames.isAlphanumeric(last)
            && bytes.allSatisfy(isValueByte)
    }

    private static func isValueByte(_ byte: UInt8) -> Bool {
        KubernetesNames.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".")
    }
}
