/// A memory or storage amount in bytes, parsed from and written as a Kubernetes quantity.
///
/// Parsing accepts the whole quantity grammar (`128Mi`, `1G`, `1.5Gi`, `134217728`, `1e6`);
/// fractions of a byte round up. The canonical text uses the largest suffix that divides the
/// amount exactly, binary first (`128Mi`, `1536Mi`, `1G`, `1000Ki`), else plain bytes.
public struct MemoryQuantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount in bytes.
    public var bytes: Int64

    /// Creates an amount from bytes (negative values become 0).
    public init(bytes: Int64) {
        self.bytes = max(0, bytes)
    }

    /// Parses a quantity such as `128Mi`.
    public init(parsing text: String) throws(QuantityError) {
        let parsed = try QuantityText(parsing: text)
        self.bytes = parsed.rounded(scale: 0)
    }

    /// `n` KiB.
    public static func kibibytes(_ count: Int64) -> MemoryQuantity { scaled(count, by: 1 << 10) }
    /// `n` MiB.
    public static func mebibytes(_ count: Int64) -> MemoryQuantity { scaled(count, by: 1 << 20) }
    /// `n` GiB.
    public static func gibibytes(_ count: Int64) -> MemoryQuantity { scaled(count, by: 1 << 30) }

    private static let suffixes: [(String, Int64)] = [
        ("Ei", 1 << 60), ("Pi", 1 << 50), ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10),
        ("E", 1_000_000_000_000_000_000), ("P", 1_000_000_000_000_000), ("T", 1_000_000_000_000),
        ("G", 1_000_000_000), ("M", 1_000_000), ("k", 1_000),
    ]

    /// The canonical quantity text.
    public var description: String {
        guard bytes > 0 else { return "0" }
        for (suffix, unit) in Self.suffixes where bytes % unit == 0 {
            return "\(bytes / unit)\(suffix)"
        }
        return "\(bytes)"
    }

    /// Orders by amount.
    public static func < (lhs: MemoryQuantity, rhs: MemoryQuantity) -> Bool { lhs.bytes < rhs.bytes }

    private static func scaled(_ count: Int64, by unit: Int64) -> MemoryQuantity {
        let (value, overflow) = count.multipliedReportingOverflow(by: unit)
        return MemoryQuantity(bytes: overflow ? Int64.max : value)
    }
}
