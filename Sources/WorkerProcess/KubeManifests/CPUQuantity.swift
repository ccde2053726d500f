/// A CPU amount in millicores, parsed from and written as a Kubernetes quantity.
///
/// Parsing accepts the whole quantity grammar (`500m`, `0.5`, `2`, `5e-1`, `1.5k`);
/// sub-millicore precision rounds up, as the API server does. The canonical text is always
/// `<millicores>m` (`1000m`, `200m`), which is what upstream sends.
public struct CPUQuantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount in thousandths of a core.
    public var millicores: Int64

    /// Creates an amount from millicores (negative values become 0).
    public init(millicores: Int64) {
        self.millicores = max(0, millicores)
    }

    /// Parses a quantity such as `250m` or `1.5`.
    public init(parsing text: String) throws(QuantityError) {
        let parsed = try QuantityText(parsing: text)
        self.millicores = parsed.rounded(scale: 3)
    }

    /// `<n>m`.
    public var description: String { "\(millicores)m" }

    /// Whole cores.
    public static func cores(_ count: Int64) -> CPUQuantity {
        let (value, overflow) = count.multipliedReportingOverflow(by: 1000)
        return CPUQuantity(millicores: overflow ? Int64.max : value)
    }

    /// Orders by amount.
    public static func < (lhs: CPUQuantity, rhs: CPUQuantity) -> Bool { lhs.millicores < rhs.millicores }
}
