import IPC
import Testing

/// Cutting a byte stream into frames, whatever the read sizes.
@Suite struct FrameDecoderTests {
    /// A mixed stream: empty payloads, small ones, and one large enough to trigger buffer compaction.
    static let messages: [[UInt8]] = {
        var generator = SeededGenerator(seed: 42)
        var frames: [[UInt8]] = [SupervisorMessage.drain.frame(), WorkerMessage.pong(sequence: 7).frame()]
        for index in 0..<200 {
            let size = index % 70 == 0 ? 40_000 : Int.random(in: 0...200, using: &generator)
            frames.append(Frame.encode(type: UInt8(index % 256), payload: generator.bytes(size)))
        }
        frames.append(Frame.encode(type: 9, payload: []))
        return frames
    }()
    static let stream = messages.flatMap { $0 }

    private func expectMatchesMessages(_ frames: [Frame], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(frames.count == Self.messages.count, sourceLocation: sourceLocation)
        #expect(frames.map(reencode) == Self.messages, sourceLocation: sourceLocation)
    }

    @Test func wholeStreamAtOnce() throws {
        expectMatchesMessages(try decodeAll(Self.stream, chunks: []))
    }

    @Test func oneByteAtATime() throws {
        expectMatchesMessages(try decodeAll(Self.stream, chunks: [1]))
    }

    @Test(arguments: 0..<40)
    func randomChunkings(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed))
        let maxChunk = [2, 7, 64, 1000, 70_000][seed % 5]
        let sizes = (0..<500).map { _ in Int.random(in: 1...maxChunk, using: &generator) }
        expectMatchesMessages(try decodeAll(Self.stream, chunks: sizes))
    }

    @Test func payloadIsTheBytesAfterTheHeader() throws {
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 5, IPCProtocol.version, 200, 10, 20, 30])
        let frame = try #require(try decoder.next())
        #expect(frame.type == 200)
        #expect(Array(frame.payload) == [10, 20, 30])
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func headerOnlyFrameHasEmptyPayload() throws {
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 2, IPCProtocol.version, 4])
        let frame = try #require(try decoder.next())
        #expect(frame.type == 4)
        #expect(frame.payload.isEmpty)
    }

    @Test func incompleteFrameWaitsAndIsCounted() throws {
        let bytes = WorkerMessage.pong(sequence: 1).frame()
        var decoder = FrameDecoder()
        for (index, byte) in bytes.enumerated() {
            #expect(try decoder.next() == nil)
            #expect(decoder.bufferedByteCount == index)
            decoder.append([byte])
        }
        #expect(try decoder.next() != nil)
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == 0)
        try decoder.finish()
    }

    @Test func frameOfExactlyTheMaximumSizeIsAccepted() throws {
        let maximum = 4096
        let bytes = Frame.encode(type: 1, payload: [UInt8](repeating: 3, count: maximum - IPCProtocol.headerSize))
        let frames = try decodeAll(bytes, chunks: [1000], maxFrameSize: maximum)
        #expect(frames.count == 1)
        #expect(frames.first?.payload.count == maximum - IPCProtocol.headerSize)
    }

    @Test func framesDecodedEarlierStayIntactWhileTheBufferIsReused() throws {
        // Frames are slices of the decoder's buffer; later appends (and compaction) must not change them.
        var decoder = FrameDecoder()
        var kept: [Frame] = []
        for index in 0..<40 {
            decoder.append(Frame.encode(type: UInt8(index), payload: [UInt8](repeating: UInt8(index), count: 10_000)))
            while let frame = try decoder.next() { kept.append(frame) }
        }
        #expect(kept.count == 40)
        for (index, frame) in kept.enumerated() {
            #expect(frame.type == UInt8(index))
            #expect(frame.payload.count == 10_000)
            #expect(frame.payload.allSatisfy { $0 == UInt8(index) })
        }
    }
}
