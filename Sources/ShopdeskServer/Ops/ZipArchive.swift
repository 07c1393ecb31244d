import Foundation

/// A ZIP archive (PKWARE APPNOTE 6.3) of stored entries, written in memory: what a customer's
/// data export is handed out as. Entries are stored, not deflated (attachments are mostly
/// compressed already); names are UTF-8 (flag bit 11). Archives past 4 GiB or 65,535 entries
/// would need ZIP64 and are refused.
struct ZipArchive {
    private(set) var bytes: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0
    /// 1980-01-01 00:00 in MS-DOS time and date: the entries carry no time of their own.
    private static let dosTime: UInt16 = 0, dosDate: UInt16 = (0 << 9) | (1 << 5) | 1

    struct TooLarge: Error, CustomStringConvertible {
        var description: String { "The export is too large for one ZIP archive (4 GiB or 65,535 files)." }
    }

    mutating func add(_ name: String, _ data: [UInt8]) throws {
        let nameBytes = Array(name.utf8)
        guard bytes.count + data.count + nameBytes.count + 30 < Int(UInt32.max), count < 65_535 else { throw TooLarge() }
        let offset = UInt32(bytes.count)
        let crc = Self.crc32(data)
        let size = UInt32(data.count)
        // Local file header.
        bytes += le32(0x0403_4B50) + le16(20) + le16(0x0800) + le16(0) + le16(Self.dosTime) + le16(Self.dosDate)
        bytes += le32(crc) + le32(size) + le32(size) + le16(UInt16(nameBytes.count)) + le16(0) + nameBytes
        bytes += data
        // Its central directory record.
        central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0x0800) + le16(0) + le16(Self.dosTime) + le16(Self.dosDate)
        central += le32(crc) + le32(size) + le32(size) + le16(UInt16(nameBytes.count)) + le16(0) + le16(0) + le16(0) + le16(0)
        central += le32(0o100644 << 16) + le32(offset) + nameBytes
        count += 1
    }

    /// The whole archive: the entries, the central directory, its end record.
    func finished() throws -> [UInt8] {
        guard bytes.count + central.count < Int(UInt32.max) else { throw TooLarge() }
        return bytes + central + le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(count)) + le16(UInt16(count))
            + le32(UInt32(central.count)) + le32(UInt32(bytes.count)) + le16(0)
    }

    private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> ($0 * 8)) & 0xFF) } }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
