import Foundation

/// What Meta's webhooks share (WhatsApp, Messenger, Instagram): `X-Hub-Signature-256` over the
/// raw body with the app secret, the GET handshake with the verify token, and Meta's hosts.
enum MetaWebhook {
    static func verify(_ request: ChannelRequest, appSecret: String?) -> Bool {
        guard let secret = appSecret, let header = request.headers["x-hub-signature-256"], header.hasPrefix("sha256=") else { return false }
        return ConstantTime.equals(String(header.dropFirst("sha256=".count)).lowercased(), ChannelCrypto.hmacSHA256Hex(request.body, key: secret))
    }

    static func handshake(_ request: ChannelRequest, verifyToken: String?) -> String? {
        guard request.query["hub.mode"] == "subscribe", let token = verifyToken, let given = request.query["hub.verify_token"],
              ConstantTime.equals(given, token), let challenge = request.query["hub.challenge"], challenge.count <= 200 else { return nil }
        return challenge
    }

    /// Files customers send live on Meta's hosts (or, with a configured API address, on it).
    static func isMetaHost(_ url: String, base: String) -> Bool {
        ProviderFiles.isProviderHost(url, apiBase: base, domains: ["fbsbx.com", "facebook.com", "whatsapp.net", "fbcdn.net", "cdninstagram.com"])
    }
}
