import Foundation
import Hummingbird
import NIOCore
import ShopdeskCore
import ShopdeskStore

/// The public help center at `/help/<address>`: server-rendered pages without script, readable
/// on phones and by search engines (canonical and hreflang links, a sitemap), in the reader's
/// language when an article has it. Also the order-tracking form for customers.
struct HelpPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.get("help/:slug") { request, context -> Response in
            let library = try await library(context)
            let language = Self.language(request, library)
            return page(library, language: language, title: library.settings.title ?? HelpPageText.text("home", language),
                        description: nil, alternates: [:], body: home(library, language: language))
        }
        router.get("help/:slug/search") { request, context -> Response in
            let library = try await library(context)
            let language = Self.language(request, library)
            let query = String((request.queryField("q") ?? "").prefix(200))
            let hits = library.search(query, language: language, limit: 20)
            let escape = HTMLEscaping.escape
            var body = searchForm(library, language: language, query: query)
            body += "<h1>\(escape(HelpPageText.text("results", language))) “\(escape(query))”</h1>"
            body += hits.isEmpty ? "<p>\(escape(HelpPageText.text("none", language)))</p>"
                : "<ul class=\"articles\">" + hits.map { hit in
                    "<li><a href=\"\(escape(Self.articlePath(slug: library.slug ?? "", language: hit.language, id: hit.article.id, titleSlug: hit.translation.slug)))\">\(escape(hit.translation.title))</a>"
                        + "<p>\(escape(String(Markdown.plainText(hit.translation.body).prefix(180))))…</p></li>"
                }.joined() + "</ul>"
            return page(library, language: language, title: "\(HelpPageText.text("results", language)) \(query)", description: nil,
                        alternates: [:], body: body, index: false)
        }
        router.get("help/:slug/sitemap.xml") { request, context -> Response in
            let library = try await library(context)
            // A sitemap needs absolute addresses: without a public URL they come from the request,
            // so the answer is not stored by any cache.
            let configured = Self.base(services.config)
            let base = Self.absoluteBase(services.config, request)
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            for article in library.articles {
                for (language, text) in article.translations.sorted(by: { $0.key < $1.key }) {
                    let path = Self.articlePath(slug: library.slug ?? "", language: language, id: article.id, titleSlug: text.slug)
                    xml += "<url><loc>\(HTMLEscaping.escape(base + path))</loc><lastmod>\(Timestamps.iso8601(text.updatedAt))</lastmod></url>\n"
                }
            }
            xml += "</urlset>\n"
            return Response(status: .ok, headers: [.contentType: "application/xml; charset=utf-8",
                                                   .cacheControl: configured == nil ? "no-store" : "public, max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(string: xml)))
        }
        router.get("help/:slug/track") { request, context -> Response in
            let library = try await library(context)
            let language = Self.language(request, library)
            return page(library, language: language, title: HelpPageText.text("track", language), description: nil, alternates: [:],
                        body: HelpTracking.form(language: language, number: "", email: "", message: nil), index: false)
        }
        router.post("help/:slug/track") { request, context -> Response in
            let library = try await library(context)
            let language = Self.language(request, library)
            let form = try await request.formFields()
            let body = try await HelpTracking(services: services).answer(form, library: library, language: language,
                                                                         address: context.remoteAddress?.ipAddress ?? "unknown")
            return page(library, language: language, title: HelpPageText.text("track", language), description: nil, alternates: [:], body: body, index: false)
        }
        router.get("help/:slug/returns") { request, context -> Response in
            let library = try await library(context)
            let language = Self.language(request, library)
            return page(library, language: language, title: HelpReturnText.text("title", language), description: nil, alternates: [:],
                        body: HelpReturns.findForm(language: language, number: String((request.queryField("number") ?? "").prefix(40)), email: "", message: nil),
                        index: false)
        }
        router.post("help/:slug/returns") { request, context -> Response in
            let library = try await library(context)
            let language = Self.language(request, library)
            let body = try await HelpReturns(services: services).answer(request, library: library, language: language,
                                                                        address: context.remoteAddress?.ipAddress ?? "unknown")
            return page(library, language: language, title: HelpReturnText.text("title", language), description: nil, alternates: [:], body: body,
                        index: false, store: false)
        }
        router.get("help/:slug/:language/:article") { request, context -> Response in
            try await articlePage(request, context, thanks: false)
        }
        router.post("help/:slug/:language/:article") { request, context -> Response in
            let library = try await library(context)
            let form = try await request.formFields()
            if let id = Self.articleID(context), let answer = form["helpful"] {
                try await limitFeedback(context)
                try await services.database.write { try await HelpCenterRepository.recordFeedback(workspaceID: library.workspaceID, id: id, helpful: answer == "yes", in: $0) }
            }
            return try await articlePage(request, context, thanks: true)
        }
    }

    private func articlePage(_ request: Request, _ context: AppRequestContext, thanks: Bool) async throws -> Response {
        let library = try await library(context)
        let wanted = context.parameters.get("language") ?? library.settings.defaultLanguage
        guard let id = Self.articleID(context), let article = library.article(id),
              let (language, text) = article.translation(for: wanted, fallback: library.settings.defaultLanguage) else {
            throw Problem(.notFound, "This article does not exist or is not published.")
        }
        let slug = library.slug ?? ""
        let escape = HTMLEscaping.escape
        var body = searchForm(library, language: language, query: "")
        body += "<article><h1>\(escape(text.title))</h1>\(Markdown.html(text.body))</article>"
        body += "<form method=\"post\" class=\"feedback\"><p>\(escape(HelpPageText.text("helpful", language)))</p>"
        if thanks {
            body += "<p role=\"status\">\(escape(HelpPageText.text("thanks", language)))</p>"
        } else {
            body += "<button name=\"helpful\" value=\"yes\">\(escape(HelpPageText.text("yes", language)))</button> "
                + "<button name=\"helpful\" value=\"no\">\(escape(HelpPageText.text("no", language)))</button>"
        }
        body += "</form>"
        let related = library.articles.filter { $0.id != article.id && $0.categoryID == article.categoryID }.prefix(5)
        if !related.isEmpty {
            body += "<nav aria-label=\"\(escape(HelpPageText.text("other", language)))\"><h2>\(escape(HelpPageText.text("other", language)))</h2><ul class=\"articles\">"
            for other in related {
                guard let (code, otherText) = other.translation(for: language, fallback: library.settings.defaultLanguage) else { continue }
                body += "<li><a href=\"\(escape(Self.articlePath(slug: slug, language: code, id: other.id, titleSlug: otherText.slug)))\">\(escape(otherText.title))</a></li>"
            }
            body += "</ul></nav>"
        }
        let alternates = Dictionary(uniqueKeysWithValues: article.translations.map { code, other in
            (code, (Self.base(services.config) ?? "") + Self.articlePath(slug: slug, language: code, id: article.id, titleSlug: other.slug))
        })
        return page(library, language: language, title: text.title, description: String(Markdown.plainText(text.body).prefix(155)),
                    alternates: alternates, body: body, canonical: alternates[language])
    }

    private func home(_ library: HelpLibrary, language: String) -> String {
        let escape = HTMLEscaping.escape
        var body = searchForm(library, language: language, query: "")
        body += "<h1>\(escape(library.settings.title ?? HelpPageText.text("home", language)))</h1>"
        body += "<p><a href=\"/help/\(escape(library.slug ?? ""))/track?lang=\(escape(language))\">📦 \(escape(HelpPageText.text("track", language)))</a> · "
            + "<a href=\"/help/\(escape(library.slug ?? ""))/returns?lang=\(escape(language))\">↩ \(escape(HelpReturnText.text("title", language)))</a></p>"
        var groups: [(String, [HelpArticle])] = library.categories.map { category in
            (category.name(in: language, fallback: library.settings.defaultLanguage), library.articles.filter { $0.categoryID == category.id })
        }
        let loose = library.articles.filter { article in !library.categories.contains { $0.id == article.categoryID } }
        if !loose.isEmpty { groups.append((HelpPageText.text("other", language), loose)) }
        for (name, articles) in groups where !articles.isEmpty {
            body += "<section><h2>\(escape(name))</h2><ul class=\"articles\">"
            for article in articles {
                guard let (code, text) = article.translation(for: language, fallback: library.settings.defaultLanguage) else { continue }
                body += "<li><a href=\"\(escape(Self.articlePath(slug: library.slug ?? "", language: code, id: article.id, titleSlug: text.slug)))\">\(escape(text.title))</a></li>"
            }
            body += "</ul></section>"
        }
        return body
    }

    private func searchForm(_ library: HelpLibrary, language: String, query: String) -> String {
        let escape = HTMLEscaping.escape
        return """
            <form class="search" role="search" action="/help/\(escape(library.slug ?? ""))/search"><input type="hidden" name="lang" value="\(escape(language))">
            <input type="search" name="q" value="\(escape(query))" aria-label="\(escape(HelpPageText.text("search", language)))" placeholder="\(escape(HelpPageText.text("search", language)))">
            <button>\(escape(HelpPageText.text("searchButton", language)))</button></form>
            """
    }

    /// `store: false` for answers about one customer's order, which no cache may keep.
    private func page(_ library: HelpLibrary, language: String, title: String, description: String?, alternates: [String: String], body: String,
                      canonical: String? = nil, index: Bool = true, store: Bool = true) -> Response {
        let escape = HTMLEscaping.escape
        let color = library.settings.color ?? "#0b5cad"
        var head = "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>\(escape(title))</title>"
        if let description { head += "<meta name=\"description\" content=\"\(escape(description))\">" }
        if let canonical { head += "<link rel=\"canonical\" href=\"\(escape(canonical))\">" }
        for (code, url) in alternates.sorted(by: { $0.key < $1.key }) { head += "<link rel=\"alternate\" hreflang=\"\(escape(code))\" href=\"\(escape(url))\">" }
        if !index { head += "<meta name=\"robots\" content=\"noindex\">" }
        head += """
            <style>body{font:17px/1.6 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b2026;background:#fafbfc}
            header{background:\(escape(color));color:#fff;padding:.8rem 1rem}header a{color:#fff;text-decoration:none;font-weight:600}
            main{max-width:46rem;margin:0 auto;padding:1rem}a{color:#0b5cad}.search{display:flex;gap:.4rem;margin:.5rem 0 1rem}
            .search input[type=search]{flex:1;font:inherit;padding:.5rem;border:1px solid #8a94a0;border-radius:8px}
            button{font:inherit;padding:.45rem 1rem;border-radius:8px;border:1px solid #8a94a0;background:#fff;cursor:pointer}
            .articles{padding-left:1.1rem}.articles p{margin:.1rem 0 .6rem;color:#4a5360}article img{max-width:100%}
            pre{overflow-x:auto;background:#eef0f3;padding:.6rem;border-radius:6px}blockquote{border-left:4px solid #c9ced6;margin:0;padding-left:1rem;color:#4a5360}
            .feedback{border-top:1px solid #dfe3e8;margin-top:2rem;padding-top:1rem}.error{color:#b3261e}label{display:block;margin:.5rem 0}
            fieldset{border:1px solid #dfe3e8;border-radius:8px;margin:.6rem 0}label select{display:block;font:inherit;padding:.35rem}
            label input{display:block;font:inherit;padding:.45rem;width:100%;max-width:24rem;border:1px solid #8a94a0;border-radius:8px}
            footer{max-width:46rem;margin:2rem auto;padding:0 1rem;font-size:.9rem;color:#4a5360}</style>
            """
        let languages = HelpPageText.languages.map { code in
            "<a href=\"/help/\(escape(library.slug ?? ""))?lang=\(code)\" lang=\"\(code)\">\(escape(HelpPageText.languageNames[code] ?? code))</a>"
        }.joined(separator: " · ")
        let html = """
            <!doctype html><html lang="\(escape(language))"><head>\(head)</head><body>
            <header><a href="/help/\(escape(library.slug ?? ""))?lang=\(escape(language))">\(escape(library.settings.title ?? HelpPageText.text("home", language)))</a></header>
            <main>\(body)</main><footer><nav aria-label="\(escape(HelpPageText.text("languages", language)))">\(languages)</nav></footer></body></html>
            """
        // No script anywhere; the page's own style block, article images over https, forms back to us.
        return Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: store ? "public, max-age=60" : "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func library(_ context: AppRequestContext) async throws -> HelpLibrary {
        let slug = context.parameters.get("slug") ?? ""
        guard let workspaceID = try await services.database.read({ try await HelpCenterRepository.workspace(slug: slug, in: $0) }) else {
            throw Problem(.notFound, "There is no help center at /help/\(slug).")
        }
        return try await services.helpLibraries.library(for: workspaceID, database: services.database)
    }

    private func limitFeedback(_ context: AppRequestContext) async throws {
        if await services.widgetLimiter.attempt("help-feedback:\(context.remoteAddress?.ipAddress ?? "unknown")", limit: 30, window: 600, now: Date()) != nil {
            throw Problem(.tooManyRequests, "Too many answers at once.")
        }
    }

    static func articleID(_ context: AppRequestContext) -> Int64? {
        (context.parameters.get("article") ?? "").split(separator: "-", maxSplits: 1).first.flatMap { Int64($0) }
    }

    /// `?lang=`, else the first of the browser's languages the help center speaks, else its default.
    static func language(_ request: Request, _ library: HelpLibrary) -> String {
        if let wanted = request.queryField("lang"), HelpPageText.languages.contains(wanted) { return wanted }
        let accepted = (request.headers[.acceptLanguage] ?? "").split(separator: ",").map {
            String($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased().prefix(2)
        }.map(String.init)
        return accepted.first { HelpPageText.languages.contains($0) } ?? library.settings.defaultLanguage
    }

    static func articlePath(slug: String, language: String, id: Int64, titleSlug: String) -> String {
        let tail = titleSlug.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""
        return "/help/\(slug)/\(language)/\(id)\(tail.isEmpty ? "" : "-" + tail)"
    }

    /// The configured public URL without its trailing slash; nil when none is set. Links on
    /// cacheable pages never come from the request's `Host` header (a cache would hand one
    /// visitor's forged host to everyone): without a public URL they are root-relative.
    static func base(_ configuration: ServerConfiguration) -> String? {
        guard let url = configuration.publicURL else { return nil }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// An absolute base for answers no cache stores (the agents' API, the sitemap without a
    /// public URL): the public URL, else the address this request reached.
    static func absoluteBase(_ configuration: ServerConfiguration, _ request: Request) -> String {
        base(configuration) ?? "http://" + (request.head.authority ?? "\(configuration.host):\(configuration.port)")
    }
}
