import Glibc
import IPC
import Testing

/// ``FrameConnection`` (supervisor side, non-blocking) against ``BlockingFrameChannel`` (worker side) over a real
/// ``SocketPair``.
@Suite struct SocketTransportTests {
    /// Drives the connection until everything queued is written, calling `flush()` whenever the socket is writable.
    /// Returns how many `flush()` calls it took.
    @discardableResult
    private func flushCompletely(_ connection: FrameConnection) throws -> Int {
        var calls = 0
        while connection.hasPendingOutput {
            try #require(waitFor(connection.descriptor, Int32(POLLOUT)), "socket never became writable")
            try connection.flush()
            calls += 1
        }
        return calls
    }

    @Test func manyFramesBothWays() throws {
        let pair = try SocketPair.make()
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        defer { close(pair.child) }
        let count = 2000
        let received = Box<[SupervisorMessage]>([])
        let failure = Box<String?>(nil)
        // The worker: echo every dispatch as a result, answer pings, stop at shutdown.
        let worker = BackgroundThread {
            do {
                while let frame = try channel.receive() {
                    let message = try SupervisorMessage(frame: frame)
                    received.value.append(message)
                    switch message {
                    case .dispatch(let command):
                        try channel.send(
                            WorkerMessage.result(commandID: command.id, outcome: .failed(reason: command.key)).frame())
                    case .ping(let sequence):
                        try channel.send(WorkerMessage.pong(sequence: sequence).frame())
                    case .shutdown:
                        return
                    default:
                        break
                    }
                }
            } catch {
                failure.value = "\(error)"
            }
        }
        var sent: [SupervisorMessage] = []
        for index in 0..<count {
            let message: SupervisorMessage =
                index % 10 == 9
                ? .ping(sequence: UInt64(index))
                : .dispatch(
                    DispatchedCommand(
                        id: UInt64(index), attempt: 1, deadlineMilliseconds: 1000, key: "key-\(index)",
                        payload: [UInt8](repeating: UInt8(index % 256), count: index % 700)))
            sent.append(message)
            connection.enqueue(message.frame())
            if index % 100 == 0 { try connection.flush() }
        }
        var replies: [WorkerMessage] = []
        while replies.count < count {
            var events = Int32(POLLIN)
            if connection.hasPendingOutput { events |= Int32(POLLOUT) }
            guard waitFor(connection.descriptor, events) else { break }
            if connection.hasPendingOutput { try connection.flush() }
            let (frames, ended) = try connection.receive()
            replies += try frames.map { try WorkerMessage(frame: $0) }
            if ended { break }
        }
        connection.enqueue(SupervisorMessage.shutdown.frame())
        try flushCompletely(connection)
        worker.join()

        #expect(failure.value == nil)
        #expect(received.value == sent + [.shutdown])
        let expected: [WorkerMessage] = sent.map {
            switch $0 {
            case .dispatch(let command): .result(commandID: command.id, outcome: .failed(reason: command.key))
            case .ping(let sequence): .pong(sequence: sequence)
            default: .pong(sequence: .max)
            }
        }
        #expect(replies == expected)
    }

    @Test func frameLargerThanTheSocketBufferIsFlushedInPieces() throws {
        let pair = try SocketPair.make(bufferSize: 4096)
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        defer { close(pair.child) }
        let payload = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let big = SupervisorMessage.dispatch(
            DispatchedCommand(id: 1, attempt: 1, deadlineMilliseconds: 1, key: "big", payload: payload))
        let small = SupervisorMessage.ping(sequence: 2)

        connection.enqueue(big.frame())
        try connection.flush()
        // Nobody reads yet: the kernel took only part of it.
        #expect(connection.hasPendingOutput)
        // Frames queued behind a partly written one keep their order.
        connection.enqueue(small.frame())
        connection.enqueue(SupervisorMessage.drain.frame())

        let received = Box<[SupervisorMessage]>([])
        let failure = Box<String?>(nil)
        let reader = BackgroundThread {
            do {
                while received.value.count < 3, let frame = try channel.receive() {
                    received.value.append(try SupervisorMessage(frame: frame))
                }
            } catch {
                failure.value = "\(error)"
            }
        }
        let calls = try flushCompletely(connection)
        reader.join()
        #expect(calls > 1, "expected several partial writes, got \(calls) flush calls")
        #expect(!connection.hasPendingOutput)
        #expect(failure.value == nil)
        #expect(received.value == [big, small, .drain])
    }

