import IPC
import Testing

/// Every message, through the whole path: `frame()` → ``FrameDecoder`` → `init(frame:)`.
@Suite struct MessageRoundTripTests {
    static let largePayload: [UInt8] = {
        var generator = SeededGenerator(seed: 7)
        return generator.bytes(1 << 20)
    }()

    static let supervisorMessages: [SupervisorMessage] = [
        .welcome(concurrency: 4, handler: "test", settings: []),
        .welcome(concurrency: 0, handler: "", settings: [0, 255, 1]),
        .welcome(concurrency: .max, handler: "gestionnaire-é-日本-🚀", settings: Array(repeating: 0xAB, count: 70_000)),
        .dispatch(DispatchedCommand(id: 1, attempt: 1, deadlineMilliseconds: 120_000, key: "exec-1", payload: [])),
        .dispatch(DispatchedCommand(id: .max, attempt: .max, deadlineMilliseconds: .max, key: "", payload: [0])),
        .dispatch(
            DispatchedCommand(
                id: 2, attempt: 4, deadlineMilliseconds: 1, key: "exec-2", payload: [1], expiresAtMilliseconds: .max,
                maxCreateAttempts: .max, createAttempts: .max)),
        .dispatch(
            DispatchedCommand(
                id: 0x0102_0304_0506_0708, attempt: 3, deadlineMilliseconds: 0, key: "ключ-キー-🔑\u{0}tab\t",
                payload: largePayload)),
        .dispatch(
            DispatchedCommand(
                id: 7, attempt: 1, deadlineMilliseconds: 5000, key: "exec-7", payload: [1],
                logContext: [
                    "execution.id": "exec-7", "topic": "saga_commands", "partition": "3", "offset": "12345", "": "é",
                ])),
        .ping(sequence: 0),
        .ping(sequence: .max),
        .drain,
        .shutdown,
    ]

    static let outcomes: [CommandOutcome] = [
        .created(podName: "executor-abc", namespace: "integr8scode", uid: "8a6f0a3e-1111-2222-3333-444455556666"),
        .created(podName: "", namespace: "", uid: ""),
        .deleted(podName: "executor-abc", namespace: "integr8scode"),
        .deleted(podName: "pod-ü", namespace: "ns-日本"),
        .completed,
        .failed(reason: "image pull failed"),
        .failed(reason: ""),
        .failed(reason: String(repeating: "raison-détaillée ✗ ", count: 20_000)),
        .retryLater(reason: "Kubernetes API unavailable (503) after 7 attempts"),
        .retryLater(reason: "", createAttempts: .max),
    ]

    /// Statistics from empty to every field set, with extreme values.
    static let statistics: [WorkerStatistics] = {
        var full = WorkerStatistics()
        full.podCreations = [
            .init(status: "success", language: "python"): 41, .init(status: "failed", language: "unknown"): .max,
        ]
        var histogram = HistogramCounts(bounds: WorkerStatistics.durationBounds)
        for seconds in [0.001, 0.3, 7, 500] { histogram.observe(seconds) }
        full.podCreationSeconds = ["python": histogram, "go": HistogramCounts(bounds: WorkerStatistics.durationBounds)]
        full.podCreationsActive = 3
        full.configMapsCreated = ["success": 40, "already_exists": 1, "failed": 2]
        full.apiRequests = 100
        full.apiFailures = 2
        full.apiRetries = ["503": 5, "429": 1, "transport": 9, "401": 1]
        var large = WorkerStatistics()
        large.apiRetries = Dictionary(
            uniqueKeysWithValues: (0..<WorkerStatistics.maxEntries).map { ("\($0)", UInt64($0)) })
        var givenUp = WorkerStatistics()
        givenUp.podCreationsGivenUp = ["attempts": 2, "expired": .max]
        var both = full
        both.resourceLimitsExceeded = ["clamped/cpu_limit": 3]
        both.podCreationsGivenUp = ["expired": 1]
        return [WorkerStatistics(), full, large, givenUp, both]
    }()

    static let workerMessages: [WorkerMessage] =
        statistics.map { .statistics($0) } + [
            .hello(protocolVersion: 1, workerID: 1, pid: 4242),
            .hello(protocolVersion: .max, workerID: .max, pid: -1),
            .hello(protocolVersion: 0, workerID: 0, pid: .min),
            .pong(sequence: 0),
            .pong(sequence: .max),
        ] + outcomes.enumerated().map { .result(commandID: UInt64($0.offset) &* 0x1_0000_0001, outcome: $0.element) }

