import NIOCore

/// Lines (without their CRLF or LF) from a byte stream.
struct LineReader {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var buffer: [UInt8] = []
    private var start = 0

    init(_ stream: NIOAsyncChannelInboundStream<ByteBuffer>) {
        iterator = stream.makeAsyncIterator()
    }

    enum Line: Equatable {
        case text([UInt8])
        /// A line longer than the limit, read to its end and dropped (never held in memory whole).
        case tooLong
    }

    /// No bytes are waiting beyond the last line read.
    var isEmpty: Bool { start >= buffer.count }

    /// The next line, or nil at the end of the stream or when a line is longer than `limit`
    /// (for clients, to whom such a line is a protocol violation).
    mutating func next(limit: Int) async throws -> [UInt8]? {
        guard case .text(let line)? = try await nextLine(limit: limit) else { return nil }
        return line
    }

    /// The next line or `.tooLong`; nil only at the end of the stream. Each byte is looked at
    /// once however the line arrives (a long line in many small reads is not searched again
    /// from its start for every read).
    mutating func nextLine(limit: Int) async throws -> Line? {
        var scanned = start
        var overflowed = false
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = overflowed ? nil : Array(buffer[start..<end])
                start = newline + 1
                if start > 65_536 {
                    buffer.removeFirst(start)
                    start = 0
                }
                return line.map(Line.text) ?? .tooLong
            }
            if buffer.count - start > limit {
                // Too long: forget what was read of it and keep reading to its end.
                overflowed = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            scanned = buffer.count
            guard let chunk = try await iterator.next() else { return nil }
            buffer += chunk.readableBytesView
        }
    }
}
