/// The random source of retry jitter: SplitMix64 seeded once per call from the system generator.
///
/// Jitter needs spread, not secrecy. The per-call state also keeps `SystemRandomNumberGenerator`, an empty type,
/// out of the retry loop's `inout` generic calls, where ThreadSanitizer's access instrumentation crashes on it.
struct JitterGenerator: RandomNumberGenerator {
    private var state: UInt64

    init() {
        state = UInt64.random(in: .min ... .max)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
