import Foundation
import HummingbirdTesting
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Notifications on this device, from Settings → Your account, in Portuguese. A headless browser
/// has no push service of its own, so the browser's subscription is stood in for (its endpoint is
/// the local push service, its keys made in Python); everything else is the app's and the
/// server's own path, and the pushed message is decrypted as the browser would.
@Suite("Web push in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppPushTests {
    @Test func anAgentTurnsPushOnTestsItAndTurnsItOff() async throws {
        guard try await WebPushNotificationTests.pythonReady() else { return }
        try await FakePushService.run { service, base in
            try await Harness.run(.sqlite, mode: .live, configure: Harness.localServers) { harness in
                let port = try #require(harness.client.port)
                _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: harness.ownerToken, body: #"{"locale":"pt-BR"}"#)
                let keys = try #require(try JSONSerialization.jsonObject(
                    with: Data(try await Python.run(WebPushNotificationTests.browserKeys, input: "").utf8)) as? [String: String])
                let publicKey = try await harness.client.json(.get, "/api/v1/push", token: harness.ownerToken).string("public_key")
                try await Browser.with { page in
                    try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/account")
                    try await page.waitFor("document.querySelector('#push-toggle')?.textContent === 'Ativar neste dispositivo'", "the push switch")
                    #expect(try await page.text("#push-status") == "Desativadas neste dispositivo.")
                    #expect(try await page.evaluate("document.querySelector('#push-test').disabled") as? Bool == true)

                    // The browser's part, stood in for: permission given, a subscription at the local push service.
                    let endpoint = "\(base)/wpush/olivia"
                    _ = try await page.evaluate("""
                        (() => {
                          const subscription = {
                            endpoint: \(DevToolsPage.quoted(endpoint)), options: {},
                            toJSON() { return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: \(DevToolsPage.quoted(keys["p256dh"]!)), auth: \(DevToolsPage.quoted(keys["auth"]!)) } }; },
                            async unsubscribe() { window.__subscription = null; return true; },
                          };
                          window.__subscription = null;
                          Notification.requestPermission = async () => 'granted';
                          PushManager.prototype.getSubscription = async function () { return window.__subscription; };
                          PushManager.prototype.subscribe = async function (options) {
                            window.__serverKey = btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey)))
                              .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
                            window.__subscription = subscription;
                            return subscription;
                          };
                          return true;
                        })()
                        """)
                    _ = try await page.evaluate("document.querySelector('#push-toggle').click()")
                    try await page.waitFor("document.querySelector('#push-status')?.textContent === 'Ativadas neste dispositivo.'", "push on")
                    #expect(try await page.evaluate("window.__serverKey") as? String == publicKey, "subscribed with the server's VAPID key")
                    #expect(try await page.text("#push-toggle") == "Desativar neste dispositivo")
                    let saved = try await harness.client.json(.get, "/api/v1/push", token: harness.ownerToken).list("subscriptions")
                    #expect(saved.map { $0["endpoint"] as? String } == [endpoint])

                    // A test reaches the push service, encrypted for this browser, in Portuguese.
                    _ = try await page.evaluate("document.querySelector('#push-test').click()")
                    try await page.waitFor("document.querySelector('#push-status')?.textContent === 'Uma notificação de teste foi enviada.'", "the test sent")
                    if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                        try await page.screenshot(to: "\(directory)/push-settings.png")
                    }
                    let pushed = try #require(await service.received.first)
                    let opened = try await WebPushNotificationTests.receive(pushed, keys: keys)
                    #expect((opened["payload"] as? [String: Any])?["body"] as? String == "As notificações chegam a este dispositivo.", "\(opened)")

                    // Turned off: the server forgets this browser.
                    _ = try await page.evaluate("document.querySelector('#push-toggle').click()")
                    try await page.waitFor("document.querySelector('#push-status')?.textContent === 'Desativadas neste dispositivo.'", "push off")
                    #expect(try await harness.client.json(.get, "/api/v1/push", token: harness.ownerToken).list("subscriptions").isEmpty)

                    // On again, then signing out forgets it too.
                    _ = try await page.evaluate("document.querySelector('#push-toggle').click()")
                    try await page.waitFor("document.querySelector('#push-status')?.textContent === 'Ativadas neste dispositivo.'", "push on again")
                    _ = try await page.evaluate("document.querySelector('#sign-out').click()")
                    try await page.waitFor("document.querySelector('#signin-email')", "the sign-in form")
                    #expect(try await harness.client.json(.get, "/api/v1/push", token: harness.ownerToken).list("subscriptions").isEmpty)
                }
            }
        }
    }
}
