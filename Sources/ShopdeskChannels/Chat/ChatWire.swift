import Crypto
import Foundation

/// The site chat's side of the channel seam: what travels between the widget a shop embeds and
/// the server, and the chat's rules that need no database. The server's `Chat` folder holds the
/// routes, the visitor's socket and the storage; see `docs/ARCHITECTURE.md`.
///
/// On the socket (`/api/v1/widget/socket`) the widget authenticates in its first frame
/// (`auth` with its token), then sends `typing`, `ack`, `read` and `watch`; the server answers
/// `ready` and `watching`, and pushes `message`, `typing` and `seen`.
public enum ChatWire {
    /// A socket that has not authenticated within this time is closed.
    public static let authenticationTimeout: Duration = .seconds(10)
    /// The largest frame a widget may send.
    public static let maxFrameBytes = 16 * 1024

    /// A frame from the widget.
    public struct ClientFrame: Decodable, Sendable {
        public var type: String
        public var token: String?
        public var state: String?
        public var messageId: Int64?
    }

    public struct Ready: Encodable, Sendable {
        var type = "ready"
        public var conversationId: Int64?
        public init(conversationId: Int64?) { self.conversationId = conversationId }
    }

    /// The answer to `watch`, sent once the socket listens to the conversation: what the widget
    /// fetches after it cannot fall between its fetch and the subscription.
    public struct Watching: Encodable, Sendable {
        var type = "watching"
        public var conversationId: Int64?
        public init(conversationId: Int64?) { self.conversationId = conversationId }
    }

    public struct MessageFrame: Encodable, Sendable {
        var type = "message"
        public var message: WidgetMessage
        public init(message: WidgetMessage) { self.message = message }
    }

    public struct TypingFrame: Encodable, Sendable {
        var type = "typing"
        public var name: String?
        public var state: String
        public init(name: String?, state: String) { self.name = name; self.state = state }
    }

    public struct SeenFrame: Encodable, Sendable {
        var type = "seen"
        public var at: Date
        public init(at: Date) { self.at = at }
    }

    /// Visitors see an agent's first name, as in a shop.
    public static func firstName(_ name: String) -> String {
        name.split(separator: " ").first.map(String.init) ?? name
    }

    /// The message id a visitor's message is stored under: the widget's own id, within the
    /// visitor, so a message sent twice (a retry after a lost answer) is stored once.
    public static func channelMessageID(visitor: Int64, clientID: String) -> String { "v\(visitor):\(clientID)" }

    /// The widget's id back from a stored message id.
    public static func clientID(_ channelMessageID: String?) -> String? {
        guard let channelMessageID, let colon = channelMessageID.firstIndex(of: ":") else { return nil }
        return String(channelMessageID[channelMessageID.index(after: colon)...])
    }

    /// Whether the shop signed the visitor's customer id (`identifier`) with the inbox's
    /// identity secret: hex HMAC-SHA256, compared in constant time over the full length.
    public static func verify(identifier: String, hash: String, secret: String) -> Bool {
        guard !secret.isEmpty else { return false }
        let expected = HMAC<SHA256>.authenticationCode(for: Data(identifier.utf8), using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
        return ConstantTime.equals(hash.lowercased(), expected)
    }

    /// Only http(s) addresses of the pages a visitor saw are kept: agents click these links.
    public static func isWebURL(_ text: String) -> Bool {
        guard let scheme = URLComponents(string: text)?.scheme?.lowercased() else { return false }
        return scheme == "http" || scheme == "https"
    }
}

/// A file as the widget sees it.
public struct WidgetAttachment: Encodable, Sendable {
    public var id: Int64
    public var fileName: String
    public var contentType: String
    public var size: Int64

    public init(id: Int64, fileName: String, contentType: String, size: Int64) {
        self.id = id; self.fileName = fileName; self.contentType = contentType; self.size = size
    }
}

/// A message as the widget sees it: no notes ever, no classification, the agent's name only.
public struct WidgetMessage: Encodable, Sendable {
    public var id: Int64
    /// The widget's own id for a visitor message, so it can match its pending copy.
    public var clientId: String?
    /// `visitor`, `agent` or `bot`.
    public var from: String
    public var authorName: String?
    public var text: String
    public var attachments: [WidgetAttachment]
    /// For agent replies: sent, delivered or read.
    public var status: String?
    public var createdAt: Date
    /// The bot's quick replies under its message (`helped`, `person`).
    public var choices: [String]?

    public init(id: Int64, clientId: String?, from: String, authorName: String?, text: String, attachments: [WidgetAttachment],
                status: String?, createdAt: Date, choices: [String]?) {
        self.id = id; self.clientId = clientId; self.from = from; self.authorName = authorName; self.text = text
        self.attachments = attachments; self.status = status; self.createdAt = createdAt; self.choices = choices
    }
}
