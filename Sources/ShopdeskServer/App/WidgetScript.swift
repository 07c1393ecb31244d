import Foundation
import Hummingbird
import NIOCore

/// `/widget.js`, the one script a shop installs, assembled once at startup from its parts in
/// `WidgetScript/` (setup, strings, view, live), each a run of statements inside one function so
/// that the widget keeps its variables to itself.
public enum WidgetScript {
    static let parts = ["setup", "strings", "view", "track", "live", "campaign-match", "campaigns"]

    /// One part's source, as shipped (the campaign benchmark runs the matcher in a JS engine).
    public static func part(_ name: String) -> String? {
        Bundle.module.url(forResource: name, withExtension: "js", subdirectory: "WidgetScript").flatMap { try? String(contentsOf: $0, encoding: .utf8) }
    }

    static func assemble() -> ByteBuffer? {
        var script = "(() => {\n'use strict';\n"
        for part in parts {
            guard let url = Bundle.module.url(forResource: part, withExtension: "js", subdirectory: "WidgetScript"),
                  let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
            script += text + "\n"
        }
        return ByteBuffer(string: script + "})();\n")
    }

    static func register(on router: Router<AppRequestContext>) {
        guard let body = assemble() else { return }
        router.get("widget.js") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: body))
        }
    }
}
