import Foundation

/// The parts of the Bot API's `Update` object (core.telegram.org/bots/api#update) Shopdesk reads.
/// Unknown fields are ignored, so new Bot API versions do not break reading.
struct TelegramUpdate: Decodable {
    var updateId: Int64
    var message: Message?
    var editedMessage: Message?
    var myChatMember: ChatMemberUpdated?

    struct User: Decodable {
        var id: Int64
        var isBot: Bool?
        var firstName: String?
        var lastName: String?
        var username: String?
        var languageCode: String?
    }

    struct Chat: Decodable {
        var id: Int64
        var type: String
    }

    struct PhotoSize: Decodable { var fileId: String; var width: Int?; var height: Int?; var fileSize: Int? }
    struct File: Decodable { var fileId: String; var fileName: String?; var mimeType: String?; var fileSize: Int? }
    struct Location: Decodable { var latitude: Double; var longitude: Double }
    struct Contact: Decodable { var phoneNumber: String; var firstName: String?; var userId: Int64? }
    struct Sticker: Decodable { var emoji: String? }

    struct Message: Decodable {
        var messageId: Int64
        var from: User?
        var chat: Chat
        var date: Int64
        var editDate: Int64?
        var text: String?
        var caption: String?
        var photo: [PhotoSize]?
        var document: File?
        var voice: File?
        var audio: File?
        var video: File?
        var sticker: Sticker?
        var location: Location?
        var contact: Contact?
    }

    struct ChatMemberUpdated: Decodable {
        struct Member: Decodable { var status: String }
        var chat: Chat
        var from: User?
        var newChatMember: Member
    }

    static func decode(_ body: [UInt8]) throws -> TelegramUpdate {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(TelegramUpdate.self, from: Data(body))
    }
}

/// The Bot API's answer envelope: `{"ok":true,"result":…}` or `{"ok":false,"error_code":…,"description":…}`.
struct TelegramAnswer<Result: Decodable>: Decodable {
    struct Parameters: Decodable { var retryAfter: Double? }
    var ok: Bool
    var result: Result?
    var errorCode: Int?
    var description: String?
    var parameters: Parameters?

    static func decode(_ data: Data) -> TelegramAnswer? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(TelegramAnswer.self, from: data)
    }
}

struct TelegramSentMessage: Decodable { var messageId: Int64 }
struct TelegramBot: Decodable { var id: Int64; var username: String?; var firstName: String? }
struct TelegramFile: Decodable { var filePath: String?; var fileSize: Int? }
