//! The ufunc and reduction kernels from Rust, on the shapes of benches/compare_ufunc.py scaled to
//! 1M elements (criterion needs many samples): in-place add, multiply into another array, sqrt,
//! exp, sin, and sums of 1000 x 1000 along each axis. The comparison with NumPy and with memory
//! bandwidth is benches/compare_ufunc.py; this shows regressions of the kernels themselves.

use criterion::{criterion_group, criterion_main, Criterion};
use ndmem::ufunc::{self, BinaryOp, MathFn, Options, ReduceOp, ReduceOptions, UnaryOp};
use ndmem::{view, Array, Dtype, Order, ScalarKind};
use std::sync::Arc;

const N: i64 = 1 << 20;

fn ramp(n: i64) -> Arc<Array> {
    Arc::new(
        Array::arange(
            0.5,
            n as f64 * 0.001 + 0.5,
            0.001,
            Dtype::scalar(ScalarKind::Float64),
        )
        .unwrap(),
    )
}

fn kernels(c: &mut Criterion) {
    let (a, b, out) = (ramp(N), ramp(N), ramp(N));
    let opts = Options::default();
    let mut g = c.benchmark_group("ufunc_1M_f64");
    g.sample_size(30);
    g.bench_function("a += b", |x| {
        x.iter(|| ufunc::binary(BinaryOp::Add, &a, &b, Some(&a), &opts).unwrap())
    });
    g.bench_function("multiply(a, b, out=c)", |x| {
        x.iter(|| ufunc::binary(BinaryOp::Multiply, &a, &b, Some(&out), &opts).unwrap())
    });
    for (name, f) in [
        ("sqrt", MathFn::Sqrt),
        ("exp", MathFn::Exp),
        ("sin", MathFn::Sin),
    ] {
        g.bench_function(name, |x| {
            x.iter(|| ufunc::unary(UnaryOp::Math(f), &b, Some(&out), &opts).unwrap())
        });
    }
    g.finish();

    let m = view::reshape(
        &ramp(1000 * 1000),
        &[1000, 1000],
        Order::C,
        ndmem::CopyMode::Never,
    )
    .unwrap();
    let mut g = c.benchmark_group("sum_1000x1000_f64");
    g.sample_size(30);
    for (name, axes) in [
        ("all", None),
        ("axis=0", Some(vec![0])),
        ("axis=1", Some(vec![1])),
    ] {
        let o = ReduceOptions {
            axes: axes.clone(),
            ..Default::default()
        };
        g.bench_function(name, |x| {
            x.iter(|| ufunc::reduce(ReduceOp::Add, &m, None, &o).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, kernels);
criterion_main!(benches);
