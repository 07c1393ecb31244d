import Foundation

/// A chat inbox's widget settings, chosen by an admin and shown to the visitors of the shop.
public struct ChatSettings: Codable, Equatable, Sendable {
    /// The first line a visitor reads when the widget opens.
    public var greeting: String
    /// The launcher's and header's colour, `#rrggbb`.
    public var color: String
    /// Ask for name and email before the first message.
    public var prechatForm: Bool
    /// Only visitors whose `identifier` carries a valid `identifier_hash` may claim an identity;
    /// without this, an unsigned identifier is ignored (never trusted) rather than refused.
    public var requireIdentity: Bool
    /// Weekly opening hours in the workspace's time zone, by weekday ("mon" … "sun") as
    /// `"09:00-17:00"`; a day missing means closed. Nil means always open (when somebody is online).
    public var businessHours: [String: String]?
    /// The email inbox that continues the chat by mail: a reply the visitor has not seen after a
    /// few minutes goes to the email they left, and their answer by mail comes back here.
    public var emailInboxId: Int64?
    /// When the bot takes new chats first (it answers from the help center, looks orders up and
    /// hands over to a person whenever asked).
    public var bot: BotMode

    public enum BotMode: String, Codable, Sendable, CaseIterable {
        case off
        /// Only while the chat's opening hours say open.
        case businessHours = "business_hours"
        /// Only while closed: the bot covers nights and weekends.
        case outsideBusinessHours = "outside_business_hours"
        case always
    }

    public init(greeting: String = "", color: String = "#2456c8", prechatForm: Bool = false, requireIdentity: Bool = false,
                businessHours: [String: String]? = nil, emailInboxId: Int64? = nil, bot: BotMode = .off) {
        self.emailInboxId = emailInboxId
        self.bot = bot
        self.greeting = greeting
        self.color = color
        self.prechatForm = prechatForm
        self.requireIdentity = requireIdentity
        self.businessHours = businessHours
    }

    private enum CodingKeys: String, CodingKey { case greeting, color, prechatForm, requireIdentity, businessHours, emailInboxId, bot }

    /// Every field is optional on input; what is left out keeps its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ChatSettings()
        greeting = try container.decodeIfPresent(String.self, forKey: .greeting) ?? defaults.greeting
        color = try container.decodeIfPresent(String.self, forKey: .color) ?? defaults.color
        prechatForm = try container.decodeIfPresent(Bool.self, forKey: .prechatForm) ?? defaults.prechatForm
        requireIdentity = try container.decodeIfPresent(Bool.self, forKey: .requireIdentity) ?? defaults.requireIdentity
        businessHours = try container.decodeIfPresent([String: String].self, forKey: .businessHours)
        emailInboxId = try container.decodeIfPresent(Int64.self, forKey: .emailInboxId)
        bot = try container.decodeIfPresent(BotMode.self, forKey: .bot) ?? .off
    }

    public static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Checks what an admin typed; the error says which field and why.
    public func validated() throws(ShopdeskError) -> ChatSettings {
        var copy = self
        copy.greeting = String(greeting.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
        let hex = color.lowercased()
        guard hex.count == 7, hex.first == "#", hex.dropFirst().allSatisfy({ $0.isHexDigit }) else {
            throw .invalid(field: "chat.color", "The colour must look like #2456c8.")
        }
        copy.color = hex
        if let hours = businessHours {
            for (day, range) in hours {
                guard Self.weekdays.contains(day) else {
                    throw .invalid(field: "chat.business_hours", "Days are mon, tue, wed, thu, fri, sat and sun; \(day) is not one.")
                }
                guard Self.minutes(range) != nil else {
                    throw .invalid(field: "chat.business_hours", "Hours for \(day) must look like 09:00-17:00 (24-hour clock, start before end).")
                }
            }
        }
        return copy
    }

    /// `"09:00-17:30"` → (540, 1050) minutes after midnight.
    public static func minutes(_ range: String) -> (open: Int, close: Int)? {
        let parts = range.split(separator: "-")
        guard parts.count == 2, let open = clock(parts[0]), let close = clock(parts[1]), open < close else { return nil }
        return (open, close)
    }

    private static func clock(_ text: Substring) -> Int? {
        let pieces = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard pieces.count == 2, let hour = Int(pieces[0]), let minute = Int(pieces[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 24 * 60 else { return nil }
        return hour * 60 + minute
    }

    /// Whether `date` falls inside the opening hours, read in `timeZone`.
    public func isOpen(at date: Date, timeZone: TimeZone) -> Bool {
        guard let businessHours else { return true }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday, let range = businessHours[Self.weekdays[weekday - 1]],
              let (open, close) = Self.minutes(range) else { return false }
        let now = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        return now >= open && now < close
    }
}
