import IPC
import Testing

/// Random and mutated input never crashes: it decodes (canonically) or throws a typed error.
@Suite struct GarbageInputTests {
    static let streamErrors: Set<IPCError.Code> = [.runtFrame, .oversizedFrame, .wrongVersion, .truncatedStream]
    static let messageErrors: Set<IPCError.Code> = [.unknownMessage, .malformedPayload]

    struct Tally {
        var frames = 0
        var supervisorMessages = 0
        var workerMessages = 0
        var streamErrors = 0
        var messageErrors = 0
    }

    /// Decodes `bytes` as a stream and every frame as both directions, checking every outcome.
    private func exercise(_ bytes: [UInt8], chunk: Int, tally: inout Tally) {
        var decoder = FrameDecoder(maxFrameSize: 4096)
        var offset = 0
        do {
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunk)
                decoder.append(bytes[offset..<end])
                offset = end
                while let frame = try decoder.next() {
                    tally.frames += 1
                    check(frame, tally: &tally)
                }
            }
            try decoder.finish()
        } catch {
            #expect(Self.streamErrors.contains(error.code), "\(error)")
            tally.streamErrors += 1
        }
    }

    private func check(_ frame: Frame, tally: inout Tally) {
        do {
            let message = try SupervisorMessage(frame: frame)
            // Whatever decodes must re-encode to the very same bytes: no field is dropped or invented.
            #expect(message.frame() == reencode(frame))
            tally.supervisorMessages += 1
        } catch {
            #expect(Self.messageErrors.contains(error.code), "\(error)")
            tally.messageErrors += 1
        }
        do {
            let message = try WorkerMessage(frame: frame)
            #expect(message.frame() == reencode(frame))
            tally.workerMessages += 1
        } catch {
            #expect(Self.messageErrors.contains(error.code), "\(error)")
            tally.messageErrors += 1
        }
    }

    @Test func randomBytes() {
        var generator = SeededGenerator(seed: 0xBAD_F00D)
        var tally = Tally()
        for _ in 0..<3000 {
            let bytes = generator.bytes(Int.random(in: 0...80, using: &generator))
            exercise(bytes, chunk: Int.random(in: 1...16, using: &generator), tally: &tally)
        }
        #expect(tally.streamErrors > 0)
    }

    @Test func randomPayloadsBehindValidHeaders() {
        // A valid header gets the garbage past the frame layer, into the message decoders.
        var generator = SeededGenerator(seed: 0x5EED)
        var tally = Tally()
        for _ in 0..<4000 {
            let type = UInt8.random(in: 0...7, using: &generator)
            var payload = generator.bytes(Int.random(in: 0...40, using: &generator))
            // Small length fields make it likelier that strings and byte blobs decode.
            if payload.count > 8, Bool.random(using: &generator) {
                let at = Int.random(in: 0..<(payload.count - 4), using: &generator)
                payload.replaceSubrange(at..<at + 4, with: [0, 0, 0, UInt8.random(in: 0...8, using: &generator)])
            }
            exercise(Frame.encode(type: type, payload: payload), chunk: 1 + payload.count / 3, tally: &tally)
        }
        #expect(tally.frames == 4000)
        #expect(tally.messageErrors > 0)
        #expect(tally.supervisorMessages + tally.workerMessages > 0)
    }

    @Test func mutatedValidFrames() {
        let originals: [[UInt8]] =
            [
                SupervisorMessage.welcome(concurrency: 4, handler: "test", settings: [1, 2]).frame(),
                SupervisorMessage.dispatch(
                    DispatchedCommand(id: 7, attempt: 2, deadlineMilliseconds: 1000, key: "exec-ü", payload: [1, 2, 3])
                ).frame(),
                SupervisorMessage.ping(sequence: 5).frame(),
                SupervisorMessage.drain.frame(),
                WorkerMessage.hello(protocolVersion: 1, workerID: 3, pid: 77).frame(),
                WorkerMessage.result(commandID: 9, outcome: .created(podName: "p", namespace: "n", uid: "u")).frame(),
                WorkerMessage.result(commandID: 9, outcome: .failed(reason: "nope")).frame(),
            ]
        var generator = SeededGenerator(seed: 31337)
        var tally = Tally()
        for _ in 0..<3000 {
            var bytes = originals.randomElement(using: &generator)!
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:  // flip a few bytes anywhere
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
            case 1:  // truncate
                bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
            case 2:  // append garbage
                bytes += generator.bytes(Int.random(in: 1...10, using: &generator))
            default:  // flip a payload byte only, keeping the frame valid
                if bytes.count > 6 {
                    bytes[Int.random(in: 6..<bytes.count, using: &generator)] ^=
                        UInt8(1) << UInt8.random(in: 0...7, using: &generator)
                }
            }
            exercise(bytes, chunk: Int.random(in: 1...8, using: &generator), tally: &tally)
        }
        #expect(tally.streamErrors > 0)
        #expect(tally.messageErrors > 0)
    }
}
