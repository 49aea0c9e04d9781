#!/usr/bin/env python3
# make_png.py -- writes the small test image tests/fixtures/img/dot.png (a red disc on white,
# 24x24 RGB, 8 bits) with the standard library only, so the fixture can be regenerated and
# checked byte for byte.  Usage: make_png.py OUT.png
import struct
import sys
import zlib


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def dot_png(size: int = 24) -> bytes:
    rows = []
    c = (size - 1) / 2
    for y in range(size):
        row = bytearray([0])  # filter type 0 (None) for every scanline
        for x in range(size):
            inside = (x - c) ** 2 + (y - c) ** 2 <= (size / 2 - 2) ** 2
            row += bytes((200, 30, 30) if inside else (255, 255, 255))
        rows.append(bytes(row))
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_png.py OUT.png")
    with open(sys.argv[1], "wb") as f:
        f.write(dot_png())
