import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import SQLKit

/// A workspace's published help center as searched and served: articles, categories, settings
/// and a BM25 index over every translation (`ArticleIndex`: stemming and synonyms for en, pt,
/// ru and hr — the same engine `shopdesk intel eval-faq` measures). Built once per change
/// (the workspace's `help_version`) and shared by every request on this node.
public struct HelpLibrary: Sendable {
    public var workspaceID: WorkspaceID
    public var slug: String?
    public var settings: HelpSettings
    public var categories: [HelpCategory]
    public var articles: [HelpArticle]
    let index: ArticleIndex

    public struct Hit: Sendable {
        public var article: HelpArticle
        public var language: String
        public var translation: HelpTranslation
        public var score: Double
    }

    init(workspaceID: WorkspaceID, slug: String?, settings: HelpSettings, categories: [HelpCategory], articles: [HelpArticle]) {
        self.workspaceID = workspaceID
        self.slug = slug
        self.settings = settings
        self.categories = categories
        self.articles = articles
        index = ArticleIndex(articles: articles.flatMap { article in
            article.translations.map { language, text in
                ArticleIndex.Article(id: "\(article.id):\(language)", title: text.title, body: Markdown.plainText(text.body))
            }
        })
    }

    public func article(_ id: Int64) -> HelpArticle? { articles.first { $0.id == id } }

    /// Best articles for `query`, one hit per article, in the reader's language when the article
    /// has it (else the language that matched).
    public func search(_ query: String, language: String, limit: Int = 10) -> [Hit] {
        var best: [Int64: (language: String, score: Double)] = [:]
        var order: [Int64] = []
        for hit in index.search(query, limit: limit * 4) {
            let parts = hit.id.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let id = Int64(parts[0]) else { continue }
            if best[id] == nil { order.append(id) }
            if hit.score > (best[id]?.score ?? -1) { best[id] = (String(parts[1]), hit.score) }
        }
        return order.prefix(limit).compactMap { id in
            guard let article = article(id), let match = best[id] else { return nil }
            let chosen = article.translations[language].map { (language, $0) } ?? article.translations[match.language].map { (match.language, $0) }
            guard let (code, text) = chosen else { return nil }
            return Hit(article: article, language: code, translation: text, score: match.score)
        }
    }
}

/// Keeps each workspace's `HelpLibrary` until its `help_version` changes.
public actor HelpLibraries {
    private var cache: [WorkspaceID: (version: Int64, library: HelpLibrary)] = [:]

    public init() {}

    public func library(for workspaceID: WorkspaceID, database: Database) async throws -> HelpLibrary {
        let version = try await database.read { try await HelpCenterRepository.version(workspaceID: workspaceID, in: $0) }
        if let cached = cache[workspaceID], cached.version == version { return cached.library }
        let library = try await database.read { sql in
            let (slug, settings) = try await HelpCenterRepository.settings(workspaceID: workspaceID, in: sql)
            return HelpLibrary(workspaceID: workspaceID, slug: slug, settings: settings,
                               categories: try await HelpCenterRepository.categories(workspaceID: workspaceID, in: sql),
                               articles: try await HelpCenterRepository.articles(workspaceID: workspaceID, publishedOnly: true, in: sql))
        }
        cache[workspaceID] = (version, library)
        return library
    }
}
