import Foundation
import ShopdeskCore
import SQLKit

public struct HelpSettings: Codable, Equatable, Sendable {
    /// Shown at the top of the public pages; the workspace's name when empty.
    public var title: String?
    /// `#rrggbb`.
    public var color: String?
    /// The language shown when the reader's is not among an article's translations.
    public var defaultLanguage: String

    public init(title: String? = nil, color: String? = nil, defaultLanguage: String = "en") {
        self.title = title; self.color = color; self.defaultLanguage = defaultLanguage
    }

    enum CodingKeys: String, CodingKey {
        case title, color
        case defaultLanguage = "default_language"
    }
}

public struct HelpCategory: Equatable, Sendable {
    public var id: Int64
    public var workspaceID: WorkspaceID
    public var position: Int
    /// Name per language code.
    public var names: [String: String]

    public func name(in language: String, fallback: String) -> String {
        names[language] ?? names[fallback] ?? names.values.sorted().first ?? ""
    }
}

public struct HelpTranslation: Codable, Equatable, Sendable {
    public var title: String
    /// Markdown.
    public var body: String
    public var slug: String
    public var updatedAt: Date

    public init(title: String, body: String, slug: String, updatedAt: Date) {
        self.title = title; self.body = body; self.slug = slug; self.updatedAt = updatedAt
    }
}

public struct HelpArticle: Equatable, Sendable {
    public enum Status: String, Codable, Sendable { case draft, published }
    public var id: Int64
    public var workspaceID: WorkspaceID
    public var categoryID: Int64?
    public var status: Status
    public var position: Int
    public var helpfulYes: Int
    public var helpfulNo: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// By language code.
    public var translations: [String: HelpTranslation]

    /// The reader's language, else the help center's default, else any.
    public func translation(for language: String, fallback: String) -> (language: String, text: HelpTranslation)? {
        if let text = translations[language] { return (language, text) }
        if let text = translations[fallback] { return (fallback, text) }
        return translations.sorted { $0.key < $1.key }.first.map { ($0.key, $0.value) }
    }
}

