import Crypto
import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskMail
import ShopdeskStore

/// The help center's returns pages, without script: the customer finds the order (number and
/// email, as for tracking), chooses items, reasons and photos, and gets the instructions in their
/// language. The request arrives as a message from the customer in the workspace's email inbox
/// (so the agent answers them there), stored in one transaction with the return.
struct HelpReturns {
    let services: AppServices
    static let maxPhotos = 3

    static func findForm(language: String, number: String, email: String, message: String?) -> String {
        let escape = HTMLEscaping.escape
        let text = { HelpPageText.text($0, language) }
        return """
            <h1>\(escape(HelpReturnText.text("title", language)))</h1><p>\(escape(HelpReturnText.text("intro", language)))</p>\(message.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? "")
            <form method="post"><label>\(escape(text("orderNumber")))<input name="number" required maxlength="40" value="\(escape(number))"></label>
            <label>\(escape(text("email")))<input name="email" type="email" required maxlength="254" value="\(escape(email))" autocomplete="email"></label>
            <button>\(escape(HelpReturnText.text("find", language)))</button></form>
            """
    }

    /// A form post (find the order) or a multipart post (the chosen items and photos).
    func answer(_ request: Request, library: HelpLibrary, language: String, address: String) async throws -> String {
        let contentType = request.headers[.contentType] ?? ""
        let multipart = contentType.lowercased().hasPrefix("multipart/form-data")
        let limit = multipart ? services.config.maxUploadBytes + 64 * 1024 : 16 * 1024
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: limit) } catch {
            throw Problem(.contentTooLarge, "The photos are too large; send at most \(services.config.maxUploadBytes / 1024 / 1024) MB in all.")
        }
        let form = multipart ? MultipartForm(contentType: contentType, body: Array(body.readableBytesView))
            : MultipartForm(fields: FormURLEncoding.fields(bytes: Array(body.readableBytesView)))
        let number = String((form.fields["number"] ?? "").prefix(40)), email = String((form.fields["email"] ?? "").prefix(254))
        let say = { (key: String) in HelpReturnText.text(key, language) }
        if await services.widgetLimiter.attempt("help-return:\(address)", limit: 10, window: 600, now: Date()) != nil {
            return Self.findForm(language: language, number: number, email: email, message: HelpPageText.text("tooMany", language))
        }
        let workspaceID = library.workspaceID
        guard let order = try await services.commerce.customerOrder(workspaceID: workspaceID, number: number, email: email) else {
            return Self.findForm(language: language, number: number, email: email, message: HelpPageText.text("notFound", language))
        }
        let options = try await services.commerce.returnOptions(workspaceID: workspaceID, orderID: order.id)
        if let refusal = options.refusal { return Self.findForm(language: language, number: number, email: email, message: say("x." + refusal.code)) }
        guard multipart else { return chooseForm(options, language: language, number: number, email: email, message: nil) }
        let lines = form.lines()
        var photos: [(Data, String)] = []
        for file in form.files.prefix(Self.maxPhotos) where !file.data.isEmpty {
            let type = AttachmentsController.sniff(file.data, declared: nil)
            guard type.hasPrefix("image/") else { return chooseForm(options, language: language, number: number, email: email, message: say("x.photo_type")) }
            photos.append((file.data, AttachmentsController.safeFileName(file.name)))
        }
        // Checked here first so that a refused return stores no photos.
        do {
            try options.policy.check(lines, order: order.order, held: [:], photos: photos.count, now: Date(), byAgent: false)
        } catch let refusal as ReturnPolicy.Refusal {
            return chooseForm(options, language: language, number: number, email: email, message: say("x." + refusal.code))
        }
        let inboxes = try await services.database.read { try await InboxRepository.list(workspaceID: workspaceID, in: $0) }
        guard let inbox = inboxes.first(where: { $0.kind == .email }) ?? inboxes.first else {
            return chooseForm(options, language: language, number: number, email: email, message: say("x.unavailable"))
        }
        var attachmentIDs: [AttachmentID] = []
        for (data, name) in photos {
            let digest = Secrets.hex(SHA256.hash(data: data))
            try await services.files.store(data, sha256: digest)
            let type = AttachmentsController.sniff(data, declared: nil)
            attachmentIDs.append(try await services.database.write {
                try await AttachmentRepository.create(workspaceID: workspaceID, sha256: digest, fileName: name, contentType: type, size: Int64(data.count),
                                                      uploadedBy: nil, now: Date(), in: $0)
            }.id)
        }
        let summary = lines.filter { $0.quantity > 0 }.map { line in
            let title = order.order.lineItems.first { $0.id == line.lineItemID }?.title ?? line.lineItemID
            return "\(line.quantity) × \(title) — \(HelpReturnText.reason(line.reason, language))\(line.note.map { ": \($0)" } ?? "")"
        }.joined(separator: "\n")
        var message = InboundMessage(inboxID: inbox.id, channelMessageID: "help-return-\(String((form.fields["token"] ?? UUID().uuidString).prefix(64)))",
                                     customer: CustomerIdentity(name: order.order.shippingAddress?.name, email: email),
                                     subject: "\(say("title")) \(order.order.number)", text: "\(say("title")) \(order.order.number)\n\(summary)", receivedAt: Date())
        message.attachmentIDs = attachmentIDs
        let shipped = attachmentIDs, withPhotos = message
        let record: ReturnRecord
        do {
            record = try await services.commerce.openReturn(workspaceID: workspaceID, orderID: order.id, lines: lines, photos: shipped, by: .customer { insert in
                try await services.ingest(withPhotos, channel: "help_center", workspaceID: workspaceID, alongside: insert)
            })
        } catch let error as ShopdeskError {
            let code = error.reason.map { $0.hasPrefix("return_") ? "x." + $0.dropFirst("return_".count) : "x.unavailable" } ?? "x.unavailable"
            return chooseForm(options, language: language, number: number, email: email, message: say(code))
        }
        let escape = HTMLEscaping.escape
        var html = "<h1>\(escape(say("requested")))</h1><p>\(escape(say("number"))): <strong>\(escape(record.orderNumber))-R\(record.id.rawValue)</strong></p>"
        html += "<ul>" + summary.split(separator: "\n").map { "<li>\(escape(String($0)))</li>" }.joined() + "</ul>"
        html += "<p>\(escape(HelpReturnText.instructions(options.policy, language: language, email: email)))</p>"
        if let address = options.policy.address { html += "<p><strong>\(escape(say("address")))</strong><br>\(escape(address).replacingOccurrences(of: "\n", with: "<br>"))</p>" }
        return html
    }

    private func chooseForm(_ options: CommerceService.ReturnOptions, language: String, number: String, email: String, message: String?) -> String {
        let escape = HTMLEscaping.escape
        let say = { (key: String) in HelpReturnText.text(key, language) }
        var html = "<h1>\(escape(options.order.order.number)) · \(escape(say("choose")))</h1>"
        if let message { html += "<p class=\"error\" role=\"alert\">\(escape(message))</p>" }
        html += "<form method=\"post\" enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"number\" value=\"\(escape(number))\">"
        html += "<input type=\"hidden\" name=\"email\" value=\"\(escape(email))\"><input type=\"hidden\" name=\"token\" value=\"\(UUID().uuidString)\">"
        for (index, item) in options.order.order.lineItems.enumerated() {
            let left = options.returnable[item.id] ?? 0
            let name = item.title + (item.variant.map { " (\($0))" } ?? "")
            html += "<fieldset><legend>\(escape(name))</legend>"
            if options.finalSale.contains(item.id) {
                html += "<p>\(escape(say("finalSale")))</p></fieldset>"
                continue
            }
            if left == 0 {
                html += "<p>\(escape(say("none")))</p></fieldset>"
                continue
            }
            html += "<input type=\"hidden\" name=\"line\(index)\" value=\"\(escape(item.id))\">"
            html += "<label>\(escape(say("quantity")))<select name=\"quantity\(index)\">" + (0...left).map { "<option>\($0)</option>" }.joined() + "</select></label>"
            html += "<label>\(escape(say("reason")))<select name=\"reason\(index)\">" + options.policy.reasons.map {
                "<option value=\"\($0.rawValue)\">\(escape(HelpReturnText.reason($0, language)))</option>"
            }.joined() + "</select></label>"
            html += "<label>\(escape(say("note")))<input name=\"note\(index)\" maxlength=\"300\"></label></fieldset>"
        }
        html += "<label>\(escape(say("photos")))<input type=\"file\" name=\"photo\" accept=\"image/*\" multiple></label>"
        html += "<button>\(escape(say("send")))</button></form>"
        return html
    }
}

