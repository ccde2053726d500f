import Glibc

/// Plain threads for tests that need real parallel blocking clients (the cooperative pool has one thread per core).
enum TestThreads {
    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Runs `count` threads, each calling `body(index)`, and waits for all of them.
    static func run(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        var threads: [pthread_t] = []
        for index in 0..<count {
            let box = Unmanaged.passRetained(Body { body(index) }).toOpaque()
            var thread = pthread_t()
            let result = pthread_create(
                &thread, nil,
                { argument in
                    guard let argument else { return nil }
                    Unmanaged<Body>.fromOpaque(argument).takeRetainedValue().run()
                    return nil
                }, box)
            if result == 0 { threads.append(thread) } else { Unmanaged<Body>.fromOpaque(box).release() }
        }
        for thread in threads { pthread_join(thread, nil) }
    }
}
