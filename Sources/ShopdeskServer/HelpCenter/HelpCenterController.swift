import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskIntelligence
import ShopdeskStore

/// The help center's API: settings, categories and articles for admins; search and the
/// articles suggested for a conversation for agents.
struct HelpCenterController {
    let services: AppServices

    struct SettingsBody: Decodable { var slug: String?; var title: String?; var color: String?; var defaultLanguage: String? }
    struct SettingsDTO: ResponseEncodable { var slug: String?; var title: String?; var color: String?; var defaultLanguage: String; var url: String? }
    struct CategoryBody: Decodable { var names: [String: String]; var position: Int? }
    struct CategoryDTO: ResponseEncodable { var id: Int64; var position: Int; var names: [String: String] }
    struct TranslationBody: Decodable { var title: String; var body: String }
    struct ArticleBody: Decodable {
        var categoryId: Int64?
        var clearCategory: Bool?
        var status: String?
        var translations: [String: TranslationBody]?
    }
    struct TranslationDTO: Encodable { var title: String; var body: String; var slug: String; var updatedAt: Date }
    struct ArticleDTO: ResponseEncodable {
        var id: Int64
        var categoryId: Int64?
        var status: String
        var helpfulYes: Int
        var helpfulNo: Int
        var updatedAt: Date
        var translations: [String: TranslationDTO]
        /// The public address of each translation, when the help center has one.
        var urls: [String: String]
    }
    struct BotReportDTO: ResponseEncodable {
        var from: Date; var to: Date; var answered: Int; var resolved: Int; var handedOver: Int
        /// Conversations the bot resolved by doing what the customer asked, and its actions by kind.
        var resolvedByAction: Int; var actions: [String: Int]
    }
    struct IntentLineDTO: Encodable { var intent: String?; var conversations: Int; var negative: Int; var urgent: Int; var meanFirstResponseSeconds: Double? }
    struct IntentReportDTO: ResponseEncodable { var from: Date; var to: Date; var items: [IntentLineDTO] }
    struct ModelReportDTO: Encodable { var report: WorkspaceTraining.Report; var trainedAt: Date }
    struct ModelsDTO: ResponseEncodable { var items: [ModelReportDTO] }
    struct HitDTO: Encodable { var id: Int64; var language: String; var title: String; var url: String?; var snippet: String; var score: Double }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/help/settings", "The help center's public address, title, colour and default language", tag: "help") { request, context in
            let ws = context.workspaceID
            let (slug, settings) = try await database.read { try await HelpCenterRepository.settings(workspaceID: ws, in: $0) }
            return SettingsDTO(slug: slug, title: settings.title, color: settings.color, defaultLanguage: settings.defaultLanguage,
                               url: slug.map { HelpPages.absoluteBase(services.config, request) + "/help/\($0)" })
        }
        api.on(.put, "/help/settings", "Set the help center's address (/help/<slug>), title, colour and default language", tag: "help",
               role: .admin, body: "SettingsBody") { request, context in
            let body = try await request.decode(as: SettingsBody.self, context: context)
            let slug = body.slug?.trimmingCharacters(in: .whitespaces).lowercased()
            if let slug, !slug.isEmpty, !HelpSlug.isValidAddress(slug) {
                throw Problem(.unprocessableContent, "The address is 3 to 40 lowercase letters, digits and dashes.", field: "slug")
            }
            if let color = body.color, !color.isEmpty, !(color.count == 7 && color.hasPrefix("#") && color.dropFirst().allSatisfy(\.isHexDigit)) {
                throw Problem(.unprocessableContent, "The colour is written #rrggbb.", field: "color")
            }
            let settings = HelpSettings(title: body.title?.nilIfEmpty, color: body.color?.nilIfEmpty, defaultLanguage: body.defaultLanguage?.nilIfEmpty ?? "en")
            let ws = context.workspaceID
            try await database.write { try await HelpCenterRepository.saveSettings(workspaceID: ws, slug: slug?.nilIfEmpty, settings: settings, in: $0) }
            return SettingsDTO(slug: slug?.nilIfEmpty, title: settings.title, color: settings.color, defaultLanguage: settings.defaultLanguage,
                               url: slug?.nilIfEmpty.map { HelpPages.absoluteBase(services.config, request) + "/help/\($0)" })
        }
        api.on(.get, "/help/categories", "Help center categories in their order", tag: "help") { _, context in
            let ws = context.workspaceID
            return Page(items: try await database.read { try await HelpCenterRepository.categories(workspaceID: ws, in: $0) }
                .map { CategoryDTO(id: $0.id, position: $0.position, names: $0.names) }, nextCursor: nil)
        }
        api.on(.post, "/help/categories", "Add a category (names per language)", tag: "help", role: .admin, body: "CategoryBody", status: 201) { request, context in
            let body = try await request.decode(as: CategoryBody.self, context: context)
            let names = try Self.names(body.names)
            let ws = context.workspaceID
            let id = try await database.write { try await HelpCenterRepository.saveCategory(workspaceID: ws, id: nil, names: names, position: body.position, now: Date(), in: $0) }
            return Created(body: CategoryDTO(id: id, position: body.position ?? 0, names: names))
        }
        api.on(.patch, "/help/categories/{id}", "Rename or move a category", tag: "help", role: .admin, body: "CategoryBody") { request, context in
            let id = try request.int64Parameter(context: context)
            let body = try await request.decode(as: CategoryBody.self, context: context)
            let names = try Self.names(body.names)
            let ws = context.workspaceID
            _ = try await database.write { try await HelpCenterRepository.saveCategory(workspaceID: ws, id: id, names: names, position: body.position, now: Date(), in: $0) }
            return CategoryDTO(id: id, position: body.position ?? 0, names: names)
        }
        api.on(.delete, "/help/categories/{id}", "Delete a category (its articles stay, without a category)", tag: "help", role: .admin) { request, context in
            let id = try request.int64Parameter(context: context)
            let ws = context.workspaceID
            guard try await database.write({ try await HelpCenterRepository.deleteCategory(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Category \(id) was not found.")
            }
            return Response(status: .noContent)
        }
        api.on(.get, "/help/articles", "Every article, drafts included, with its translations", tag: "help") { request, context in
            let ws = context.workspaceID
            let (slug, _) = try await database.read { try await HelpCenterRepository.settings(workspaceID: ws, in: $0) }
            let articles = try await database.read { try await HelpCenterRepository.articles(workspaceID: ws, publishedOnly: false, in: $0) }
            return Page(items: articles.map { dto($0, slug: slug, request) }, nextCursor: nil)
        }
        api.on(.post, "/help/articles", "Write an article: translations by language ({\"en\": {\"title\", \"body\"}}), Markdown bodies; draft unless status is published",
               tag: "help", role: .admin, body: "ArticleBody", status: 201) { request, context in
            let body = try await request.decode(as: ArticleBody.self, context: context)
            guard let translations = body.translations, !translations.isEmpty else {
                throw Problem(.unprocessableContent, "An article needs at least one translation with a title.", field: "translations")
            }
            return Created(body: try await save(nil, body, request, context))
        }
        api.on(.get, "/help/articles/{id}", "One article with its translations and feedback", tag: "help") { request, context in
            let id = try request.int64Parameter(context: context)
            let ws = context.workspaceID
            guard let article = try await database.read({ try await HelpCenterRepository.article(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Article \(id) was not found.")
            }
            let (slug, _) = try await database.read { try await HelpCenterRepository.settings(workspaceID: ws, in: $0) }
            return dto(article, slug: slug, request)
        }
        api.on(.patch, "/help/articles/{id}", "Change an article's category, status or translations (an empty title removes that language)",
               tag: "help", role: .admin, body: "ArticleBody") { request, context in
            let id = try request.int64Parameter(context: context)
            let body = try await request.decode(as: ArticleBody.self, context: context)
            return try await save(id, body, request, context)
        }
        api.on(.delete, "/help/articles/{id}", "Delete an article", tag: "help", role: .admin) { request, context in
            let id = try request.int64Parameter(context: context)
            let ws = context.workspaceID
            guard try await database.write({ try await HelpCenterRepository.deleteArticle(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Article \(id) was not found.")
            }
            return Response(status: .noContent)
        }
        api.on(.get, "/reports/bot", "Chats the bot answered, resolved without an agent (deflected), resolved by acting on an order, and handed over", tag: "help",
               query: ["from", "to"]) { request, context in
            let to = try request.queryString("to").map(CommerceController.date) ?? Date()
            let from = try request.queryString("from").map(CommerceController.date) ?? to.addingTimeInterval(-30 * 86_400)
            let counts = try await services.conversations.botReport(workspaceID: context.workspaceID, from: from, to: to)
            return BotReportDTO(from: from, to: to, answered: counts["bot.answered"] ?? 0, resolved: counts["bot.resolved"] ?? 0,
                                handedOver: counts["bot.handed_over"] ?? 0, resolvedByAction: counts["bot.acted"] ?? 0,
                                actions: counts.filter { $0.key.hasPrefix("action.") }.reduce(into: [:]) { $0[String($1.key.dropFirst(7))] = $1.value })
        }
        api.on(.get, "/reports/intents", "Conversations by intent over a period: how many, how many negative or urgent, mean time to the first reply",
               tag: "intelligence", query: ["from", "to"]) { request, context in
            let to = try request.queryString("to").map(CommerceController.date) ?? Date()
            let from = try request.queryString("from").map(CommerceController.date) ?? to.addingTimeInterval(-30 * 86_400)
            let ws = context.workspaceID
            let lines = try await database.read { try await ReportRepository.intents(workspaceID: ws, from: from, to: to, in: $0) }
            return IntentReportDTO(from: from, to: to, items: lines.map {
                IntentLineDTO(intent: $0.intent, conversations: $0.conversations, negative: $0.negative, urgent: $0.urgent,
                              meanFirstResponseSeconds: $0.meanFirstResponseSeconds.map { ($0 * 10).rounded() / 10 })
            })
        }
        api.on(.get, "/intelligence/models", "The workspace's own intent and sentiment models: the last training's report per task",
               tag: "intelligence", role: .admin) { _, context in
            let ws = context.workspaceID
            let records = try await database.read { try await WorkspaceModelRepository.reports(workspaceID: ws, in: $0) }
            return ModelsDTO(items: records.map { ModelReportDTO(report: $0.report, trainedAt: $0.trainedAt) })
        }
        api.on(.post, "/intelligence/models/train",
               "Train the workspace's models now from its agents' corrections; each is adopted only if it beats the shipped model on held-out labels",
               tag: "intelligence", role: .admin) { _, context in
            let now = Date()
            let reports = try await WorkspaceModelTrainer(database: database, models: services.conversations.models).train(workspaceID: context.workspaceID, now: now)
            return ModelsDTO(items: reports.map { ModelReportDTO(report: $0, trainedAt: now) })
        }
        api.on(.get, "/help/search", "Search the published articles (BM25 with stemming and synonyms)", tag: "help", query: ["q", "language"]) { request, context in
            let library = try await services.helpLibraries.library(for: context.workspaceID, database: database)
            let hits = library.search(request.queryString("q") ?? "", language: request.queryString("language") ?? library.settings.defaultLanguage)
            return Page(items: hits.map { hit($0, library, request) }, nextCursor: nil)
        }
        api.on(.get, "/conversations/{id}/articles", "Articles that may answer the customer's last message, for the agent to link",
               tag: "help") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let ws = context.workspaceID
            let text = try await database.read {
                try await MessageRepository.lastInboundText(conversationID: conversation.id, in: $0)
            } ?? conversation.subject ?? ""
            let library = try await services.helpLibraries.library(for: ws, database: database)
            let language = String((conversation.language ?? library.settings.defaultLanguage).prefix(2))
            return Page(items: library.search(text, language: language, limit: 3).map { hit($0, library, request) }, nextCursor: nil)
        }
    }

    private func save(_ id: Int64?, _ body: ArticleBody, _ request: Request, _ context: AuthenticatedContext) async throws -> ArticleDTO {
        var given: [String: (title: String, body: String)] = [:]
        for (language, text) in body.translations ?? [:] {
            guard (2...5).contains(language.count), language.allSatisfy({ $0.isLetter || $0 == "-" }) else {
                throw Problem(.unprocessableContent, "Translations are keyed by a language code such as en, pt or pt-BR.", field: "translations")
            }
            let title = text.title.trimmingCharacters(in: .whitespacesAndNewlines)
            guard title.count <= 200, text.body.count <= 100_000 else {
                throw Problem(.unprocessableContent, "A title has at most 200 characters and a body at most 100,000.", field: "translations")
            }
            given[language.lowercased()] = (title, text.body)
        }
        let translations = given
        let status = try body.status.map { raw -> HelpArticle.Status in
            guard let status = HelpArticle.Status(rawValue: raw) else { throw Problem(.unprocessableContent, "status is draft or published.", field: "status") }
            return status
        }
        let category: Int64?? = body.clearCategory == true ? .some(nil) : body.categoryId.map { .some($0) }
        let ws = context.workspaceID
        let saved = try await services.database.write { sql in
            let articleID = try await HelpCenterRepository.saveArticle(workspaceID: ws, id: id, categoryID: category, status: status,
                                                                       translations: translations, now: Date(), in: sql)
            return (try await HelpCenterRepository.article(workspaceID: ws, id: articleID, in: sql), try await HelpCenterRepository.settings(workspaceID: ws, in: sql).slug)
        }
        guard let article = saved.0 else { throw Problem(.notFound, "Article was not found.") }
        return dto(article, slug: saved.1, request)
    }

    private func dto(_ article: HelpArticle, slug: String?, _ request: Request) -> ArticleDTO {
        ArticleDTO(id: article.id, categoryId: article.categoryID, status: article.status.rawValue, helpfulYes: article.helpfulYes,
                   helpfulNo: article.helpfulNo, updatedAt: article.updatedAt,
                   translations: article.translations.mapValues { TranslationDTO(title: $0.title, body: $0.body, slug: $0.slug, updatedAt: $0.updatedAt) },
                   urls: slug.map { slug in
                       Dictionary(uniqueKeysWithValues: article.translations.map { language, text in
                           (language, HelpPages.absoluteBase(services.config, request) + HelpPages.articlePath(slug: slug, language: language, id: article.id, titleSlug: text.slug))
                       })
                   } ?? [:])
    }

    private func hit(_ hit: HelpLibrary.Hit, _ library: HelpLibrary, _ request: Request) -> HitDTO {
        HitDTO(id: hit.article.id, language: hit.language, title: hit.translation.title,
               url: library.slug.map { HelpPages.absoluteBase(services.config, request) + HelpPages.articlePath(slug: $0, language: hit.language, id: hit.article.id, titleSlug: hit.translation.slug) },
               snippet: String(Markdown.plainText(hit.translation.body).prefix(160)), score: (hit.score * 1000).rounded() / 1000)
    }

    static func names(_ names: [String: String]) throws -> [String: String] {
        let cleaned = names.mapValues { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.value.isEmpty }
        guard !cleaned.isEmpty, cleaned.values.allSatisfy({ $0.count <= 100 }) else {
            throw Problem(.unprocessableContent, "Give the category a name (at most 100 characters) in at least one language.", field: "names")
        }
        return cleaned
    }
}

extension Request {
    /// The `{id}` path parameter as a number, or 404.
    func int64Parameter(context: some RequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let value = Int64(text) else { throw Problem(.notFound, "Nothing has that id.") }
        return value
    }
}
