/// Why a text is not a usable Kubernetes quantity.
public enum QuantityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text is empty (callers substitute their default instead of reporting this).
    case empty
    /// The quantity is negative; resources cannot be.
    case negative
    /// The text does not follow the quantity grammar (or needs more than 18 significant digits).
    case malformed

    /// A short explanation.
    public var description: String {
        switch self {
        case .empty: "is empty"
        case .negative: "must not be negative"
        case .malformed: "is not a Kubernetes quantity"
        }
    }
}
