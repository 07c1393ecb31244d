import Foundation
import ShopdeskCore
import ShopdeskServer
import ShopdeskStore

/// The workspace the benchmark loads: an owner with an API token and one API inbox, optionally
/// preloaded with many messages so search and lists run against a large database.
enum BenchSetup {
    struct Prepared: Sendable {
        var token: String
        var inboxID: Int64
        var inboxToken: String
        var preloadedMessages: Int
    }

    static func prepare(database: Database, scaleMessages: Int) async throws -> Prepared {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (agent, _) = try await Provisioning.createOwner(database: database, workspace: "Bench \(suffix)", timeZone: "UTC",
                                                          email: "bench-\(suffix)@bench.test", name: "Bench", passwordHash: "unused")
        let token = try await Provisioning.createToken(database: database, agent: agent, name: "bench")
        let inboxToken = Secrets.token(prefix: "sdi_")
        let inbox = try await database.write {
            try await InboxRepository.create(workspaceID: agent.workspaceID, kind: .api, name: "Bench", webhookURL: nil,
                                             secret: inboxToken, now: Date(), in: $0)
        }
        var loaded = 0
        if scaleMessages > 0 {
            // Written straight into the tables (`ScaleLoad`), 1,000 conversations a transaction:
            // through the ingest path a million messages took over an hour on PostgreSQL.
            var generator = TextGenerator(seed: 7)
            let started = Date()
            // A second between messages, the last one now.
            let first = started.addingTimeInterval(-Double(scaleMessages))
            var customer = 0
            while loaded < scaleMessages {
                var batch: [ScaleLoad.Conversation] = []
                var count = 0
                while batch.count < 1_000, loaded + count < scaleMessages {
                    // About five messages per conversation: customers write again while it is open.
                    let messages = (0..<min(5, scaleMessages - loaded - count)).map { _ in generator.sentence(words: 24) }
                    batch.append(ScaleLoad.Conversation(customerName: generator.name(), customerEmail: "preload\(customer)@bench.test",
                                                        subject: generator.sentence(words: 4), messages: messages))
                    customer += 1
                    count += messages.count
                }
                try await ScaleLoad.write(batch, workspaceID: agent.workspaceID, inboxID: inbox.id, lastAt: first.addingTimeInterval(Double(loaded + count)), in: database)
                let before = loaded
                loaded += count
                if loaded / 100_000 > before / 100_000 {
                    BenchReport.say("  preloaded \(loaded) messages (\(Int(Double(loaded) / Date().timeIntervalSince(started))) per second)")
                }
            }
        }
        if loaded > 0, database.kind == .postgres {
            // What autovacuum would have done by the time such a database is in use (the
            // planner's statistics, the visibility map, the search indexes' pending entries),
            // done now so that it does not run during, and count in, the measurements.
            try await database.read { try await $0.raw("VACUUM ANALYZE").run() }
        }
        return Prepared(token: token, inboxID: inbox.id.rawValue, inboxToken: inboxToken, preloadedMessages: loaded)
    }
}

/// Customer-like text from a fixed multilingual vocabulary, reproducible from a seed.
struct TextGenerator {
    private var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    static let words = """
        order shipping delivery refund return package tracking address payment discount code invoice size color exchange \
        damaged broken missing late parcel courier warehouse cancel change urgent please thanks help question product stock \
        pedido entrega devolução reembolso pagamento cupom tamanho troca atrasado rastreio obrigado ajuda \
        заказ доставка возврат деньги посылка оплата промокод размер обмен срочно спасибо помощь \
        narudžba dostava povrat novac paket plaćanje popust veličina zamjena hitno hvala pomoć šalica jakna \
        jacket shoes lamp mug vase dress blender sneakers backpack watch wallet necklace scarf gloves
        """.split(whereSeparator: \.isWhitespace).map(String.init)

    mutating func next() -> UInt64 { random.next() }

    mutating func word() -> String { Self.words[Int(next() % UInt64(Self.words.count))] }

    mutating func sentence(words count: Int) -> String {
        (0..<count).map { _ in word() }.joined(separator: " ") + " #\(1000 + next() % 9000)"
    }

    mutating func name() -> String {
        let names = ["Emma Clark", "João Silva", "Ольга Иванова", "Ana Horvat", "Marko Kovačević", "Maria Souza"]
        return names[Int(next() % UInt64(names.count))]
    }
}
