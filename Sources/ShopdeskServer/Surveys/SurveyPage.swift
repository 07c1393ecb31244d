import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// The page a survey link opens (`/survey/<token>`): server-rendered, no script, works on a
/// phone; the customer picks a score and may leave a comment. The token in the link is random
/// and stored only as its hash.
struct SurveyPage {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.get("survey/:token") { request, context -> Response in
            let survey = try await survey(context)
            return page(survey, language: try await language(of: survey), thanks: false, error: nil)
        }
        router.post("survey/:token") { request, context -> Response in
            let survey = try await survey(context)
            let form = try await request.formFields()
            let language = try await language(of: survey)
            guard let score = form["score"].flatMap(Int.init) ?? survey.score else {
                return page(survey, language: language, thanks: false, error: Self.text("pick", language))
            }
            do {
                let answered = try await services.conversations.answerSurvey(survey, score: score, comment: form["comment"])
                return page(answered, language: language, thanks: true, error: nil)
            } catch let error as ShopdeskError {
                return page(survey, language: language, thanks: survey.score != nil, error: error.message)
            }
        }
    }

    private func survey(_ context: AppRequestContext) async throws -> SurveyRecord {
        let token = context.parameters.get("token") ?? ""
        let hash = Secrets.sha256Hex(token)
        guard token.hasPrefix("sds_"),
              let survey = try await services.database.read({ try await SurveyRepository.find(tokenHash: hash, in: $0) }) else {
            throw Problem(.notFound, "This survey link is not valid. Copy the whole link from the message.")
        }
        return survey
    }

    private func language(of survey: SurveyRecord) async throws -> String {
        let conversation = try await services.database.read {
            try await ConversationRepository.find(workspaceID: survey.workspaceID, id: survey.conversationID, in: $0)
        }
        return String((conversation?.language ?? "en").prefix(2))
    }

    private func page(_ survey: SurveyRecord, language: String, thanks: Bool, error: String?) -> Response {
        let escape = HTMLEscaping.escape
        var html = """
            <!doctype html><html lang="\(language)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1"><title>\(escape(Self.text("title", language)))</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1b2026}
            .scores{display:flex;flex-wrap:wrap;gap:.4rem;margin:1rem 0}.scores button{min-width:2.75rem;min-height:2.75rem;font-size:1.1rem;
            border:1px solid #8a94a0;border-radius:8px;background:#fff;cursor:pointer}.scores button[aria-pressed=true]{background:#0b5cad;color:#fff}
            textarea{width:100%;min-height:6rem;font:inherit}.send{background:#0b5cad;color:#fff;border:0;border-radius:8px;padding:.6rem 1.2rem;font:inherit}
            .error{color:#b3261e}.hint{color:#5b6470}</style></head><body><main>
            """
        html += "<h1>\(escape(Self.text(survey.kind == .nps ? "nps" : "csat", language)))</h1>"
        if let error { html += "<p class=\"error\" role=\"alert\">\(escape(error))</p>" }
        if thanks { html += "<p role=\"status\">\(escape(Self.text("thanks", language)))</p>" }
        html += "<form method=\"post\"><div class=\"scores\" role=\"group\" aria-label=\"\(escape(Self.text("score", language)))\">"
        for score in survey.kind.scores {
            html += "<button name=\"score\" value=\"\(score)\" aria-pressed=\"\(survey.score == score)\">\(score)</button>"
        }
        let low = Self.text(survey.kind == .nps ? "npsLow" : "csatLow", language), high = Self.text(survey.kind == .nps ? "npsHigh" : "csatHigh", language)
        html += "</div><p class=\"hint\">\(escape(low)) … \(escape(high))</p>"
        html += "<label for=\"comment\">\(escape(Self.text("comment", language)))</label>"
        html += "<textarea id=\"comment\" name=\"comment\" maxlength=\"2000\">\(escape(survey.comment ?? ""))</textarea>"
        if survey.score != nil { html += "<input type=\"hidden\" name=\"score\" value=\"\(survey.score!)\">" }
        html += "<p><button class=\"send\" type=\"submit\">\(escape(Self.text("send", language)))</button></p></form></main></body></html>"
        var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        return response
    }

    static func text(_ key: String, _ language: String) -> String {
        let strings: [String: [String: String]] = [
            "title": ["en": "Your feedback", "pt": "Sua opinião", "ru": "Ваш отзыв", "hr": "Vaše mišljenje"],
            "csat": ["en": "How did we do?", "pt": "Como foi o nosso atendimento?", "ru": "Как мы вам помогли?", "hr": "Kako smo vam pomogli?"],
            "nps": ["en": "How likely are you to recommend us to a friend?", "pt": "Quanto você nos recomendaria a um amigo?",
                    "ru": "Насколько вероятно, что вы порекомендуете нас другу?", "hr": "Koliko biste nas vjerojatno preporučili prijatelju?"],
            "score": ["en": "Your score", "pt": "Sua nota", "ru": "Ваша оценка", "hr": "Vaša ocjena"],
            "csatLow": ["en": "1 very unhappy", "pt": "1 muito insatisfeito", "ru": "1 очень недоволен", "hr": "1 vrlo nezadovoljan"],
            "csatHigh": ["en": "5 very happy", "pt": "5 muito satisfeito", "ru": "5 очень доволен", "hr": "5 vrlo zadovoljan"],
            "npsLow": ["en": "0 not at all", "pt": "0 de jeito nenhum", "ru": "0 ни в коем случае", "hr": "0 nikako"],
            "npsHigh": ["en": "10 certainly", "pt": "10 com certeza", "ru": "10 обязательно", "hr": "10 sigurno"],
            "comment": ["en": "Anything to add? (optional)", "pt": "Algo a acrescentar? (opcional)", "ru": "Хотите что-то добавить? (необязательно)",
                        "hr": "Želite li nešto dodati? (neobavezno)"],
            "send": ["en": "Send", "pt": "Enviar", "ru": "Отправить", "hr": "Pošalji"],
            "thanks": ["en": "Thank you! Your answer is saved.", "pt": "Obrigado! Sua resposta foi salva.", "ru": "Спасибо! Ответ сохранён.",
                       "hr": "Hvala! Odgovor je spremljen."],
            "pick": ["en": "Pick a score first.", "pt": "Escolha uma nota primeiro.", "ru": "Сначала выберите оценку.", "hr": "Najprije odaberite ocjenu."],
        ]
        return strings[key]?[language] ?? strings[key]?["en"] ?? key
    }
}

/// Text for HTML pages the server writes itself.
