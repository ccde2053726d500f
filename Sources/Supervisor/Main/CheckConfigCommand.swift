import ArgumentParser
import Diagnostics
import Glibc
import SupervisorCore

/// `k8s-worker check-config`: validate without starting anything (used by `ExecReload=`).
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file (plus environment and overrides) and exit non-zero if it is wrong.")

    @OptionGroup var options: ConfigurationOptions

    @Flag(help: "Print the effective configuration.")
    var print = false

    func run() throws {
        let loader = ConfigurationLoader(
            path: options.config, environment: ConfigurationLoader.processEnvironment(), overrides: try options.pairs())
        let configuration = try ConfigurationCheck(loader, command: "k8s-worker").configuration
        if print {
            for key in ConfigurationKeys.all { Swift.print("\(key.name) = \(key.value(in: configuration))") }
        }
        Swift.print("configuration OK\(options.config.map { ": \($0)" } ?? "")")
    }
}
