#pragma once
#include <stddef.h>
#include <stdint.h>

/// zlib's CRC-32 (the IEEE polynomial, reflected, as `crc32()` computes it) of `length` bytes at
/// `bytes`, continuing from `crc` (0 to start). Long inputs are folded 64 bytes at a time with
/// carry-less multiplication (PCLMULQDQ), several times faster than zlib's table-driven loop; the
/// last 16 to 79 bytes go through zlib. Gives exactly `crc32(crc, bytes, length)`.
uint32_t thaw_crc32(uint32_t crc, const void *bytes, size_t length);
