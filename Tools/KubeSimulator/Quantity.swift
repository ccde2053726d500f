/// A Kubernetes resource quantity (`500m`, `128Mi`, `1e3`), parsed well enough to compare values.
struct Quantity: Sendable, Hashable {
    /// The approximate numeric value.
    let value: Double

    private static let binarySuffixes: [String: Double] = [
        "Ki": 1024, "Mi": 1_048_576, "Gi": 1_073_741_824, "Ti": 1_099_511_627_776, "Pi": 1_125_899_906_842_624,
        "Ei": 1_152_921_504_606_846_976,
    ]
    private static let decimalSuffixes: [String: Double] = [
        "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    ]

    /// Parses `text`; `nil` when it does not match `^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$` semantics.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        var index = 0
        if bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-") { index = 1 }
        let numberStart = index
        while index < bytes.count, (bytes[index] >= 48 && bytes[index] <= 57) || bytes[index] == UInt8(ascii: ".") {
            index += 1
        }
        guard index > numberStart, let number = Double(String(decoding: bytes[0..<index], as: UTF8.self)) else {
            return nil
        }
        let suffix = String(decoding: bytes[index...], as: UTF8.self)
        if let multiplier = Self.binarySuffixes[suffix] ?? Self.decimalSuffixes[suffix] {
            value = number * multiplier
            return
        }
        guard suffix.first == "e" || suffix.first == "E", let exponent = Int(suffix.dropFirst()), abs(exponent) <= 30
        else {
            return nil
        }
        var scale = 1.0
        for _ in 0..<abs(exponent) { scale *= 10 }
        value = exponent >= 0 ? number * scale : number / scale
    }

    /// The regular-expression message the API server gives for a malformed quantity.
    static let formatMessage =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
}
