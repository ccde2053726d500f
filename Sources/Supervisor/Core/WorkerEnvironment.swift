import Platform

/// The environment a worker process starts with: an allow-list over the supervisor's own, so that what only the
/// supervisor may hold — the Kafka SASL password (`K8S_WORKER_KAFKA_SASL_PASSWORD`), any other `K8S_WORKER_*`
/// setting, systemd's `NOTIFY_SOCKET`/`WATCHDOG_*`/`LISTEN_*` — never reaches a worker, nor the credential plugins
/// a worker runs (README "How it works", SECURITY.md "Processes and the host").
///
/// A variable passes when its name is in ``names`` or starts with one of ``prefixes``; everything else is dropped,
/// including variables nobody has heard of yet.
public enum WorkerEnvironment {
    /// Variables passed by exact name.
    public static let names: Set<String> = Set([
        // Locale, time zone, search path, home and scratch directory.
        "LANG", "LANGUAGE", "TZ", "PATH", "HOME", "TMPDIR",
        // libcurl's proxy settings (curl's libcurl-env(3)); lower case is what libcurl reads for http, upper case
        // what other tools (credential plugins) read.
        "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
        // CA certificates for libcurl and OpenSSL.
        "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR",
        // The in-cluster API address, for credential plugins that look for it.
        "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT",
        // Google Cloud credential plugins (gke-gcloud-auth-plugin); the AWS_, AZURE_ and CLOUDSDK_ families are
        // in `prefixes`.
        "GOOGLE_APPLICATION_CREDENTIALS", "USE_GKE_GCLOUD_AUTH_PLUGIN",
        // Runtime diagnostics: the Swift runtime's crash backtracer (and, below, the sanitizers' options).
        "SWIFT_BACKTRACE",
        // Logging: journald's stream detection, and the two settings the supervisor passes on from `log.*`.
        "JOURNAL_STREAM", "K8S_WORKER_LOG_LEVEL", "K8S_WORKER_LOG_FORMAT",
    ]).union(ChildEnvironment.sanitizerNames)

    /// Families passed by prefix: the locale categories and the variables of cloud credential plugins (the
    /// worker runs a kubeconfig's exec plugin, and the plugin inherits the worker's environment).
    public static let prefixes: [String] = ["LC_", "AWS_", "AZURE_", "CLOUDSDK_"]

    /// Library settings read when a worker's libraries load, set for every worker whatever the supervisor's own
    /// environment says.
    ///
    /// `GNUTLS_NO_IMPLICIT_INIT=1`: Debian's libcurl links librtmp (for `rtmp://` URLs, which the worker never
    /// asks for), and librtmp links GnuTLS, whose library constructor calls `gnutls_global_init` at load unless
    /// this is set (gnutls_global_init(3)): CPU detection, its crypto backend and p11-kit's module list, about
    /// 0.8 MB resident in every worker for a library no code path calls (libcurl's TLS is OpenSSL's). Credential
    /// plugins do not inherit it (KubeClient's `ChildProcess`), since a program that uses GnuTLS relies on it.
    public static let loadTimeSettings: [String: String] = ["GNUTLS_NO_IMPLICIT_INIT": "1"]

    /// Whether a variable named `name` reaches workers.
    public static func allows(_ name: String) -> Bool {
        names.contains(name) || prefixes.contains { name.hasPrefix($0) }
    }

    /// The part of `environment` workers receive.
    public static func filter(_ environment: [String: String]) -> [String: String] {
        environment.filter { allows($0.key) }
    }
}
