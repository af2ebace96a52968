#!/usr/bin/env python3
"""Writes the tiny image fixtures used by ThawDataTests.

PNGs are written with the standard library (zlib, struct); JPEGs by Debian's cjpeg
(package libjpeg-turbo-progs) from PPM/PGM files this script writes. The pixel formulas here
are repeated in ImageDecoderTests.swift, which checks the decoded values against them.
Run from any directory: python3 Tests/ThawDataTests/Fixtures/make_fixtures.py
"""
import os
import struct
import subprocess
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def png_chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def write_png(name, width, height, colour_type, rows):
    """rows: list of bytes, one per row, without filter bytes (filter type 0 is added)."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
    data += png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b"")
    with open(os.path.join(HERE, name), "wb") as file:
        file.write(data)


def rgb_png_pixel(x, y):
    return (x * 60, y * 100, 200 - 50 * x)


def grey_png_pixel(x, y):
    return 40 * x + 100 * y + 10


def rgba_png_pixel(x, y):
    return (10 + x, 20 + y, 30, 0 if x == y else 255)


def rgb_jpeg_pixel(x, y):
    return (x * 16, y * 32, 128)


def grey_jpeg_pixel(x, y):
    return 8 * (x + y) + 60


def write_jpeg(name, netpbm, arguments):
    with tempfile.NamedTemporaryFile(suffix=".pnm") as source:
        source.write(netpbm)
        source.flush()
        with open(os.path.join(HERE, name), "wb") as target:
            subprocess.run(["cjpeg", *arguments, source.name], stdout=target, check=True)


def main():
    write_png("rgb-4x3.png", 4, 3, 2, [bytes(v for x in range(4) for v in rgb_png_pixel(x, y)) for y in range(3)])
    write_png("grey-3x2.png", 3, 2, 0, [bytes(grey_png_pixel(x, y) for x in range(3)) for y in range(2)])
    write_png("rgba-2x2.png", 2, 2, 6, [bytes(v for x in range(2) for v in rgba_png_pixel(x, y)) for y in range(2)])

    rgb = b"".join(bytes(rgb_jpeg_pixel(x, y)) for y in range(8) for x in range(16))
    write_jpeg("rgb-16x8.jpg", b"P6\n16 8\n255\n" + rgb, ["-quality", "95", "-sample", "1x1"])
    grey = bytes(grey_jpeg_pixel(x, y) for y in range(8) for x in range(8))
    write_jpeg("grey-8x8.jpg", b"P5\n8 8\n255\n" + grey, ["-quality", "95", "-grayscale"])


if __name__ == "__main__":
    main()
