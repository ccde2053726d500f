import ArgumentParser
import Chaos
import Demo
import Glibc
import SupervisorCore

/// `k8s-worker-chaos`: the chaos scenario of the test suite for as long as asked.
@main
struct ChaosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8s-worker-chaos",
        abstract: "Run the real supervisor and workers under random faults and check the delivery invariants.",
        discussion: """
            Produces create and delete commands into an in-process Kafka mock cluster for --duration while a \
            seeded driver SIGKILLs workers, resizes the pool by SIGHUP, SIGKILLs the supervisor and starts another, \
            takes brokers down, moves partition leaders, injects request errors, and turns Kubernetes API faults \
            (429, 5xx, dropped connections, latency) on and off in the in-process API simulator. Then it lifts every \
            fault, waits for the system to drain, stops the supervisor with SIGTERM and checks: one Pod and owned \
            ConfigMap per create, nothing left by deletes, both events of every create with deterministic ids, no \
            execution_failed, and offsets never committed past unfinished work. Prints the counts; exits 0 only if \
            every invariant held. Needs k8s-worker and k8s-worker-process beside it (`swift build` builds all three).
            """)

    @Option(help: "How long commands are produced and faults injected (e.g. 90s, 30m, 2h).")
    var duration = "5m"

    @Option(
        help:
            "Seed of the command stream and the fault schedule (default: $\(ChaosSettings.seedVariable), else random).")
    var seed: String?

    @Option(help: "Commands produced per second.")
    var commandsPerSecond = 25.0

    @Option(help: "Share of commands that delete an earlier create (the simulator keeps every Pod not deleted).")
    var deleteFraction = 0.3

    @Option(help: "Commands one worker holds at once.")
    var concurrency = 4

    @Option(help: "Supervisor SIGKILLs, spread over the run (default: one per 5 minutes, at least one).")
    var supervisorKills: Int?

    @Option(help: "Longest wait for the system to drain once the faults stop (e.g. 2m).")
    var drainTimeout = "5m"

    @Option(help: "Seconds between progress lines (0: none).")
    var progressEvery = 30.0

    @Option(help: "Log level of supervisors and workers (their logs go to files in the run's directory).")
    var logLevel = "error"

    @Flag(help: "No faults at all: the same traffic and checks, as a baseline.")
    var noFaults = false

    @Flag(help: "Keep the run's directory (configuration and supervisor logs) even when every invariant held.")
    var keepFiles = false

    func validate() throws {
        guard DurationText.parse(duration).map({ $0 > .zero }) == true else {
            throw ValidationError("--duration must be a positive duration")
        }
        guard DurationText.parse(drainTimeout) != nil else {
            throw ValidationError("--drain-timeout must be a duration")
        }
        if let seed, ChaosSettings.parseSeed(seed) == nil {
            throw ValidationError("--seed must be a number (decimal or 0x hex)")
        }
        guard commandsPerSecond > 0, commandsPerSecond <= 5000 else {
            throw ValidationError("--commands-per-second must be within 0...5000")
        }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be within 1...64") }
        guard (0...0.9).contains(deleteFraction) else {
            throw ValidationError("--delete-fraction must be within 0...0.9")
        }
        guard (supervisorKills ?? 0) >= 0 else { throw ValidationError("--supervisor-kills must not be negative") }
        guard LogLevelName.parse(logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace … critical")
        }
    }

    func run() throws {
        // SIGTERM/SIGINT end the run and every supervisor it started, at once (exit 128 + signal).
        ProcessGroupWatchdog.runWatched(name: "k8s-worker-chaos")
        let runFor = DurationText.parse(duration) ?? .seconds(300)
        var settings = ChaosSettings(seed: seed.flatMap(ChaosSettings.parseSeed) ?? ChaosSettings.seedFromEnvironment())
        settings.duration = runFor
        settings.commandsPerSecond = commandsPerSecond
        settings.deleteFraction = deleteFraction
        settings.concurrency = concurrency
        settings.drainTimeout = DurationText.parse(drainTimeout) ?? .seconds(300)
        settings.progressInterval = .milliseconds(Int64(progressEvery * 1000))
        settings.logLevel = logLevel
        settings.keepFiles = keepFiles
        settings.faults.scale(to: runFor)
        let minutes = Int(runFor.components.seconds / 60)
        settings.faults.supervisorKills = supervisorKills ?? max(1, minutes / 5)
        if noFaults { settings.faults = .none }

        let report: ChaosReport
        do {
            report = try ChaosRun(settings: settings) { DemoOutput.write(to: 1, $0 + "\n") }.run()
        } catch {
            DemoOutput.write(to: 2, "k8s-worker-chaos: \(error)\n")
            throw ExitCode(2)
        }
        DemoOutput.write(to: 1, report.text)
        if !report.passed { throw ExitCode(1) }
    }
}
