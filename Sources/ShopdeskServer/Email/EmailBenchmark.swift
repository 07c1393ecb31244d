import Foundation
import Logging
import ShopdeskCore
import ShopdeskStore

/// `shopdesk bench email`: realistic mail through the whole receiving path (raw kept durably,
/// parse, quote cut, attachments, ingest with threading) and a check that every thread became
/// exactly one conversation.
public enum EmailBenchmark {
    public struct Report: Sendable {
        public var messages: Int
        public var threads: Int
        public var averageBytes: Int
        public var seconds: Double
        public var perSecond: Double
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        /// Threads whose messages landed in more than one conversation, or shared one with
        /// another thread: must be 0.
        public var misthreaded: Int
        public var duplicates: Int
    }

    public static func run(database: Database, dataDirectory: String, threads: Int, perThread: Int, concurrency: Int,
                           logger: Logger) async throws -> Report {
        var configuration = ServerConfiguration()
        configuration.dataDirectory = dataDirectory
        // Storing mail is measured, not the DNS lookups of SPF, DKIM and DMARC.
        configuration.mailAuthentication = false
        let services = AppServices.make(configuration: configuration, database: database, logger: logger)
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Mail bench \(suffix)", timeZone: "UTC",
                                                          email: "mail-\(suffix)@bench.test", name: "Bench", passwordHash: "unused")
        let inbox = try await database.write {
            try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .email, name: "Support", webhookURL: nil,
                                             secret: Secrets.token(prefix: "sdi_"), now: Date(),
                                             email: EmailSettings(address: "support-\(suffix)@shop.example"), in: $0)
        }
        // Round by round: message k of every thread, so each reply finds its parent stored.
        var rounds: [[(thread: Int, raw: [UInt8])]] = []
        var totalBytes = 0
        for k in 0..<perThread {
            var round: [(Int, [UInt8])] = []
            for thread in 0..<threads {
                let raw = Self.message(thread: thread, index: k, suffix: String(suffix))
                totalBytes += raw.count
                round.append((thread, raw))
            }
            rounds.append(round)
        }
        let receiver = EmailReceiver(services: services)
        var latencies: [Double] = []
        var conversationsByThread: [Int: Set<Int64>] = [:]
        var duplicates = 0
        let started = ContinuousClock.now
        for round in rounds {
            let results = try await withThrowingTaskGroup(of: (Int, Double, EmailReceipt).self) { group in
                var collected: [(Int, Double, EmailReceipt)] = []
                var next = 0
                func add(_ group: inout ThrowingTaskGroup<(Int, Double, EmailReceipt), any Error>) {
                    let (thread, raw) = round[next]
                    next += 1
                    group.addTask {
                        let start = ContinuousClock.now
                        let receipt = try await receiver.receive(raw, inbox: inbox)
                        let elapsed = ContinuousClock.now - start
                        return (thread, elapsed.seconds, receipt)
                    }
                }
                while next < min(concurrency, round.count) { add(&group) }
                while let result = try await group.next() {
                    collected.append(result)
                    if next < round.count { add(&group) }
                }
                return collected
            }
            for (thread, seconds, receipt) in results {
                latencies.append(seconds)
                if case .stored(let result) = receipt {
                    conversationsByThread[thread, default: []].insert(result.conversationID.rawValue)
                    if result.duplicate { duplicates += 1 }
                }
            }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = elapsed.seconds
        var owners: [Int64: Int] = [:]
        var misthreaded = 0
        for (thread, conversations) in conversationsByThread {
            if conversations.count != 1 { misthreaded += 1 }
            for conversation in conversations {
                if let other = owners[conversation], other != thread { misthreaded += 1 }
                owners[conversation] = thread
            }
        }
        misthreaded += threads - conversationsByThread.count
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] * 1000
        }
        let count = threads * perThread
        return Report(messages: count, threads: threads, averageBytes: totalBytes / max(1, count), seconds: seconds,
                      perSecond: Double(count) / seconds, p50Milliseconds: percentile(0.5), p99Milliseconds: percentile(0.99),
                      misthreaded: misthreaded, duplicates: duplicates)
    }

    /// About 20 KB: a multipart/alternative reply (quoted history included, as real replies
    /// carry it) with a small attachment on every fifth message. Replies reference their
    /// thread's earlier messages, sometimes only through In-Reply-To, sometimes with the
    /// subject changed by the customer.
    static func message(thread: Int, index: Int, suffix: String) -> [UInt8] {
        let id = "t\(thread)-m\(index)-\(suffix)@customer.example"
        let customer = "customer\(thread)-\(suffix)@customer.example"
        var headers = [
            "From: Customer \(thread) <\(customer)>", "To: support-\(suffix)@shop.example",
            "Subject: \(index == 0 ? "" : "Re: ")Order \(10_000 + thread) question \(thread % 7 == 0 && index == 2 ? "(urgent!)" : "")",
            "Message-ID: <\(id)>", "Date: Tue, 24 Nov 2026 09:15:02 +0100", "MIME-Version: 1.0",
        ]
        if index > 0 {
            let parents = (0..<index).map { "<t\(thread)-m\($0)-\(suffix)@customer.example>" }
            headers.append("In-Reply-To: \(parents.last!)")
            if thread % 3 != 0 { headers.append("References: \(parents.joined(separator: " "))") }
        }
        let sentence = "Hello, this is about my order \(10_000 + thread). Could you tell me when it ships? Obrigada, hvala, спасибо. "
        var text = String(repeating: sentence, count: 18) + "\n\nOn Mon, 23 Nov 2026 at 10:00, Support <support@shop.example> wrote:\n"
        text += String(repeating: "> " + sentence + "\n", count: 58)
        let html = "<html><body><p>" + text.replacingOccurrences(of: "\n", with: "<br>") + "</p></body></html>"
        let boundary = "b\(thread)x\(index)"
        var body = "--\(boundary)\r\nContent-Type: multipart/alternative; boundary=\"alt\(boundary)\"\r\n\r\n"
        body += "--alt\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        body += text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        body += "--alt\(boundary)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        body += Data(html.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + "\r\n"
        body += "--alt\(boundary)--\r\n"
        if index % 5 == 4 {
            let photo = Data((0..<1500).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ thread) })
            body += "--\(boundary)\r\nContent-Type: image/jpeg; name=\"photo\(thread).jpg\"\r\nContent-Disposition: attachment; filename=\"photo\(thread).jpg\"\r\n"
            body += "Content-Transfer-Encoding: base64\r\n\r\n" + photo.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + "\r\n"
        }
        body += "--\(boundary)--\r\n"
        headers.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
        return Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }
}
