/// Maps the hashed feature keys a model saw in training to its rows.
///
/// An open-addressing table with linear probing. Each slot is one 64-bit word, the key's upper
/// 32 bits beside its row, so a lookup usually touches a single cache line: with ~100,000
/// features the table is 1–2 MB and lookups, not arithmetic, are what prediction waits on.
/// The slot position uses the key's low bits and the stored fingerprint its high bits, so two
/// keys share a row only if they agree on well over 40 bits, far rarer than the collisions that
/// hashing n-grams accepts anyway.
struct FeatureIndex: Sendable {
    /// The keys in row order, kept for serialization.
    private(set) var keys: [UInt64]
    private var slots: [UInt64]
    private let mask: Int

    init(keys: [UInt64]) {
        self.keys = keys
        var capacity = 16
        // At most ~70 % full.
        while capacity * 7 < keys.count * 10 { capacity <<= 1 }
        mask = capacity - 1
        slots = Array(repeating: 0, count: capacity)
        for (row, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: key) & mask
            let fingerprint = key >> 32
            while slots[slot] != 0 {
                // A repeated fingerprint in the same chain would shadow this key: keep the first.
                if slots[slot] >> 32 == fingerprint { break }
                slot = (slot + 1) & mask
            }
            if slots[slot] == 0 { slots[slot] = fingerprint << 32 | UInt64(row + 1) }
        }
    }

    var count: Int { keys.count }

    @inline(__always)
    func row(_ key: UInt64) -> Int? {
        let fingerprint = key >> 32
        return slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: key) & mask
            while true {
                let found = slots[slot]
                if found == 0 { return nil }
                if found >> 32 == fingerprint { return Int(found & 0xFFFF_FFFF) - 1 }
                slot = (slot + 1) & mask
            }
        }
    }
}
