import Foundation

/// A callback of Viber's REST bot API (developers.viber.com/docs/api/rest-bot-api), as much of
/// it as Shopdesk reads. One shape for every event: `event` says which fields are there.
struct ViberCallback: Decodable {
    struct User: Decodable { var id: String; var name: String? }
    struct Location: Decodable { var lat: Double; var lon: Double }
    struct Contact: Decodable { var name: String?; var phoneNumber: String? }
    struct Message: Decodable {
        var type: String
        var text: String?
        var media: String?
        var fileName: String?
        var size: Int?
        var location: Location?
        var contact: Contact?
    }

    var event: String
    var timestamp: Int64?
    var messageToken: ViberToken?
    var sender: User?
    var user: User?
    var userId: String?
    var message: Message?
    var desc: String?

    static func decode(_ body: [UInt8]) throws -> ViberCallback {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ViberCallback.self, from: Data(body))
    }
}

/// Viber's message tokens are 64-bit numbers in JSON; kept as text so none is rounded.
struct ViberToken: Decodable, Equatable {
    var text: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) { text = String(number) }
        else if let number = try? container.decode(UInt64.self) { text = String(number) }
        else { text = try container.decode(String.self) }
    }
}

/// Viber's answer to every call: `status` 0 is success, anything else an error named in
/// `status_message`.
struct ViberAnswer: Decodable {
    var status: Int
    var statusMessage: String?
    var messageToken: ViberToken?
    var name: String?
    var uri: String?

    static func decode(_ body: Data) -> ViberAnswer? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(ViberAnswer.self, from: body)
    }
}
