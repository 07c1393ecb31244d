import Foundation
import Hummingbird

/// The static web files bundled with the binary.
enum WebAssets {
    static func register(on router: Router<AppRequestContext>) {
        guard let url = Bundle.module.url(forResource: "Public", withExtension: nil) else { return }
        router.add(middleware: FileMiddleware(url.path, searchForIndexHtml: true))
    }
}
