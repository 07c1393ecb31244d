import Foundation
import ShopdeskCore

/// WhatsApp's message templates: the approved ones read from the Business Account
/// (`GET /{waba-id}/message_templates`), and a reply sent as one (`type: template`, its body's
/// values as text parameters). Outside the 24-hour window nothing else may be sent.
extension WhatsAppAdapter {
    public func templates(settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> [ChannelTemplate] {
        guard let token = settings[Key.accessToken] else { throw ChannelError("The inbox has no access token.") }
        guard let account = settings[Key.businessAccountID], account.allSatisfy(\.isNumber) else {
            throw ChannelError("Give the WhatsApp Business Account ID in the inbox's settings to use its templates.")
        }
        var url: String? = "\(apiBase(settings))/\(account)/message_templates?fields=name,language,status,category,components&limit=100"
        var found: [ChannelTemplate] = []
        // Pages of 100, at most 10 of them (an account has at most a few hundred templates).
        for _ in 0..<10 {
            guard let next = url else { break }
            let response: ChannelHTTPResponse
            do { response = try await http.send(ChannelHTTPRequest(method: "GET", url: next, headers: [("Authorization", "Bearer \(token)")])) } catch {
                throw ChannelError("WhatsApp could not be reached: \(error)")
            }
            guard response.status == 200, let page = try? JSONDecoder().decode(TemplatePage.self, from: response.body) else {
                throw ChannelError("WhatsApp: \(GraphAnswer.decode(response.body)?.failureText ?? "answered \(response.status)")")
            }
            for template in page.data where template.status == "APPROVED" {
                // Only what an agent can fill in: a body of text (headers with media are not sent from here).
                guard let body = template.components.first(where: { $0.type == "BODY" })?.text else { continue }
                let header = template.components.first { $0.type == "HEADER" }
                guard header == nil || header?.format == "TEXT" && header?.text?.contains("{{") == false else { continue }
                found.append(ChannelTemplate(name: template.name, language: template.language, category: template.category, body: body))
            }
            // The next page only from Meta's own answer, and only on the same API address.
            url = page.paging?.next.flatMap { $0.hasPrefix(apiBase(settings) + "/") ? $0 : nil }
        }
        return found.sorted { ($0.name, $0.language) < ($1.name, $1.language) }
    }

    static func templateMessage(_ template: ChannelTemplateUse, to recipient: String) -> [String: Any] {
        var content: [String: Any] = ["name": template.name, "language": ["code": template.language]]
        if !template.parameters.isEmpty {
            content["components"] = [["type": "body", "parameters": template.parameters.map { ["type": "text", "text": $0] }]]
        }
        return ["messaging_product": "whatsapp", "recipient_type": "individual", "to": recipient, "type": "template", "template": content]
    }
}

/// One page of `GET /{waba-id}/message_templates`.
struct TemplatePage: Decodable {
    struct Template: Decodable {
        struct Component: Decodable { var type: String; var format: String?; var text: String? }
        var name: String
        var language: String
        var status: String
        var category: String?
        var components: [Component]
    }
    struct Paging: Decodable { var next: String? }
    var data: [Template]
    var paging: Paging?
}
