#pragma once
#include <stddef.h>
#include <stdint.h>

/// Decodes a JPEG held in memory into 8-bit RGB or greyscale pixels.
///
/// On success returns 0 and sets `*pixels` to a `malloc`ed buffer of
/// `width * height * channels` bytes that the caller frees with `thaw_free`.
/// On a corrupt or truncated stream returns -1 and writes libjpeg's message into
/// `message` (at most `message_capacity` bytes, NUL-terminated); the process is never
/// exited, unlike libjpeg's default error handler.
int thaw_jpeg_decode(const uint8_t *data, size_t size, uint8_t **pixels, int *width, int *height,
                     int *channels, char *message, size_t message_capacity);

/// Frees a buffer returned by the shim.
void thaw_free(void *pointer);

/// Asks the kernel to send SIGTERM to this process when its parent dies (`prctl(PR_SET_PDEATHSIG)`).
/// Returns 0 on success, -1 with `errno` set otherwise.
int thaw_set_parent_death_signal(int signal_number);

/// Tells glibc's allocator to keep freed memory for reuse instead of returning large blocks to the
/// kernel (`mallopt(M_MMAP_THRESHOLD)` and `M_TRIM_THRESHOLD`), so that a training step's large,
/// short-lived activations reuse pages rather than fault in freshly zeroed ones. It also keeps every
/// thread on the main heap (`M_ARENA_MAX` 1): a worker computes on a Swift concurrency thread, whose
/// own arena would hand large blocks back to the kernel and fault them in again on every step.
/// Returns 0 on success, -1 if glibc refused a setting.
int thaw_keep_freed_memory(void);

/// OpenSSL's `SSL_CTX_set_min_proto_version`, `SSL_CTX_set_max_proto_version` and friends are
/// macros; these wrap them as functions Swift can call. Each returns OpenSSL's result.
int thaw_ssl_ctx_set_min_proto_version(void *ctx, int version);
int thaw_ssl_ctx_set_max_proto_version(void *ctx, int version);
long thaw_ssl_ctx_set_mode(void *ctx, long mode);
int thaw_ssl_ctx_set1_groups_list(void *ctx, const char *groups);
long thaw_ssl_ctx_set_session_cache_mode(void *ctx, long mode);
int thaw_ssl_set_tlsext_host_name(void *ssl, const char *name);
int thaw_tls1_3_version(void);
int thaw_tls1_2_version(void);
