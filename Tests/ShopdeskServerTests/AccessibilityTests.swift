import Foundation
import Testing
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport

/// What the page checks about itself: WCAG AA contrast for every visible text, an accessible
/// name for every control. Each returns a list of offenders (empty is good), readable in a
/// failure message.
enum Audit {
    /// `root` is a JavaScript expression for a node to search (a document or a shadow root).
    static func contrast(in root: String = "document") -> String {
        """
        (() => {
          const parse = (c) => { const m = /rgba?\\(([^)]+)\\)/.exec(c); if (!m) return null;
            const p = m[1].split(',').map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
          const over = (top, base) => ({ r: top.r * top.a + base.r * (1 - top.a), g: top.g * top.a + base.g * (1 - top.a),
            b: top.b * top.a + base.b * (1 - top.a), a: 1 });
          const luminance = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
            return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
          const parentOf = (e) => e.parentElement || (e.getRootNode() instanceof ShadowRoot ? e.getRootNode().host : null);
          const background = (element) => {
            const layers = [];
            for (let e = element; e; e = parentOf(e)) {
              const c = parse(getComputedStyle(e).backgroundColor);
              if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
            }
            return layers.reverse().reduce((base, layer) => over(layer, base), { r: 255, g: 255, b: 255, a: 1 });
          };
          const failures = [];
          for (const element of (\(root)).querySelectorAll('*')) {
            if (!element.getClientRects().length) continue;
            const style = getComputedStyle(element);
            if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
            if (![...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
            const bg = background(element);
            const fg = over(parse(style.color), bg);
            const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
            const ratio = (light + 0.05) / (dark + 0.05);
            const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
            const needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
            if (ratio < needed) failures.push(`${element.tagName.toLowerCase()}.${element.className} "${element.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)} < ${needed} (${style.color} on rgb(${Math.round(bg.r)},${Math.round(bg.g)},${Math.round(bg.b)}))`);
          }
          return failures;
        })()
        """
    }

    /// Visible controls without a name a screen reader can announce.
    static func unnamedControls(in root: String = "document") -> String {
        """
        (() => [...(\(root)).querySelectorAll('button, input, select, textarea, a[href], [role=button]')]
          .filter((e) => e.getClientRects().length && e.type !== 'hidden')
          .filter((e) => !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.getAttribute('title')
            || (e.labels && e.labels.length) || e.textContent.trim() || e.getAttribute('alt')))
          .map((e) => e.outerHTML.slice(0, 120)))()
        """
    }
}

