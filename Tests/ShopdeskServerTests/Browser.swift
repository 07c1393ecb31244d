import AsyncHTTPClient
import Foundation
import Testing
import HummingbirdWSClient
import NIOCore
import ShopdeskTestSupport

/// A real headless Chromium driven over the Chrome DevTools Protocol, for tests of the web app.
///
/// Chromium comes from Debian's packages (`.ci/run` installs it). Where it is missing the
/// browser tests are skipped locally but fail in CI (`CI=true`), so CI never passes without
/// having run them.
final class Browser: Sendable {
    let process: Process
    let profile: URL
    let page: DevToolsPage

    static var executable: String? {
        if let path = ProcessInfo.processInfo.environment["SHOPDESK_CHROMIUM"] { return path }
        return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Run browser tests when a browser is installed, and always in CI.
    static var shouldRun: Bool { executable != nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    private init(process: Process, profile: URL, page: DevToolsPage) {
        self.process = process
        self.profile = profile
        self.page = page
    }

    /// Browsers open at once across the whole test run. Twenty Chromiums starting together on a
    /// two-core CI machine starved each other (and the servers they drive) past every page wait;
    /// five at a time keeps each one quick enough. A test that opens a second browser inside the first
    /// (an agent and a visitor) does not queue again: it already holds a place.
    ///
    /// Waiting for a place counts toward a suite's time limit: with some fifty browser tests on two
    /// cores the last ones wait minutes before they start, so those limits are ten minutes (a
    /// hang still fails long before CI's limit) rather than the few minutes a test takes alone.
    static let gate = BrowserGate(places: 5)
    @TaskLocal static var holdsPlace = false

    /// Starts Chromium with a fresh profile, runs `body` with its first page, and always stops it.
    static func with<T: Sendable>(_ body: @Sendable (DevToolsPage) async throws -> T) async throws -> T {
        try await holdingPlace { try await launch(body) }
    }

    /// Runs `body` (which opens browsers, ours or Selenium's) once one of the gate's places is free.
    static func holdingPlace<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if holdsPlace { return try await body() }
        await gate.enter()
        do {
            let result = try await $holdsPlace.withValue(true) { try await body() }
            await gate.leave()
            return result
        } catch {
            await gate.leave()
            throw error
        }
    }

    private static func launch<T: Sendable>(_ body: @Sendable (DevToolsPage) async throws -> T) async throws -> T {
        guard let executable else {
            throw HarnessError("Chromium is not installed: apt-get install chromium (or set SHOPDESK_CHROMIUM).")
        }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        defer { removeProfile(profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check",
            // A page Chromium thinks is in the background has its timers held back: in full runs the
            // agent app's reconnect timer never fired (the sockets showed one retry, then nothing).
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
            "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=\(profile.path)",
            "--window-size=1400,900", "about:blank",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try await ChildProcess.launch(process)
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // Chromium announces its DevTools port on stderr once it listens.
        let port = try await devToolsPort(errors.fileHandleForReading)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let listed: Result<String, any Error>
        do { listed = .success(try await fetch(http, "http://127.0.0.1:\(port)/json/list")) } catch { listed = .failure(error) }
        try await http.shutdown()
        let targetsText = try listed.get()
        let targets = try JSONSerialization.jsonObject(with: Data(targetsText.utf8)) as? [[String: Any]] ?? []
        guard let target = targets.first(where: { $0["type"] as? String == "page" }),
              let socketURL = target["webSocketDebuggerUrl"] as? String else {
            throw HarnessError("Chromium listed no page to drive: \(targetsText.prefix(300))")
        }
        return try await DevToolsPage.connect(socketURL, body)
    }

    /// Chromium's helper processes outlive the browser by a moment and still write to the profile:
    /// removing it once left a folder in the temporary directory after most runs.
    private static func removeProfile(_ profile: URL) {
        for _ in 0..<30 {
            try? FileManager.default.removeItem(at: profile)
            if !FileManager.default.fileExists(atPath: profile.path) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    private static func fetch(_ http: HTTPClient, _ url: String) async throws -> String {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return String(buffer: body)
    }

    /// Reads Chromium's stderr on a thread of its own until the DevTools address appears, then
    /// keeps draining it so that a chatty browser never blocks on a full pipe. Chromium exits
    /// (end of file) if it cannot start, which ends the wait with its output.
    private static func devToolsPort(_ handle: FileHandle) async throws -> Int {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let thread = Thread {
                var seen = ""
                var answered = false
                while true {
                    let data = handle.availableData
                    if data.isEmpty {
                        if !answered { continuation.resume(throwing: HarnessError("Chromium exited before it listened for DevTools:\n\(seen.suffix(2000))")) }
                        return
                    }
                    guard !answered else { continue }
                    seen += String(decoding: data, as: UTF8.self)
                    if let range = seen.range(of: "ws://127.0.0.1:") {
                        let digits = seen[range.upperBound...].prefix { $0.isNumber }
                        if seen[range.upperBound...].dropFirst(digits.count).first == "/", let port = Int(digits) {
                            answered = true
                            continuation.resume(returning: port)
                        }
                    }
                }
            }
            thread.start()
        }
    }
}

/// One page's DevTools session: commands with their answers matched by id.
final class DevToolsPage: Sendable {
    private let channel: DevToolsChannel

    private init(channel: DevToolsChannel) { self.channel = channel }

    static func connect<T: Sendable>(_ url: String, _ body: @Sendable (DevToolsPage) async throws -> T) async throws -> T {
        let channel = DevToolsChannel()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                do {
                    try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 24), logger: TestDatabase.logger) { inbound, outbound, _ in
                        await channel.attach(outbound)
                        for try await message in inbound.messages(maxSize: 1 << 24) {
                            if case .text(let text) = message { await channel.receive(text) }
                        }
                    }
                    await channel.fail(HarnessError("The DevTools connection closed."))
                } catch {
                    await channel.fail(HarnessError("The DevTools connection failed: \(error)"))
                }
                return nil
            }
            try await channel.waitUntilAttached()
            let page = DevToolsPage(channel: channel)
            do {
                _ = try await page.send("Page.enable")
                _ = try await page.send("Runtime.enable")
                let result = try await body(page)
                // The app's own scripts never fail silently: an uncaught exception fails the test.
                let uncaught = await channel.uncaught
                #expect(uncaught.isEmpty, "Uncaught in the page: \(uncaught.joined(separator: "; "))")
                await channel.close()
                group.cancelAll()
                return result
            } catch {
                await channel.close()
                group.cancelAll()
                throw error
            }
        }
    }

