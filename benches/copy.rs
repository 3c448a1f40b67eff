//! Copies through views: a contiguous copy (memcpy speed), a transposed copy (tiled), and a
//! strided copy, on 2048 x 2048 float64 (32 MiB). The transposed row should stay within a small
//! factor of the contiguous one; benches/compare_copy.py puts the same rows against NumPy.

use criterion::{criterion_group, criterion_main, Criterion};
use ndmem::layout::Strided;
use ndmem::{copy, view, Array, Dtype, Order, ScalarKind};
use std::sync::Arc;

const N: i64 = 2048;

fn copies(c: &mut Criterion) {
    let flat = Arc::new(
        Array::arange(0.0, (N * N) as f64, 1.0, Dtype::scalar(ScalarKind::Float64)).unwrap(),
    );
    let a = view::reshape(&flat, &[N, N], Order::C, ndmem::CopyMode::Never).unwrap();
    let t = Arc::new(view::transpose(&a, None).unwrap());
    let every_other = Arc::new(a.view(
        Strided {
            offset: 0,
            shape: vec![N, N / 2],
            strides: vec![N * 8, 16],
        },
        false,
    ));
    let mut g = c.benchmark_group("copy_2048x2048_f64");
    g.sample_size(20);
    g.bench_function("contiguous", |b| {
        b.iter(|| copy::copy(&a, Order::C).unwrap())
    });
    g.bench_function("transposed_to_C", |b| {
        b.iter(|| copy::copy(&t, Order::C).unwrap())
    });
    g.bench_function("every_other_column", |b| {
        b.iter(|| copy::copy(&every_other, Order::C).unwrap())
    });
    g.finish();
}

criterion_group!(benches, copies);
criterion_main!(benches);
