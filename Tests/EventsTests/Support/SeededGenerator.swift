import Platform

/// Property tests draw from a seeded SplitMix64, so they are reproducible.
typealias SeededGenerator = SplitMix64
