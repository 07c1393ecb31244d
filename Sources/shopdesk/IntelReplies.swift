import ArgumentParser
import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import ShopdeskStore

extension Intel {
    /// `shopdesk intel eval-replies --workspace ID`: how often suggested replies contain what the
    /// agent actually sent, on the workspace's newest conversations held out from the rest.
    struct EvaluateReplies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval-replies",
            abstract: "Measure suggested replies on a workspace's own history: the newest conversations held out, asked of the rest."
        )

        @Option(help: "The workspace whose resolved conversations are measured.")
        var workspace: Int64

        @Option(help: "The share of the newest conversations held out.")
        var heldOut = 0.1

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard heldOut > 0, heldOut < 1 else { throw ValidationError("--held-out is a share between 0 and 1, such as 0.1") }
            let configuration = try database.load()
            let examples = try await Database.with(url: configuration.databaseURL, logger: makeLogger(configuration)) { database in
                try await ReplyLibraries.examples(for: WorkspaceID(workspace), database: database)
            }
            let (hits, questions) = ReplyIndex.heldOut(examples, fraction: heldOut)
            Console.out("examples: \(examples.count) agent replies in \(Set(examples.map(\.conversationID)).count) resolved conversations")
            Console.out("held-out questions: \(questions)")
            Console.out(String(format: "actual reply among the three suggestions: %d (%.1f %%)", hits, questions == 0 ? 0 : Double(hits) * 100 / Double(questions)))
        }
    }
}
