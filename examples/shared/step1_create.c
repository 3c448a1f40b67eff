/* Step 1 of the shared-data demo (C): create shared.npy, a 3 x 4 float64 array memory-mapped
 * from the file, and fill it in place with 0, 1, ..., 11. Steps 2-4 (C++, Fortran, Python) map
 * the same file and change or read the same bytes; no step ever copies the array. */
#include <stdio.h>
#include "ndmem.h"

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "shared.npy";
    ndm_dtype *f8 = NULL;
    ndm_array *a = NULL;
    int64_t shape[2] = {3, 4};
    if (ndm_dtype_parse("<f8", &f8) || ndm_open_memmap(path, "w+", f8, 2, shape, false, 0, &a)) {
        fprintf(stderr, "step 1: %s\n", ndm_last_error());
        return 1;
    }
    double *p = ndm_data(a); /* the mapped file's data */
    for (int i = 0; i < 12; i++) p[i] = i;
    ndm_flush(a);
    printf("C:       created %s, 3 x 4 values 0..11\n", path);
    ndm_array_free(a);
    ndm_dtype_free(f8);
    ndm_mem_counts m = {.size = sizeof m}; /* the ledger: what this step copied */
    ndm_mem_stats(&m);
    printf("         ledger: %llu copies, %llu bytes copied, %llu bytes allocated\n",
           (unsigned long long)(m.explicit_copies + m.implicit_copies),
           (unsigned long long)(m.explicit_bytes + m.implicit_bytes),
           (unsigned long long)m.bytes_allocated);
    return m.explicit_copies + m.implicit_copies == 0 ? 0 : 1;
}
