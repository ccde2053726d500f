import Demo
import Glibc
import Platform
import SupervisorCore

/// The order in which the linker lays out the shipped binaries' code (`Package.swift`, `linker/code-order.txt`,
/// README "Memory"): every function of `k8s-worker` and `k8s-worker-process` that `k8s-worker run` and its
/// workers execute from start-up, through a batch of creates over Kafka and the Kubernetes API, to shutdown, as
/// `valgrind --tool=callgrind` counts them, hottest first. The kernel maps a binary's pages 64 KiB around each
/// fault; with the executed functions side by side those pages hold code that runs, not whatever happened to be
/// linked beside it. A function missing from the list (new code) is only placed after the listed ones.
enum CodeOrder {
    /// The binaries whose functions are listed.
    static let binaries = ["k8s-worker", "k8s-worker-process"]

    /// Runs the service under callgrind for `creates` commands and writes the order to `path`, one symbol per
    /// line; returns how many symbols it wrote.
    @discardableResult
    static func write(to path: String, creates: Int) throws -> Int {
        guard access("/usr/bin/valgrind", X_OK) == 0 else {
            throw SupervisorError("the code order needs valgrind: apt-get install valgrind (scripts/setup.sh)")
        }
        let environment: DemoEnvironment
        do { environment = try DemoEnvironment(brokers: 1) } catch { throw SupervisorError("\(error)") }
        defer { environment.shutdown() }
        let directory = environment.directory
        // valgrind 3.19 (Debian 12) cannot read the DWARF 5 of the static Foundation in `k8s-worker`: it runs
        // copies without debugging information (the symbol tables stay).
        for binary in binaries {
            let copy = Spawn.run(
                ["/usr/bin/objcopy", "--strip-debug", Benchmark.binDirectory + "/" + binary, directory + "/" + binary])
            guard copy == 0 else { throw SupervisorError("objcopy --strip-debug \(binary) failed") }
        }
        // Raw symbol names (--demangle=no) are what the linker's ordering file names.
        let wrapper = [
            "/usr/bin/valgrind", "--tool=callgrind", "--trace-children=yes", "--demangle=no",
            "--log-file=\(directory)/valgrind.%p.log", "--callgrind-out-file=\(directory)/callgrind.out.%p",
        ]
        let (supervisor, notify) = try CPUPerCreate.startService(
            in: environment, binaries: directory, wrapper: wrapper, readySeconds: 300)
        do {
            let load = try CreateLoad(environment: environment, supervisor: supervisor)
            try load.run(0..<creates)
            guard load.failed == 0 else { throw SupervisorError("\(load.failed) commands ended in execution_failed") }
        } catch {
            kill(supervisor, SIGTERM)
            Spawn.wait(supervisor)
            throw error
        }
        // Each process writes its profile as it exits; the supervisor exits after its workers.
        kill(supervisor, SIGTERM)
        Spawn.wait(supervisor)
        withExtendedLifetime(notify) {}
        var cost: [String: UInt64] = [:]
        let profiles = InstructionCount.listing(directory).filter { $0.hasPrefix("callgrind.out.") }
        for name in profiles {
            guard let text = ResidentMemory.readAll(directory + "/" + name) else { continue }
            for (symbol, instructions) in selfCost(text, objects: binaries) { cost[symbol, default: 0] += instructions }
        }
        guard !cost.isEmpty else {
            throw SupervisorError("no function of \(binaries) in the \(profiles.count) profiles in \(directory)")
        }
        let order = cost.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        guard let file = fopen(path, "w") else { throw SupervisorError("cannot write \(path)") }
        for symbol in order { fputs(symbol + "\n", file) }
        fclose(file)
        return order.count
    }

    /// Instructions each function executed itself (calls excluded), from a callgrind profile, for functions of
    /// the objects whose file name is one of `objects`.
    ///
    /// The format (callgrind's "Callgrind Format Specification"): `ob=`/`fn=` set the current object and
    /// function, with `(id) name` the first time and `(id)` after; a cost line starts with a position (a number,
    /// or `+n`, `-n`, `*`) followed by the cost; the cost line right after `calls=` is the call's inclusive cost.
    static func selfCost(_ text: String, objects: [String]) -> [String: UInt64] {
        var names: [Substring: Substring] = [:]
        func resolve(_ value: Substring, kind: Substring) -> Substring {
            guard value.hasPrefix("("), let close = value.firstIndex(of: ")") else { return value }
            let key = kind + value[value.startIndex...close]
            let rest = value[value.index(after: close)...].drop { $0 == " " }
            if rest.isEmpty { return names[key] ?? "" }
            names[key] = rest
            return rest
        }
        var result: [String: UInt64] = [:]
        var inObject = false
        var function: Substring = ""
        var afterCall = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("ob=") {
                let object = resolve(line.dropFirst(3), kind: "ob")
                inObject = objects.contains { object.hasSuffix("/" + $0) }
            } else if line.hasPrefix("fn=") {
                function = resolve(line.dropFirst(3), kind: "fn")
            } else if line.hasPrefix("cob=") {
                _ = resolve(line.dropFirst(4), kind: "ob")
            } else if line.hasPrefix("cfn=") {
                _ = resolve(line.dropFirst(4), kind: "fn")
            } else if line.hasPrefix("calls=") {
                afterCall = true
            } else if let first = line.first, first.isNumber || first == "+" || first == "-" || first == "*" {
                if afterCall {
                    afterCall = false
                } else if inObject, !function.isEmpty {
                    let fields = line.split(separator: " ")
                    if fields.count >= 2, let instructions = UInt64(fields[1]) {
                        result[String(symbol(function)), default: 0] += instructions
                    }
                }
            }
        }
        return result
    }

    /// The symbol of a callgrind function name: without the `'N` it appends to a function's recursion levels.
    static func symbol(_ name: Substring) -> Substring {
        guard let quote = name.lastIndex(of: "'"), name[name.index(after: quote)...].allSatisfy(\.isNumber),
            name.index(after: quote) < name.endIndex
        else { return name }
        return name[..<quote]
    }
}
