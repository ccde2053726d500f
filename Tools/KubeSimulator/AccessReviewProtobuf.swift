import Events

/// kubectl sends its access reviews as Kubernetes protobuf (`application/vnd.kubernetes.protobuf`: the bytes
/// `k8s\0`, then a `runtime.Unknown` whose field 2 holds the object; Kubernetes docs, "Kubernetes API Concepts",
/// "Protobuf encoding"). This decodes just the spec of a SelfSubjectAccessReview or SelfSubjectRulesReview into
/// its JSON form (field numbers from k8s.io/api/authorization/v1 generated.proto); the answer is JSON, which
/// clients accept.
enum AccessReviewProtobuf {
    /// The `spec` as JSON, or `nil` when the bytes are not such a message.
    static func spec(_ bytes: [UInt8], kind: ResourceKind) -> JSONObject? {
        guard bytes.count >= 4, Array(bytes[0..<4]) == [0x6B, 0x38, 0x73, 0x00],
            let unknown = fields(bytes[4...]), let raw = unknown.last(where: { $0.number == 2 })?.bytes,
            let object = fields(raw[...])
        else { return nil }
        let spec = object.last(where: { $0.number == 2 })?.bytes ?? []
        guard let specFields = fields(spec[...]) else { return nil }
        var result = JSONObject()
        if kind == .selfSubjectRulesReviews {
            if let namespace = specFields.last(where: { $0.number == 1 }) {
                result.append("namespace", .string(String(decoding: namespace.bytes, as: UTF8.self)))
            }
            return result
        }
        let resourceNames = [
            1: "namespace", 2: "verb", 3: "group", 4: "version", 5: "resource", 6: "subresource", 7: "name",
        ]
        if let resource = specFields.last(where: { $0.number == 1 }),
            let attributes = strings(resource.bytes, resourceNames)
        {
            result.append("resourceAttributes", .object(attributes))
        }
        if let nonResource = specFields.last(where: { $0.number == 2 }),
            let attributes = strings(nonResource.bytes, [1: "path", 2: "verb"])
        {
            result.append("nonResourceAttributes", .object(attributes))
        }
        return result
    }

    private static func strings(_ bytes: [UInt8], _ names: [Int: String]) -> JSONObject? {
        guard let parsed = fields(bytes[...]) else { return nil }
        var object = JSONObject()
        for field in parsed {
            if let name = names[field.number] {
                object.set(name, .string(String(decoding: field.bytes, as: UTF8.self)))
            }
        }
        return object
    }

    /// The length-delimited fields of a message (varint and fixed fields are skipped); `nil` if malformed.
    private static func fields(_ bytes: ArraySlice<UInt8>) -> [(number: Int, bytes: [UInt8])]? {
        var result: [(number: Int, bytes: [UInt8])] = []
        var index = bytes.startIndex
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.endIndex, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.endIndex {
            guard let key = varint() else { return nil }
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: guard varint() != nil else { return nil }
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = varint(), length <= UInt64(bytes.endIndex - index) else { return nil }
                let end = index + Int(length)
                result.append((number, Array(bytes[index..<end])))
                index = end
            default: return nil
            }
            guard index <= bytes.endIndex else { return nil }
        }
        return result
    }
}
