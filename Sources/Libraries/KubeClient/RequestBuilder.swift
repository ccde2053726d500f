/// Turns a ``KubeRequest`` into a URL and checks it; reads `Retry-After`.
enum RequestBuilder {
    /// Validates the method and path and builds the URL. The path must be absolute and carry no query or
    /// fragment (those go in `query`, which is percent-encoded here).
    static func prepare(_ request: KubeRequest, baseURL: String) throws(KubeAPIError) -> PreparedRequest {
        guard !request.method.isEmpty,
            request.method.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
        else {
            throw KubeAPIError.invalidRequest("invalid HTTP method \"\(request.method)\"")
        }
        guard request.path.hasPrefix("/"),
            request.path.utf8.allSatisfy({
                $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#")
            })
        else {
            throw KubeAPIError.invalidRequest(
                "invalid API path \"\(request.path)\": it must start with / and hold no query, spaces or controls")
        }
        var url = baseURL + request.path
        if !request.query.isEmpty {
            url += "?" + request.query.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
        }
        return PreparedRequest(
            url: url, method: request.method, body: request.body,
            contentType: request.contentType ?? (request.body == nil ? nil : "application/json"))
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The wait a 429/503 asks for: the `Retry-After` header, as seconds or as an HTTP-date (the API server sends
    /// seconds; a proxy in front of it may send a date, which counts from `now`), else `details.retryAfterSeconds`
    /// of the Status body. Capped at one hour. A date not after `now` (a skewed clock, say) asks for nothing, so
    /// the client's own backoff applies rather than an immediate retry.
    static func retryAfter(
        headers: [(String, String)], body: [UInt8], now: (seconds: Int64, year: Int) = HTTPDate.now()
    ) -> Duration? {
        if let value = headers.first(where: { $0.0.lowercased() == "retry-after" })?.1 {
            let text = ConfigFiles.trimmed(Substring(value))
            if let seconds = Int(text), seconds >= 0 { return .seconds(min(seconds, 3600)) }
            if let date = HTTPDate.epochSeconds(text, currentYear: now.year), date > now.seconds {
                return .seconds(min(date - now.seconds, 3600))
            }
        }
        if let seconds = StatusBody(body)?.retryAfterSeconds, seconds >= 0 {
            return .seconds(min(seconds, 3600))
        }
        return nil
    }
}
