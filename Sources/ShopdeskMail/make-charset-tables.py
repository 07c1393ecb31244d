"""Writes CharsetTables.swift: the upper halves of the single-byte charsets Shopdesk decodes,
taken from Python's codec tables (the Unicode consortium's and WHATWG's mappings)."""
names = {'iso-8859-2': 'iso8859_2', 'iso-8859-5': 'iso8859_5', 'iso-8859-15': 'iso8859_15', 'windows-1250': 'cp1250',
         'windows-1251': 'cp1251', 'windows-1252': 'cp1252', 'koi8-r': 'koi8_r', 'koi8-u': 'koi8_u'}
print("// The upper halves (bytes 0x80–0xFF) of the single-byte charsets that shops' customers send.")
print("// Each table maps byte 0x80 + i to a Unicode scalar; 0xFFFD marks bytes a charset leaves")
print("// undefined. The lower half of every one of them is ASCII. Regenerate with")
print("// `python3 Sources/ShopdeskMail/make-charset-tables.py > Sources/ShopdeskMail/CharsetTables.swift`.")
print()
print("enum CharsetTables {")
print("    static let upperHalves: [String: [UInt16]] = [")
for name, codec in names.items():
    values = [ord(c) for c in bytes(range(128, 256)).decode(codec, errors='replace')]
    print('        "%s": [' % name)
    for i in range(0, 128, 16):
        print('            ' + ', '.join('0x%04X' % v for v in values[i:i + 16]) + ',')
    print('        ],')
print("    ]")
print("}")
