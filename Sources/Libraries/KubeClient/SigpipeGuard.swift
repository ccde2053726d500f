import Glibc

/// Keeps a write to a closed connection from killing the process: libcurl runs with `CURLOPT_NOSIGNAL` (it must,
/// with threads), so it does not ignore SIGPIPE itself, and worker processes start with default dispositions.
///
/// SIGPIPE is blocked on the calling thread for the duration of `body`; one raised meanwhile is pending on that
/// thread and is consumed before the mask is restored. Process-wide dispositions are never touched.
enum SigpipeGuard {
    static func run<Result>(_ body: () -> Result) -> Result {
        var block = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        let result = body()
        var pending = sigset_t()
        sigpending(&pending)
        if sigismember(&pending, SIGPIPE) == 1 && sigismember(&previous, SIGPIPE) == 0 {
            var immediately = timespec()
            _ = sigtimedwait(&block, nil, &immediately)
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        return result
    }
}
