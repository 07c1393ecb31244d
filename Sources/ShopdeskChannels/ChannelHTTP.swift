import Foundation

/// One HTTP exchange with a provider. The server implements it with the outbound address guard
/// (no private addresses unless configured, the checked address pinned, no redirects).
public protocol ChannelHTTP: Sendable {
    func send(_ request: ChannelHTTPRequest) async throws -> ChannelHTTPResponse
}

public struct ChannelHTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data?
    /// The most bytes of answer to read (files the customer sent can be large).
    public var maxResponseBytes: Int

    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil, maxResponseBytes: Int = 1 << 20) {
        self.method = method; self.url = url; self.headers = headers; self.body = body; self.maxResponseBytes = maxResponseBytes
    }
}

public struct ChannelHTTPResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status; self.headers = headers; self.body = body
    }
}

/// A transport failure: `sent` tells whether the request may have reached the provider (a
/// timeout after sending) or surely did not (no connection), which decides if a retry is safe.
public struct ChannelTransportError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var sent: Bool
    public init(_ message: String, sent: Bool) { self.message = message; self.sent = sent }
    public var description: String { message }
}

/// `multipart/form-data` for uploads.
public struct MultipartForm: Sendable {
    public let boundary = "shopdesk-" + UUID().uuidString
    private var body = Data()

    public init() {}

    public mutating func field(_ name: String, _ value: String) {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(name))\"\r\n\r\n\(value)\r\n".utf8))
    }

    public mutating func file(_ name: String, fileName: String, contentType: String?, data: Data) {
        body.append(Data("""
            --\(boundary)\r\nContent-Disposition: form-data; name="\(Self.quoted(name))"; filename="\(Self.quoted(fileName))"\r
            Content-Type: \(contentType ?? "application/octet-stream")\r\n\r\n
            """.utf8))
        body.append(data)
        body.append(Data("\r\n".utf8))
    }

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }
    public var data: Data { body + Data("--\(boundary)--\r\n".utf8) }

    /// Quotes and line breaks cannot end the header value early.
    private static func quoted(_ text: String) -> String {
        String(text.unicodeScalars.map { $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\\" ? "_" : Character($0) })
    }
}
