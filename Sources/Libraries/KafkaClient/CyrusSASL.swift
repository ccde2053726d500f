import Glibc

/// Cyrus SASL's plugins, which librdkafka's first client loads whether the configuration uses them or not.
///
/// librdkafka initializes Cyrus SASL (`sasl_client_init`) when it creates its first client, and Cyrus then loads
/// every plugin of its plugin directory: with Debian's `libsasl2-modules` (which `librdkafka-dev` recommends) eight
/// shared objects and Berkeley DB, about 0.5 MB of an idle supervisor's RSS (README, "Memory"). librdkafka only
/// hands GSSAPI (Kerberos) to Cyrus; PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER are its own (librdkafka's
/// INTRODUCTION.md, "SASL"). When the configuration cannot authenticate with GSSAPI, the plugin path is pointed at
/// `/dev/null`, which holds no plugin: Cyrus reads it from `SASL_PATH` (Cyrus SASL's `sasl_set_path(3)`), and
/// starts with no mechanism, which nothing here asks it for.
public enum CyrusSASL {
    /// The plugin path that holds no plugin.
    public static let noPlugins = "/dev/null"

    /// Whether a client with these librdkafka properties may authenticate through Cyrus: SASL is on
    /// (`security.protocol` `sasl_plaintext` or `sasl_ssl`) and `sasl.mechanisms` is GSSAPI (librdkafka's default
    /// when unset) or a name librdkafka does not implement itself, under either spelling of the key.
    public static func pluginsNeeded(_ properties: [String: String]) -> Bool {
        let securityProtocol = (properties["security.protocol"] ?? "plaintext").lowercased()
        guard securityProtocol.hasPrefix("sasl") else { return false }
        let mechanisms = ["sasl.mechanisms", "sasl.mechanism"].compactMap { properties[$0]?.uppercased() }
        let ownMechanisms: Set = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"]
        return mechanisms.isEmpty || mechanisms.contains { !ownMechanisms.contains($0) }
    }

    /// Before the process's first librdkafka client: unless the plugins are needed or the operator set
    /// `SASL_PATH`, sets it to ``noPlugins``. It changes the environment, so only while the process has one
    /// thread. Returns whether it did.
    @discardableResult
    public static func skipPluginsUnlessNeeded(_ properties: [String: String]) -> Bool {
        guard !pluginsNeeded(properties), getenv("SASL_PATH") == nil else { return false }
        return setenv("SASL_PATH", noPlugins, 0) == 0
    }
}
