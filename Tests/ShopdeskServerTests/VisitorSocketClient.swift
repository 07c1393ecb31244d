import Foundation
import HummingbirdWSClient
import ShopdeskTestSupport

/// The widget's socket as a test drives it.
enum VisitorSocketClient {
    /// Authenticates, runs `trigger` once the server is ready and then sends `then`, and returns
    /// the frames received up to and including the first of type `until`.
    static func frames(
        port: Int, token: String, until type: String, then: [String] = [], trigger: @escaping @Sendable () async throws -> Void
    ) async throws -> [[String: Any]] {
        let box = FrameBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/widget/socket", logger: TestDatabase.logger) { inbound, outbound, _ in
                    try await outbound.write(.text(#"{"type":"auth","token":"\#(token)"}"#))
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message,
                              let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
                        await box.append(text)
                        if json["type"] as? String == "ready" {
                            try await trigger()
                            for frame in then { try await outbound.write(.text(frame)) }
                        }
                        if json["type"] as? String == type {
                            try await outbound.close(.normalClosure, reason: nil)
                            return
                        }
                    }
                }
            }
            group.addTask {
                // Generous: the trigger's own request shares two cores with the whole suite.
                try await Task.sleep(for: .seconds(60))
                throw HarnessError("No \(type) frame arrived within 60 seconds")
            }
            try await group.next()
            group.cancelAll()
        }
        return await box.texts.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Authenticates and sends `frames` once ready.
    static func send(port: Int, token: String, frames: [String]) async throws {
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/widget/socket", logger: TestDatabase.logger) { inbound, outbound, _ in
            try await outbound.write(.text(#"{"type":"auth","token":"\#(token)"}"#))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message, text.contains(#""ready""#) else { continue }
                for frame in frames { try await outbound.write(.text(frame)) }
                // Give the server a moment to relay before the socket closes.
                try await Task.sleep(for: .milliseconds(200))
                try await outbound.close(.normalClosure, reason: nil)
                return
            }
        }
    }
}

actor FrameBox {
    private(set) var texts: [String] = []
    func append(_ text: String) { texts.append(text) }
}