    private func decodeOne(_ bytes: [UInt8]) throws -> Frame {
        var decoder = FrameDecoder()
        decoder.append(bytes)
        let frame = try #require(try decoder.next())
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == 0)
        return frame
    }

    @Test(arguments: supervisorMessages)
    func supervisorMessageRoundTrips(_ message: SupervisorMessage) throws {
        let bytes = message.frame()
        let frame = try decodeOne(bytes)
        #expect(try SupervisorMessage(frame: frame) == message)
        // The frame's length prefix counts exactly what follows it.
        let length = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        #expect(length == bytes.count - 4)
        #expect(bytes[4] == IPCProtocol.version)
    }

    @Test(arguments: workerMessages)
    func workerMessageRoundTrips(_ message: WorkerMessage) throws {
        let bytes = message.frame()
        let frame = try decodeOne(bytes)
        #expect(try WorkerMessage(frame: frame) == message)
        #expect(reencode(frame) == bytes)
    }

    @Test(arguments: outcomes)
    func everyOutcomeSurvivesAResult(_ outcome: CommandOutcome) throws {
        let frame = try decodeOne(WorkerMessage.result(commandID: 99, outcome: outcome).frame())
        guard case .result(let id, let decoded) = try WorkerMessage(frame: frame) else {
            Issue.record("not a result")
            return
        }
        #expect(id == 99)
        #expect(decoded == outcome)
    }

    @Test func allMessagesOfBothDirectionsInOneStream() throws {
        let stream = Self.supervisorMessages.flatMap { $0.frame() }
        let frames = try decodeAll(stream, chunks: [])
        #expect(try frames.map { try SupervisorMessage(frame: $0) } == Self.supervisorMessages)
        let workerStream = Self.workerMessages.flatMap { $0.frame() }
        let workerFrames = try decodeAll(workerStream, chunks: [])
        #expect(try workerFrames.map { try WorkerMessage(frame: $0) } == Self.workerMessages)
    }

    /// Byte-exact layout of a few frames, so an accidental change of the wire format is caught.
    @Test func wireLayoutIsStable() {
        #expect(
            SupervisorMessage.ping(sequence: 0x0102_0304_0506_0708).frame()
                == [0, 0, 0, 10, 3, 3, 1, 2, 3, 4, 5, 6, 7, 8])
        #expect(SupervisorMessage.drain.frame() == [0, 0, 0, 2, 3, 4])
        #expect(SupervisorMessage.shutdown.frame() == [0, 0, 0, 2, 3, 5])
        #expect(
            SupervisorMessage.welcome(concurrency: 0x0102, handler: "ab", settings: [9]).frame()
                == [0, 0, 0, 15, 3, 1, 1, 2, 0, 0, 0, 2, 97, 98, 0, 0, 0, 1, 9])
        #expect(
            SupervisorMessage.dispatch(
                DispatchedCommand(id: 5, attempt: 2, deadlineMilliseconds: 1000, key: "k", payload: [7, 8])
            ).frame()
                == [
                    0, 0, 0, 46, 3, 2, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 3, 232, 0, 0, 0, 1, 107, 0, 0, 0, 2, 7,
                    8, 0,
                ] + Array(repeating: 0, count: 16))
        // The log context: a count byte, then name and value strings sorted by name.
        #expect(
            SupervisorMessage.dispatch(
                DispatchedCommand(
                    id: 5, attempt: 2, deadlineMilliseconds: 1000, key: "k", payload: [],
                    logContext: ["o": "7", "a": ""])
            ).frame()
                == [
                    0, 0, 0, 63, 3, 2, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 3, 232, 0, 0, 0, 1, 107, 0, 0, 0, 0, 2,
                    0, 0, 0, 1, 97, 0, 0, 0, 0, 0, 0, 0, 1, 111, 0, 0, 0, 1, 55,
                ] + Array(repeating: 0, count: 16))
        // Version 3: the expiry (milliseconds since the epoch, u64), the create attempts' limit and those used (u32).
        #expect(
            SupervisorMessage.dispatch(
                DispatchedCommand(
                    id: 5, attempt: 2, deadlineMilliseconds: 1000, key: "k", payload: [],
                    expiresAtMilliseconds: 0x0102_0304_0506_0708, maxCreateAttempts: 20, createAttempts: 0x0A0B_0C0D)
            ).frame()
                == [
                    0, 0, 0, 44, 3, 2, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 3, 232, 0, 0, 0, 1, 107, 0, 0, 0, 0, 0,
                    1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 20, 10, 11, 12, 13,
                ])
        #expect(
            WorkerMessage.result(commandID: 1, outcome: .retryLater(reason: "x", createAttempts: 0x0102_0304)).frame()
                == [0, 0, 0, 20, 3, 2, 0, 0, 0, 0, 0, 0, 0, 1, 5, 0, 0, 0, 1, 120, 1, 2, 3, 4])
        #expect(
            WorkerMessage.hello(protocolVersion: 1, workerID: 2, pid: -2).frame()
                == [0, 0, 0, 12, 3, 1, 0, 1, 0, 0, 0, 2, 255, 255, 255, 254])
        #expect(WorkerMessage.pong(sequence: 1).frame() == [0, 0, 0, 10, 3, 3, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(
            WorkerMessage.result(commandID: 1, outcome: .completed).frame()
                == [0, 0, 0, 11, 3, 2, 0, 0, 0, 0, 0, 0, 0, 1, 3])
        #expect(
            WorkerMessage.result(commandID: 1, outcome: .failed(reason: "x")).frame()
                == [0, 0, 0, 16, 3, 2, 0, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 1, 120])
        // Empty statistics: four empty maps, the active gauge, requests and failures.
        #expect(
            WorkerMessage.statistics(WorkerStatistics()).frame()
                == [0, 0, 0, 30, 3, 4] + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + Array(repeating: 0, count: 18))
        var one = WorkerStatistics()
        one.apiRetries = ["503": 2]
        #expect(
            WorkerMessage.statistics(one).frame()
                == [0, 0, 0, 45, 3, 4] + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + Array(repeating: 0, count: 16)
                + [0, 1, 0, 0, 0, 3, 53, 48, 51, 0, 0, 0, 0, 0, 0, 0, 2])
    }

    /// A histogram travels as its language, the number of buckets, each bucket's own (not cumulative) count and
    /// the sum's IEEE 754 bits; the bounds are not sent.
    @Test func histogramWireLayoutIsStable() {
        var histogram = HistogramCounts(bounds: WorkerStatistics.durationBounds)
        histogram.observe(0.2)
        histogram.observe(0.25)
        histogram.observe(500)
        var statistics = WorkerStatistics()
        statistics.podCreationSeconds = ["go": histogram]
        var buckets = Array(repeating: UInt64(0), count: 14)
        buckets[4] = 2  // (0.1, 0.25]
        buckets[13] = 1  // +Inf
        let sumBits: [UInt8] = [0x40, 0x7F, 0x47, 0x33, 0x33, 0x33, 0x33, 0x33]  // 500.45
        #expect(
            WorkerMessage.statistics(statistics).frame()
                == [0, 0, 0, 158, 3, 4] + [0, 0] + [0, 1, 0, 0, 0, 2, 103, 111, 0, 14]
                + buckets.flatMap { [0, 0, 0, 0, 0, 0, 0, UInt8($0)] } + sumBits
                + [0, 0, 0, 0, 0, 0] + Array(repeating: 0, count: 18))
    }
}

