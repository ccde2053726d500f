import IPC
import Testing

/// Frames that are well formed but whose message is not.
@Suite struct MessageDecodingErrorTests {
    private func supervisorError(type: UInt8, _ payload: [UInt8]) -> IPCError.Code? {
        do {
            _ = try SupervisorMessage(frame: rawFrame(type: type, payload: payload))
            return nil
        } catch {
            return error.code
        }
    }

    private func workerError(type: UInt8, _ payload: [UInt8]) -> IPCError.Code? {
        do {
            _ = try WorkerMessage(frame: rawFrame(type: type, payload: payload))
            return nil
        } catch {
            return error.code
        }
    }

    /// The payload bytes of an encoded message (everything after the 6-byte frame header).
    private func payload(_ frame: [UInt8]) -> [UInt8] { Array(frame.dropFirst(6)) }

    @Test(arguments: [0, 6, 7, 100, 255] as [UInt8])
    func unknownSupervisorMessageType(type: UInt8) {
        #expect(supervisorError(type: type, []) == .unknownMessage)
    }

    @Test(arguments: [0, 4, 5, 100, 255] as [UInt8])
    func unknownWorkerMessageType(type: UInt8) {
        #expect(workerError(type: type, []) == .unknownMessage)
    }

    static let supervisorFrames: [[UInt8]] = [
        SupervisorMessage.welcome(concurrency: 2, handler: "test", settings: [1, 2, 3]).frame(),
        SupervisorMessage.dispatch(DispatchedCommand(id: 1, attempt: 1, deadlineMilliseconds: 5, key: "k", payload: [4]))
            .frame(),
        SupervisorMessage.ping(sequence: 9).frame(),
    ]

    static let workerFrames: [[UInt8]] = [
        WorkerMessage.hello(protocolVersion: 1, workerID: 2, pid: 3).frame(),
        WorkerMessage.result(commandID: 1, outcome: .created(podName: "p", namespace: "n", uid: "u")).frame(),
        WorkerMessage.result(commandID: 1, outcome: .deleted(podName: "p", namespace: "n")).frame(),
        WorkerMessage.result(commandID: 1, outcome: .completed).frame(),
        WorkerMessage.result(commandID: 1, outcome: .failed(reason: "r")).frame(),
        WorkerMessage.pong(sequence: 9).frame(),
    ]

    @Test(arguments: supervisorFrames)
    func supervisorPayloadCutShortAnywhere(frame: [UInt8]) {
        let bytes = payload(frame)
        for cut in 0..<bytes.count {
            #expect(supervisorError(type: frame[5], Array(bytes[..<cut])) == .malformedPayload, "cut at \(cut)")
        }
        #expect(supervisorError(type: frame[5], bytes) == nil)
    }

    @Test(arguments: workerFrames)
    func workerPayloadCutShortAnywhere(frame: [UInt8]) {
        let bytes = payload(frame)
        for cut in 0..<bytes.count {
            #expect(workerError(type: frame[5], Array(bytes[..<cut])) == .malformedPayload, "cut at \(cut)")
        }
        #expect(workerError(type: frame[5], bytes) == nil)
    }

    @Test func trailingBytesAreRefusedInBothDirections() {
        for frame in Self.supervisorFrames + [SupervisorMessage.drain.frame(), SupervisorMessage.shutdown.frame()] {
            #expect(supervisorError(type: frame[5], payload(frame) + [0]) == .malformedPayload)
        }
        for frame in Self.workerFrames {
            #expect(workerError(type: frame[5], payload(frame) + [0, 0]) == .malformedPayload)
        }
    }

    @Test func lengthPrefixLongerThanThePayload() {
        // handler announces 1000 bytes but 4 follow.
        var writer = PayloadWriter()
        writer.write(UInt16(1))
        writer.write(UInt32(1000))
        writer.write(UInt32(0x7465_7374))
        #expect(supervisorError(type: 1, writer.bytes) == .malformedPayload)
        // A length of UInt32.max must not overflow anything.
        #expect(supervisorError(type: 1, [0, 1, 255, 255, 255, 255, 1]) == .malformedPayload)
    }

