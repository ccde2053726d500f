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

    @Test(arguments: [0, 5, 6, 100, 255] as [UInt8])
    func unknownWorkerMessageType(type: UInt8) {
        #expect(workerError(type: type, []) == .unknownMessage)
    }

    static let supervisorFrames: [[UInt8]] = [
        SupervisorMessage.welcome(concurrency: 2, handler: "test", settings: [1, 2, 3]).frame(),
        SupervisorMessage.dispatch(
            DispatchedCommand(id: 1, attempt: 1, deadlineMilliseconds: 5, key: "k", payload: [4])
        )
        .frame(),
        SupervisorMessage.dispatch(
            DispatchedCommand(
                id: 1, attempt: 1, deadlineMilliseconds: 5, key: "k", payload: [4], logContext: ["offset": "9"])
        ).frame(),
        SupervisorMessage.ping(sequence: 9).frame(),
    ]

    static let workerFrames: [[UInt8]] = [
        WorkerMessage.hello(protocolVersion: 1, workerID: 2, pid: 3).frame(),
        WorkerMessage.result(commandID: 1, outcome: .created(podName: "p", namespace: "n", uid: "u")).frame(),
        WorkerMessage.result(commandID: 1, outcome: .deleted(podName: "p", namespace: "n")).frame(),
        WorkerMessage.result(commandID: 1, outcome: .completed).frame(),
        WorkerMessage.result(commandID: 1, outcome: .failed(reason: "r")).frame(),
        WorkerMessage.pong(sequence: 9).frame(),
        WorkerMessage.statistics(WorkerStatistics()).frame(),
        WorkerMessage.statistics(Self.someStatistics).frame(),
    ]

    static let someStatistics: WorkerStatistics = {
        var statistics = WorkerStatistics()
        statistics.podCreations = [.init(status: "success", language: "go"): 1]
        var histogram = HistogramCounts(bounds: WorkerStatistics.durationBounds)
        histogram.observe(0.2)
        statistics.podCreationSeconds = ["go": histogram]
        statistics.configMapsCreated = ["success": 1]
        statistics.apiRetries = ["transport": 1]
        return statistics
    }()

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

    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xC3], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF],
    ]

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

/// The log context and the statistics' maps: bounded, sorted and without repeats, so each message has one
/// encoding.
@Suite struct StatisticsAndContextDecodingTests {
    static func dispatchPayload(names: [String]) -> [UInt8] {
        var writer = PayloadWriter()
        writer.write(UInt64(1))
        writer.write(UInt32(1))
        writer.write(UInt32(1))
        writer.write("k")
        writer.write(bytes: [UInt8]())
        writer.write(UInt8(names.count))
        for name in names {
            writer.write(name)
            writer.write("v")
        }
        writer.write(UInt64(0))  // expiry: never
        writer.write(UInt32(0))  // max create attempts: no bound
        writer.write(UInt32(0))  // create attempts so far
        return writer.bytes
    }

    /// Statistics with nothing but, optionally, one histogram of `buckets` buckets and the given retry causes
    /// (announced as `retryCount` entries, if given).
    static func statisticsPayload(buckets: Int? = nil, causes: [String] = [], retryCount: UInt16? = nil) -> [UInt8] {
        var writer = PayloadWriter()
        writer.write(UInt16(0))
        writer.write(UInt16(buckets == nil ? 0 : 1))
        if let buckets {
            writer.write("go")
            writer.write(UInt16(buckets))
            for _ in 0..<buckets { writer.write(UInt64(1)) }
            writer.write(UInt64(0))
        }
        writer.write(UInt32(0))
        writer.write(UInt16(0))
        writer.write(UInt64(0))
        writer.write(UInt64(0))
        writer.write(retryCount ?? UInt16(causes.count))
        for cause in causes {
            writer.write(cause)
            writer.write(UInt64(1))
        }
        return writer.bytes
    }

    static func statistics(_ payload: [UInt8]) throws(IPCError) -> WorkerStatistics? {
        guard case .statistics(let statistics) = try WorkerMessage(frame: rawFrame(type: 4, payload: payload)) else {
            return nil
        }
        return statistics
    }

