import Foundation
import Hummingbird
import NIOCore

/// `/widget.js`, the one script a shop installs, assembled once at startup from its parts in
/// `WidgetScript/` (setup, strings, view, track, live), each a run of statements inside one
/// function so that the widget keeps its variables to itself; and `/widget-campaigns.js`, which
/// the widget loads itself only when its inbox has campaigns to show.
public enum WidgetScript {
    static let parts = ["setup", "strings", "view", "track", "live"]
    /// `/widget-campaigns.js`, loaded by the widget only when its inbox has active campaigns.
    static let campaignParts = ["campaign-match", "campaigns"]

    /// One part's source, as shipped (the campaign benchmark runs the matcher in a JS engine).
    public static func part(_ name: String) -> String? {
        Bundle.module.url(forResource: name, withExtension: "js", subdirectory: "WidgetScript").flatMap { try? String(contentsOf: $0, encoding: .utf8) }
    }

    static func assemble(_ names: [String] = parts) -> ByteBuffer? {
        var script = "(() => {\n'use strict';\n"
        for name in names {
            guard let text = part(name) else { return nil }
            script += text + "\n"
        }
        return ByteBuffer(string: script + "})();\n")
    }

    static func register(on router: Router<AppRequestContext>) {
        for (path, names) in [("widget.js", parts), ("widget-campaigns.js", campaignParts)] {
            guard let body = assemble(names) else { continue }
            router.get(RouterPath(path)) { _, _ -> Response in
                Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300"],
                         body: .init(byteBuffer: body))
            }
        }
    }
}