    @Test func workerFrameLargerThanTheSocketBufferArrivesWhole() throws {
        let pair = try SocketPair.make(bufferSize: 4096)
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        defer { close(pair.child) }
        let reason = String(repeating: "échec détaillé · ", count: 200_000)
        let message = WorkerMessage.result(commandID: 77, outcome: .failed(reason: reason))
        let failure = Box<String?>(nil)
        // `send` blocks until the supervisor side has read enough: it must run on its own thread.
        let writer = BackgroundThread {
            do {
                try channel.send(message.frame())
                try channel.send(WorkerMessage.pong(sequence: 1).frame())
            } catch {
                failure.value = "\(error)"
            }
        }
        let (frames, ended) = try receiveFrames(connection) { $0.count >= 2 }
        writer.join()
        #expect(failure.value == nil)
        #expect(!ended)
        #expect(try frames.map { try WorkerMessage(frame: $0) } == [message, .pong(sequence: 1)])
    }

    @Test func oneReceiveReturnsEverythingAlreadyBuffered() throws {
        // More than one 64 KiB read's worth is waiting: a single call drains it all.
        let pair = try SocketPair.make()
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        defer { close(pair.child) }
        let messages = (0..<3).map {
            WorkerMessage.result(commandID: UInt64($0), outcome: .failed(reason: String(repeating: "x", count: 30_000)))
        }
        for message in messages { try channel.send(message.frame()) }
        try #require(waitFor(connection.descriptor, Int32(POLLIN)))
        let (frames, ended) = try connection.receive()
        #expect(!ended)
        #expect(try frames.map { try WorkerMessage(frame: $0) } == messages)
    }

    @Test func sendsFromManyThreadsNeverInterleave() throws {
        // `send` is documented safe from any thread: frames from concurrent senders arrive whole.
        let pair = try SocketPair.make(bufferSize: 8192)
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        defer { close(pair.child) }
        let senders = 4
        let perSender = 50
        let size = 40_000
        let failure = Box<String?>(nil)
        let threads = (0..<senders).map { sender in
            BackgroundThread {
                do {
                    for index in 0..<perSender {
                        // Larger than the socket buffer: the kernel takes each send in several pieces.
                        let reason = String(repeating: Character(Unicode.Scalar(UInt8(97 + sender))), count: size)
                        try channel.send(
                            WorkerMessage.result(
                                commandID: UInt64(sender << 32 | index), outcome: .failed(reason: reason)
                            )
                            .frame())
                    }
                } catch {
                    failure.value = "\(error)"
                }
            }
        }
        let (frames, _) = try receiveFrames(connection) { $0.count >= senders * perSender }
        for thread in threads { thread.join() }
        #expect(failure.value == nil)
        #expect(frames.count == senders * perSender)
        var next = [Int](repeating: 0, count: senders)
        for frame in frames {
            guard case .result(let id, .failed(let reason)) = try WorkerMessage(frame: frame) else {
                Issue.record("unexpected frame")
                continue
            }
            let sender = Int(id >> 32)
            #expect(Int(id & 0xFFFF_FFFF) == next[sender], "each sender's frames arrive in its order")
            next[sender] += 1
            let letter = UInt8(97 + sender)
            #expect(reason.utf8.count == size && reason.utf8.allSatisfy { $0 == letter }, "a frame was interleaved")
        }
    }

