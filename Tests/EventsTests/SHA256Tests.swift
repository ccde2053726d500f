import Testing
@testable import Events

@Suite("SHA-256")
struct SHA256Tests {
    @Test(
        "FIPS 180-4 example messages (one block, two blocks, the 896-bit message) and the empty message",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ])
    func vectors(input: String, hex: String) {
        #expect(SHA256.hash(Array(input.utf8)).hex == hex)
        #expect(SHA256.hash(Array(input.utf8)).bytes.count == 32)
    }

    /// Expected values from coreutils `sha256sum`, an independent implementation.
    @Test(
        "around the padding boundaries",
        arguments: [
            (55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"),
            (56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"),
            (63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"),
            (64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"),
            (65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"),
            (119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"),
            (120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"),
        ])
    func paddingBoundaries(length: Int, hex: String) {
        #expect(SHA256.hash([UInt8](repeating: UInt8(ascii: "x"), count: length)).hex == hex)
    }

    @Test("a million 'a' (FIPS 180-4's long message), fed in uneven chunks, equals the one-shot digest")
    func streaming() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hash(message).hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var hasher = SHA256()
        feedInUnevenChunks(message) { hasher.update($0) }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var sequenceHasher = SHA256()
        sequenceHasher.update((0..<768).lazy.map { UInt8(truncatingIfNeeded: $0) })
        #expect(sequenceHasher.finalize().hex == "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363")
        // Contiguous storage that is not an array (a slice, a buffer) takes the block-at-a-time path.
        let bytes = (0..<768).map { UInt8(truncatingIfNeeded: $0) }
        #expect(
            SHA256.hash(bytes[0...]).hex == "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363")
        #expect(
            bytes.withUnsafeBufferPointer { SHA256.hash($0).hex }
                == "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363")
        var mixed = SHA256()
        mixed.update(bytes[0..<100])
        mixed.update((100..<768).lazy.map { UInt8(truncatingIfNeeded: $0) })
        #expect(mixed.finalize().hex == "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363")
    }
}

/// Feeds `message` to `update` in chunks of 1, 14, 27, … bytes (wrapping below 97), so chunk ends fall on every
/// position within a 64-byte block.
func feedInUnevenChunks(_ message: [UInt8], _ update: ([UInt8]) -> Void) {
    var start = 0
    var step = 1
    while start < message.count {
        let end = min(message.count, start + step)
        update(Array(message[start..<end]))
        start = end
        step = step % 97 + 13
    }
}
