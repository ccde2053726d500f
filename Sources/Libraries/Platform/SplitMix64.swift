/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast generator whose whole state is one word, so a seed
/// replays a sequence exactly. For spread, not secrecy: fault schedules, retry jitter, randomized tests.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// The generator that `seed` starts.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniform draw in [0, 1) (53 bits).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
