import SupervisorCore
import Glibc
import Testing

/// File, then environment, then flags; unknown keys and bad values are errors naming the key and where it came
/// from.
@Suite struct ConfigurationLoaderTests {
    static let sample = """
        # k8s-worker configuration
        workers:
          count: 4
          heartbeat_interval: 500ms
          heartbeat_timeout: 3s
          handler: "test"
          executable: '/opt/k8s-worker/bin/k8s-worker-process'
        restart:
          initial_backoff: 1.5
          max_backoff: 1m30s
        source:
          path: /var/lib/k8s-worker/commands
        log:
          level: debug
        """

    private func failure(of loader: ConfigurationLoader) -> ConfigurationError? {
        do {
            _ = try loader.load()
            return nil
        } catch {
            return error
        }
    }

    /// Loads `yaml` (if any) from a fresh temporary file.
    private func load(
        _ yaml: String?, environment: [String: String] = [:], flags: [(key: String, value: String)] = []
    ) throws -> Configuration {
        try loadConfiguration(yaml, environment: environment, flags: flags)
    }

    /// The error of loading `yaml`, with the file's path replaced by `FILE`.
    private func loadError(
        _ yaml: String?, environment: [String: String] = [:], flags: [(key: String, value: String)] = []
    ) throws -> ConfigurationError? {
        try withTemporaryDirectory { directory -> ConfigurationError? in
            var path: String?
            if let yaml {
                path = directory + "/k8s-worker.yaml"
                try writeFile(path!, yaml)
            }
            guard var error = failure(of: ConfigurationLoader(path: path, environment: environment, overrides: flags))
            else { return nil }
            if let path, error.origin == path { error.origin = "FILE" }
            return error
        }
    }

    @Test func fileValuesOverTheDefaults() throws {
        let configuration = try load(Self.sample)
        var expected = Configuration()
        expected.workers.count = 4
        expected.workers.heartbeatInterval = .milliseconds(500)
        expected.workers.heartbeatTimeout = .seconds(3)
        expected.workers.executable = "/opt/k8s-worker/bin/k8s-worker-process"
        expected.workers.handler = .test
        expected.restart.initialBackoff = .milliseconds(1500)
        expected.restart.maxBackoff = .seconds(90)
        expected.source.path = "/var/lib/k8s-worker/commands"
        expected.log.level = "debug"
        #expect(configuration == expected)
    }

    @Test func environmentOverridesTheFileAndFlagsOverrideBoth() throws {
        let file = "workers:\n  count: 4\n  concurrency: 2\nsource:\n  path: /from/file\n"
        let environment = [
            "K8S_WORKER_WORKERS_COUNT": "6", "K8S_WORKER_LOG_LEVEL": "warning", "K8S_WORKER_SOURCE_PATH": "/from/env",
        ]
        let flags: [(key: String, value: String)] = [("workers.count", "8"), ("source.path", "/from/flag")]

        let fileOnly = try load(file)
        #expect(fileOnly.workers.count == 4)
        #expect(fileOnly.source.path == "/from/file")

        let withEnvironment = try load(file, environment: environment)
        #expect(withEnvironment.workers.count == 6)
        #expect(withEnvironment.workers.concurrency == 2, "untouched file values stay")
        #expect(withEnvironment.log.level == "warning")
        #expect(withEnvironment.source.path == "/from/env")

        let withFlags = try load(file, environment: environment, flags: flags)
        #expect(withFlags.workers.count == 8)
        #expect(withFlags.workers.concurrency == 2)
        #expect(withFlags.log.level == "warning")
        #expect(withFlags.source.path == "/from/flag")

        let noFile = try load(nil, environment: environment)
        #expect(noFile.workers.count == 6)
        #expect(noFile.workers.concurrency == Configuration().workers.concurrency)
    }

    @Test func commandAgeAndCreateAttemptsFromEveryLayer() throws {
        let file = try load("workers:\n  max_command_age: 3m\n  max_create_attempts: 5\nsource:\n  path: /x\n")
        #expect(file.workers.maxCommandAge == .seconds(180) && file.workers.maxCreateAttempts == 5)
        let layered = try load(
            "source:\n  path: /x\n", environment: ["K8S_WORKER_WORKERS_MAX_COMMAND_AGE": "90s"],
            flags: [("workers.max_create_attempts", "7")])
        #expect(layered.workers.maxCommandAge == .seconds(90) && layered.workers.maxCreateAttempts == 7)
        let zero = try loadError("source:\n  path: /x\n", flags: [("workers.max_command_age", "0s")])
        #expect(zero?.key == "workers.max_command_age")
        let none = try loadError("source:\n  path: /x\n", flags: [("workers.max_create_attempts", "0")])
        #expect(none?.key == "workers.max_create_attempts")
        // Both apply on a reload (the supervisor reads them at every dispatch).
        for name in ["workers.max_command_age", "workers.max_create_attempts"] {
            #expect(ConfigurationKeys.all.first { $0.name == name }?.reloadable == true, "\(name)")
        }
    }

    @Test func laterFlagsWin() throws {
        let configuration = try load(
            nil, flags: [("source.path", "/a"), ("workers.count", "3"), ("workers.count", "5")])
        #expect(configuration.workers.count == 5)
    }

    @Test func unrelatedEnvironmentIsIgnored() throws {
        // Kubernetes injects service links such as K8S_WORKER_SERVICE_HOST for a Service named k8s-worker:
        // variables that are not keys must not break start-up.
        let environment = [
            "PATH": "/usr/bin", "K8S_WORKER_SERVICE_HOST": "10.0.0.1", "K8S_WORKER_PORT": "tcp://10.0.0.1:80",
            "workers.count": "9", "K8S_WORKER_SOURCE_PATH": "/x",
        ]
        let configuration = try load(nil, environment: environment)
        #expect(configuration.workers.count == Configuration().workers.count)
    }