    @Test func endOfStreamAfterWholeFramesIsClean() throws {
        let pair = try SocketPair.make()
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        for sequence in 1...3 as ClosedRange<UInt64> {
            try channel.send(WorkerMessage.pong(sequence: sequence).frame())
        }
        close(pair.child)
        let (frames, ended) = try receiveFrames(connection)
        #expect(ended)
        #expect(
            try frames.map { try WorkerMessage(frame: $0) } == [
                .pong(sequence: 1), .pong(sequence: 2), .pong(sequence: 3),
            ])
    }

    @Test func endOfStreamInsideAFrameIsTruncatedStream() throws {
        let pair = try SocketPair.make()
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        let frame = WorkerMessage.hello(protocolVersion: 1, workerID: 1, pid: 1).frame()
        try channel.send(WorkerMessage.pong(sequence: 1).frame() + frame.prefix(7))
        close(pair.child)
        #expect(throws: IPCError(.truncatedStream, "")) { _ = try receiveFrames(connection) }
    }

    @Test func workerSeesCleanEndOfStream() throws {
        let pair = try SocketPair.make()
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        defer { close(pair.child) }
        connection.enqueue(SupervisorMessage.ping(sequence: 4).frame())
        try connection.flush()
        connection.close()
        connection.close()  // idempotent
        #expect(try channel.receive().map { try SupervisorMessage(frame: $0) } == .ping(sequence: 4))
        #expect(try channel.receive() == nil)
    }

    @Test func workerSeesEndOfStreamInsideAFrame() throws {
        let pair = try SocketPair.make()
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        defer { close(pair.child) }
        connection.enqueue(Array(SupervisorMessage.ping(sequence: 4).frame().dropLast()))
        try connection.flush()
        connection.close()
        #expect(throws: IPCError(.truncatedStream, "")) { try channel.receive() }
    }

    @Test func oversizedFrameFromTheWorkerIsRefusedBeforeItsBody() throws {
        let pair = try SocketPair.make()
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: 4096)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        defer { close(pair.child) }
        // Only the header of a 1 MiB frame is sent; the connection must not wait for the rest.
        try channel.send(lengthPrefix(1 << 20) + [IPCProtocol.version, 2])
        #expect(throws: IPCError(.oversizedFrame, "")) { _ = try receiveFrames(connection, milliseconds: 2000) }
    }

    @Test func workerRefusesAWrongVersion() throws {
        let pair = try SocketPair.make()
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        let channel = BlockingFrameChannel(descriptor: pair.child)
        defer { close(pair.child) }
        connection.enqueue(Frame.encode(type: 3, payload: [0, 0, 0, 0, 0, 0, 0, 1], version: IPCProtocol.version + 1))
        try connection.flush()
        #expect(throws: IPCError(.wrongVersion, "")) { try channel.receive() }
    }

    @Test func writingToAClosedPeerIsAnErrorNotASignal() throws {
        let pair = try SocketPair.make()
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        close(pair.child)
        connection.enqueue(SupervisorMessage.drain.frame())
        // MSG_NOSIGNAL: EPIPE comes back as an error instead of killing the process with SIGPIPE.
        #expect(throws: IPCError(.io, "")) { try connection.flush() }
    }

    @Test func workerWritingToAClosedPeerIsAnError() throws {
        let pair = try SocketPair.make()
        let channel = BlockingFrameChannel(descriptor: pair.child)
        defer { close(pair.child) }
        close(pair.parent)
        #expect(throws: IPCError(.io, "")) { try channel.send(WorkerMessage.pong(sequence: 1).frame()) }
    }

    @Test func receiveWithNothingToReadReturnsAtOnce() throws {
        let pair = try SocketPair.make()
        let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: IPCProtocol.defaultMaxFrameSize)
        defer { close(pair.child) }
        let (frames, ended) = try connection.receive()
        #expect(frames.isEmpty)
        #expect(!ended)
        #expect(!connection.hasPendingOutput)
        try connection.flush()  // nothing queued: a no-op
    }

    @Test func socketPairIsCloseOnExec() throws {
        let pair = try SocketPair.make()
        defer {
            close(pair.parent)
            close(pair.child)
        }
        #expect(fcntl(pair.parent, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(pair.child, F_GETFD) & FD_CLOEXEC != 0)
    }
}