    /// Sends a DevTools command; returns its `result` as JSON text.
    @discardableResult
    func send(_ method: String, _ params: [String: any Sendable] = [:]) async throws -> String {
        try await channel.call(method, params)
    }

    func navigate(_ url: String) async throws {
        try await send("Page.navigate", ["url": url])
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns its value as JSON.
    func evaluate(_ expression: String) async throws -> Any? {
        let wrapped = "Promise.resolve((() => (\(expression)))()).then((value) => JSON.stringify(value === undefined ? null : value))"
        let text = try await send("Runtime.evaluate", ["expression": wrapped, "awaitPromise": true, "returnByValue": true])
        guard let answer = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        if let exception = answer["exceptionDetails"] as? [String: Any] {
            throw HarnessError("The page threw: \((exception["exception"] as? [String: Any])?["description"] ?? exception)")
        }
        guard let json = (answer["result"] as? [String: Any])?["value"] as? String else { return nil }
        return try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
    }

    func text(_ selector: String) async throws -> String {
        try await evaluate("document.querySelector(\(Self.quoted(selector)))?.textContent ?? ''") as? String ?? ""
    }

    /// Polls `condition` (a JavaScript expression) until it is truthy. The page updates
    /// asynchronously (fetches, the realtime socket), so there is nothing to await but the DOM
    /// itself; each poll is one cheap evaluation, and the deadline makes a failure readable.
    /// Waits for `condition`; the default leaves room for a loaded CI machine (two cores, several
    /// Chromiums): it only decides how long a real failure takes to be reported.
    func waitFor(_ condition: String, _ what: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            // An element the condition reads may be between two renders: that counts as "not yet".
            if let value = try await evaluate("(() => { try { return Boolean(\(condition)) } catch { return false } })()") as? Bool,
               value { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let focus = try await evaluate("document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'") as? String ?? ""
        let location = try await evaluate("location.href") as? String ?? ""
        let body = try await evaluate("document.body.innerText.slice(0, 3000)") as? String ?? ""
        let events = await channel.events
        let seen = events.isEmpty ? "" : "\nThe page's uncaught exceptions and dialogs: \(events.joined(separator: "; "))"
        throw HarnessError("Timed out waiting for \(what) (\(condition)) at \(location); focus on \(focus).\(seen) The page shows:\n\(body)")
    }

    /// A key press as the keyboard sends it (keyDown with text, then keyUp).
    func press(_ key: String, modifiers: Int = 0, code: String? = nil, keyCode: Int? = nil) async throws {
        var down: [String: any Sendable] = ["type": "keyDown", "key": key, "modifiers": modifiers]
        if key.count == 1 && modifiers == 0 { down["text"] = key }
        if key == "Enter" && modifiers == 0 { down["text"] = "\r" }   // what submits a form
        if let code { down["code"] = code }
        if let keyCode { down["windowsVirtualKeyCode"] = keyCode }
        try await send("Input.dispatchKeyEvent", down)
        var up: [String: any Sendable] = ["type": "keyUp", "key": key, "modifiers": modifiers]
        if let code { up["code"] = code }
        if let keyCode { up["windowsVirtualKeyCode"] = keyCode }
        try await send("Input.dispatchKeyEvent", up)
    }

    /// Types into the focused element as an input method would.
    func type(_ text: String) async throws {
        try await send("Input.insertText", ["text": text])
    }

    /// Saves what the page shows as a PNG.
    func screenshot(to path: String) async throws {
        let text = try await send("Page.captureScreenshot", ["format": "png"])
        guard let answer = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let encoded = answer["data"] as? String, let data = Data(base64Encoded: encoded) else {
            throw HarnessError("Chromium returned no screenshot.")
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    func focus(_ selector: String) async throws {
        _ = try await evaluate("document.querySelector(\(Self.quoted(selector))).focus()")
    }

    static func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text])   // a one-string array always serializes
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }
}

/// Matches DevTools answers to the calls that wait for them.
/// A counting semaphore for tests: waiters are let in in the order they came.
actor BrowserGate {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(places: Int) { free = places }

    func enter() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

actor DevToolsChannel {
    private var outbound: WebSocketOutboundWriter?
    private var attachWaiters: [CheckedContinuation<Void, any Error>] = []
    private var pending: [Int: CheckedContinuation<String, any Error>] = [:]
    private var nextID = 0
    private var failure: (any Error)?

    func attach(_ writer: WebSocketOutboundWriter) {
        outbound = writer
        for waiter in attachWaiters { waiter.resume() }
        attachWaiters.removeAll()
    }

    func waitUntilAttached() async throws {
        if let failure { throw failure }
        if outbound != nil { return }
        try await withCheckedThrowingContinuation { attachWaiters.append($0) }
    }

    func call(_ method: String, _ params: [String: any Sendable]) async throws -> String {
        if let failure { throw failure }
        guard let outbound else { throw HarnessError("DevTools is not connected.") }
        nextID += 1
        let id = nextID
        let payload = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": params] as [String: Any])
        return try await withCheckedThrowingContinuation { continuation in
            pending[id] = continuation
            Task {
                do {
                    try await outbound.write(.text(String(decoding: payload, as: UTF8.self)))
                } catch {
                    self.resolve(id, .failure(error))
                }
            }
            // A browser that never answers fails the call with its name, not the test's time limit without one.
            Task {
                try? await Task.sleep(for: .seconds(90))
                self.resolve(id, .failure(HarnessError("DevTools did not answer \(method) within 90 s.")))
            }
        }
    }

    /// Exceptions the page's scripts raised and nobody caught, as DevTools reports them.
    private(set) var uncaught: [String] = []
    /// Those exceptions and the dialogs the page opened (a dialog left open holds the page's
    /// timers and events), for the message of a wait that timed out.
    private(set) var events: [String] = []

    func receive(_ text: String) {
        guard let message = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return }
        let params = message["params"] as? [String: Any]
        if message["method"] as? String == "Runtime.exceptionThrown" {
            let details = params?["exceptionDetails"] as? [String: Any]
            let exception = details?["exception"] as? [String: Any]
            uncaught.append("\(exception?["description"] ?? details?["text"] ?? "an exception") at \(details?["url"] ?? "?"):\(details?["lineNumber"] ?? "?")")
            events.append("uncaught \(uncaught.last ?? "")")
            return
        }
        if message["method"] as? String == "Page.javascriptDialogOpening" {
            events.append("a \(params?["type"] ?? "") dialog: \(params?["message"] ?? "")")
            return
        }
        guard let id = message["id"] as? Int else { return }   // other events: not needed by our tests
        if let error = message["error"] as? [String: Any] {
            resolve(id, .failure(HarnessError("DevTools error: \(error["message"] ?? error)")))
        } else {
            let result = message["result"] ?? [String: Any]()
            let data = (try? JSONSerialization.data(withJSONObject: result)) ?? Data("{}".utf8)
            resolve(id, .success(String(decoding: data, as: UTF8.self)))
        }
    }

    private func resolve(_ id: Int, _ result: Result<String, any Error>) {
        pending.removeValue(forKey: id)?.resume(with: result)
    }

    func fail(_ error: any Error) {
        failure = error
        for waiter in attachWaiters { waiter.resume(throwing: error) }
        attachWaiters.removeAll()
        for continuation in pending.values { continuation.resume(throwing: error) }
        pending.removeAll()
    }

    func close() async {
        try? await outbound?.close(.normalClosure, reason: nil)
        fail(HarnessError("The DevTools connection was closed by the test."))
    }
}
