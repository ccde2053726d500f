import Events
import Glibc
import SupervisorCore

/// The supervisor's `group.instance.id` (KIP-345 static membership): a restart within `kafka.session_timeout`
/// rejoins as the same member and gets its partitions back without a rebalance of the group.
///
/// `kafka.group_instance_id: auto` derives it, never at random (a random id would be a new member after every
/// restart, which is dynamic membership with extra steps):
/// 1. in Kubernetes, the Pod's name (`POD_NAME`, qualified by `POD_NAMESPACE` when set; both from the Downward
///    API, see deploy/kubernetes/deployment.yaml);
/// 2. on a host, the host name and a digest of `/etc/machine-id` and the group: machine-id(5) asks applications
///    not to expose the id itself, and the digest keeps two hosts that share a name apart;
/// 3. otherwise the host name alone (in a container, the Pod's name again).
///
/// Two supervisors with one identity in one group cannot both be members: the broker fences the older one, which
/// then stops with exit status 78 and says why (`KafkaCommandSource.fatalFailure`). Several supervisors on one
/// host therefore each need their own `kafka.group_instance_id`.
public enum GroupInstanceIdentity {
    /// Resolves `kafka.group_instance_id`: nil for `none` (dynamic membership).
    public static func resolve(
        setting: String, groupID: String, podName: String?, podNamespace: String?, machineID: String?,
        hostname: String
    ) -> String? {
        switch setting {
        case "none": return nil
        case "auto": break
        default: return setting
        }
        if let podName = podName.map(\.trimmedSpaces), !podName.isEmpty {
            let namespace = podNamespace.map(\.trimmedSpaces) ?? ""
            return sanitized(namespace.isEmpty ? podName : namespace + "." + podName)
        }
        if let machineID = machineID.map(\.trimmedSpaces), !machineID.isEmpty {
            let digest = SHA256.hash(Array("k8s-worker group.instance.id\n\(machineID)\n\(groupID)".utf8))
            return sanitized(hostname + "-" + digest.hex.prefix(16))
        }
        return sanitized(hostname)
    }

    /// Resolves `setting` from this process's environment, `/etc/machine-id` and host name.
    public static func resolve(setting: String, groupID: String) -> String? {
        resolve(
            setting: setting, groupID: groupID, podName: environment("POD_NAME"),
            podNamespace: environment("POD_NAMESPACE"), machineID: readMachineID(),
            hostname: KafkaSourceSettings.hostname())
    }

    /// Replaces what Kafka refuses in an instance id with `-` and keeps the first 249 characters.
    static func sanitized(_ text: String) -> String {
        let allowed = text.unicodeScalars.map { scalar -> Character in
            let valid = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
            return valid || scalar == "." || scalar == "_" || scalar == "-" ? Character(scalar) : "-"
        }
        let result = String(allowed.prefix(249))
        return result.isEmpty ? "k8s-worker" : result
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    private static func readMachineID() -> String? {
        let text = (try? ConfigurationLoader.readFile("/etc/machine-id"))?.filter { !$0.isWhitespace } ?? ""
        return text.isEmpty ? nil : text
    }
}
