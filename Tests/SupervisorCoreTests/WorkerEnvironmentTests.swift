import SupervisorCore
import Testing

/// What part of the supervisor's environment a worker receives.
@Suite struct WorkerEnvironmentTests {
    /// Everything a worker needs: locale, time zone, paths, libcurl's proxies and CAs, credential plugins' variables,
    /// sanitizer options, journald and the two logging settings.
    static let needed: [String: String] = [
        "LANG": "C.UTF-8", "LANGUAGE": "en", "LC_ALL": "C.UTF-8", "LC_TIME": "C", "TZ": "UTC", "PATH": "/usr/bin:/bin",
        "HOME": "/var/lib/k8s-worker", "TMPDIR": "/tmp",
        "HTTPS_PROXY": "http://proxy:3128", "https_proxy": "http://proxy:3128", "HTTP_PROXY": "http://proxy:3128",
        "http_proxy": "http://proxy:3128", "NO_PROXY": "localhost", "no_proxy": "localhost", "ALL_PROXY": "socks5://p",
        "all_proxy": "socks5://p", "CURL_CA_BUNDLE": "/etc/ssl/ca.pem", "SSL_CERT_FILE": "/etc/ssl/ca.pem",
        "SSL_CERT_DIR": "/etc/ssl/certs", "KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443",
        "AWS_PROFILE": "eks", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/t",
        "AZURE_TENANT_ID": "t", "GOOGLE_APPLICATION_CREDENTIALS": "/etc/gcp.json", "CLOUDSDK_CONFIG": "/etc/gcloud",
        "USE_GKE_GCLOUD_AUTH_PLUGIN": "True", "ASAN_OPTIONS": "detect_leaks=0", "TSAN_OPTIONS": "halt_on_error=1",
        "UBSAN_OPTIONS": "print_stacktrace=1", "LSAN_OPTIONS": "verbosity=1", "SWIFT_BACKTRACE": "enable=no",
        "JOURNAL_STREAM": "8:12345", "K8S_WORKER_LOG_LEVEL": "debug", "K8S_WORKER_LOG_FORMAT": "json",
    ]

    /// What must stay in the supervisor: every configuration variable but the two logging ones (the SASL password
    /// among them), systemd's, and anything not named.
    static let withheld: [String: String] = [
        "K8S_WORKER_KAFKA_SASL_PASSWORD": "hunter2", "K8S_WORKER_KAFKA_SASL_USERNAME": "svc",
        "K8S_WORKER_KAFKA_BOOTSTRAP_SERVERS": "b:9092",
        "K8S_WORKER_KUBERNETES_KUBECONFIG": "/etc/k8s-worker/kubeconfig",
        "K8S_WORKER_KAFKA_PROPERTIES": "ssl.key.password=x", "K8S_WORKER_API_TOKEN": "t0ken", "K8S_WORKER_": "x",
        "NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1", "LISTEN_FDS": "1",
        "LISTEN_PID": "1", "LISTEN_FDNAMES": "http", "CREDENTIALS_DIRECTORY": "/run/credentials/k8s-worker.service",
        "KAFKA_PASSWORD": "x", "DATABASE_URL": "postgres://u:p@h/d", "LD_PRELOAD": "/tmp/evil.so",
        "LD_LIBRARY_PATH": "/tmp", "KUBECONFIG": "/root/.kube/config", "POD_NAMESPACE": "integr8scode",
        // Near misses: case and prefixes are exact.
        "lang": "C", "Path": "/x", "LC": "x", "AWS": "x", "aws_profile": "x", "TZX": "x", "XTZ": "x",
        "K8S_WORKER_LOG_LEVELS": "x", "k8s_worker_log_level": "debug", "HOME2": "/x",
    ]

    @Test("Every needed variable passes unchanged")
    func neededPass() {
        #expect(WorkerEnvironment.filter(Self.needed) == Self.needed)
    }

    @Test("Secrets, systemd's variables, other configuration and anything unnamed are withheld")
    func othersWithheld() {
        #expect(WorkerEnvironment.filter(Self.withheld) == [:])
        for name in Self.withheld.keys { #expect(!WorkerEnvironment.allows(name), "\(name) would reach workers") }
    }

    @Test("Mixed: exactly the allowed part remains, values untouched")
    func mixed() {
        let mixed = Self.needed.merging(Self.withheld) { first, _ in first }
        #expect(WorkerEnvironment.filter(mixed) == Self.needed)
        #expect(WorkerEnvironment.filter([:]) == [:])
    }

    @Test("The only K8S_WORKER_ variables passed are the two logging settings, named one by one")
    func onlyLoggingSettings() {
        let named = WorkerEnvironment.names.filter { $0.hasPrefix("K8S_WORKER_") }
        #expect(named == ["K8S_WORKER_LOG_LEVEL", "K8S_WORKER_LOG_FORMAT"])
        #expect(!WorkerEnvironment.prefixes.contains { "K8S_WORKER_".hasPrefix($0) || $0.hasPrefix("K8S") })
        for key in ConfigurationKeys.all where !["log.level", "log.format"].contains(key.name) {
            #expect(!WorkerEnvironment.allows(key.environmentName), "\(key.environmentName) would reach workers")
        }
    }
}
