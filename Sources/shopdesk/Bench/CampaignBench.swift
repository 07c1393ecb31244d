import ArgumentParser
import Foundation
import ShopdeskCore
import ShopdeskServer
import ShopdeskStore

extension Bench {
    /// What a shop's page pays for campaigns: the size of the document the widget reads, and the
    /// time the widget's own matcher (WidgetScript/campaign-match.js, run by Node's V8, the
    /// engine of Chrome) takes to look through them all for a visitor none of them matches.
    struct Campaigns: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Size of the widget's campaign document and time to match a visitor against it.")

        @Option(help: "Campaigns in the document.") var count = 50
        @Option(help: "Evaluations to time.") var evaluations = 20_000

        func run() async throws {
            let campaigns = (0..<count).map(Self.campaign)
            let document = try CampaignDocument.encode(campaigns, hoursOpen: true, currency: "EUR")
            Console.out("document: \(count) campaigns, \(document.count) bytes\(Self.gzipped(document).map { ", \($0) bytes gzipped" } ?? "")")
            guard let matcher = WidgetScript.part("campaign-match") else { throw ValidationError("The widget's matcher is missing from the build.") }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-campaign-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let script = matcher + """

                const document = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
                const context = { url: 'https://shop.example/collections/all?page=2', seconds: 4, pages: 1, returning: false, utmSource: '',
                  language: 'en-GB', cart: { totalMinor: 1200, items: 1, titles: ['Socks'] }, exitIntent: false, scroll: 10, device: 'desktop' };
                const history = {};
                let found = 0;
                for (let i = 0; i < 2000; i++) if (pickCampaign(document, context, history, Date.now())) found++;
                const started = process.hrtime.bigint();
                for (let i = 0; i < \(evaluations); i++) if (pickCampaign(document, context, history, Date.now())) found++;
                const micros = Number(process.hrtime.bigint() - started) / 1000 / \(evaluations);
                console.log(JSON.stringify({ micros, found }));
                """
            let scriptURL = directory.appendingPathComponent("bench.js"), documentURL = directory.appendingPathComponent("document.json")
            try script.write(to: scriptURL, atomically: true, encoding: .utf8)
            try document.write(to: documentURL)
            guard let output = Self.run(["node", scriptURL.path, documentURL.path]),
                  let answer = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], let micros = answer["micros"] as? Double else {
                Console.out("matching: not measured (install Node.js to run the widget's matcher outside a browser)")
                return
            }
            Console.out(String(format: "matching a visitor against all %d campaigns (none matches): %.2f µs per evaluation, node %@",
                               count, micros, Self.run(["node", "--version"])?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"))
        }

        /// A campaign whose rules a visitor on a collection page, 4 seconds in, does not meet:
        /// every one is looked at in full, as in the worst case.
        static func campaign(_ index: Int) -> CampaignRecord {
            var targeting = CampaignTargeting(urlIncludes: ["*/products/*", "*/pages/offer-\(index)*"], urlExcludes: ["*/checkout*", "*/cart"],
                                              secondsOnPage: 5 + index % 20, pagesViewed: 1, returning: index % 3 == 0 ? true : nil,
                                              utmSources: index % 4 == 0 ? ["instagram", "newsletter"] : [], languages: index % 2 == 0 ? ["pt", "hr"] : [],
                                              cartMinMinor: index % 5 == 0 ? 5_000 : nil, cartContains: index % 6 == 0 ? ["Trail runner"] : [],
                                              exitIntent: index % 7 == 0, scrollPercent: index % 2 == 1 ? 50 : nil)
            targeting.device = index % 9 == 0 ? "mobile" : nil
            let variants = [
                CampaignVariant(key: "A", weight: 50, message: "Welcome! Here is 10 % off your first order (campaign \(index)).",
                                offer: .init(percent: 10, validHours: 48, prefix: "WELCOME")),
                CampaignVariant(key: "B", weight: 50, message: "Free shipping on orders over 50 EUR this week (campaign \(index)).",
                                product: .init(title: "Trail runner 2", price: "89.00 EUR", imageURL: "https://shop.example/img/trail-runner-2.jpg",
                                               url: "https://shop.example/products/trail-runner-2"),
                                button: .init(label: "See the offer", url: "https://shop.example/pages/offer")),
            ]
            let now = Date()
            return CampaignRecord(id: Int64(index + 1), workspaceID: WorkspaceID(1), inboxID: InboxID(1), name: "Campaign \(index)", status: .active,
                                  priority: 100 - index, definition: CampaignDefinition(targeting: targeting, variants: variants), createdAt: now, updatedAt: now)
        }

        static func gzipped(_ data: Data) -> Int? {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-campaigns-\(UUID().uuidString).json")
            guard (try? data.write(to: file)) != nil else { return nil }
            defer { try? FileManager.default.removeItem(at: file) }
            return output(["gzip", "-9", "-c", file.path])?.count
        }

        static func run(_ arguments: [String]) -> String? { output(arguments).map { String(decoding: $0, as: UTF8.self) } }

        /// A tool's standard output, or nil when it is not installed or fails.
        static func output(_ arguments: [String]) -> Data? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return nil }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            return data
        }
    }
}
