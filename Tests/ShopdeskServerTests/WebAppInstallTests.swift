import Foundation
import HummingbirdTesting
@testable import ShopdeskServer
import ShopdeskTestSupport
import Testing

/// The agent app is installable: a manifest with its icons, and a service worker that keeps the
/// app's own files for opening without a network — and never the API's answers.
@Suite("The app as an installable web app", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppInstallTests {
    @Test func theManifestAndTheServiceWorkerKeepTheAppAndNeverItsData() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let id = try await harness.inbound(email: "ana@example.com", text: "Is the blue one back in stock?").int("conversation_id")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('blue one')", "the conversation")
                _ = try await page.evaluate("""
                    (async () => {
                      const manifest = await (await fetch(document.querySelector('link[rel=manifest]').href)).json();
                      const icons = await Promise.all(manifest.icons.map(async (icon) => (await fetch(icon.src)).status));
                      const ready = await navigator.serviceWorker.ready;
                      window.__install = { name: manifest.name, display: manifest.display, icons, scope: ready.scope,
                        sizes: manifest.icons.map((icon) => icon.sizes) };
                    })()
                    """)
                try await page.waitFor("window.__install", "the manifest and the service worker")
                let install = try #require(try await page.evaluate("JSON.stringify(window.__install)") as? String)
                #expect(install.contains(#""name":"Shopdesk""#) && install.contains(#""display":"standalone""#), "\(install)")
                #expect(install.contains(#""icons":[200,200,200]"#) && install.contains("512x512"), "\(install)")
                #expect(install.contains(#""scope":"http://127.0.0.1:\#(port)/""#), "\(install)")

                // Loaded again under the worker: it keeps the page and the app's files, not one API answer.
                _ = try await page.evaluate("(() => { location.reload(); return true })()")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('blue one') && navigator.serviceWorker.controller", "the app under its worker")
                // The cache fills as the worker answers; read it until the app's modules are in.
                try await page.waitFor("""
                    (window.__reading ??= setInterval(async () => {
                      const keys = [];
                      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) keys.push(new URL(request.url).pathname);
                      window.__cached = keys;
                    }, 200), window.__cached?.includes('/app/conversation.js'))
                    """, "the app's files kept")
                let cached = try #require(try await page.evaluate("JSON.stringify(window.__cached)") as? String)
                #expect(cached.contains(#""/""#) && !cached.contains("/api/"), "\(cached)")
            }
        }
    }
}
