import Foundation

/// The parts of the WhatsApp Cloud API's webhook notification Shopdesk reads
/// (`object: whatsapp_business_account`, `entry[].changes[].value` with `messages`, `contacts`
/// and `statuses`). Unknown fields are ignored.
struct WhatsAppNotification: Decodable {
    var object: String?
    var entry: [Entry]?

    struct Entry: Decodable { var id: String?; var changes: [Change]? }
    struct Change: Decodable { var field: String?; var value: Value? }

    struct Value: Decodable {
        var messagingProduct: String?
        var metadata: Metadata?
        var contacts: [Contact]?
        var messages: [Message]?
        var statuses: [Status]?
    }
    struct Metadata: Decodable { var displayPhoneNumber: String?; var phoneNumberId: String? }
    struct Contact: Decodable {
        struct Profile: Decodable { var name: String? }
        var profile: Profile?
        var waId: String?
    }

    struct Media: Decodable { var id: String; var mimeType: String?; var caption: String?; var filename: String? }
    struct Location: Decodable { var latitude: Double; var longitude: Double; var name: String?; var address: String? }
    struct Reply: Decodable { var id: String?; var title: String? }
    struct Interactive: Decodable { var type: String?; var buttonReply: Reply?; var listReply: Reply? }
    struct Button: Decodable { var text: String?; var payload: String? }
    struct Reaction: Decodable { var messageId: String?; var emoji: String? }
    struct Text: Decodable { var body: String }

    struct Message: Decodable {
        var from: String
        var id: String
        var timestamp: String?
        var type: String?
        var text: Text?
        var image: Media?
        var document: Media?
        var audio: Media?
        var video: Media?
        var sticker: Media?
        var location: Location?
        var interactive: Interactive?
        var button: Button?
        var reaction: Reaction?
    }

    struct Status: Decodable {
        struct Failure: Decodable {
            struct Details: Decodable { var details: String? }
            var code: Int?
            var title: String?
            var message: String?
            var errorData: Details?
        }
        var id: String
        var status: String
        var recipientId: String?
        var errors: [Failure]?
    }

    static func decode(_ body: [UInt8]) throws -> WhatsAppNotification {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(WhatsAppNotification.self, from: Data(body))
    }
}

/// The Graph API's answers: a sent message's ids, a media object, a phone number, or an error.
struct GraphAnswer: Decodable {
    struct SentMessage: Decodable { var id: String }
    struct Failure: Decodable {
        struct Details: Decodable { var details: String? }
        var message: String?
        var code: Int?
        var errorData: Details?
    }
    var messages: [SentMessage]?
    var id: String?
    var url: String?
    var mimeType: String?
    var fileSize: Int?
    var displayPhoneNumber: String?
    var verifiedName: String?
    var error: Failure?

    static func decode(_ data: Data) -> GraphAnswer? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(GraphAnswer.self, from: data)
    }

    var failureText: String {
        guard let error else { return "no answer" }
        return [error.code.map { "(\($0))" }, error.message, error.errorData?.details].compactMap { $0 }.joined(separator: " ")
    }
}
