import ArgumentParser

/// `k8s-worker`: the supervisor and its operator subcommands.
@main
struct K8sWorkerCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "k8s-worker",
        abstract: "Turns saga commands into Kubernetes Pods through a supervised pool of worker processes.",
        discussion: """
            Without a subcommand, `run` starts the service. Signals: SIGHUP reloads the configuration and resizes \
            the pool; SIGTERM or SIGINT drains in-flight work and exits 0 (a second one cuts the drain short).
            """,
        version: VersionReport.text,
        subcommands: [
            RunCommand.self, CheckConfigCommand.self, RenderCommand.self, ConfigReferenceCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: RunCommand.self)
}

/// Options shared by the subcommands that read a configuration.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "YAML configuration file.")
    var config: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override one key, e.g. --set workers.count=4 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .long, help: "Shorthand for --set workers.count=N.")
    var workers: Int?

    func pairs() throws -> [(key: String, value: String)] {
        var result: [(String, String)] = try overrides.map { item in
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("--set takes key=value, got '\(item)'")
            }
            return (String(item[..<equals]), String(item[item.index(after: equals)...]))
        }
        if let workers { result.append(("workers.count", String(workers))) }
        return result
    }
}
