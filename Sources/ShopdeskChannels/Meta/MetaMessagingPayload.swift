import Foundation

/// A Messenger Platform webhook notification (`object: page` for Messenger, `instagram` for
/// Instagram messaging), as much of it as Shopdesk reads.
struct MetaMessagingNotification: Decodable {
    struct Party: Decodable { var id: String }
    struct Attachment: Decodable {
        struct Payload: Decodable { var url: String?; var title: String? }
        var type: String
        var payload: Payload?
    }
    struct Message: Decodable {
        struct QuickReply: Decodable { var payload: String? }
        struct Reply: Decodable { var mid: String? }
        var mid: String
        var text: String?
        var isEcho: Bool?
        var isDeleted: Bool?
        var attachments: [Attachment]?
        var quickReply: QuickReply?
        var replyTo: Reply?
    }
    struct Delivery: Decodable { var mids: [String]?; var watermark: Int64? }
    struct Reaction: Decodable { var mid: String?; var action: String?; var emoji: String?; var reaction: String? }
    struct Postback: Decodable { var title: String?; var payload: String?; var mid: String? }
    struct Event: Decodable {
        var sender: Party?
        var recipient: Party?
        var timestamp: Int64?
        var message: Message?
        var delivery: Delivery?
        var read: Delivery?
        var reaction: Reaction?
        var postback: Postback?
    }
    struct Change: Decodable { var field: String? }
    struct Entry: Decodable {
        var id: String?
        var time: Int64?
        var messaging: [Event]?
        var changes: [Change]?
    }
    var object: String?
    var entry: [Entry]?

    static func decode(_ body: [UInt8]) throws -> MetaMessagingNotification {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(MetaMessagingNotification.self, from: Data(body))
    }
}

/// The Send API's answer: the message's id, or Meta's error.
struct SendAnswer: Decodable {
    struct Failure: Decodable { var message: String?; var code: Int?; var errorSubcode: Int? }
    var messageId: String?
    var recipientId: String?
    var name: String?
    var username: String?
    var error: Failure?

    static func decode(_ data: Data) -> SendAnswer? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(SendAnswer.self, from: data)
    }
}
