extension String {
    /// Splits at the first occurrence of `separator` (two parts at most).
    func components(_ separator: String) -> [String] {
        let scalars = Array(unicodeScalars)
        let needle = Array(separator.unicodeScalars)
        guard needle.count <= scalars.count else { return [self] }
        for start in 0...(scalars.count - needle.count) where Array(scalars[start..<(start + needle.count)]) == needle {
            var head = String.UnicodeScalarView()
            head.append(contentsOf: scalars[0..<start])
            var tail = String.UnicodeScalarView()
            tail.append(contentsOf: scalars[(start + needle.count)...])
            return [String(head), String(tail)]
        }
        return [self]
    }
}