    @Test func histogramsMustHaveTheKnownBuckets() throws {
        let buckets = WorkerStatistics.durationBounds.count + 1
        #expect(
            try Self.statistics(Self.statisticsPayload(buckets: buckets))?.podCreationSeconds["go"]?.count
                == UInt64(buckets))
        for wrong in [0, 3, buckets - 1, buckets + 1] {
            #expect(throws: IPCError(.malformedPayload, "")) {
                try Self.statistics(Self.statisticsPayload(buckets: wrong))
            }
        }
    }

    @Test func tooManyEntriesAreRefusedOnTheCountAlone() {
        // 65535 announced retry causes with nothing behind them.
        do {
            _ = try Self.statistics(Self.statisticsPayload(retryCount: .max))
            Issue.record("accepted")
        } catch {
            #expect(error.code == .malformedPayload && error.detail.contains("at most"))
        }
    }

    @Test func aLogContextOfMoreThanSixteenEntriesIsRefused() {
        #expect(throws: IPCError(.malformedPayload, "")) {
            try SupervisorMessage(
                frame: rawFrame(type: 2, payload: Self.dispatchPayload(names: (10..<27).map { "n\($0)" })))
        }
    }

    @Test func logContextInOrderIsAcceptedOutOfOrderOrRepeatedIsNot() throws {
        let accepted = try SupervisorMessage(
            frame: rawFrame(type: 2, payload: Self.dispatchPayload(names: ["a", "b"])))
        guard case .dispatch(let command) = accepted else {
            Issue.record("not a dispatch")
            return
        }
        #expect(command.logContext == ["a": "v", "b": "v"])
        for names in [["b", "a"], ["a", "a"]] {
            #expect(throws: IPCError(.malformedPayload, "")) {
                try SupervisorMessage(frame: rawFrame(type: 2, payload: Self.dispatchPayload(names: names)))
            }
        }
    }

    @Test func statisticsKeysInOrderAreAcceptedOutOfOrderOrRepeatedAreNot() throws {
        #expect(
            try Self.statistics(Self.statisticsPayload(causes: ["429", "503"]))?.apiRetries == ["429": 1, "503": 1])
        for causes in [["503", "429"], ["503", "503"]] {
            #expect(throws: IPCError(.malformedPayload, "")) {
                try Self.statistics(Self.statisticsPayload(causes: causes))
            }
        }
    }

    /// The trailing sections (resource limits, then given-up creations) have one encoding each: the limits are
    /// written (even empty) only when the given-up creations follow, and those only when not empty.
    @Test func trailingSectionsHaveOneEncoding() throws {
        func map(_ entries: [(String, UInt64)]) -> [UInt8] {
            var writer = PayloadWriter()
            writer.write(UInt16(entries.count))
            for (key, value) in entries {
                writer.write(key)
                writer.write(value)
            }
            return writer.bytes
        }
        let base = Self.statisticsPayload()
        let givenUp = try Self.statistics(base + map([]) + map([("attempts", 2), ("expired", 1)]))
        #expect(
            givenUp?.podCreationsGivenUp == ["attempts": 2, "expired": 1] && givenUp?.resourceLimitsExceeded == [:])
        let limits = try Self.statistics(base + map([("clamped/cpu_limit", 1)]))
        #expect(limits?.resourceLimitsExceeded == ["clamped/cpu_limit": 1] && limits?.podCreationsGivenUp == [:])
        for refused in [base + map([]), base + map([]) + map([]), base + map([("a", 1)]) + map([])] {
            #expect(throws: IPCError(.malformedPayload, "")) { try Self.statistics(refused) }
        }
        var statistics = WorkerStatistics()
        statistics.podCreationsGivenUp = ["expired": 3]
        #expect(
            WorkerMessage.statistics(statistics).frame()
                == Frame.encode(type: 4, payload: base + map([]) + map([("expired", 3)])))
    }

    @Test func statisticsAddUp() {
        var a = MessageDecodingErrorTests.someStatistics
        a.podCreationsActive = 2
        a.add(MessageDecodingErrorTests.someStatistics)
        #expect(a.podCreations[.init(status: "success", language: "go")] == 2)
        #expect(a.podCreationSeconds["go"]?.count == 2)
        #expect(a.configMapsCreated == ["success": 2] && a.apiRetries == ["transport": 2] && a.podCreationsActive == 2)
        var b = WorkerStatistics()
        b.podCreationsGivenUp = ["expired": 1]
        b.add(b)
        #expect(b.podCreationsGivenUp == ["expired": 2])
    }
}
