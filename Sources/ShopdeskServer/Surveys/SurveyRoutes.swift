import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Survey settings, answers with their summary (CSAT average, NPS), and the widget's inline
/// survey for chat visitors.
struct SurveyRoutes {
    let services: AppServices

    struct SettingsDTO: ResponseEncodable, Decodable { var settings: SurveySettings }
    struct AnswerDTO: ResponseEncodable {
        var conversationId: Int64
        var kind: SurveySettings.Kind
        var score: Int?
        var comment: String?
        var sentAt: Date?
        var answeredAt: Date?
        init(_ record: SurveyRecord) {
            conversationId = record.conversationID.rawValue
            kind = record.kind
            score = record.score
            comment = record.comment
            sentAt = record.sentAt
            answeredAt = record.answeredAt
        }
    }
    struct SummaryDTO: ResponseEncodable {
        var items: [AnswerDTO]
        var sent: Int
        var answered: Int
        /// Average of the 1–5 answers.
        var csatAverage: Double?
        /// Percent promoters (9–10) minus percent detractors (0–6).
        var nps: Double?
    }
    struct WidgetSurveyDTO: ResponseEncodable {
        var kind: SurveySettings.Kind
        var scores: [Int]
        var score: Int?
    }
    struct WidgetSurveyState: ResponseEncodable { var survey: WidgetSurveyDTO? }
    struct WidgetAnswer: Decodable { var score: Int; var comment: String? }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/surveys/settings", "Whether a CSAT or NPS survey follows resolution, its delay and the review link",
               tag: "surveys") { _, context in
            let ws = context.workspaceID
            return SettingsDTO(settings: try await database.read { try await SurveyRepository.settings(workspaceID: ws, in: $0) })
        }
        api.on(.put, "/surveys/settings", "Turn surveys on or off, choose CSAT or NPS, the delay and the review link", tag: "surveys",
               role: .admin, body: "SettingsDTO") { request, context in
            let settings = try await request.decode(as: SettingsDTO.self, context: context).settings.validated()
            let ws = context.workspaceID
            try await database.write { try await SurveyRepository.save(workspaceID: ws, settings, in: $0) }
            return SettingsDTO(settings: settings)
        }
        api.on(.get, "/surveys", "Sent surveys, newest first, with the CSAT average and NPS of the answers", tag: "surveys",
               query: ["limit"]) { request, context in
            let limit = try request.queryInt("limit", default: 100, range: 1...1000)
            let ws = context.workspaceID
            let records = try await database.read { try await SurveyRepository.list(workspaceID: ws, limit: limit, in: $0) }
            let answers = records.compactMap { record in record.score.map { (record.kind, $0) } }
            let csat = answers.filter { $0.0 == .csat }.map { Double($0.1) }
            let nps = answers.filter { $0.0 == .nps }.map(\.1)
            let score = nps.isEmpty ? nil : (Double(nps.filter { $0 >= 9 }.count) - Double(nps.filter { $0 <= 6 }.count)) * 100 / Double(nps.count)
            return SummaryDTO(items: records.map(AnswerDTO.init), sent: records.filter { $0.sentAt != nil }.count, answered: answers.count,
                              csatAverage: csat.isEmpty ? nil : csat.reduce(0, +) / Double(csat.count), nps: score)
        }
        api.onPublic(.get, "/widget/survey", "The survey of the visitor's resolved conversation, if one was sent (X-Visitor-Token)",
                     tag: "widget") { request, _ in
            WidgetSurveyState(survey: try await widgetSurvey(request).map {
                WidgetSurveyDTO(kind: $0.kind, scores: Array($0.kind.scores), score: $0.score)
            })
        }
        api.onPublic(.post, "/widget/survey", "The visitor answers the survey inline", tag: "widget", body: "WidgetAnswer") { request, context in
            guard let survey = try await widgetSurvey(request) else {
                throw Problem(.notFound, "There is no survey to answer for this chat.")
            }
            let body = try await request.decode(as: WidgetAnswer.self, context: context)
            let answered = try await services.conversations.answerSurvey(survey, score: body.score, comment: body.comment)
            return WidgetSurveyState(survey: WidgetSurveyDTO(kind: answered.kind, scores: Array(answered.kind.scores), score: answered.score))
        }
    }

    private func widgetSurvey(_ request: Request) async throws -> SurveyRecord? {
        guard let token = request.headers[WidgetController.tokenHeader], !token.isEmpty,
              let visitor = try await services.chat.visitor(token: token) else {
            throw Problem(.unauthorized, "Start a chat session first: this call needs the visitor token in X-Visitor-Token.")
        }
        guard let conversation = try await services.chat.visibleConversation(of: visitor) else { return nil }
        return try await services.database.read { try await SurveyRepository.find(conversationID: conversation, in: $0) }
            .flatMap { $0.sentAt == nil ? nil : $0 }
    }
}