    @Test func unknownKeyInTheFile() throws {
        let error = try loadError("workers:\n  count: 2\n  cuont: 3\n")
        #expect(error == ConfigurationError(key: "workers.cuont", message: "unknown key", origin: "FILE"))
    }

    @Test func unknownSectionInTheFile() throws {
        let error = try loadError("source:\n  path: /x\nwrokers:\n  count: 3\n")
        #expect(error == ConfigurationError(key: "wrokers", message: "unknown section", origin: "FILE"))
        #expect(error?.message == "unknown section")
    }

    @Test func unknownEmptySectionInTheFile() throws {
        let error = try loadError("wrokers:\nsource:\n  path: /x\n")
        #expect(error?.key == "wrokers")
    }

    @Test func knownEmptySectionIsFine() throws {
        #expect(try load("workers:\nsource:\n  path: /x\n").workers == Configuration().workers)
    }

    @Test func unknownKeyInAFlag() throws {
        let error = try loadError(nil, flags: [("source.path", "/x"), ("workers.cont", "3")])
        #expect(error == ConfigurationError(key: "workers.cont", message: "unknown key", origin: "flag"))
    }

    @Test func badIntegerInTheFile() throws {
        let error = try #require(try loadError("workers:\n  count: many\nsource:\n  path: /x\n"))
        #expect(error.key == "workers.count")
        #expect(error.origin == "FILE")
        #expect(error.message.contains("'many'"))
    }

    @Test func badDurationInTheEnvironment() throws {
        let error = try #require(
            try loadError(
                nil, environment: ["K8S_WORKER_WORKERS_HEARTBEAT_TIMEOUT": "soon"], flags: [("source.path", "/x")]))
        #expect(error.key == "workers.heartbeat_timeout")
        #expect(error.origin == "environment K8S_WORKER_WORKERS_HEARTBEAT_TIMEOUT")
        #expect(error.message.contains("'soon'"))
    }

    @Test func badDurationInAFlag() throws {
        let error = try #require(try loadError(nil, flags: [("source.path", "/x"), ("restart.max_backoff", "5 s")]))
        #expect(error.key == "restart.max_backoff")
        #expect(error.origin == "flag")
    }

    @Test func crossFieldViolationInTheFileNamesTheKeyAndFile() throws {
        let error = try loadError("workers:\n  heartbeat_interval: 5s\n  heartbeat_timeout: 5s\nsource:\n  path: /x\n")
        #expect(error?.key == "workers.heartbeat_timeout")
        #expect(error?.origin == "FILE")
    }

    @Test func crossFieldViolationCausedByAFlagNamesTheFlag() throws {
        let error = try loadError("source:\n  path: /x\n", flags: [("workers.heartbeat_timeout", "500ms")])
        #expect(error?.key == "workers.heartbeat_timeout")
        #expect(error?.origin == "flag")
    }

    @Test func crossFieldViolationWithoutAFile() throws {
        let error = try loadError(nil, flags: [("source.path", "/x"), ("workers.concurrency", "0")])
        #expect(error?.key == "workers.concurrency")
    }

    static let malformed: [(yaml: String, key: String)] = [
        ("- workers\n- restart\n", ""),
        ("just a string\n", ""),
        ("workers: 3\n", "workers"),
        ("workers:\n  - count\n", "workers"),
        ("workers:\n  count:\n    value: 3\n", "workers.count"),
        ("workers:\n  count: [1, 2]\n", "workers.count"),
        ("workers:\n  count: 2\n bad indent\n", ""),
        ("workers: {count: 2\n", ""),
        ("workers:\n  count: 2\n  count: 3\n", ""),
    ]

    @Test(arguments: malformed)
    func malformedFile(yaml: String, key: String) throws {
        let error = try #require(try loadError(yaml, flags: [("source.path", "/x")]))
        #expect(error.key == key)
        #expect(error.origin == "FILE")
        #expect(!error.message.isEmpty)
    }

    @Test func emptyFileMeansDefaults() throws {
        #expect(try load("", flags: [("source.path", "/x")]).workers == Configuration().workers)
        #expect(try load("# nothing yet\n", flags: [("source.path", "/x")]).restart == Configuration().restart)
    }

    @Test func missingFile() throws {
        let error = try #require(
            try withTemporaryDirectory { directory in
                failure(of: ConfigurationLoader(path: directory + "/absent.yaml", environment: [:], overrides: []))
            })
        #expect(error.message.contains("absent.yaml"))
    }

    @Test func fileMustBeUTF8() throws {
        let error = try withTemporaryDirectory { directory -> ConfigurationError? in
            let path = directory + "/latin1.yaml"
            guard let file = fopen(path, "w") else { throw TestFailure("fopen") }
            let bytes: [UInt8] = Array("log:\n  level: ".utf8) + [0xE9, 0x0A]
            fwrite(bytes, 1, bytes.count, file)
            fclose(file)
            return failure(of: ConfigurationLoader(path: path, environment: [:], overrides: []))
        }
        #expect(error?.message.contains("UTF-8") == true)
    }

    @Test func fileLargerThanOneMebibyteIsRefused() throws {
        let line = "# " + String(repeating: "x", count: 1021) + "\n"
        let yaml = String(repeating: line, count: 1100) + "source:\n  path: /x\n"
        let error = try loadError(yaml)
        #expect(error?.message.contains("1 MiB") == true)
    }
}