    static let invalidUTF8: [[UInt8]] = [[0xFF], [0xC3], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF]]

    @Test(arguments: invalidUTF8)
    func invalidUTF8InEveryStringField(bad: [UInt8]) {
        var welcome = PayloadWriter()
        welcome.write(UInt16(1))
        welcome.write(bytes: bad)
        welcome.write(bytes: [UInt8]())
        #expect(supervisorError(type: 1, welcome.bytes) == .malformedPayload)

        var dispatch = PayloadWriter()
        dispatch.write(UInt64(1))
        dispatch.write(UInt32(1))
        dispatch.write(UInt32(1))
        dispatch.write(bytes: bad)
        dispatch.write(bytes: [UInt8]())
        #expect(supervisorError(type: 2, dispatch.bytes) == .malformedPayload)

        // Each string of each outcome in turn.
        for (tag, fields) in [(1 as UInt8, 3), (2, 2), (4, 1)] {
            for badField in 0..<fields {
                var result = PayloadWriter()
                result.write(UInt64(1))
                result.write(tag)
                for field in 0..<fields { result.write(bytes: field == badField ? bad : Array("ok".utf8)) }
                #expect(workerError(type: 2, result.bytes) == .malformedPayload, "tag \(tag) field \(badField)")
            }
        }
    }

    @Test func opaqueBytesMayHoldAnything() throws {
        // settings and payload are bytes, not strings: invalid UTF-8 there is fine.
        let message = SupervisorMessage.dispatch(
            DispatchedCommand(id: 1, attempt: 1, deadlineMilliseconds: 1, key: "k", payload: [0xFF, 0xC3]))
        #expect(try SupervisorMessage(frame: rawFrame(type: 2, payload: payload(message.frame()))) == message)
    }

    @Test(arguments: [0, 5, 6, 255] as [UInt8])
    func unknownOutcomeTag(tag: UInt8) {
        var writer = PayloadWriter()
        writer.write(UInt64(1))
        writer.write(tag)
        #expect(workerError(type: 2, writer.bytes) == .malformedPayload)
    }

    @Test(arguments: [2, 3, 128, 255] as [UInt8])
    func badBoolean(byte: UInt8) {
        var reader = PayloadReader([byte][...])
        #expect(throws: IPCError(.malformedPayload, "")) { try reader.readBool("flag") }
    }

    @Test func payloadReaderReadsWhatTheWriterWrote() throws {
        var writer = PayloadWriter()
        writer.write(true)
        writer.write(false)
        writer.write(UInt8(0xAB))
        writer.write(UInt16(0xBEEF))
        writer.write(UInt32(0xDEAD_BEEF))
        writer.write(UInt64(0x0123_4567_89AB_CDEF))
        writer.write(Int32(-5))
        writer.write("héllo")
        writer.write(bytes: [1, 2, 3])
        writer.write("")
        // Read from a slice that does not start at index 0, as frames do.
        let padded = [9, 9, 9] + writer.bytes
        var reader = PayloadReader(padded[3...])
        #expect(try reader.readBool("a") == true)
        #expect(try reader.readBool("b") == false)
        #expect(try reader.readUInt8("c") == 0xAB)
        #expect(try reader.readUInt16("d") == 0xBEEF)
        #expect(try reader.readUInt32("e") == 0xDEAD_BEEF)
        #expect(try reader.readUInt64("f") == 0x0123_4567_89AB_CDEF)
        #expect(try reader.readInt32("g") == -5)
        #expect(try reader.readString("h") == "héllo")
        #expect(try reader.readBytes("i") == [1, 2, 3])
        #expect(try reader.readString("j") == "")
        #expect(reader.isAtEnd)
        try reader.expectEnd("all")
        #expect(throws: IPCError(.malformedPayload, "")) { try reader.readUInt8("past the end") }
    }

    @Test func readerErrorsNameTheField() {
        var reader = PayloadReader([0, 0][...])
        do {
            _ = try reader.readUInt32("sequence number")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .malformedPayload)
            #expect(error.detail.contains("sequence number"))
        }
    }
}
