/* Summing a .npy file larger than memory with bounded resident memory.
 *
 *   large_file_sum FILE.npy            sum a float64 .npy file
 *   large_file_sum FILE.npy MIB        first create it: MIB mebibytes of 1.0, 2.0, 3.0, ...
 *
 * The file is memory-mapped read-only and walked in 8 MiB blocks: each block is a view (no
 * copy), reduced by ndmem's sum, then its pages are released with ndm_release_pages, so the
 * process never holds more than a block or two of the file however large it is. Creation works
 * the same way in mode "w+": fill a block in place with a ufunc, release it (which flushes it). */
#include <stdio.h>
#include <stdlib.h>
#include "ndmem.h"

#define BLOCK (8 << 20) / 8 /* elements per block */

static int fail(const char *what) {
    fprintf(stderr, "%s: %s\n", what, ndm_last_error());
    return 1;
}

/* A view of elements [start, start + n) of a 1-D array. */
static ndm_status block(const ndm_array *a, int64_t start, int64_t n, ndm_array **out) {
    ndm_index_item item = {NDM_INDEX_SLICE, 0, start, start + n, 1};
    return ndm_index(a, &item, 1, out);
}

static int create(const char *path, int64_t mib) {
    ndm_dtype *f8 = NULL;
    ndm_array *a = NULL, *ramp = NULL;
    int64_t n = mib * (1 << 20) / 8;
    if (ndm_dtype_parse("<f8", &f8) || ndm_open_memmap(path, "w+", f8, 1, &n, false, 0, &a) ||
        ndm_arange(1, BLOCK + 1, 1, f8, &ramp))
        return fail("create");
    for (int64_t start = 0; start < n; start += BLOCK) {
        int64_t len = n - start < BLOCK ? n - start : BLOCK;
        ndm_array *view = NULL, *head = NULL, *res = NULL;
        ndm_scalar offset = {NDM_SCALAR_FLOAT, 0, (double)start, 0};
        /* view = ramp[:len] + start, computed straight into the mapped file */
        if (block(a, start, len, &view) || block(ramp, 0, len, &head) ||
            ndm_ufunc_scalar(NDM_ADD, head, &offset, false, view, NULL, &res) ||
            ndm_release_pages(view))
            return fail("fill");
        ndm_array_free(res);
        ndm_array_free(head);
        ndm_array_free(view);
    }
    ndm_array_free(ramp);
    ndm_array_free(a);
    ndm_dtype_free(f8);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.npy [MIB to create first]\n", argv[0]);
        return 2;
    }
    if (argc > 2 && create(argv[1], atoll(argv[2])) != 0) return 1;
    ndm_array *a = NULL;
    if (ndm_open_memmap(argv[1], "r", NULL, 0, NULL, false, 0, &a)) return fail("open");
    if (ndm_ndim(a) != 1) {
        fprintf(stderr, "expected a 1-D float64 file\n");
        return 1;
    }
    int64_t n = ndm_shape(a)[0];
    double total = 0;
    for (int64_t start = 0; start < n; start += BLOCK) {
        ndm_array *view = NULL, *sum = NULL;
        int64_t len = n - start < BLOCK ? n - start : BLOCK;
        if (block(a, start, len, &view) || ndm_reduce(NDM_ADD, view, NULL, NDM_ALL_AXES, false, NULL, NULL, &sum))
            return fail("sum");
        total += *(const double *)ndm_data(sum);
        ndm_release_pages(view); /* this block's pages leave resident memory */
        ndm_array_free(sum);
        ndm_array_free(view);
    }
    ndm_array_free(a);
    printf("sum of %lld elements: %.17g\n", (long long)n, total);
    return 0;
}
