import Glibc
import IPC

/// The coordination state of a worker's threads (the leader/follower pattern).
///
/// Exactly one thread at a time is the *leader*: it blocks reading the socket. When it reads a command it keeps
/// that command, hands leadership to an idle *follower*, and runs the command itself, so a command never waits
/// for a thread hand-off on its way from the socket to the handler. The pool has one thread more than the
/// worker's concurrency, so a follower is always free to lead while every other thread runs a command, and
/// pings are answered even when all command slots are busy.
///
/// `@unchecked Sendable`: every field is read and written with `mutex` held; waits use `condition`. Both live
/// in their own allocations so that threads never make overlapping Swift accesses to a stored property while
/// one of them blocks inside pthread.
final class LeaderFollower: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var queue: [DispatchedCommand] = []
    private var head = 0
    private var hasLeader = false
    private var busy = 0
    private var draining = false

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// What a thread should do next.
    enum Role {
        case lead
        case execute(DispatchedCommand)
    }

    /// Blocks until this thread has something to do: a queued command, or the vacant leadership.
    func nextRole() -> Role {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if head < queue.count {
                busy += 1
                return .execute(take())
            }
            if !hasLeader {
                hasLeader = true
                return .lead
            }
            pthread_cond_wait(condition, mutex)
        }
    }

    /// The leader read `commands`: it keeps the first (if any) and gives up leadership; the rest are queued for
    /// followers. Returns the command the leader should run, or nil to keep leading.
    func leaderReceived(_ commands: [DispatchedCommand]) -> DispatchedCommand? {
        guard let first = commands.first else { return nil }
        pthread_mutex_lock(mutex)
        queue.append(contentsOf: commands.dropFirst())
        hasLeader = false
        busy += 1
        pthread_mutex_unlock(mutex)
        // One follower becomes the leader; more wake if commands are queued for them.
        if commands.count > 1 { pthread_cond_broadcast(condition) } else { pthread_cond_signal(condition) }
        return first
    }

    /// A command finished. Returns true when the worker is draining and now holds nothing.
    func finished() -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        busy -= 1
        return draining && busy == 0 && head == queue.count
    }

    /// No more commands will come. Returns true if nothing is held (the worker may exit now).
    func drain() -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        draining = true
        return busy == 0 && head == queue.count
    }

    private func take() -> DispatchedCommand {
        let command = queue[head]
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        }
        return command
    }
}
