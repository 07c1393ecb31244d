import Foundation

/// What the reports need to know about one conversation, computed from its history alone: the
/// definitions of docs/REPORTS.md as code. The same function serves the incremental refresh and
/// the rebuild, so the two cannot disagree.
public struct ConversationFacts: Equatable, Sendable {
    /// One wait on us after a response (the next response time).
    public struct Wait: Equatable, Sendable {
        /// When the response that ended the wait was sent (the wait counts on that day).
        public var answeredAt: Date
        public var seconds: Int
        public var businessSeconds: Int
    }

    public var createdAt: Date
    public var firstResponseAt: Date?
    /// From the first customer message (or the bot's handover) to the first response.
    public var firstResponseSeconds: Int?
    public var firstResponseBusinessSeconds: Int?
    public var waits: [Wait]
    public var responses: Int
    public var customerMessages: Int
    /// Outbound messages without an agent: the bot's answers and rules' automatic replies.
    public var automaticMessages: Int
    /// The first time it was resolved, and whether it was reopened within 7 days of that.
    public var firstResolvedAt: Date?
    public var reopened: Bool
    /// Resolved with exactly one response before the first resolution (reopened or not).
    public var oneTouch: Bool
    /// One touch and not reopened within 7 days: first contact resolution.
    public var firstContactResolution: Bool
    /// The resolution that stands (nil while it is not resolved), and the time from creation to it.
    public var resolvedAt: Date?
    public var resolutionSeconds: Int?
    public var resolutionBusinessSeconds: Int?
    public var botAnswered: Bool
    public var botHandedOver: Bool
    /// The bot answered and the conversation was resolved without an agent's response.
    public var botResolved: Bool
    /// Why the bot handed over (the first handover), as the bot said it.
    public var handoverReason: String?
    /// A rule acted on the conversation (fired, or changed its status).
    public var ruleTouched: Bool
    /// The resolution that stands was a rule's.
    public var ruleResolved: Bool
    /// The macros agents applied, each once, in the order first used.
    public var macroIDs: [Int64]
    /// Touched by automation: the bot answered or handed over, a rule acted, or an automatic reply was sent.
    public var automated: Bool
}

/// A conversation's history as the facts are computed from it.
public struct ConversationHistory: Sendable {
    public struct Message: Sendable {
        public var direction: MessageDirection
        public var byAgent: Bool
        public var byBot: Bool
        /// Delivery failed and the message was never sent again.
        public var failed: Bool
        public var at: Date

        public init(direction: MessageDirection, byAgent: Bool, byBot: Bool = false, failed: Bool = false, at: Date) {
            self.direction = direction
            self.byAgent = byAgent
            self.byBot = byBot
            self.failed = failed
            self.at = at
        }
    }

    public var createdAt: Date
    /// In time order (ties in the order they were stored).
    public var messages: [Message]
    /// Each status the conversation entered, with when.
    public var statusChanges: [(at: Date, to: ConversationStatus)]
    public var status: ConversationStatus
    /// When the bot handed the conversation to an agent, and why.
    public var handedOverAt: Date?
    public var handoverReason: String?
    /// When rules changed the status (a rule's resolution is one of these), and whether any rule fired.
    public var ruleStatusChanges: [Date]
    public var ruleFired: Bool
    /// The macros applied, in order (repeats included).
    public var macroIDs: [Int64]

    public init(createdAt: Date, messages: [Message], statusChanges: [(at: Date, to: ConversationStatus)], status: ConversationStatus,
                handedOverAt: Date? = nil, handoverReason: String? = nil, ruleStatusChanges: [Date] = [], ruleFired: Bool = false,
                macroIDs: [Int64] = []) {
        self.createdAt = createdAt
        self.messages = messages
        self.statusChanges = statusChanges
        self.status = status
        self.handedOverAt = handedOverAt
        self.handoverReason = handoverReason
        self.ruleStatusChanges = ruleStatusChanges
        self.ruleFired = ruleFired
        self.macroIDs = macroIDs
    }
}

extension ConversationFacts {
    /// A reopen counts against the first resolution when it comes within this long.
    public static let reopenWindow: TimeInterval = 7 * 86_400

