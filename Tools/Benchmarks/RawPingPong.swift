import Platform
import Glibc

/// The baseline: the same bytes bounced over a raw `socketpair` to a child process that echoes them, with
/// blocking reads and writes and nothing else — what the supervisor's round trip is compared against.
enum RawPingPong {
    /// Child mode: echo whatever arrives on fd 3 until end of stream.
    static func echoForever() -> Never {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(3, &buffer, buffer.count)
            if count <= 0 { exit(0) }
            var offset = 0
            while offset < count {
                let written = buffer[offset..<count].withUnsafeBytes { write(3, $0.baseAddress, $0.count) }
                if written <= 0 { exit(1) }
                offset += written
            }
        }
    }

    /// Starts an echo child holding one end of a socket pair on fd 3; returns (pid, our end).
    static func spawnEcho() -> (pid_t, Int32) {
        var fds: [Int32] = [-1, -1]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds)
        let options = Spawn.Options(fileActions: [.duplicate(fds[1], to: 3)])
        let pid = (try? Spawn.start([Benchmark.selfPath, "--echo-child"], options: options).get()) ?? 0
        close(fds[1])
        return (pid, fds[0])
    }

    /// Round trips of `size`-byte messages, one at a time.
    static func latency(rounds: Int, size: Int) -> [UInt64] {
        let (pid, fd) = spawnEcho()
        defer {
            close(fd)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        let message = [UInt8](repeating: 7, count: size)
        var reply = [UInt8](repeating: 0, count: size)
        var samples: [UInt64] = []
        samples.reserveCapacity(rounds)
        for round in 0..<(rounds + 1000) {
            let start = Benchmark.now()
            _ = message.withUnsafeBytes { write(fd, $0.baseAddress, size) }
            var got = 0
            while got < size {
                let count = reply[got...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count <= 0 { return samples }
                got += count
            }
            if round >= 1000 { samples.append(Benchmark.now() - start) }  // the first 1000 warm up
        }
        return samples
    }
}