extension SupervisorMessage: CustomTestStringConvertible {
    public var testDescription: String {
        switch self {
        case .welcome(let concurrency, let handler, let settings):
            "welcome(\(concurrency), \(handler.prefix(20)), \(settings.count) bytes)"
        case .dispatch(let command):
            "dispatch(id \(command.id), key \(command.key.prefix(20)), \(command.payload.count) bytes)"
        case .ping(let sequence): "ping(\(sequence))"
        case .drain: "drain"
        case .shutdown: "shutdown"
        }
    }
}

extension WorkerMessage: CustomTestStringConvertible {
    public var testDescription: String {
        switch self {
        case .hello(let version, let worker, let pid): "hello(\(version), \(worker), \(pid))"
        case .result(let id, let outcome): "result(\(id), \(outcome.testDescription))"
        case .pong(let sequence): "pong(\(sequence))"
        case .statistics(let statistics):
            "statistics(\(statistics.apiRetries.count) retry causes, \(statistics.podCreations.count) creation series)"
        }
    }
}

extension CommandOutcome: CustomTestStringConvertible {
    public var testDescription: String {
        switch self {
        case .created(let pod, _, _): "created(\(pod.prefix(20)))"
        case .deleted(let pod, _): "deleted(\(pod.prefix(20)))"
        case .completed: "completed"
        case .retryLater: "retryLater"
        case .failed(let reason): "failed(\(reason.count) chars)"
        }
    }
}
