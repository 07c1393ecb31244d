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
    /// A change on the Page's feed (`field: feed`) or the Instagram account's media
    /// (`field: comments`): both kinds of comment in one shape, each side's fields optional.
    struct Change: Decodable {
        struct Author: Decodable { var id: String?; var name: String?; var username: String? }
        struct Media: Decodable { var id: String? }
        struct Value: Decodable {
            var from: Author?
            // Facebook's feed
            var item: String?
            var verb: String?
            var commentId: String?
            var postId: String?
            var parentId: String?
            var message: String?
            var photo: String?
            var createdTime: Int64?
            // Instagram's comments
            var id: String?
            var text: String?
            var media: Media?

            enum CodingKeys: String, CodingKey { case from, item, verb, commentId, postId, parentId, message, photo, createdTime, id, text, media }

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                from = try? c.decodeIfPresent(Author.self, forKey: .from)
                item = try? c.decodeIfPresent(String.self, forKey: .item)
                verb = try? c.decodeIfPresent(String.self, forKey: .verb)
                commentId = try? c.decodeIfPresent(String.self, forKey: .commentId)
                postId = try? c.decodeIfPresent(String.self, forKey: .postId)
                parentId = try? c.decodeIfPresent(String.self, forKey: .parentId)
                message = try? c.decodeIfPresent(String.self, forKey: .message)
                photo = try? c.decodeIfPresent(String.self, forKey: .photo)
                // Seconds since 1970; some deliveries carry it as a string.
                createdTime = (try? c.decodeIfPresent(Int64.self, forKey: .createdTime))
                    ?? (try? c.decodeIfPresent(String.self, forKey: .createdTime)).flatMap { $0.flatMap(Int64.init) }
                id = try? c.decodeIfPresent(String.self, forKey: .id)
                text = try? c.decodeIfPresent(String.self, forKey: .text)
                media = try? c.decodeIfPresent(Media.self, forKey: .media)
            }
        }
        var field: String?
        var value: Value?
    }
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
    /// A comment reply's id (`POST /{comment-id}/comments` and `/replies` answer `{"id"}`).
    var id: String?
    var success: Bool?

    static func decode(_ data: Data) -> SendAnswer? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(SendAnswer.self, from: data)
    }
}
