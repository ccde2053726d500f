/// apimachinery's syntax checks for names, label keys and values, each returning its error messages.
enum NameValidation {
    static let dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
        + "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
        + "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let qualifiedNamePartMessage =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let qualifiedNameMessage =
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. "
        + "'example.com/MyName')"
    static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
        + "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
        + "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    static let configKeyMessage =
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
        + "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
    static let envVarNameMessage =
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must "
        + "not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for "
        + "validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"

    /// RFC 1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    static func dns1123Label(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > 63 { errors.append("must be no more than 63 characters") }
        if !isLabelShape(bytes) { errors.append(dns1123LabelMessage) }
        return errors
    }

    /// RFC 1123 subdomain: dot-separated labels, at most 253 characters.
    static func dns1123Subdomain(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > 253 { errors.append("must be no more than 253 characters") }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if bytes.isEmpty || !labels.allSatisfy({ isLabelShape(Array($0)) }) { errors.append(dns1123SubdomainMessage) }
        return errors
    }

    /// A label or annotation key: `[prefix/]name`.
    /// RBAC object names (`system:discovery`): any path segment (apimachinery's `ValidatePathSegmentName`).
    static func pathSegment(_ value: String) -> [String] {
        if value == "." || value == ".." { return ["may not be '\(value)'"] }
        for forbidden in ["/", "%"] where value.contains(forbidden) { return ["may not contain '\(forbidden)'"] }
        return []
    }

    static func qualifiedName(_ value: String) -> [String] {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var errors: [String] = []
        let name: String
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            name = parts[1]
            if parts[0].isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors.append(contentsOf: dns1123Subdomain(parts[0]).map { "prefix part \($0)" })
            }
        default:
            return [qualifiedNameMessage]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else {
            if name.utf8.count > 63 { errors.append("name part must be no more than 63 characters") }
            if !isQualifiedShape(Array(name.utf8)) { errors.append(qualifiedNamePartMessage) }
        }
        return errors
    }

    /// A label value: empty, or a qualified-name-shaped string of at most 63 characters.
    static func labelValue(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > 63 { errors.append("must be no more than 63 characters") }
        if !bytes.isEmpty && !isQualifiedShape(bytes) { errors.append(labelValueMessage) }
        return errors
    }

    /// A ConfigMap data key: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..`.
    static func configMapKey(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > 253 { errors.append("must be no more than 253 characters") }
        if bytes.isEmpty || !bytes.allSatisfy({ isAlphanumeric($0) || $0 == 45 || $0 == 46 || $0 == 95 }) {
            errors.append(configKeyMessage)
        }
        if value == "." { errors.append("must not be '.'") }
        if value == ".." {
            errors.append("must not be '..'")
        } else if value.hasPrefix("..") {
            errors.append("must not start with '..'")
        }
        return errors
    }

    /// An environment variable name: `[-._a-zA-Z][-._a-zA-Z0-9]*`.
    static func envVarName(_ value: String) -> [String] {
        let bytes = Array(value.utf8)
        guard let first = bytes.first else { return [envVarNameMessage] }
        let valid =
            !(first >= 48 && first <= 57) && bytes.allSatisfy { isAlphanumeric($0) || $0 == 45 || $0 == 46 || $0 == 95 }
        return valid ? [] : [envVarNameMessage]
    }

    private static func isLabelShape(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        func lowerAlnum(_ byte: UInt8) -> Bool { (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) }
        return lowerAlnum(first) && lowerAlnum(last) && bytes.allSatisfy { lowerAlnum($0) || $0 == 45 }
    }

    private static func isQualifiedShape(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        return isAlphanumeric(first) && isAlphanumeric(last)
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
    }
}
