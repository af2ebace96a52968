#!/usr/bin/env python3
"""Prints Pillow's BILINEAR resize of small single-channel float ("F" mode) images, the values
ImageResizeTests.swift pins. Needs Pillow (pip install pillow); the test itself does not.
The source image is value(x, y) = (x * 7 + y * 13) % 10 + x * 0.25, height x width.
    python3 Tests/ThawDataTests/Fixtures/pillow_resize_oracle.py
"""
from PIL import Image


def source(height, width):
    image = Image.new("F", (width, height))
    for y in range(height):
        for x in range(width):
            image.putpixel((x, y), float((x * 7 + y * 13) % 10 + x * 0.25))
    return image


def show(height, width, to_height, to_width):
    resized = source(height, width).resize((to_width, to_height), Image.BILINEAR)
    values = [resized.getpixel((x, y)) for y in range(to_height) for x in range(to_width)]
    print(f"{height}x{width} -> {to_height}x{to_width}:", ", ".join(f"{v:.6f}" for v in values))


if __name__ == "__main__":
    show(5, 7, 3, 4)
    show(3, 4, 5, 9)
    show(9, 9, 2, 3)
