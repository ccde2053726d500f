import Events

/// A small deterministic PRNG (SplitMix64) for fault decisions, so a seed reproduces a run (the chaos driver
/// uses it for its schedule too).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Seeds the generator; without a seed it starts from the system generator.
    public init(seed: UInt64?) {
        if let seed {
            state = seed
        } else {
            var system = SystemRandomNumberGenerator()
            state = system.next()
        }
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniform draw in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// Random identifiers from the system generator (never the seeded fault generator).
enum Identifiers {
    /// A random (version 4) UUID in canonical text form.
    static func uuid() -> String {
        var system = SystemRandomNumberGenerator()
        let high = (system.next() as UInt64) & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
        let low = (system.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        return UUID(high: high, low: low).uuidString
    }

    /// A random token of `count` lowercase alphanumerics.
    static func token(count: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var system = SystemRandomNumberGenerator()
        return String(
            decoding: (0..<count).map { _ in alphabet[Int(system.next(upperBound: UInt64(alphabet.count)))] },
            as: UTF8.self)
    }

    /// The suffix the API server appends for `generateName` (5 characters, no vowels or confusables).
    static func generateNameSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789".utf8)
        var system = SystemRandomNumberGenerator()
        return String(
            decoding: (0..<5).map { _ in alphabet[Int(system.next(upperBound: UInt64(alphabet.count)))] },
            as: UTF8.self)
    }
}
