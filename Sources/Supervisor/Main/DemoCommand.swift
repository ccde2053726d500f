import ArgumentParser
import Diagnostics
import Glibc
import SupervisorCore

/// `k8s-worker demo`: replaces this process with `k8s-worker-demo` from the same directory, arguments passed
/// through, so the demo's output, signals and exit status are the command's own. The demo (and the Kubernetes API
/// simulator it embeds) is a separate binary so that the service's `k8s-worker` links no test double.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the real supervisor and workers on an embedded Kafka mock cluster and Kubernetes API simulator.",
        discussion:
            "Runs k8s-worker-demo from the directory of k8s-worker; `k8s-worker demo --help` lists its options.",
        // `--help` goes to the demo too: it knows the options.
        helpNames: [])

    /// Exit status when the demo binary is missing or cannot be executed (EX_UNAVAILABLE, sysexits.h).
    static let unavailable: Int32 = 69

    @Argument(parsing: .allUnrecognized, help: "Options of k8s-worker-demo.")
    var arguments: [String] = []

    func run() throws {
        let path = SiblingExecutable.path("k8s-worker-demo")
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, &argv)
        let reason = String(cString: strerror(errno))
        argv.forEach { free($0) }
        printError(
            "k8s-worker demo: cannot run \(path): \(reason). The demo is a separate binary that `swift build` puts "
                + "beside k8s-worker; `make install` and the container image leave it out (README, \"Layout\").")
        throw ExitCode(Self.unavailable)
    }
}
