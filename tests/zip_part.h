/* Reading what a test wrote: a whole file, or one part of a zip (an .xlsx), into a
 * NUL-terminated buffer the caller frees with mem_free; NULL when absent or unreadable. */
#ifndef WS_TESTS_ZIP_PART_H
#define WS_TESTS_ZIP_PART_H

#include <stdint.h>
#include <stdio.h>

#include <minizip/unzip.h>

#include "core/mem.h"

static inline char *
zip_part(const char *path, const char *entry)
{
    unzFile uz = unzOpen64(path);
    if (!uz)
        return NULL;
    char *data = NULL;
    unz_file_info64 info;
    if (unzLocateFile(uz, entry, 1) == UNZ_OK &&
        unzGetCurrentFileInfo64(uz, &info, NULL, 0, NULL, 0, NULL, 0) == UNZ_OK &&
        unzOpenCurrentFile(uz) == UNZ_OK) {
        data = mem_alloc((size_t)info.uncompressed_size + 1);
        int n = data ? unzReadCurrentFile(uz, data, (unsigned)info.uncompressed_size) : -1;
        if (n < 0 || (uint64_t)n != info.uncompressed_size ||
            unzCloseCurrentFile(uz) != UNZ_OK) {
            mem_free(data);
            data = NULL;
        } else {
            data[n] = '\0';
        }
    }
    unzClose(uz);
    return data;
}

static inline char *
file_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = n >= 0 ? mem_alloc((size_t)n + 1) : NULL;
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
        mem_free(data);
        data = NULL;
    }
    if (data)
        data[n] = '\0';
    fclose(f);
    return data;
}

#endif
