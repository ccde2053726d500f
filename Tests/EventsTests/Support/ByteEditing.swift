@testable import Events

extension String {
    /// Replaces the last occurrence of `target` (a single character string) with `replacement`.
    func replacingLast(_ target: Character, with replacement: String) -> String {
        guard let index = lastIndex(of: target) else { return self }
        return String(self[..<index]) + replacement + String(self[self.index(after: index)...])
    }
}

extension Array where Element == UInt8 {
    /// Removes a top-level key from an encoded object.
    func removingKey(_ key: String) throws -> [UInt8] {
        guard case .object(var object) = try JSONParser().parse(self) else { return self }
        object.removeAll(named: key)
        return JSONWriter.encode(.object(object))
    }
}
