import Platform

/// The random source of retry jitter: SplitMix64 seeded once per call from the system generator.
///
/// Jitter needs spread, not secrecy. The per-call state also keeps `SystemRandomNumberGenerator`, an empty type,
/// out of the retry loop's `inout` generic calls, where ThreadSanitizer's access instrumentation crashes on it.
struct JitterGenerator: RandomNumberGenerator {
    private var generator = SplitMix64(seed: UInt64.random(in: .min ... .max))

    mutating func next() -> UInt64 { generator.next() }
}
