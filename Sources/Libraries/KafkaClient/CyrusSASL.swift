import Glibc

/// Cyrus SASL's plugins, which librdkafka's first client loads whether the configuration uses them or not.
///
/// librdkafka initializes Cyrus SASL (`sasl_client_init`) when it creates its first client, and Cyrus then loads
/// every plugin of its plugin directory: with Debian's `libsasl2-modules` (which `libsasl2-2` recommends) eight
/// shared objects and Berkeley DB, about 0.5 MB of an idle supervisor's RSS (README, "Memory"). librdkafka only
/// hands GSSAPI (Kerberos) to Cyrus; PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER are its own (librdkafka's
/// INTRODUCTION.md, "SASL"). When the configuration cannot authenticate with GSSAPI, Cyrus is told to look for
/// plugins in `/dev/null`, which holds none (`sasl_set_path(3)`); it then starts with no mechanism, which nothing
/// here asks it for. The environment is not touched: processes the supervisor starts see the operator's.
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

    /// Before the process's first librdkafka client: unless the plugins are needed or the operator chose a plugin
    /// directory (`SASL_PATH`), points Cyrus at ``noPlugins``. Returns whether it did; false also when librdkafka
    /// was built without Cyrus (no `sasl_set_path` among the loaded libraries).
    @discardableResult
    public static func skipPluginsUnlessNeeded(_ properties: [String: String]) -> Bool {
        guard !pluginsNeeded(properties), getenv("SASL_PATH") == nil else { return false }
        // libsasl2 is loaded as librdkafka's dependency; this binary does not link it (Debian ships no headers
        // without libsasl2-dev), so the function is looked up. sasl.h: int sasl_set_path(int type, char *path).
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sasl_set_path") else { return false }
        typealias SetPath = @convention(c) (Int32, UnsafeMutablePointer<CChar>?) -> Int32
        let setPath = unsafeBitCast(symbol, to: SetPath.self)
        let pluginPathType: Int32 = 0  // SASL_PATH_TYPE_PLUGIN
        let ok: Int32 = 0  // SASL_OK
        return noPlugins.withCString { setPath(pluginPathType, UnsafeMutablePointer(mutating: $0)) } == ok
    }
}
