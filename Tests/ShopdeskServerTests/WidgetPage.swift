import Foundation

/// A page of the test server with the chat widget installed on it, as a shop installs it.
enum WidgetPage {
    static let root = "document.querySelector('[data-shopdesk-widget]').shadowRoot"

    static func open(_ page: DevToolsPage, port: Int, key: String) async throws {
        try await page.navigate("http://127.0.0.1:\(port)/")
        try await page.waitFor("document.readyState === 'complete' && document.body", "the page")
        _ = try await page.evaluate("""
            (() => { const s = document.createElement('script'); s.src = '/widget.js'; s.dataset.inbox = '\(key)'; (document.body || document.documentElement).append(s); return true })()
            """)
        try await page.waitFor("\(root)?.querySelector('.launcher')", "the launcher")
        _ = try await page.evaluate("\(root).querySelector('.launcher').click()")
    }
}
