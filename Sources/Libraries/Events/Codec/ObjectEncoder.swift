/// Appends one compact JSON object, member by member, in the order fields are written.
struct ObjectEncoder {
    private(set) var bytes: [UInt8]
    private var isEmpty = true

    init(reservingCapacity capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ key: String) {
        if !isEmpty { bytes.append(UInt8(ascii: ",")) }
        isEmpty = false
        JSONWriter.writeString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    /// `"key":"value"`.
    mutating func field(_ name: String, _ value: String) {
        key(name)
        JSONWriter.writeString(value, to: &bytes)
    }

    /// `"key":"value"` or `"key":null`.
    mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value {
            JSONWriter.writeString(value, to: &bytes)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    /// `"key":123`.
    mutating func field(_ name: String, _ value: Int) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// `"key":1.5` in pydantic's float layout, or `null` for non-finite values (pydantic's
    /// default `ser_json_inf_nan="null"`).
    mutating func field(_ name: String, _ value: Double) {
        key(name)
        if let number = JSONNumber(value) {
            bytes.append(contentsOf: number.text.utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    /// `"key":["a","b"]`.
    mutating func field(_ name: String, _ values: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// `"key":<nested object>` from another finished encoder, or `null`.
    mutating func field(_ name: String, object: ObjectEncoder?) {
        key(name)
        if let object {
            bytes.append(contentsOf: object.finished())
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    /// The object bytes, closed.
    func finished() -> [UInt8] {
        bytes + [UInt8(ascii: "}")]
    }

    /// Closes the object and returns its bytes without copying.
    consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
