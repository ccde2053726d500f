import IPC
import Testing

/// Malformed streams: every error is typed and final.
@Suite struct FrameDecoderErrorTests {
    private func firstError(_ bytes: [UInt8], maxFrameSize: Int = IPCProtocol.defaultMaxFrameSize) -> IPCError? {
        var decoder = FrameDecoder(maxFrameSize: maxFrameSize)
        decoder.append(bytes)
        do {
            while try decoder.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [0, 1] as [UInt32])
    func runtLengthIsRefused(length: UInt32) {
        #expect(firstError(lengthPrefix(length))?.code == .runtFrame)
        #expect(firstError(lengthPrefix(length) + [1, 1, 1])?.code == .runtFrame)
    }

    @Test func runtAfterAGoodFrameIsStillReported() throws {
        var decoder = FrameDecoder()
        decoder.append(SupervisorMessage.drain.frame() + lengthPrefix(1))
        #expect(try decoder.next() != nil)
        #expect(throws: IPCError(.runtFrame, "")) { try decoder.next() }
    }

    @Test func oversizedLengthIsRefusedFromThePrefixAlone() {
        // Only the four length bytes have arrived: the body is never waited for.
        #expect(firstError(lengthPrefix(4097), maxFrameSize: 4096)?.code == .oversizedFrame)
        #expect(firstError(lengthPrefix(.max))?.code == .oversizedFrame)
        #expect(
            firstError(lengthPrefix(UInt32(IPCProtocol.defaultMaxFrameSize + 1)))?.code == .oversizedFrame)
        // Exactly at the limit, it waits for the body instead.
        #expect(firstError(lengthPrefix(4096) + [IPCProtocol.version, 1], maxFrameSize: 4096) == nil)
    }

    @Test func partialLengthPrefixWaits() {
        #expect(firstError([0xFF, 0xFF, 0xFF]) == nil)
    }

    @Test(arguments: [0, 1, 2, 4, 255] as [UInt8])
    func wrongVersionIsRefusedAsSoonAsItsByteArrives(version: UInt8) {
        // Header announces a large frame; only the version byte follows.
        #expect(firstError(lengthPrefix(1000) + [version])?.code == .wrongVersion)
        #expect(firstError(Frame.encode(type: 1, payload: [1, 2], version: version))?.code == .wrongVersion)
    }

    @Test func rightVersionWithMissingBodyWaits() {
        #expect(firstError(lengthPrefix(1000) + [IPCProtocol.version, 2, 0]) == nil)
    }

    @Test func truncatedStreamIsReportedByFinish() throws {
        let frame = WorkerMessage.pong(sequence: 3).frame()
        for cut in 1..<frame.count {
            var decoder = FrameDecoder()
            decoder.append(frame[..<cut])
            #expect(try decoder.next() == nil)
            #expect(throws: IPCError(.truncatedStream, "")) { try decoder.finish() }
        }
    }

    @Test func finishAfterWholeFramesIsClean() throws {
        var decoder = FrameDecoder()
        try decoder.finish()
        decoder.append(SupervisorMessage.drain.frame() + SupervisorMessage.shutdown.frame())
        #expect(try decoder.next() != nil)
        #expect(try decoder.next() != nil)
        try decoder.finish()
    }

    @Test func errorsNameTheirCause() {
        let error = firstError(lengthPrefix(5000), maxFrameSize: 4096)
        #expect(error?.description.contains("5000") == true)
        #expect(error?.description.contains("4096") == true)
    }
}