    public static func compute(_ history: ConversationHistory, calendar: BusinessCalendar) -> ConversationFacts {
        let isResponse = { (message: ConversationHistory.Message) in message.direction == .outbound && message.byAgent && !message.failed }
        let business = { (from: Date, to: Date) in Int(calendar.businessSeconds(from: from, to: to).rounded()) }

        // First response: from the first customer message (the handover, when the bot served
        // the customer until then) to the first agent response after it.
        var firstResponseAt: Date?, firstResponseSeconds: Int?, firstResponseBusiness: Int?
        if let firstCustomer = history.messages.first(where: { $0.direction == .inbound }),
           history.messages.first(where: { $0.direction == .inbound || isResponse($0) }).map({ $0.direction == .inbound }) == true {
            let start = max(firstCustomer.at, history.handedOverAt ?? firstCustomer.at)
            if let response = history.messages.first(where: { isResponse($0) && $0.at >= start }) {
                firstResponseAt = response.at
                firstResponseSeconds = Int(response.at.timeIntervalSince(start).rounded())
                firstResponseBusiness = business(start, response.at)
            }
        }

        // Next responses: each customer message after a response waits until the next response.
        var waits: [Wait] = []
        var responded = false
        var waitingSince: Date?
        for message in history.messages {
            if message.direction == .inbound, responded, waitingSince == nil {
                waitingSince = message.at
            } else if isResponse(message) {
                if let since = waitingSince {
                    waits.append(Wait(answeredAt: message.at, seconds: Int(message.at.timeIntervalSince(since).rounded()),
                                      businessSeconds: business(since, message.at)))
                    waitingSince = nil
                }
                responded = true
            }
        }

        // Resolutions: the first (for reopen, one touch and FCR) and the one that stands.
        let resolutions = history.statusChanges.filter { $0.to == .resolved }.map(\.at)
        let firstResolvedAt = resolutions.first
        var reopened = false
        if let first = firstResolvedAt {
            reopened = history.statusChanges.contains { $0.to != .resolved && $0.at > first && $0.at.timeIntervalSince(first) <= reopenWindow }
        }
        let responsesBeforeFirstResolution = firstResolvedAt.map { first in history.messages.filter { isResponse($0) && $0.at <= first }.count } ?? 0
        let oneTouch = firstResolvedAt != nil && responsesBeforeFirstResolution == 1
        let resolvedAt = history.status == .resolved ? resolutions.last : nil
        let responses = history.messages.filter(isResponse).count
        let botAnswered = history.messages.contains { $0.direction == .outbound && $0.byBot }
        let automaticMessages = history.messages.filter { $0.direction == .outbound && !$0.byAgent }.count
        var macros: [Int64] = []
        for id in history.macroIDs where !macros.contains(id) { macros.append(id) }
        return ConversationFacts(
            createdAt: history.createdAt,
            firstResponseAt: firstResponseAt, firstResponseSeconds: firstResponseSeconds, firstResponseBusinessSeconds: firstResponseBusiness,
            waits: waits,
            responses: responses,
            customerMessages: history.messages.filter { $0.direction == .inbound }.count,
            automaticMessages: automaticMessages,
            firstResolvedAt: firstResolvedAt, reopened: reopened, oneTouch: oneTouch, firstContactResolution: oneTouch && !reopened,
            resolvedAt: resolvedAt,
            resolutionSeconds: resolvedAt.map { Int($0.timeIntervalSince(history.createdAt).rounded()) },
            resolutionBusinessSeconds: resolvedAt.map { business(history.createdAt, $0) },
            botAnswered: botAnswered, botHandedOver: history.handedOverAt != nil,
            botResolved: botAnswered && responses == 0 && resolvedAt != nil,
            handoverReason: history.handedOverAt == nil ? nil : history.handoverReason,
            ruleTouched: history.ruleFired || !history.ruleStatusChanges.isEmpty,
            ruleResolved: resolvedAt.map { history.ruleStatusChanges.contains($0) } ?? false,
            macroIDs: macros,
            automated: botAnswered || history.handedOverAt != nil || history.ruleFired || !history.ruleStatusChanges.isEmpty || automaticMessages > 0
        )
    }
}

/// Days and hours of the workspace's calendar, as the reports count them: a day is
/// `yyyymmdd` as an integer (so ranges compare as numbers), a slot of the week is
/// `weekday × 24 + hour` with Monday 0, both read on the wall clock of the time zone.
public struct ReportClock: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public func day(_ date: Date) -> Int {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return (parts.year ?? 0) * 10_000 + (parts.month ?? 0) * 100 + (parts.day ?? 0)
    }

    /// The instant a `yyyymmdd` day begins on the time zone's wall clock (its first instant, on a
    /// day whose midnight a clock change skips).
    public func start(of day: Int) -> Date {
        let parts = DateComponents(year: day / 10_000, month: day / 100 % 100, day: day % 100)
        return calendar.date(from: parts).map { calendar.startOfDay(for: $0) } ?? Date(timeIntervalSince1970: 0)
    }

    public func slot(_ date: Date) -> Int {
        let parts = calendar.dateComponents([.weekday, .hour], from: date)
        // Calendar weekdays run Sunday 1 … Saturday 7.
        return ((parts.weekday ?? 2) + 5) % 7 * 24 + (parts.hour ?? 0)
    }

    /// `yyyymmdd` for a `YYYY-MM-DD` string (nil when it is not a real date).
    public static func day(_ text: String) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return year * 10_000 + month * 100 + day
    }

    /// `YYYY-MM-DD` for `yyyymmdd`.
    public static func text(_ day: Int) -> String {
        let year = day / 10_000, month = day / 100 % 100, date = day % 100
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(date < 10 ? "0" : "")\(date)"
    }

    /// The day `count` days after `day` (before, when negative), along the calendar.
    public static func adding(_ count: Int, to day: Int) -> Int {
        var year = day / 10_000, month = day / 100 % 100, date = day % 100
        var left = count
        while left > 0 {
            date += 1
            if date > daysIn(month: month, year: year) { date = 1; month += 1 }
            if month > 12 { month = 1; year += 1 }
            left -= 1
        }
        while left < 0 {
            date -= 1
            if date < 1 {
                month -= 1
                if month < 1 { month = 12; year -= 1 }
                date = daysIn(month: month, year: year)
            }
            left += 1
        }
        return year * 10_000 + month * 100 + date
    }

    /// Days from `start` up to (not including) `end`.
    public static func days(from start: Int, to end: Int) -> [Int] {
        var days: [Int] = []
        var day = start
        while day < end, days.count < 3_700 {
            days.append(day)
            day = adding(1, to: day)
        }
        return days
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
