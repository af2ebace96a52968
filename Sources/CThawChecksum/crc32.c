#include "CThawChecksum.h"

#include <immintrin.h>
#include <string.h>
#include <zlib.h>

// How the folding works. In zlib's reflected CRC-32, the first message bit is bit 0 of the first
// byte and the highest power of x. Loaded little-endian, a 16-byte block B is the polynomial
// L(x) x^64 + H(x), where L holds its low 8 bytes and H its high 8 bytes. A block followed by n
// more bits contributes B(x) x^n, and only its remainder mod P(x) matters, so a block can be
// folded forward by n bits: B x^n = L x^(n+64) + H x^n = L (x^(n+63) mod P) x + H (x^(n-1) mod P) x.
// A carry-less product of two reflected 64-bit values is the reflected product shifted by one bit,
// which supplies the factor x; so folding is two PCLMULQDQs by the constants below, each
// x^k mod P for the k shown, written reflected in the high half of a 64-bit word. Four running
// blocks fold forward by 512 bits each round; at the end they fold into one by 128 bits, and zlib
// finishes that block and the tail. zlib's starting value (the complement of `crc`) is XORed into
// the first four bytes, where it would have entered the register.
static const uint64_t fold512Low = 0x653d982200000000ULL;  // x^575 mod P
static const uint64_t fold512High = 0xcad38e8f00000000ULL; // x^511 mod P
static const uint64_t fold128Low = 0x65673b4600000000ULL;  // x^191 mod P
static const uint64_t fold128High = 0x9ba54c6f00000000ULL; // x^127 mod P

__attribute__((target("pclmul,sse4.1"))) static inline __m128i fold(__m128i block, __m128i constants) {
    return _mm_xor_si128(_mm_clmulepi64_si128(block, constants, 0x00), _mm_clmulepi64_si128(block, constants, 0x11));
}

__attribute__((target("pclmul,sse4.1"))) uint32_t thaw_crc32(uint32_t crc, const void *bytes, size_t length) {
    const uint8_t *data = bytes;
    if (length == 0) {
        return crc; // zlib would return its starting value for a null pointer, whatever `crc` is
    }
    if (length < 128) {
        return (uint32_t)crc32_z(crc, data, length);
    }

    __m128i running[4];
    for (int lane = 0; lane < 4; lane++) {
        running[lane] = _mm_loadu_si128((const __m128i *)(data + 16 * lane));
    }
    running[0] = _mm_xor_si128(running[0], _mm_cvtsi32_si128((int)~crc));
    data += 64;
    length -= 64;

    const __m128i by512 = _mm_set_epi64x((long long)fold512High, (long long)fold512Low);
    while (length >= 64) {
        for (int lane = 0; lane < 4; lane++) {
            __m128i next = _mm_loadu_si128((const __m128i *)(data + 16 * lane));
            running[lane] = _mm_xor_si128(fold(running[lane], by512), next);
        }
        data += 64;
        length -= 64;
    }

    const __m128i by128 = _mm_set_epi64x((long long)fold128High, (long long)fold128Low);
    __m128i combined = running[0];
    for (int lane = 1; lane < 4; lane++) {
        combined = _mm_xor_si128(fold(combined, by128), running[lane]);
    }

    uint8_t last[16];
    _mm_storeu_si128((__m128i *)last, combined);
    uLong finished = crc32_z(0xFFFFFFFFUL, last, sizeof last);
    return (uint32_t)crc32_z(finished, data, length);
}
