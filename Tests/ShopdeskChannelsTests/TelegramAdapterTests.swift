import Foundation
import ShopdeskChannels
import ShopdeskCore
import Testing

/// Reading Telegram's updates in the shapes the Bot API documents (core.telegram.org/bots/api#update),
/// and checking the secret token, without a server.
@Suite("Telegram adapter")
struct TelegramAdapterTests {
    let adapter = TelegramAdapter()

    func events(_ json: String) throws -> [ChannelEvent] {
        try adapter.parse(ChannelRequest(method: "POST", headers: [:], body: Array(json.utf8)))
    }

    func message(_ json: String) throws -> ChannelInbound {
        guard case .message(let inbound)? = try events(json).first else { throw ChannelError("no message in \(json)") }
        return inbound
    }

    @Test func theSecretTokenMustMatchExactly() {
        let settings = ChannelConfig(["webhook_secret": "sdc_abc"])
        func request(_ token: String?) -> ChannelRequest {
            ChannelRequest(method: "POST", headers: token.map { ["x-telegram-bot-api-secret-token": $0] } ?? [:], body: [])
        }
        #expect(adapter.verify(request("sdc_abc"), settings: settings))
        #expect(!adapter.verify(request("sdc_ab"), settings: settings))
        #expect(!adapter.verify(request("sdc_abcd"), settings: settings))
        #expect(!adapter.verify(request(nil), settings: settings))
        #expect(!adapter.verify(request(""), settings: ChannelConfig([:])))
    }

    @Test func aTextMessageNamesTheCustomerAndTheChat() throws {
        let inbound = try message("""
            {"update_id":10,"message":{"message_id":5,"from":{"id":42,"is_bot":false,"first_name":"Олег","last_name":"Иванов","username":"oleg",
            "language_code":"ru"},"chat":{"id":42,"type":"private"},"date":1764750000,"text":"Где мой заказ?","entities":[]}}
            """)
        #expect(inbound.id == "42:5")
        #expect(inbound.text == "Где мой заказ?")
        #expect(inbound.customer.name == "Олег Иванов")
        #expect(inbound.customer.channel == ChannelIdentity(kind: "telegram", value: "42"))
        #expect(inbound.receivedAt == Date(timeIntervalSince1970: 1_764_750_000))
        #expect(inbound.edits == nil)
    }

    @Test func filesLocationsContactsAndStickersBecomeTextAndReferences() throws {
        let document = try message("""
            {"update_id":11,"message":{"message_id":6,"from":{"id":42,"is_bot":false,"first_name":"Ana"},"chat":{"id":42,"type":"private"},
            "date":1764750000,"caption":"Račun","document":{"file_id":"BQAD","file_unique_id":"u","file_name":"racun.pdf","mime_type":"application/pdf","file_size":1234}}}
            """)
        #expect(document.text == "Račun")
        #expect(document.media == [ChannelMediaReference(id: "BQAD", fileName: "racun.pdf", contentType: "application/pdf", size: 1234)])

        let voice = try message("""
            {"update_id":12,"message":{"message_id":7,"from":{"id":42,"is_bot":false,"first_name":"Ana"},"chat":{"id":42,"type":"private"},
            "date":1764750000,"voice":{"file_id":"AwAC","file_unique_id":"v","duration":3,"mime_type":"audio/ogg","file_size":900}}}
            """)
        #expect(voice.text.isEmpty && voice.media.first?.fileName == "voice.ogg")

        let location = try message("""
            {"update_id":13,"message":{"message_id":8,"from":{"id":42,"is_bot":false,"first_name":"Ana"},"chat":{"id":42,"type":"private"},
            "date":1764750000,"location":{"latitude":45.815,"longitude":15.9819}}}
            """)
        #expect(location.text.contains("mlat=45.815&mlon=15.9819"))

        let ownContact = try message("""
            {"update_id":14,"message":{"message_id":9,"from":{"id":42,"is_bot":false,"first_name":"Ana"},"chat":{"id":42,"type":"private"},
            "date":1764750000,"contact":{"phone_number":"+385911234567","first_name":"Ana","user_id":42}}}
            """)
        #expect(ownContact.customer.phone == "+385911234567")

        let sticker = try message("""
            {"update_id":15,"message":{"message_id":10,"from":{"id":42,"is_bot":false,"first_name":"Ana"},"chat":{"id":42,"type":"private"},
            "date":1764750000,"sticker":{"file_id":"CAAC","file_unique_id":"s","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false,"emoji":"👍"}}}
            """)
        #expect(sticker.text == "👍")
    }

    @Test func anEditIsAMessageOfItsOwnThatNamesTheOriginal() throws {
        let edit = try message("""
            {"update_id":16,"edited_message":{"message_id":5,"from":{"id":42,"is_bot":false,"first_name":"Ana"},"chat":{"id":42,"type":"private"},
            "date":1764750000,"edit_date":1764750090,"text":"Narudžba 1001, ne 1010"}}
            """)
        #expect(edit.id == "42:5:edit:1764750090" && edit.edits == "42:5")
    }

    @Test func blocksGroupsBotsAndUnknownUpdatesAreNotMessages() throws {
        #expect(try events("""
            {"update_id":17,"my_chat_member":{"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"first_name":"Ana"},"date":1764750000,
            "old_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"Shop"}},"new_chat_member":{"status":"kicked","until_date":0,"user":{"id":1,"is_bot":true,"first_name":"Shop"}}}}
            """) == [.consent(ChannelIdentity(kind: "telegram", value: "42"), granted: false)])
        let group = try events("""
            {"update_id":18,"message":{"message_id":1,"from":{"id":7,"is_bot":false,"first_name":"X"},"chat":{"id":-1001,"type":"supergroup","title":"Fans"},"date":1764750000,"text":"hi"}}
            """)
        #expect(group.allSatisfy { if case .ignored = $0 { true } else { false } })
        #expect(try events(#"{"update_id":19,"callback_query":{"id":"1"}}"#).allSatisfy { if case .ignored = $0 { true } else { false } })
        #expect(throws: ChannelError.self) { try events("{not json") }
        #expect(throws: ChannelError.self) { try events(#"{"message":{}}"#) }
    }
}
