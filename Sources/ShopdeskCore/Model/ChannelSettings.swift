/// A messaging channel's settings as stored: the values an admin may read back (a bot's name, an
/// API address) and the secrets, sealed by the server's secret box and never returned (a bot
/// token, the webhook secret). Which keys exist is the channel adapter's business. `bot` says
/// when the chat bot takes new conversations, as a chat inbox's does (business hours are the
/// workspace's).
public struct ChannelSettings: Codable, Equatable, Sendable {
    public var values: [String: String]
    public var sealed: [String: String]
    public var bot: ChatSettings.BotMode

    public init(values: [String: String] = [:], sealed: [String: String] = [:], bot: ChatSettings.BotMode = .off) {
        self.values = values
        self.sealed = sealed
        self.bot = bot
    }

    private enum CodingKeys: String, CodingKey { case values, sealed, bot }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        values = try container.decodeIfPresent([String: String].self, forKey: .values) ?? [:]
        sealed = try container.decodeIfPresent([String: String].self, forKey: .sealed) ?? [:]
        // Stored before the bot could answer on messaging channels: off.
        bot = try container.decodeIfPresent(ChatSettings.BotMode.self, forKey: .bot) ?? .off
    }
}

/// A reply sent as one of the channel's approved message templates (WhatsApp's, outside its
/// 24-hour window): the template's name and language and the values of its `{{1}}`, `{{2}}`….
/// The message's text is the template's body with them filled in, as the customer sees it.
public struct ChannelTemplateUse: Codable, Equatable, Sendable {
    public var name: String
    public var language: String
    public var parameters: [String]

    public init(name: String, language: String, parameters: [String]) {
        self.name = name; self.language = language; self.parameters = parameters
    }
}
