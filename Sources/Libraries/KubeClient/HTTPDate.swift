import Events
import Glibc

/// HTTP-dates (RFC 9110 §5.6.7), as a `Retry-After` from a proxy in front of the API server may carry them: the
/// preferred IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), and the obsolete forms every recipient must still
/// accept, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Seconds since the Unix epoch, or `nil` when `text` is none of the three forms or names no real instant.
    /// `currentYear` resolves RFC 850's two-digit years: one more than 50 years ahead is taken from the last century.
    static func epochSeconds(_ text: some StringProtocol, currentYear: Int) -> Int64? {
        let fields = String(text).split(separator: " ", omittingEmptySubsequences: true)
        switch fields.count {
        case 6 where fields[0].hasSuffix(",") && fields[5] == "GMT":
            // IMF-fixdate: day-name "," SP DD SP Mon SP YYYY SP time SP "GMT"
            guard fields[1].count == 2, fields[3].count == 4, let day = Int(fields[1]), let year = Int(fields[3]) else {
                return nil
            }
            return instant(year: year, month: fields[2], day: day, time: fields[4])
        case 4 where fields[0].hasSuffix(",") && fields[3] == "GMT":
            // RFC 850: day-name "," SP DD-Mon-YY SP time SP "GMT"
            let date = fields[1].split(separator: "-", omittingEmptySubsequences: false)
            guard date.count == 3, date[0].count == 2, date[2].count == 2, let day = Int(date[0]),
                let twoDigits = Int(date[2])
            else { return nil }
            var year = currentYear - currentYear % 100 + twoDigits
            if year > currentYear + 50 { year -= 100 }
            return instant(year: year, month: date[1], day: day, time: fields[2])
        case 5:
            // asctime: day-name SP Mon SP ( DD / SP D ) SP time SP YYYY
            guard fields[4].count == 4, let day = Int(fields[2]), let year = Int(fields[4]) else { return nil }
            return instant(year: year, month: fields[1], day: day, time: fields[3])
        default:
            return nil
        }
    }

    private static func instant(year: Int, month: Substring, day: Int, time: Substring) -> Int64? {
        guard let monthIndex = months.firstIndex(where: { $0 == month }),
            let date = CivilDate(year: year, month: monthIndex + 1, day: day)
        else { return nil }
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]),
            let minute = Int(parts[1]),
            let second = Int(parts[2]), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        return date.daysSinceEpoch * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
    }

    /// Now, in seconds since the Unix epoch, and the current UTC year.
    static func now() -> (seconds: Int64, year: Int) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let seconds = Int64(spec.tv_sec)
        return (seconds, CivilDate(daysSinceEpoch: seconds / 86_400).year)
    }
}
