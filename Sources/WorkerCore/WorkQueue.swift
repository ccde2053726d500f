import Glibc
import IPC

/// The worker's queue between its reader thread and its executor threads.
///
/// `@unchecked Sendable`: every access to `items`, `closed` and `busy` happens with `mutex` held; the
/// condition variable is only waited on with it held.
final class WorkQueue: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var items: [DispatchedCommand] = []
    private var head = 0
    private var closed = false
    private var busy = 0

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    func push(_ command: DispatchedCommand) {
        pthread_mutex_lock(&mutex)
        items.append(command)
        pthread_mutex_unlock(&mutex)
        pthread_cond_signal(&condition)
    }

    /// Blocks for the next command; `nil` once the queue is closed and empty.
    func pop() -> DispatchedCommand? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while head == items.count && !closed { pthread_cond_wait(&condition, &mutex) }
        guard head < items.count else { return nil }
        let command = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        busy += 1
        return command
    }

    /// The command taken by ``pop()`` is finished. Returns true when the queue is closed and now fully idle.
    func done() -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        busy -= 1
        return closed && busy == 0 && head == items.count
    }

    /// No more commands: executors finish what is queued and stop. Returns true if already idle.
    func close() -> Bool {
        pthread_mutex_lock(&mutex)
        closed = true
        let idle = busy == 0 && head == items.count
        pthread_mutex_unlock(&mutex)
        pthread_cond_broadcast(&condition)
        return idle
    }
}
