import Glibc
import KafkaClient
import Platform

/// Runs ``TopicCheck`` against the cluster's metadata on a thread of its own — at start, then at every
/// `topic.metadata.refresh.interval.ms` (librdkafka's metadata refresh) — because a metadata request blocks.
/// The event loop reads the latest verdict without waiting.
final class TopicWatch: Sendable {
    /// The latest verdict: problems found, or why the metadata could not be read.
    struct Verdict: Sendable, Equatable {
        var problems: [TopicCheck.Problem]
        /// The metadata request failed (brokers unreachable): the topics' state is unknown, not wrong.
        var unreadable: String?
        /// Counts checks, so that a reader notices a new verdict.
        var generation: Int
    }

    private let verdict = Locked<Verdict?>(nil)
    private let stopRequested = Locked(false)
    /// Written once to wake the thread when it should stop.
    private let wakeup: (read: Int32, write: Int32)
    private let thread: PlatformThread

    /// Starts checking at once. The metadata request of one check waits at most `requestTimeout`.
    init(
        check: TopicCheck, probe: KafkaTopicProbe, interval: Duration, requestTimeout: Duration = .seconds(2)
    ) throws(PlatformThread.StartError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw PlatformThread.StartError(code: errno) }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        wakeup = (descriptors[0], descriptors[1])
        let verdict = verdict
        let stopRequested = stopRequested
        let waitDescriptor = descriptors[0]
        let intervalMilliseconds = Int32(clamping: max(Int64(interval / .milliseconds(1)), 100))
        do throws(PlatformThread.StartError) {
            thread = try PlatformThread.start {
                var generation = 0
                while !stopRequested.withLock({ $0 }) {
                    generation += 1
                    var next = Verdict(problems: [], unreadable: nil, generation: generation)
                    do {
                        next.problems = check.problems(in: try probe.topics(timeout: requestTimeout))
                    } catch {
                        next.unreadable = "\(error)"
                    }
                    verdict.withLock { $0 = next }
                    var descriptor = pollfd(fd: waitDescriptor, events: Int16(POLLIN), revents: 0)
                    _ = poll(&descriptor, 1, intervalMilliseconds)
                }
            }
        } catch {
            close(descriptors[0])
            close(descriptors[1])
            throw error
        }
    }

    /// The latest verdict, `nil` before the first check finished.
    var latest: Verdict? { verdict.withLock { $0 } }

    /// Stops the thread and waits for it: at most the request timeout of a check in progress.
    func stop() {
        stopRequested.withLock { $0 = true }
        var byte: UInt8 = 1
        _ = write(wakeup.write, &byte, 1)
        thread.join()
        close(wakeup.read)
        close(wakeup.write)
    }
}
