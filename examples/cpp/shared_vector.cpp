// C++: a std::vector shared with ndmem, no copy. Build: c++ -std=c++17 -Iinclude -Ibindings/cpp ...
#include <cstdio>
#include <vector>
#include "ndmem.hpp"

int main() {
    std::vector<double> v = {1, 2, 3, 4, 5, 6};
    ndmem::Array a = ndmem::Array::wrap(v, {2, 3});  // same memory as v
    a *= 10.0;                                        // in-place ufunc
    ndmem::Array col = a.transpose().slice(2, 3);     // a view: column 2
    col += a.transpose().slice(0, 1);                 // broadcast, in place
    std::printf("v = %g %g %g | %g %g %g, sum %g\n", v[0], v[1], v[2], v[3], v[4], v[5], a.sum());
    try {
        ndmem::Array::zeros({3}, ndmem::Dtype::parse("<i8")) += 0.5;  // NumPy's casting rule
    } catch (const ndmem::Error &e) {
        std::printf("error: %s\n", e.what());
    }
    return 0;
}
