//! The public Rust API (ndmem is also an rlib), used as a Rust program would: creation, views
//! that share memory, copies, casting rules, ufuncs with `out=` overlapping an input, reductions,
//! `.npy` files and exact overlap queries — all without `unsafe` on the caller's side, and with
//! NumPy's values, shapes and strides.

use ndmem::layout::index::IndexItem;
use ndmem::overlap::{shares_memory, Footprint, Overlap};
use ndmem::ufunc::{self, BinaryOp, Options, ReduceOp, ReduceOptions};
use ndmem::{copy, npy, view, Array, Casting, CopyMode, Dtype, ErrorKind, Order, ScalarKind};
use std::sync::Arc;

fn f8() -> Dtype {
    Dtype::scalar(ScalarKind::Float64)
}

fn values(a: &Array) -> Vec<f64> {
    let c = copy::copy(a, Order::C).expect("copy");
    let c = copy::astype(
        &Arc::new(c),
        &f8(),
        Casting::Unsafe,
        Order::C,
        CopyMode::Always,
    )
    .expect("astype");
    let mut out = Vec::new();
    let mut index = vec![0i64; c.ndim()];
    for _ in 0..c.size() {
        let bytes = c.get_item(&index, &f8()).expect("get_item");
        out.push(f64::from_ne_bytes(bytes.try_into().expect("8 bytes")));
        for k in (0..index.len()).rev() {
            index[k] += 1;
            if index[k] < c.shape()[k] {
                break;
            }
            index[k] = 0;
        }
    }
    out
}

#[test]
fn views_share_memory_and_copies_do_not() {
    let a = Arc::new(Array::arange(0.0, 12.0, 1.0, f8()).expect("arange"));
    let m = view::reshape(&a, &[3, 4], Order::C, CopyMode::Never).expect("a view");
    assert_eq!((m.shape(), m.strides()), (&[3, 4][..], &[32, 8][..]));
    assert_eq!(m.data_ptr(), a.data_ptr());
    let t = Arc::new(view::transpose(&m, None).expect("transpose"));
    assert_eq!(t.strides(), &[8, 32]);
    assert!(t.is_f_contiguous() && !t.is_c_contiguous());
    // a[::-1, 1] on the 3x4 view: a negative stride into the same buffer.
    let items = [
        IndexItem::Slice {
            start: None,
            stop: None,
            step: -1,
        },
        IndexItem::Int(1),
    ];
    let col = view::index(&m, &items).expect("index");
    assert_eq!(col.strides(), &[-32]);
    assert_eq!(values(&col), [9.0, 5.0, 1.0]);
    // The transposed view cannot be reshaped flat without a copy; NumPy's rule says so.
    let err = view::reshape(&t, &[12], Order::C, CopyMode::Never).expect_err("needs a copy");
    assert_eq!(err.kind, ErrorKind::CopyRequired);
    let flat = view::reshape(&t, &[12], Order::C, CopyMode::IfNeeded).expect("a copy");
    assert_ne!(flat.data_ptr(), a.data_ptr());
    assert_eq!(values(&flat)[..4], [0.0, 4.0, 8.0, 1.0]);
    let (fm, fc, ff) = (Footprint::of(&m), Footprint::of(&col), Footprint::of(&flat));
    assert_eq!(shares_memory(&fm, &fc, -1).expect("solved"), Overlap::Yes);
    assert_eq!(shares_memory(&ff, &fm, -1).expect("solved"), Overlap::No);
}

#[test]
fn casting_rules_and_errors_are_numpys() {
    let i8d: Dtype = "int8".parse().expect("dtype");
    let a = Array::zeros(i8d.clone(), &[3], ndmem::layout::MemOrder::C).expect("zeros");
    let b = Array::arange(0.5, 3.5, 1.0, f8()).expect("arange");
    let err = copy::copyto(&a, &b, Casting::SameKind).expect_err("float to int is not same_kind");
    assert_eq!(err.kind, ErrorKind::Casting);
    assert!(err.message.contains("same_kind"), "{}", err.message);
    copy::copyto(&a, &b, Casting::Unsafe).expect("unsafe casting truncates");
    assert_eq!(values(&a), [0.0, 1.0, 2.0]);
    let bad = "f3".parse::<Dtype>().expect_err("not a dtype");
    assert_eq!(bad.kind, ErrorKind::Dtype);
    let rec: Dtype = "[('x', '<f8'), ('n', '<i4')]".parse().expect("a record");
    assert_eq!(rec.itemsize(), 12);
    assert_eq!(rec.to_string(), "|V12");
}

#[test]
fn ufuncs_with_overlapping_out_and_reductions() {
    let a = Arc::new(Array::arange(0.0, 8.0, 1.0, f8()).expect("arange"));
    // out = a[1:], inputs a[:-1] and a[1:]: results as if the inputs were copied first.
    let slice = |lo: Option<i64>, hi: Option<i64>| {
        Arc::new(
            view::index(
                &a,
                &[IndexItem::Slice {
                    start: lo,
                    stop: hi,
                    step: 1,
                }],
            )
            .expect("slice"),
        )
    };
    let (head, tail) = (slice(None, Some(-1)), slice(Some(1), None));
    ufunc::binary(
        BinaryOp::Add,
        &head,
        &tail,
        Some(&tail),
        &Options::default(),
    )
    .expect("add");
    assert_eq!(values(&a), [0.0, 1.0, 3.0, 5.0, 7.0, 9.0, 11.0, 13.0]);
    let m = view::reshape(&a, &[2, 4], Order::C, CopyMode::Never).expect("view");
    let opts = ReduceOptions {
        axes: Some(vec![1]),
        keepdims: false,
        dtype: None,
        mask: None,
    };
    let rows = ufunc::reduce(ReduceOp::Add, &m, None, &opts).expect("sum");
    assert_eq!(values(&rows), [9.0, 40.0]);
    let all = ReduceOptions {
        axes: None,
        keepdims: true,
        dtype: None,
        mask: None,
    };
    let total = ufunc::reduce(ReduceOp::Maximum, &m, None, &all).expect("max");
    assert_eq!((total.shape(), values(&total)), (&[1, 1][..], vec![13.0]));
    let ro = Arc::new(a.with_writeable(false).expect("read-only view"));
    let err = ufunc::binary(BinaryOp::Add, &ro, &ro, Some(&ro), &Options::default())
        .expect_err("read-only");
    assert_eq!(err.kind, ErrorKind::ReadOnly);
}

#[test]
fn npy_files_round_trip() {
    let dir = std::env::temp_dir().join(format!("ndmem_rust_api_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("m.npy");
    let a = Arc::new(Array::arange(0.0, 6.0, 1.0, f8()).expect("arange"));
    let m = view::reshape(&a, &[2, 3], Order::C, CopyMode::Never).expect("view");
    let t = Arc::new(view::transpose(&m, None).expect("transpose"));
    assert_eq!(npy::save(&path, &t, None).expect("save"), 1);
    let back = npy::load(&path, 10_000).expect("load");
    assert_eq!(back.shape(), &[3, 2]);
    assert!(
        back.is_f_contiguous(),
        "a transposed view is saved in Fortran order"
    );
    assert_eq!(values(&back), values(&t));
    std::fs::remove_dir_all(&dir).expect("clean up");
}
