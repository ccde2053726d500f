import IPC
import Platform

/// The coordination state of a worker's threads (the leader/follower pattern).
///
/// Exactly one thread at a time is the *leader*: it blocks reading the socket. When it reads a command it keeps
/// that command, hands leadership to an idle *follower*, and runs the command itself, so a command never waits
/// for a thread hand-off on its way from the socket to the handler. The pool has one thread more than the
/// worker's concurrency, so a follower is always free to lead while every other thread runs a command, and
/// pings are answered even when all command slots are busy.
///
/// Every field is read and written under one ``Locked``; threads with nothing to do wait on its condition.
final class LeaderFollower: Sendable {
    private struct State {
        var queue: [DispatchedCommand] = []
        var head = 0
        var hasLeader = false
        var busy = 0
        var draining = false

        mutating func take() -> DispatchedCommand {
            let command = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            return command
        }
    }

    private let state = Locked(State())

    /// What a thread should do next.
    enum Role {
        case lead
        case execute(DispatchedCommand)
    }

    /// Blocks until this thread has something to do: a queued command, or the vacant leadership.
    func nextRole() -> Role {
        state.wait { state -> Role? in
            if state.head < state.queue.count {
                state.busy += 1
                return .execute(state.take())
            }
            if !state.hasLeader {
                state.hasLeader = true
                return .lead
            }
            return nil
        }
    }

    /// The leader read `commands`: it keeps the first (if any) and gives up leadership; the rest are queued for
    /// followers. Returns the command the leader should run, or nil to keep leading.
    func leaderReceived(_ commands: [DispatchedCommand]) -> DispatchedCommand? {
        guard let first = commands.first else { return nil }
        state.withLock { state in
            state.queue.append(contentsOf: commands.dropFirst())
            state.hasLeader = false
            state.busy += 1
        }
        // One follower becomes the leader; more wake if commands are queued for them.
        if commands.count > 1 { state.broadcast() } else { state.signal() }
        return first
    }

    /// A command finished. Returns true when the worker is draining and now holds nothing.
    func finished() -> Bool {
        state.withLock { state in
            state.busy -= 1
            return state.draining && state.busy == 0 && state.head == state.queue.count
        }
    }

    /// No more commands will come. Returns true if nothing is held (the worker may exit now).
    func drain() -> Bool {
        state.withLock { state in
            state.draining = true
            return state.busy == 0 && state.head == state.queue.count
        }
    }
}
