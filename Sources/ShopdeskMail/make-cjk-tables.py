"""Writes CharsetData/*.bin: the multi-byte East-Asian charset tables Shopdesk decodes with
(`EastAsianCharsets.swift`), indexed the way the WHATWG Encoding Standard's decoders index them.
The mappings come from Python's CJK codecs (built from the Unicode consortium's and the vendors'
published tables: cp932, euc_jp, gb18030, big5hkscs, cp949).

Every table is a flat array of little-endian code points, 0 where a pointer has none:
  jis0208.bin   u16 × 11104  pointer = row·188 + cell, as Shift_JIS (and EUC-JP, ISO-2022-JP) count
  jis0212.bin   u16 × 8836   EUC-JP's 0x8F planes: (lead − 0xA1)·94 + trail − 0xA1
  gb18030.bin   u16 × 23940  two-byte GBK/GB18030: (lead − 0x81)·190 + trail offset
  gb18030-ranges.bin  u32 pairs (pointer, code point): where each run of four-byte codes starts
                (code point 0: a run of pointers with none)
  big5.bin      u32 × 19782  Big5 with HKSCS: (lead − 0x81)·157 + trail offset
  euc-kr.bin    u16 × 23940  Windows-949 (EUC-KR plus UHC): (lead − 0x81)·190 + trail − 0x41

Regenerate with `python3 Sources/ShopdeskMail/make-cjk-tables.py Sources/ShopdeskMail/CharsetData`.
"""
import struct
import sys

out = sys.argv[1]


def one(data, codec):
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return 0
    return ord(text) if len(text) == 1 else 0


def write(name, values, fmt):
    with open(f"{out}/{name}", "wb") as f:
        f.write(struct.pack("<%d%s" % (len(values), fmt), *values))


def jis0208():
    values = []
    for pointer in range(11104):
        lead, trail = divmod(pointer, 188)
        lead += 0x81 if lead < 0x1F else 0xC1
        trail += 0x40 if trail < 0x3F else 0x41
        values.append(one(bytes([lead, trail]), "cp932"))
    return values


def jis0212():
    return [one(bytes([0x8F, 0xA1 + p // 94, 0xA1 + p % 94]), "euc_jp") for p in range(94 * 94)]


def gb18030():
    values = []
    for pointer in range(126 * 190):
        lead, trail = divmod(pointer, 190)
        trail += 0x40 if trail < 0x3F else 0x41
        values.append(one(bytes([0x81 + lead, trail]), "gb18030"))
    return values


def gb18030_ranges():
    pairs, previous = [], None
    for pointer in range(39420):
        b4 = pointer % 10
        b3 = pointer // 10 % 126
        b2 = pointer // 1260 % 10
        b1 = pointer // 12600
        code = one(bytes([0x81 + b1, 0x30 + b2, 0x81 + b3, 0x30 + b4]), "gb18030")
        # A run starts where the codes stop counting up; a run of code 0 marks pointers with none.
        if code != (previous + 1 if previous else 0) or (code == 0 and previous != 0):
            pairs += [pointer, code]
        previous = code
    return pairs


def big5():
    values = []
    for pointer in range(126 * 157):
        lead, trail = divmod(pointer, 157)
        trail += 0x40 if trail < 0x3F else 0x62
        values.append(one(bytes([0x81 + lead, trail]), "big5hkscs"))
    return values


def euc_kr():
    return [one(bytes([0x81 + p // 190, 0x41 + p % 190]), "cp949") for p in range(126 * 190)]


write("jis0208.bin", jis0208(), "H")
write("jis0212.bin", jis0212(), "H")
write("gb18030.bin", gb18030(), "H")
write("gb18030-ranges.bin", gb18030_ranges(), "I")
write("big5.bin", big5(), "I")
write("euc-kr.bin", euc_kr(), "H")
