/// Syntax rules for Kubernetes names and keys (apimachinery `validation.IsDNS1123Label`,
/// `IsDNS1123Subdomain`, `IsConfigMapKey`). Pure; ASCII only.
public enum KubernetesNames {
    /// Longest execution id that keeps `executor-<id>` a DNS-1123 label (63 characters).
    public static let maxExecutionIDLength = 63 - "executor-".count

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters (namespaces, pod hostnames).
    public static func isDNS1123Label(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last)
        else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// Dot-separated DNS-1123 labels, at most 253 characters (object names such as ConfigMaps and
    /// Pods, RuntimeClass and PriorityClass names).
    public static func isDNS1123Subdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            let bytes = Array(part.utf8)
            guard let first = bytes.first, let last = bytes.last else { return false }
            return isLowerAlphanumeric(first) && isLowerAlphanumeric(last)
                && bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// A ConfigMap data key: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.`/`..`, not starting with `..`.
    public static func isConfigMapKey(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 253, text != ".", !text.hasPrefix("..") else { return false }
        return bytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }

    /// Why `id` cannot name the execution's objects, or `nil` when it can: a DNS-1123 label of at most
    /// ``maxExecutionIDLength`` characters (upstream's ids are lowercase UUIDs).
    public static func executionIDProblem(_ id: String) -> String? {
        if id.isEmpty { return "execution_id is empty" }
        if id.utf8.count > maxExecutionIDLength {
            return "execution_id is longer than \(maxExecutionIDLength) characters"
        }
        guard isDNS1123Label(id) else {
            return "execution_id '\(ManifestError.clip(id))' may hold only lowercase letters, digits and '-'"
        }
        return nil
    }

    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
