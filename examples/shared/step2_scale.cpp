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
    return 0;
}
