import Glibc
import KubeSimulator

// k8s-api-simulator: a Kubernetes API simulator over HTTPS for tests and demos. SIGTERM/SIGINT stop it.

/// Writes a line to standard output unbuffered (scripts read the URL while the simulator runs).
func say(_ line: String) {
    let bytes = Array("\(line)\n".utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    let bytes = Array("k8s-api-simulator: \(message)\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

let options: CommandLineOptions
do {
    options = try CommandLineOptions(Array(CommandLine.arguments.dropFirst()))
} catch {
    fail("\(error.message)\n\(CommandLineOptions.usage)")
}
if options.showHelp {
    say(CommandLineOptions.usage)
    exit(0)
}

// Allow as many connections as the hard limit permits (the soft limit is often 1024).
var files = rlimit()
if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &files) == 0 && files.rlim_cur < files.rlim_max {
    files.rlim_cur = files.rlim_max
    _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &files)
}

// Block the stop signals before any thread exists, so only sigwait below sees them.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

let simulator: APISimulator
do {
    simulator = try APISimulator(options.configuration)
    try simulator.start()
} catch {
    fail(error.description)
}

say("k8s-api-simulator listening on \(simulator.url)")
say("kubeconfig: \(simulator.kubeconfigPath)")
say("admin token: \(options.configuration.outputDirectory)/admin-token")
if !options.configuration.namespaces.isEmpty {
    say("namespaces: \(options.configuration.namespaces.joined(separator: ", "))")
}
if !options.configuration.faults.isEmpty { say("faults: \(options.configuration.faults.jsonText)") }

var received: Int32 = 0
sigwait(&stopSignals, &received)
say("k8s-api-simulator: signal \(received), stopping")
simulator.stop()
exit(0)