/// A posted form's fields and files: `multipart/form-data` read by the mail parser's MIME reader
/// (linear in the body), or plain fields.
struct MultipartForm {
    struct File { var name: String; var data: Data }
    var fields: [String: String] = [:]
    var files: [File] = []

    init(fields: [String: String]) { self.fields = fields }

    init(contentType: String, body: [UInt8]) {
        let root = MIMEPart.parse(ArraySlice(Array("Content-Type: \(contentType)\r\n\r\n".utf8) + body))
        for part in root.parts where part.disposition?.lowercased() == "form-data" {
            guard let name = part.dispositionParameters["name"] else { continue }
            if let fileName = part.dispositionParameters["filename"] {
                files.append(File(name: fileName.isEmpty ? "photo" : fileName, data: Data(part.body)))
            } else if fields[name] == nil {
                fields[name] = String(decoding: part.body, as: UTF8.self)
            }
        }
    }

    /// The chosen lines: `line<i>`, `quantity<i>`, `reason<i>`, `note<i>` (at most 100 lines).
    func lines() -> [ReturnLine] {
        (0..<100).compactMap { index -> ReturnLine? in
            guard let id = fields["line\(index)"], let quantity = Int(fields["quantity\(index)"] ?? ""), quantity > 0 else { return nil }
            let note = fields["note\(index)"]?.trimmingCharacters(in: .whitespacesAndNewlines)
            return ReturnLine(lineItemID: id, quantity: quantity, reason: ReturnReason(rawValue: fields["reason\(index)"] ?? "") ?? .other,
                              note: note.flatMap { $0.isEmpty ? nil : String($0.prefix(300)) })
        }
    }
}
