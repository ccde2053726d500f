import Testing
@testable import Events

@Suite("SHA-1, UUID, UUIDv5 and event ids")
struct IdentityTests {
    @Test(
        "SHA-1 test vectors",
        arguments: [
            ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ])
    func sha1Vectors(input: String, hex: String) {
        #expect(SHA1.hash(Array(input.utf8)).hex == hex)
    }

    @Test(
        "SHA-1 around the padding boundaries",
        arguments: [
            (55, "cef734ba81a024479e09eb5a75b6ddae62e6abf1"), (56, "901305367c259952f4e7af8323f480d59f81335b"),
            (63, "0ddc4e0cccd9a12850deb5abb0853a4425559fec"), (64, "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163"),
            (65, "78c741ddc482e4cdf8c474a0876347a0905b6233"), (119, "4300320394f7ee239bcdce7d3b8bcee173a0cd5c"),
            (120, "ceb2821639c4b6dcb10bce0e522ca2e608ce056d"),
        ])
    func sha1PaddingBoundaries(length: Int, hex: String) {
        #expect(SHA1.hash([UInt8](repeating: UInt8(ascii: "x"), count: length)).hex == hex)
    }

    @Test("SHA-1 of a million 'a', fed in uneven chunks, equals the one-shot digest")
    func sha1Streaming() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA1.hash(message).hex == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        var hasher = SHA1()
        feedInUnevenChunks(message) { hasher.update($0) }
        #expect(hasher.finalize().hex == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        var sequenceHasher = SHA1()
        sequenceHasher.update((0..<768).lazy.map { UInt8(truncatingIfNeeded: $0) })
        #expect(sequenceHasher.finalize().hex == "ac2a264c8ec1f4232a40854e8239bc3a697ab1d2")
    }

    @Test("UUID text parsing and canonical formatting")
    func uuidText() throws {
        let uuid = try #require(UUID("6BA7B810-9dad-11d1-80B4-00c04fd430c8"))
        #expect(uuid == UUID.namespaceDNS)
        #expect(uuid.uuidString == "6ba7b810-9dad-11d1-80b4-00c04fd430c8")
        #expect(UUID("6ba7b8109dad11d180b400c04fd430c8") == uuid)
        #expect(UUID(bytes: uuid.bytes) == uuid)
        #expect(uuid.version == 1)
        for bad in [
            "", "6ba7b810-9dad-11d1-80b4-00c04fd430c", "6ba7b810x9dad-11d1-80b4-00c04fd430c8",
            "6ba7b810-9dad-11d1-80b4-00c04fd430cg", "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}",
        ] {
            #expect(UUID(bad) == nil, "accepted \(bad)")
        }
        #expect(UUID(bytes: [1, 2, 3]) == nil)
    }

    @Test("UUIDv5 matches Python's uuid.uuid5")
    func uuidV5() {
        #expect(
            UUIDv5.make(namespace: .namespaceDNS, name: "python.org").uuidString
                == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
        #expect(
            UUIDv5.make(namespace: .namespaceURL, name: "héllo ✓").uuidString == "8a2f39e9-e920-5c69-bfe0-c491f82bf149")
        #expect(UUIDv5.make(namespace: .namespaceOID, name: "").uuidString == "0a68eb57-c88a-5f34-9e9d-27f85e68af4f")
        #expect(UUIDv5.make(namespace: .namespaceDNS, name: "python.org").version == 5)
    }

    @Test("project namespace is UUIDv5(NAMESPACE_URL, repository URL)")
    func projectNamespace() {
        #expect(EventID.namespace.uuidString == "9c1a2a57-8ddb-5b8c-a890-b3a15b6b3922")
    }

    @Test("event ids are deterministic, per type, and match Python")
    func eventIDs() {
        let execution = "5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90"
        let saga = "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"
        let created = EventID.derive(executionID: execution, sagaID: saga, eventType: .podCreated)
        #expect(created == "1f74472b-fc00-5bd4-8f38-283e982e0836")
        #expect(created == EventID.derive(executionID: execution, sagaID: saga, eventType: .podCreated))
        #expect(
            EventID.derive(executionID: execution, sagaID: saga, eventType: .executionStarted)
                == "b09f88dd-d514-53e1-8337-2d851aacd6ad")
        #expect(
            EventID.derive(executionID: execution, sagaID: saga, eventType: .executionFailed)
                == "56cd9253-2c88-5dfc-86ff-811c8bfa1503")
        #expect(EventID.derive(executionID: execution, sagaID: "other-saga", eventType: .podCreated) != created)
    }
}
