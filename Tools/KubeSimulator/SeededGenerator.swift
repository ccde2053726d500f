import Events
import Platform

/// The simulator's fault decisions come from SplitMix64, so a seed reproduces a run (the chaos driver uses it for
/// its schedule too).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    /// Seeds the generator; without a seed it starts from the system generator.
    public init(seed: UInt64?) { generator = SplitMix64(seed: seed ?? UInt64.random(in: .min ... .max)) }

    public mutating func next() -> UInt64 { generator.next() }

    /// A uniform draw in [0, 1).
    public mutating func unit() -> Double { generator.unit() }
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
