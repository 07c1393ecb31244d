import CompressNIO
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The static web files bundled with the binary. The agent app's text files (scripts, styles, the
/// page) go out gzip-compressed to browsers that accept it — about a quarter of their size —
/// compressed once, on first use; anything else, and any browser that does not accept gzip, gets
/// the file as it is from the file middleware.
enum WebAssets {
    static func register(on router: Router<AppRequestContext>) {
        guard let url = Bundle.module.url(forResource: "Public", withExtension: nil) else { return }
        router.add(middleware: CompressedAssetsMiddleware(root: url))
        router.add(middleware: FileMiddleware(url.path, searchForIndexHtml: true))
    }
}

struct CompressedAssetsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    struct Asset: Sendable {
        var gzipped: ByteBuffer
        var contentType: String
        var etag: String
    }

    /// The files by their URL path, compressed the first time any is asked for. Only paths found
    /// by listing the folder are ever served here: a request's path is a key, never a file name.
    let assets: LazyAssets

    init(root: URL) { assets = LazyAssets(root: root) }

    static let types = ["js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "html": "text/html; charset=utf-8",
                        "json": "application/json", "svg": "image/svg+xml", "webmanifest": "application/manifest+json"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, Self.acceptsGzip(request.headers[.acceptEncoding]) else { return try await next(request, context) }
        let path = request.uri.path == "/" ? "/index.html" : request.uri.path
        guard let asset = assets.all[path] else { return try await next(request, context) }
        var headers: HTTPFields = [.contentType: asset.contentType, .eTag: asset.etag, .vary: "Accept-Encoding"]
        if request.headers[.ifNoneMatch] == asset.etag { return Response(status: .notModified, headers: headers) }
        headers[.contentEncoding] = "gzip"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.gzipped))
    }

    /// Whether `Accept-Encoding` names gzip without refusing it (`gzip;q=0`).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard pieces.first == "gzip" || pieces.first == "*" else { continue }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
        return false
    }
}

/// The compressed files, built once (the bundle does not change while the server runs).
final class LazyAssets: Sendable {
    private let root: URL
    private let built = Mutex<[String: CompressedAssetsMiddleware.Asset]?>(nil)

    init(root: URL) { self.root = root }

    var all: [String: CompressedAssetsMiddleware.Asset] {
        built.withLock { cached in
            if let cached { return cached }
            let assets = Self.build(root)
            cached = assets
            return assets
        }
    }

    private static func build(_ root: URL) -> [String: CompressedAssetsMiddleware.Asset] {
        var assets: [String: CompressedAssetsMiddleware.Asset] = [:]
        let base = root.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        for case let file as URL in walker {
            guard let type = CompressedAssetsMiddleware.types[file.pathExtension.lowercased()],
                  let data = FileManager.default.contents(atPath: file.path), data.count >= 512 else { continue }
            let path = String(file.standardizedFileURL.path.dropFirst(base.count))
            var input = ByteBuffer(bytes: data)
            // A file zlib cannot compress (it always can) would simply go out as it is.
            guard let gzipped = try? input.compress(with: .gzip()) else { continue }
            assets[path] = .init(gzipped: gzipped, contentType: type, etag: "\"gz-\(data.count)-\(Self.checksum(data))\"")
        }
        return assets
    }

    /// FNV-1a over the file: changes when the file does, which is all an ETag needs.
    private static func checksum(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
