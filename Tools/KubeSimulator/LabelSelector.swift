/// A parsed label selector in the query-string syntax: `a=b,c!=d,e in (x,y),f,!g,h notin (z)`.
struct LabelSelector: Sendable, Hashable {
    /// One requirement; all must hold.
    enum Requirement: Sendable, Hashable {
        case exists(String)
        case doesNotExist(String)
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case greaterThan(String, Int64)
        case lessThan(String, Int64)
    }

    /// The parse failure, reported as a 400 BadRequest.
    struct Failure: Error, Equatable {
        var message: String
    }

    /// The requirements (empty selects everything).
    var requirements: [Requirement]

    /// The selector that matches everything.
    static let everything = LabelSelector(requirements: [])

    private enum Token: Equatable {
        case identifier(String)
        case open, close, comma, equals, doubleEquals, notEquals, not, greater, less
    }

    /// Parses the query-string syntax.
    init(parsing text: String) throws(Failure) {
        guard text.utf8.count <= 16 * 1024 else { throw Failure(message: "label selector too long") }
        let tokens = try Self.tokenize(text)
        var requirements: [Requirement] = []
        var index = 0
        func next() -> Token? { index < tokens.count ? tokens[index] : nil }
        while index < tokens.count {
            if tokens[index] == .not {
                index += 1
                guard case .identifier(let key) = next() else {
                    throw Failure(message: "unable to parse requirement: expected identifier after '!'")
                }
                try Self.checkKey(key)
                requirements.append(.doesNotExist(key))
                index += 1
            } else {
                guard case .identifier(let key) = next() else {
                    throw Failure(
                        message:
                            "unable to parse requirement: found '\(Self.describe(next()))', expected: !, identifier, or 'end of string'"
                    )
                }
                try Self.checkKey(key)
                index += 1
                switch next() {
                case nil, .comma?:
                    requirements.append(.exists(key))
                case .equals?, .doubleEquals?, .notEquals?, .greater?, .less?:
                    let op = tokens[index]
                    index += 1
                    var value = ""
                    if case .identifier(let text) = next() {
                        value = text
                        index += 1
                    }
                    switch op {
                    case .greater, .less:
                        guard let number = Int64(value) else {
                            throw Failure(
                                message:
                                    "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer"
                            )
                        }
                        requirements.append(op == .greater ? .greaterThan(key, number) : .lessThan(key, number))
                    default:
                        try Self.checkValue(value)
                        requirements.append(op == .notEquals ? .notEquals(key, value) : .equals(key, value))
                    }
                case .identifier(let word)? where word == "in" || word == "notin":
                    index += 1
                    guard next() == .open else {
                        throw Failure(
                            message: "unable to parse requirement: found '\(Self.describe(next()))', expected: '('")
                    }
                    index += 1
                    var values = Set<String>()
                    while true {
                        if case .identifier(let value) = next() {
                            try Self.checkValue(value)
                            values.insert(value)
                            index += 1
                        }
                        if next() == .comma {
                            index += 1
                            continue
                        }
                        guard next() == .close else {
                            throw Failure(
                                message:
                                    "unable to parse requirement: found '\(Self.describe(next()))', expected: ',' or ')'"
                            )
                        }
                        index += 1
                        break
                    }
                    requirements.append(word == "in" ? .isIn(key, values) : .notIn(key, values))
                default:
                    throw Failure(
                        message:
                            "unable to parse requirement: found '\(Self.describe(next()))', expected: in, notin, =, ==, !=, gt, lt"
                    )
                }
            }
            if index < tokens.count {
                guard tokens[index] == .comma else {
                    throw Failure(
                        message: "unable to parse requirement: found '\(Self.describe(next()))', expected: ','")
                }
                index += 1
                guard index < tokens.count else {
                    throw Failure(message: "unable to parse requirement: found '', expected: identifier after ','")
                }
            }
        }
        self.requirements = requirements
    }

    private init(requirements: [Requirement]) { self.requirements = requirements }

    /// Whether `labels` satisfy every requirement.
    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): labels[key].map { !values.contains($0) } ?? true
            case .greaterThan(let key, let bound): labels[key].flatMap { Int64($0) }.map { $0 > bound } ?? false
            case .lessThan(let key, let bound): labels[key].flatMap { Int64($0) }.map { $0 < bound } ?? false
            }
        }
    }

    private static func checkKey(_ key: String) throws(Failure) {
        if let message = NameValidation.qualifiedName(key).first {
            throw Failure(
                message: "unable to parse requirement: key: Invalid value: \(FieldError.quote(key)): \(message)")
        }
    }

    private static func checkValue(_ value: String) throws(Failure) {
        if let message = NameValidation.labelValue(value).first {
            throw Failure(
                message: "unable to parse requirement: values[0]: Invalid value: \(FieldError.quote(value)): \(message)"
            )
        }
    }

    private static func describe(_ token: Token?) -> String {
        switch token {
        case nil: ""
        case .identifier(let text): text
        case .open: "("
        case .close: ")"
        case .comma: ","
        case .equals: "="
        case .doubleEquals: "=="
        case .notEquals: "!="
        case .not: "!"
        case .greater: ">"
        case .less: "<"
        }
    }

    private static func tokenize(_ text: String) throws(Failure) -> [Token] {
        var tokens: [Token] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        let special: Set<Unicode.Scalar> = [" ", "\t", ",", "(", ")", "=", "!", "<", ">"]
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t": index += 1
            case ",":
                tokens.append(.comma)
                index += 1
            case "(":
                tokens.append(.open)
                index += 1
            case ")":
                tokens.append(.close)
                index += 1
            case "<":
                tokens.append(.less)
                index += 1
            case ">":
                tokens.append(.greater)
                index += 1
            case "=":
                if index + 1 < scalars.count && scalars[index + 1] == "=" {
                    tokens.append(.doubleEquals)
                    index += 2
                } else {
                    tokens.append(.equals)
                    index += 1
                }
            case "!":
                if index + 1 < scalars.count && scalars[index + 1] == "=" {
                    tokens.append(.notEquals)
                    index += 2
                } else {
                    tokens.append(.not)
                    index += 1
                }
            default:
                var identifier = String.UnicodeScalarView()
                while index < scalars.count && !special.contains(scalars[index]) {
                    identifier.append(scalars[index])
                    index += 1
                }
                tokens.append(.identifier(String(identifier)))
            }
            guard tokens.count <= 4096 else { throw Failure(message: "label selector too complex") }
        }
        return tokens
    }
}
