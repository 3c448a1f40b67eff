//! Fresh-buffer cost: allocate 80 MB and fill it once, with and without transparent huge pages
//! (NumPy advises huge pages for large allocations; the first touch then takes far fewer page
//! faults). Compare the two rows' ratio.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ndmem::buffer::{AllocOptions, Buffer};

const BYTES: usize = 80 << 20;

fn fresh_fill(c: &mut Criterion) {
    let mut g = c.benchmark_group("fresh_80MB_fill");
    g.sample_size(20);
    for huge in [true, false] {
        g.bench_with_input(
            BenchmarkId::from_parameter(if huge { "huge_pages" } else { "4k_pages" }),
            &huge,
            |b, &huge| {
                b.iter(|| {
                    let buf = Buffer::allocate(
                        BYTES,
                        AllocOptions {
                            zeroed: false,
                            huge_pages: huge,
                        },
                    )
                    .unwrap();
                    // SAFETY: the buffer holds BYTES writable bytes.
                    unsafe { buf.as_ptr().write_bytes(1, BYTES) };
                    buf
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, fresh_fill);
criterion_main!(benches);