public enum HelpCenterRepository {
    public static func settings(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> (slug: String?, settings: HelpSettings) {
        guard let row = try await sql.raw("SELECT help_slug, help_settings FROM workspaces WHERE id = \(bind: workspaceID.rawValue)").first() else {
            throw ShopdeskError.notFound("Workspace")
        }
        let settings = try row.stringOrNil("help_settings").map { try JSONCoding.decode(HelpSettings.self, from: $0) } ?? HelpSettings()
        return (try row.stringOrNil("help_slug"), settings)
    }

    public static func saveSettings(workspaceID: WorkspaceID, slug: String?, settings: HelpSettings, in sql: any SQLDatabase) async throws {
        if let slug, let owner = try await workspace(slug: slug, in: sql), owner != workspaceID {
            throw ShopdeskError.conflict("The address /help/\(slug) is taken; choose another.").because("help_slug_taken", ["slug": slug])
        }
        try await sql.raw("""
            UPDATE workspaces SET help_slug = \(bind: slug), help_settings = \(bind: try JSONCoding.string(settings)),
              help_version = help_version + 1 WHERE id = \(bind: workspaceID.rawValue)
            """).run()
    }

    public static func workspace(slug: String, in sql: any SQLDatabase) async throws -> WorkspaceID? {
        try await sql.raw("SELECT id FROM workspaces WHERE help_slug = \(bind: slug)").first().map { try $0.id("id") }
    }

    public static func version(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw("SELECT help_version FROM workspaces WHERE id = \(bind: workspaceID.rawValue)").first()?.int64("help_version") ?? 0
    }

    static func bump(_ workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE workspaces SET help_version = help_version + 1 WHERE id = \(bind: workspaceID.rawValue)").run()
    }

    // MARK: categories

    public static func categories(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [HelpCategory] {
        try await sql.raw("SELECT * FROM help_categories WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY position, id").all().map {
            HelpCategory(id: try $0.int64("id"), workspaceID: try $0.id("workspace_id"), position: try $0.int("position"),
                         names: try JSONCoding.decode([String: String].self, from: try $0.string("names")))
        }
    }

    public static func saveCategory(workspaceID: WorkspaceID, id: Int64?, names: [String: String], position: Int?, now: Date,
                                    in sql: any SQLDatabase) async throws -> Int64 {
        let text = try JSONCoding.string(names)
        if let id {
            let updated = try await sql.raw("""
                UPDATE help_categories SET names = \(bind: text), position = COALESCE(\(bind: position), position)
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) RETURNING id
                """).all()
            guard !updated.isEmpty else { throw ShopdeskError.notFound("Category") }
            try await bump(workspaceID, in: sql)
            return id
        }
        let next = try await sql.raw("SELECT COALESCE(MAX(position), 0) + 1 AS next FROM help_categories WHERE workspace_id = \(bind: workspaceID.rawValue)")
            .first()?.int64("next") ?? 1
        guard let row = try await sql.raw("""
            INSERT INTO help_categories (workspace_id, position, names, created_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: Int64(position ?? Int(next))), \(bind: text), \(bind: now.millis)) RETURNING id
            """).first() else { throw StoredValueError(column: "help_categories.id", value: "missing") }
        try await bump(workspaceID, in: sql)
        return try row.int64("id")
    }

    /// False when the workspace has no such category (nothing changes).
    @discardableResult
    public static func deleteCategory(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Bool {
        let deleted = try await sql.raw("""
            DELETE FROM help_categories WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) RETURNING id
            """).all()
        guard !deleted.isEmpty else { return false }
        try await sql.raw("UPDATE help_articles SET category_id = NULL WHERE workspace_id = \(bind: workspaceID.rawValue) AND category_id = \(bind: id)").run()
        try await bump(workspaceID, in: sql)
        return true
    }

    // MARK: articles

    public static func articles(workspaceID: WorkspaceID, publishedOnly: Bool, in sql: any SQLDatabase) async throws -> [HelpArticle] {
        let filter: SQLQueryString = publishedOnly ? " AND a.status = 'published'" : ""
        let rows = try await sql.raw("""
            SELECT a.*, t.language, t.title, t.body, t.slug, t.updated_at AS t_updated FROM help_articles a
            LEFT JOIN help_translations t ON t.article_id = a.id
            WHERE a.workspace_id = \(bind: workspaceID.rawValue)\(filter) ORDER BY a.position, a.id
            """).all()
        var articles: [HelpArticle] = []
        for row in rows {
            let id = try row.int64("id")
            if articles.last?.id != id {
                articles.append(HelpArticle(
                    id: id, workspaceID: try row.id("workspace_id"), categoryID: try row.int64OrNil("category_id"), status: try row.enumValue("status"),
                    position: try row.int("position"), helpfulYes: try row.int("helpful_yes"), helpfulNo: try row.int("helpful_no"),
                    createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"), translations: [:]))
            }
            if let language = try row.stringOrNil("language") {
                articles[articles.count - 1].translations[language] = HelpTranslation(
                    title: try row.string("title"), body: try row.string("body"), slug: try row.string("slug"), updatedAt: try row.date("t_updated"))
            }
        }
        return articles
    }

    public static func article(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> HelpArticle? {
        try await articles(workspaceID: workspaceID, publishedOnly: false, in: sql).first { $0.id == id }
    }

    /// Creates (`id` nil) or changes an article; translations given replace those languages, an
    /// empty title removes that language.
    public static func saveArticle(workspaceID: WorkspaceID, id: Int64?, categoryID: Int64??, status: HelpArticle.Status?,
                                   translations: [String: (title: String, body: String)], now: Date, in sql: any SQLDatabase) async throws -> Int64 {
        if case let category?? = categoryID {
            guard try await sql.raw("SELECT 1 AS found FROM help_categories WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: category)")
                .first() != nil else { throw ShopdeskError.invalid(field: "category_id", "Category \(category) does not exist.") }
        }
        let articleID: Int64
        if let id {
            var sets: [SQLQueryString] = ["updated_at = \(bind: now.millis)"]
            if let categoryID { sets.append("category_id = \(bind: categoryID)") }
            if let status { sets.append("status = \(bind: status.rawValue)") }
            let updated = try await sql.raw("""
                UPDATE help_articles SET \(sets.joined(separator: ", ")) WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) RETURNING id
                """).all()
            guard !updated.isEmpty else { throw ShopdeskError.notFound("Article") }
            articleID = id
        } else {
            let next = try await sql.raw("SELECT COALESCE(MAX(position), 0) + 1 AS next FROM help_articles WHERE workspace_id = \(bind: workspaceID.rawValue)")
                .first()?.int64("next") ?? 1
            guard let row = try await sql.raw("""
                INSERT INTO help_articles (workspace_id, category_id, status, position, created_at, updated_at)
                VALUES (\(bind: workspaceID.rawValue), \(bind: categoryID ?? nil), \(bind: (status ?? .draft).rawValue), \(bind: next),
                  \(bind: now.millis), \(bind: now.millis)) RETURNING id
                """).first() else { throw StoredValueError(column: "help_articles.id", value: "missing") }
            articleID = try row.int64("id")
        }
        for (language, text) in translations {
            try await sql.raw("""
                DELETE FROM help_translations WHERE article_id = \(bind: articleID) AND language = \(bind: language)
                  AND article_id IN (SELECT id FROM help_articles WHERE workspace_id = \(bind: workspaceID.rawValue))
                """).run()
            guard !text.title.isEmpty else { continue }
            try await sql.raw("""
                INSERT INTO help_translations (article_id, language, title, body, slug, updated_at)
                VALUES (\(bind: articleID), \(bind: language), \(bind: text.title), \(bind: text.body), \(bind: HelpSlug.make(text.title)), \(bind: now.millis))
                """).run()
        }
        try await bump(workspaceID, in: sql)
        return articleID
    }

    /// False when the workspace has no such article (nothing changes).
    @discardableResult
    public static func deleteArticle(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("DELETE FROM help_translations WHERE article_id IN (SELECT id FROM help_articles WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id))").run()
        let deleted = try await sql.raw("""
            DELETE FROM help_articles WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) RETURNING id
            """).all()
        guard !deleted.isEmpty else { return false }
        try await bump(workspaceID, in: sql)
        return true
    }

    public static func recordFeedback(workspaceID: WorkspaceID, id: Int64, helpful: Bool, in sql: any SQLDatabase) async throws {
        let column: SQLQueryString = helpful ? "helpful_yes = helpful_yes + 1" : "helpful_no = helpful_no + 1"
        try await sql.raw("UPDATE help_articles SET \(column) WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) AND status = 'published'").run()
    }
}

/// URL words from a title: "Where is my order?" → "where-is-my-order"; "Где мой заказ" keeps its letters.
public enum HelpSlug {
    public static func make(_ title: String) -> String {
        let folded = SearchText.fold(title)
        var slug = ""
        for character in folded {
            if character.isLetter || character.isNumber { slug.append(character) } else if !slug.hasSuffix("-"), !slug.isEmpty { slug.append("-") }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return String(slug.prefix(80))
    }

    /// A help center address: 3 to 40 lowercase letters, digits and dashes.
    public static func isValidAddress(_ text: String) -> Bool {
        (3...40).contains(text.count) && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" } && !text.hasPrefix("-")
    }
}
