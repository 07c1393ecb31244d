import Foundation
import Hummingbird
import NIOCore
import ShopdeskCore

/// An RFC 9457 problem document: every API error has a status, a title and a message a person
/// can act on.
public struct Problem: Error, HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let detail: String
    public var field: String?
    /// A stable machine-readable name for errors a client acts on (e.g. `choose_workspace`).
    public var code: String?
    /// What the client may choose from when it asks again (e.g. the workspaces a sign-in fits).
    public var choices: [Choice]?
    /// The values in the message (a channel's name, a limit), for a client that words the
    /// problem itself from its `code` (the web app, in the agent's language).
    public var values: [String: String]?
    public var headers: HTTPFields = [:]

    public struct Choice: Codable, Sendable, Equatable {
        public var id: Int64
        public var name: String
        public init(id: Int64, name: String) { self.id = id; self.name = name }
    }

    private struct Body: Encodable {
        var type = "about:blank"
        var title: String
        var status: Int
        var detail: String
        var field: String?
        var code: String?
        var choices: [Choice]?
        var values: [String: String]?
    }

    public init(_ status: HTTPResponse.Status, _ detail: String, field: String? = nil, code: String? = nil, values: [String: String]? = nil) {
        self.status = status
        self.detail = detail
        self.field = field
        self.code = code
        self.values = values
    }

    public init(_ error: ShopdeskError) {
        let status: HTTPResponse.Status = switch error.code {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .tooLarge: .contentTooLarge
        case .rateLimited: .tooManyRequests
        case .unavailable: .serviceUnavailable
        }
        self.init(status, error.message, field: error.field, code: error.reason, values: error.values)
    }

    public var description: String { "\(status.code) \(detail)" }

    /// The code of a problem nobody named more precisely: one per status, so every problem a
    /// client gets has a stable machine-readable name (`not_found`, `forbidden`, `invalid`…).
    static func genericCode(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "too_large"
        case 415: "unsupported_media_type"
        case 422: "invalid"
        case 429: "rate_limited"
        case 500: "internal"
        case 503: "unavailable"
        default: "error_\(status.code)"
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(title: status.reasonPhrase, status: status.code, detail: detail, field: field, code: code ?? Self.genericCode(status),
                        choices: choices, values: values)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(body), as: UTF8.self)
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

/// Turns every error into a problem document: ours keep their message; anything unexpected is
/// logged and answered with a plain 500 that leaks nothing.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as ShopdeskError {
            throw Problem(error)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            throw Problem(.notFound, "There is no \(request.method.rawValue) \(request.uri.path)."
                          + (request.uri.path.hasPrefix("/api/") ? " /api/v1/openapi.json lists every endpoint." : ""))
        } catch let error as HTTPError {
            throw Problem(error.status, error.body ?? error.status.reasonPhrase)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, "The request body is larger than this endpoint takes (at most \(context.maxUploadSize / 1024 / 1024) MB).")
        } catch let error as any HTTPResponseError {
            // Any other error that knows its status still answers with a problem document.
            throw Problem(error.status, error.status.reasonPhrase)
        } catch {
            context.logger.error("Unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            throw Problem(.internalServerError, "Something went wrong on our side; it has been logged.")
        }
    }
}

/// Plain-language descriptions of JSON decoding failures.
enum DecodingErrorText {
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? snake($0.stringValue) }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let location = path(context.codingPath + [key])
            return "The field `\(location)` is required."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "The field `\(path(context.codingPath))` has the wrong type: \(context.debugDescription)"
        case .dataCorrupted(let context):
            let location = path(context.codingPath)
            return location.isEmpty ? "The request body is not valid JSON." : "The field `\(location)` is invalid: \(context.debugDescription)"
        @unknown default:
            return "The request body could not be read."
        }
    }

    static func snake(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return result
    }
}
