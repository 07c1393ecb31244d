import ArgumentParser
import Foundation
import ShopdeskStore

/// `shopdesk reports rebuild`: computes every conversation's report facts again from its rows.
/// The reports keep their facts current by themselves; this is for after a restore, or to check
/// that the incremental facts equal a fresh computation (they are the same function of the rows).
struct Reports: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Maintain the reports' facts.", subcommands: [Rebuild.self])

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compute every workspace's report facts again (or one workspace's).")

        @OptionGroup var options: DatabaseOptions
        @Option(help: "Only this workspace (its id).") var workspace: Int64?

        func run() async throws {
            let configuration = try options.load()
            let logger = makeLogger(configuration)
            try await Database.with(url: configuration.databaseURL, logger: logger) { database in
                try await Migrator.migrate(database)
                let ids = try await database.read { try await WorkspaceRepository.ids(in: $0) }.filter { workspace == nil || $0.rawValue == workspace }
                for id in ids {
                    let started = Date()
                    try await ReportFactsStore.rebuild(workspaceID: id, now: Date(), in: database)
                    Console.out("Workspace \(id): report facts computed again in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
                }
                if ids.isEmpty { Console.out("No workspace to compute.") }
            }
        }
    }
}
