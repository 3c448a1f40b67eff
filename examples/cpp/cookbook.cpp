// The README's C++ cookbook: each recipe is one function, shown verbatim in README.md; main()
// checks every result against a plain loop. Built and run by `cargo test` (valgrind too).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "ndmem.hpp"

using ndmem::Array;
using ndmem::Dtype;

// Rolling mean of a series, written into `means`: a window view (no copy) reduced over its
// window axis, with no temporary array.
void rolling_mean(const std::vector<double> &x, int64_t w, std::vector<double> &means) {
    Array series = Array::wrap(x);  // read-only: x is const
    series.sliding_window_view({w}).reduce_into(NDM_MEAN, Array::wrap(means), {-1});
}

// r = (a*b + c) / 2 with no temporary: every call writes into r, and no handle is made.
void multiply_add_halve(const Array &a, const Array &b, const Array &c, Array &r) {
    a.binary_into(NDM_MULTIPLY, b, r);
    r += c;
    r /= 2;
}

struct tick {
    int64_t time;
    double price;
    int32_t volume;
};

// price * volume of every tick, through field views of a std::vector of structs; the record
// dtype is built from offsetof/sizeof, so it matches any compiler's layout.
std::vector<double> notional(std::vector<tick> &ticks) {
    Dtype rec = ndmem::RecordBuilder()
                    .add("time", Dtype::of<int64_t>(), offsetof(tick, time))
                    .add("price", Dtype::of<double>(), offsetof(tick, price))
                    .add("volume", Dtype::of<int32_t>(), offsetof(tick, volume))
                    .finish(true, sizeof(tick));
    Array table = Array::wrap(ticks, rec);
    std::vector<double> value(ticks.size());
    table.field("price").binary_into(NDM_MULTIPLY, table.field("volume"), Array::wrap(value));
    return value;
}

// Writes 0, 1, 2, ... into a new .npy file of n float64 through a memory map, block by block,
// releasing each block's pages: resident memory stays about one block whatever n is.
void fill_file(const std::string &path, int64_t n, int64_t block) {
    Array map = Array::create_memmap(path, Dtype::of<double>(), {n});
    for (int64_t start = 0; start < n; start += block) {
        Array view = map.slice(start, std::min(start + block, n));  // a view: no copy
        auto p = view.span<double>();
        for (std::size_t i = 0; i < p.size(); i++) p[i] = static_cast<double>(start) + static_cast<double>(i);
        view.release_pages();  // written back, then dropped
    }
}

static int failed;

static void expect(bool ok, const char *what) {
    if (!ok) {
        failed++;
        std::fprintf(stderr, "cookbook: %s failed\n", what);
    }
}

int main() {
    try {
        std::vector<double> x(10), means(8);
        for (int i = 0; i < 10; i++) x[i] = (i * 7) % 5;
        rolling_mean(x, 3, means);
        bool ok = true;
        for (int i = 0; i < 8; i++) ok = ok && std::fabs(means[i] - (x[i] + x[i + 1] + x[i + 2]) / 3) < 1e-15;
        expect(ok, "rolling_mean");

        std::vector<double> av = {1, 2, 3, 4}, bv = {10, 20, 30, 40}, rv(4);
        Array r = Array::wrap(rv);
        multiply_add_halve(Array::wrap(av), Array::wrap(bv), Array::full({1}, 100.0), r);
        ok = true;
        for (int i = 0; i < 4; i++) ok = ok && rv[i] == (av[i] * bv[i] + 100) / 2;
        expect(ok, "multiply_add_halve");

        std::vector<tick> ticks(5);
        for (int i = 0; i < 5; i++) ticks[i] = {1000 + i, 1.25 * i, 100 * i};
        std::vector<double> value = notional(ticks);
        ok = true;
        for (int i = 0; i < 5; i++) ok = ok && value[i] == ticks[i].price * ticks[i].volume;
        expect(ok, "notional");

        const std::string path = "/tmp/ndmem_cookbook_cpp.npy";
        const int64_t n = 100000;
        fill_file(path, n, 4096);
        expect(Array::open_memmap(path).sum() == static_cast<double>(n) * (n - 1) / 2, "fill_file");
        std::remove(path.c_str());
    } catch (const ndmem::Error &e) {
        std::fprintf(stderr, "cookbook: %s\n", e.what());
        failed++;
    }
    std::printf("cookbook: 4 recipes, %d failed\n", failed);
    return failed != 0;
}