@Suite("Accessibility in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct AccessibilityTests {
    @Test func theAppHasReadableContrastNamedControlsAndWorksAtPhoneWidth() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let first = try await harness.inbound(email: "marta@example.com", text: "Where is my order #1234?", subject: "Order 1234")
            let conversationID = try first.int("conversation_id")
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(conversationID)/messages", token: harness.ownerToken,
                                              body: #"{"text":"It ships today."}"#)
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(conversationID)/messages", token: harness.ownerToken,
                                              body: #"{"text":"VIP customer","private":true}"#)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(conversationID)", token: harness.ownerToken,
                                              body: #"{"priority":"urgent","tags":["vip"]}"#)
            try await Browser.with { page in
                try await page.navigate("http://127.0.0.1:\(port)/")
                try await page.waitFor("document.querySelector('#signin-email')", "the sign-in form")
                // The audit itself catches pale text and an unnamed button.
                _ = try await page.evaluate("""
                    (() => { const probe = document.createElement('p'); probe.id = 'probe'; probe.style.color = '#aaaaaa';
                      probe.textContent = 'pale'; probe.append(document.createElement('button')); document.body.append(probe); return true })()
                    """)
                #expect((try await page.evaluate(Audit.contrast()) as? [String])?.count == 1)
                #expect((try await page.evaluate(Audit.unnamedControls()) as? [String])?.count == 1)
                _ = try await page.evaluate("document.querySelector('#probe').remove()")
                #expect(try await page.evaluate(Audit.contrast()) as? [String] == [])
                #expect(try await page.evaluate(Audit.unnamedControls()) as? [String] == [])
                try await page.focus("#signin-email")
                try await page.type(harness.owner.email)
                try await page.focus("#signin-password")
                try await page.type(Harness.password)
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 1", "the conversation list")
                try await page.press("j")
                try await page.waitFor("document.querySelector('#thread .message.note')", "the thread with a note")
                #expect(try await page.evaluate(Audit.contrast()) as? [String] == [])
                #expect(try await page.evaluate(Audit.unnamedControls()) as? [String] == [])
                try await page.press("?")
                try await page.waitFor("document.querySelector('dialog[open], [role=dialog]')", "the shortcut help")
                #expect(try await page.evaluate(Audit.contrast()) as? [String] == [])
                try await page.press("Escape", code: "Escape", keyCode: 27)
                // Every area of the settings, each audited on its own page.
                for area in ["account", "team", "channels", "commerce", "help", "intelligence", "integrations", "automation"] {
                    _ = try await page.evaluate("location.hash = '#/admin/\(area)'")
                    try await page.waitFor("document.querySelector('#settings-area-\(area)')", "the settings area \(area)")
                    #expect(try await page.evaluate(Audit.contrast()) as? [String] == [], "\(area)")
                    #expect(try await page.evaluate(Audit.unnamedControls()) as? [String] == [], "\(area)")
                }
                try await page.waitFor("document.querySelector('#admin-hours')", "the business hours among the automation")
                // The rule and macro editors open too, so their controls are audited.
                _ = try await page.evaluate("(() => { document.querySelector('#add-rule').click(); document.querySelector('#add-macro').click(); return true })()")
                _ = try await page.evaluate("(() => { document.querySelector('#rule-editor .add-condition').click(); document.querySelector('#rule-editor .add-group').click(); return true })()")
                #expect(try await page.evaluate(Audit.contrast()) as? [String] == [])
                #expect(try await page.evaluate(Audit.unnamedControls()) as? [String] == [])

                // The dark theme, as the system asks for it: every text still readable.
                _ = try await page.send("Emulation.setEmulatedMedia", ["features": [["name": "prefers-color-scheme", "value": "dark"]]])
                _ = try await page.evaluate("location.hash = '#/open/\(conversationID)'")
                try await page.waitFor("document.querySelector('#thread .message.note')", "the conversation in the dark")
                #expect(try await page.evaluate("getComputedStyle(document.documentElement).backgroundColor") as? String == "rgb(20, 23, 28)")
                #expect(try await page.evaluate(Audit.contrast()) as? [String] == [], "dark conversation")
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: directory + "/dark.png")
                }
                for area in ["account", "team", "channels", "automation"] {
                    _ = try await page.evaluate("location.hash = '#/admin/\(area)'")
                    try await page.waitFor("document.querySelector('#settings-area-\(area)')", "the settings area \(area) in the dark")
                    #expect(try await page.evaluate(Audit.contrast()) as? [String] == [], "dark \(area)")
                }
                // The agent's own choice wins over the system's.
                _ = try await page.evaluate("location.hash = '#/admin/account'")
                try await page.waitFor("document.querySelector('#theme')", "the theme choice")
                _ = try await page.evaluate("(() => { const s = document.querySelector('#theme'); s.value = 'light'; s.dispatchEvent(new Event('change')); return true })()")
                #expect(try await page.evaluate("getComputedStyle(document.documentElement).backgroundColor") as? String == "rgb(246, 247, 249)")
                _ = try await page.evaluate("(() => { const s = document.querySelector('#theme'); s.value = 'system'; s.dispatchEvent(new Event('change')); return true })()")
                _ = try await page.send("Emulation.setEmulatedMedia", ["features": [["name": "prefers-color-scheme", "value": "light"]]])

                // At phone width nothing scrolls sideways and the conversation still opens.
                _ = try await page.send("Emulation.setDeviceMetricsOverride", ["width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true])
                _ = try await page.evaluate("location.hash = '#/open/\(conversationID)'")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Where is my order #1234?')", "the conversation at phone width")
                #expect(try await page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1") as? Bool == true)
                // A phone shows one screen at a time: the conversation, the customer over it, the list.
                let visible = { (selector: String) in "(document.querySelector('\(selector)')?.getClientRects().length ?? 0) > 0" }
                #expect(try await page.evaluate(visible(".list")) as? Bool == false, "the list is another screen")
                _ = try await page.evaluate("document.querySelector('#show-customer').click()")
                try await page.waitFor(visible("#sidebar") + " && document.querySelector('#sidebar').innerText.includes('marta@example.com')", "the customer over the conversation")
                #expect(try await page.evaluate("document.activeElement?.id") as? String == "close-customer")
                #expect(try await page.evaluate(Audit.contrast()) as? [String] == [], "the customer panel on a phone")
                _ = try await page.evaluate("document.querySelector('#close-customer').click()")
                try await page.waitFor("!(" + visible("#sidebar") + ")", "the customer panel closed")
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: directory + "/phone.png")
                }
                _ = try await page.evaluate("document.querySelector('#back-to-list').click()")
                try await page.waitFor(visible("#conversations .row") + " && location.hash === '#/open'", "back to the list")
                #expect(try await page.evaluate(visible("#conversation")) as? Bool == false, "the conversation is another screen")
                #expect(try await page.evaluate(Audit.unnamedControls()) as? [String] == [])
                // A tablet shows list and conversation side by side; the customer opens over them.
                _ = try await page.send("Emulation.setDeviceMetricsOverride", ["width": 1000, "height": 800, "deviceScaleFactor": 1, "mobile": false])
                _ = try await page.evaluate("location.hash = '#/open/\(conversationID)'")
                try await page.waitFor(visible("#show-customer") + " && " + visible(".list") + " && !(" + visible("#sidebar") + ")", "the tablet layout")
            }
        }
    }
}
