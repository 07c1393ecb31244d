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

/// A customer's comment under one of the shop's posts (Facebook, Instagram): the conversation
/// follows the comment's thread — the top comment and the answers under it — on that post.
public struct InboundComment: Equatable, Sendable {
    /// The id of the thread's top comment (the comment itself when it starts the thread).
    public var thread: String
    /// The post (or ad, or reel) the comment is under.
    public var post: String

    public init(thread: String, post: String) { self.thread = thread; self.post = post }
}

/// Where a reply in a comment conversation goes: under the comment for everyone to read, or as
/// a private message to the person who wrote it (one per comment, as Meta allows).
public struct CommentReply: Codable, Equatable, Sendable {
    public enum Visibility: String, Codable, Sendable { case `public`, `private` }
    public var visibility: Visibility
    /// The comment answered: the thread's top comment for a public reply, the customer's
    /// latest comment for a private one.
    public var comment: String

    public init(visibility: Visibility, comment: String) { self.visibility = visibility; self.comment = comment }
}

/// What became of a customer's comment on the shop's post.
public enum CommentStatus: String, Codable, Sendable {
    /// Everyone sees it.
    case visible
    /// Only its author and their friends see it (hidden by the shop).
    case hidden
    /// Gone from the post (deleted by the shop or its author).
    case deleted
}
