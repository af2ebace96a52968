#include "CThawShim.h"

#include <openssl/ssl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <jpeglib.h>
#include <malloc.h>

struct thaw_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf escape;
    char message[JMSG_LENGTH_MAX];
};

static void thaw_jpeg_error_exit(j_common_ptr info) {
    struct thaw_jpeg_error *error = (struct thaw_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->escape, 1);
}

static void thaw_jpeg_quiet(j_common_ptr info) { (void)info; }

int thaw_jpeg_decode(const uint8_t *data, size_t size, uint8_t **pixels, int *width, int *height,
                     int *channels, char *message, size_t message_capacity) {
    struct jpeg_decompress_struct info;
    struct thaw_jpeg_error error;
    uint8_t *volatile buffer = NULL;

    *pixels = NULL;
    memset(&info, 0, sizeof info);
    memset(&error, 0, sizeof error);
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = thaw_jpeg_error_exit;
    error.manager.output_message = thaw_jpeg_quiet;

    if (setjmp(error.escape)) {
        if (message_capacity > 0) {
            snprintf(message, message_capacity, "%s", error.message);
        }
        jpeg_destroy_decompress(&info);
        free(buffer);
        return -1;
    }

    jpeg_CreateDecompress(&info, JPEG_LIB_VERSION, sizeof info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    if (info.jpeg_color_space != JCS_GRAYSCALE) {
        info.out_color_space = JCS_RGB;
    }
    jpeg_start_decompress(&info);

    size_t stride = (size_t)info.output_width * (size_t)info.output_components;
    buffer = malloc(stride * info.output_height);
    if (buffer == NULL) {
        snprintf(error.message, sizeof error.message, "out of memory for %ux%u image", info.output_width,
                 info.output_height);
        longjmp(error.escape, 1);
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = buffer + stride * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);

    *width = (int)info.output_width;
    *height = (int)info.output_height;
    *channels = info.output_components;
    *pixels = buffer;
    jpeg_destroy_decompress(&info);
    return 0;
}

void thaw_free(void *pointer) { free(pointer); }

int thaw_set_parent_death_signal(int signal_number) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal_number, 0, 0, 0);
}

int thaw_keep_freed_memory(void) {
    int mmap = mallopt(M_MMAP_THRESHOLD, 1 << 30);
    int trim = mallopt(M_TRIM_THRESHOLD, 1 << 30);
    int arenas = mallopt(M_ARENA_MAX, 1);
    return (mmap == 1 && trim == 1 && arenas == 1) ? 0 : -1;
}

int thaw_ssl_ctx_set_min_proto_version(void *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version((SSL_CTX *)ctx, version);
}

int thaw_ssl_ctx_set_max_proto_version(void *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version((SSL_CTX *)ctx, version);
}

long thaw_ssl_ctx_set_mode(void *ctx, long mode) { return SSL_CTX_set_mode((SSL_CTX *)ctx, mode); }

int thaw_ssl_ctx_set1_groups_list(void *ctx, const char *groups) {
    return (int)SSL_CTX_set1_groups_list((SSL_CTX *)ctx, groups);
}

long thaw_ssl_ctx_set_session_cache_mode(void *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode((SSL_CTX *)ctx, mode);
}

int thaw_ssl_set_tlsext_host_name(void *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name((SSL *)ssl, name);
}

int thaw_tls1_3_version(void) { return TLS1_3_VERSION; }

int thaw_tls1_2_version(void) { return TLS1_2_VERSION; }
