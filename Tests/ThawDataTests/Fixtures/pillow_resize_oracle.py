#!/usr/bin/env python3
"""Prints Pillow's BILINEAR resize of small single-channel float ("F" mode) images, the values
ImageResizeTests.swift pins, and, given chelsea.png, torchvision's evaluation resize and crop
of it done by Pillow (Resize(256) then CenterCrop(224) on the 8-bit image), the values
ImagePreprocessingTests.swift pins. Needs Pillow (pip install pillow); the tests do not.
The small source image is value(x, y) = (x * 7 + y * 13) % 10 + x * 0.25, height x width.
    python3 Tests/ThawDataTests/Fixtures/pillow_resize_oracle.py .cache/images/chelsea.png
"""
import sys

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


def show_evaluation_crop(path):
    image = Image.open(path).convert("RGB")
    width, height = image.size
    short, long = min(width, height), max(width, height)
    new_long = int(256 * long / short)
    size = (256, new_long) if width <= height else (new_long, 256)
    resized = image.resize(size, Image.BILINEAR)
    left, top = int(round((size[0] - 224) / 2.0)), int(round((size[1] - 224) / 2.0))
    crop = resized.crop((left, top, left + 224, top + 224))
    pixels = [crop.getpixel((x, y)) for y in range(224) for x in range(224)]
    means = [sum(pixel[channel] for pixel in pixels) / len(pixels) for channel in range(3)]
    print(f"evaluation crop of {path}: resized to {size}, crop at ({left}, {top})")
    print("channel means:", ", ".join(f"{mean:.4f}" for mean in means))
    for x, y in [(0, 0), (223, 0), (0, 223), (223, 223), (112, 112), (50, 170)]:
        print(f"pixel x {x} y {y}: {list(crop.getpixel((x, y)))}")


if __name__ == "__main__":
    show(5, 7, 3, 4)
    show(3, 4, 5, 9)
    show(9, 9, 2, 3)
    if len(sys.argv) > 1:
        show_evaluation_crop(sys.argv[1])
