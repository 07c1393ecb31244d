import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import ShopdeskCore
import ShopdeskStore

/// The context every request starts with. `principal` is filled by `AuthMiddleware` when the
/// request carries a valid session cookie or API token.
public struct AppRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public var principal: Principal?
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        webSocket = .init()
        principal = nil
    }

    public var requestDecoder: APIJSON.RequestDecoder { APIJSON.RequestDecoder() }
    public var responseEncoder: APIJSON.ResponseEncoder { APIJSON.ResponseEncoder() }
}

/// The context of `/api/v1` routes other than login: it cannot exist without a signed-in agent,
/// so handlers never check for one.
public struct AuthenticatedContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let principal: Principal
    /// Where the request came from (for the audit log).
    public let remoteAddress: SocketAddress?

    public init(context: AppRequestContext) throws {
        guard let principal = context.principal else {
            throw Problem(.unauthorized, "Sign in first: send the session cookie or an `Authorization: Bearer` API token.")
        }
        coreContext = context.coreContext
        self.principal = principal
        remoteAddress = context.remoteAddress
    }

    public var agent: Agent { principal.agent }
    public var workspaceID: WorkspaceID { principal.agent.workspaceID }

    /// Throws 403 unless the agent has at least `role`. Call before doing anything.
    public func require(_ role: Role) throws {
        guard agent.role >= role else {
            throw Problem(.forbidden, "This needs the \(role.rawValue) role; you are \(agent.role.rawValue).", code: "role_required",
                          values: ["role": role.rawValue])
        }
    }

    public var requestDecoder: APIJSON.RequestDecoder { APIJSON.RequestDecoder() }
    public var responseEncoder: APIJSON.ResponseEncoder { APIJSON.ResponseEncoder() }
}

/// JSON as the API speaks it: snake_case keys, ISO 8601 times with milliseconds.
public enum APIJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamps.iso8601(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamps.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an ISO 8601 time such as 2026-05-01T09:30:00Z.")
            }
            return date
        }
        return decoder
    }

    public struct ResponseEncoder: Hummingbird.ResponseEncoder {
        public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
            let buffer: ByteBuffer
            if let direct = value as? any DirectJSON {
                // Room for a list page up front: growing 4 → 8 → 16 → 32 KB copied it three times.
                var writer = JSONWriter(capacity: 32 * 1024)
                direct.write(into: &writer)
                buffer = ByteBuffer(bytes: writer.bytes)
            } else {
                buffer = ByteBuffer(bytes: try APIJSON.encoder().encode(value))
            }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer))
        }
    }

    public struct RequestDecoder: Hummingbird.RequestDecoder {
        public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            do {
                return try APIJSON.decoder().decode(type, from: Data(buffer.readableBytesView))
            } catch let error as DecodingError {
                throw Problem(.badRequest, DecodingErrorText.describe(error))
            } catch {
                throw Problem(.badRequest, "The request body is not valid JSON.")
            }
        }
    }
}
