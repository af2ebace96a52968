#!/usr/bin/env python3
"""An independent PNG decoder (standard library only) used as the oracle for chelsea.png.

It parses the chunks, inflates IDAT with zlib and undoes the five PNG row filters for
non-interlaced 8-bit greyscale, RGB, grey+alpha and RGBA images, then prints the size, the
Adler-32 checksum of the RGB (or grey) pixels, row-major HWC with any alpha dropped, and a
few sample pixels. ImageDecoderTests.swift pins these values for <cache>/images/chelsea.png:
    python3 Tests/ThawDataTests/Fixtures/png_oracle.py .cache/images/chelsea.png
"""
import struct
import sys
import zlib

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def paeth(left, up, up_left):
    estimate = left + up - up_left
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
    if distances[0] <= distances[1] and distances[0] <= distances[2]:
        return left
    return up if distances[1] <= distances[2] else up_left


def decode(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, compressed = 8, b""
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        payload = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", payload)
            assert depth == 8 and interlace == 0 and colour in CHANNELS, "unsupported PNG layout"
        elif kind == b"IDAT":
            compressed += payload
        offset += 12 + length

    stride = CHANNELS[colour]
    raw = zlib.decompress(compressed)
    row_bytes = width * stride
    previous = bytearray(row_bytes)
    pixels = bytearray()
    for row in range(height):
        start = row * (row_bytes + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + row_bytes])
        for i in range(row_bytes):
            left = line[i - stride] if i >= stride else 0
            up = previous[i]
            up_left = previous[i - stride] if i >= stride else 0
            predictor = [0, left, up, (left + up) // 2, paeth(left, up, up_left)][kind]
            line[i] = (line[i] + predictor) & 0xFF
        pixels += line
        previous = line

    kept = stride if stride in (1, 3) else stride - 1
    result = bytearray()
    for index in range(0, len(pixels), stride):
        result += pixels[index:index + kept]
    return width, height, kept, bytes(result)


def main():
    width, height, channels, pixels = decode(sys.argv[1])
    print(f"width {width} height {height} channels {channels} adler32 {zlib.adler32(pixels)}")
    for x, y in [(0, 0), (450, 0), (0, 299), (450, 299), (225, 150), (100, 200)]:
        if x < width and y < height:
            index = (y * width + x) * channels
            print(f"pixel x {x} y {y}: {list(pixels[index:index + channels])}")


if __name__ == "__main__":
    main()
