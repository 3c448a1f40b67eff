// Step 2 of the shared-data demo (C++): map shared.npy read-write and multiply it by 10 in place.
#include <cstdio>
#include "ndmem.hpp"

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "shared.npy";
    ndm_array *h = nullptr;
    ndmem::check(ndm_open_memmap(path, "r+", nullptr, 0, nullptr, false, 0, &h));
    ndmem::Array a(h);
    a *= 10.0;  // the ufunc writes the file's pages
    ndmem::check(ndm_flush(a.handle()));
    std::printf("C++:     multiplied by 10 in place, sum now %g\n", a.sum());
    ndm_mem_counts m = ndmem::mem_stats();  // the ledger: what this step copied
    std::printf("         ledger: %llu copies, %llu bytes copied\n",
                (unsigned long long)(m.explicit_copies + m.implicit_copies),
                (unsigned long long)(m.explicit_bytes + m.implicit_bytes));
    return m.explicit_copies + m.implicit_copies == 0 ? 0 : 1;
}
