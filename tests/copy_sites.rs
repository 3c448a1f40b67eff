//! Every place the core allocates element memory or copies elements, found by searching the
//! sources, is listed here with how memory accounting counts it (issue 18: "every implicit-copy
//! site in the code is counted"). A new site changes a count and fails this test until it is
//! counted (`accounting::explicit_copy`, `accounting::implicit_copy` / `copy::temporary`,
//! `accounting::block_buffer`) and listed. The C and Python tests run every implicit site under
//! each copy policy.

use std::collections::BTreeMap;
use std::path::Path;

const PATTERNS: [&str; 13] = [
    "Array::allocate(",
    "Buffer::allocate_resizable(",
    "Array::empty(",
    "Array::zeros(",
    "Buffer::allocate(",
    "Buffer::from_bytes(",
    "copy::copy(",
    "copy::temporary(",
    "duplicate(",
    "flat_copy(",
    "vec![0u8;",
    "read_bytes(",
    "copyto(",
];

/// (file, pattern, count, how each is counted).
const SITES: &[(&str, &str, usize, &str)] = &[
    ("src/array.rs", "vec![0u8;", 1, "get_item: the element handed to the caller (the operation's result)"),
    ("src/buffer.rs", "Buffer::allocate(", 1, "from_bytes: an owned buffer, counted as an allocation by Buffer"),
    ("src/buffer.rs", "read_bytes(", 1, "the definition (no caller in the core)"),
    ("src/buffer.rs", "vec![0u8;", 1, "read_bytes: the bytes handed to the caller"),
    ("src/copy.rs", "Array::allocate(", 3, "empty_like (a result); duplicate (explicit via copy, implicit via temporary); astype (explicit)"),
    ("src/copy.rs", "copyto(", 6, "the definition and its callers: duplicate, astype, the overlap temporary (implicit CopytoOverlap), doc text"),
    ("src/copy.rs", "duplicate(", 3, "definition; copy (explicit); temporary (implicit, policy asked first)"),
    ("src/create.rs", "Array::allocate(", 2, "empty/zeros: results, not copies"),
    ("src/create.rs", "Array::empty(", 2, "full and arange: results (arange swaps byte order in place, no temporary)"),
    ("src/create.rs", "Buffer::allocate(", 1, "Array::allocate: every array allocation, counted by Buffer"),
    ("src/grow.rs", "Buffer::allocate_resizable(", 2, "empty: the growable's buffer (a result); relocate: the move past the capacity while views live (implicit Growth for an append, explicit for reserve)"),
    ("src/grow.rs", "copyto(", 1, "append: the values into the new rows (the operation's result)"),
    ("src/npy/read.rs", "Array::allocate(", 1, "load: the result"),
    ("src/npy/read.rs", "Buffer::allocate(", 1, "load of an empty array: the result"),
    ("src/npy/read.rs", "vec![0u8;", 1, "the header text (not elements)"),
    ("src/npy/write.rs", "Buffer::allocate(", 1, "stream: a fixed-size block (block_buffer); save itself is explicit"),
    ("src/npy/write.rs", "copyto(", 1, "stream: into the block above"),
    ("src/select.rs", "Array::allocate(", 1, "concatenate: the result (explicit)"),
    ("src/select.rs", "Array::empty(", 2, "indices_of: int64 conversion (implicit OperandConversion); take: the result (explicit)"),
    ("src/select.rs", "copyto(", 3, "into the converted indices and into the results above"),
    ("src/ufunc/apply.rs", "Array::allocate(", 1, "allocate_k: the ufunc result, not a copy"),
    ("src/ufunc/apply.rs", "copy::temporary(", 1, "settle: an input overlapping out (implicit UfuncOverlap)"),
    ("src/ufunc/apply.rs", "vec![0u8;", 4, "run: casting blocks and where flags (block_buffer)"),
    ("src/ufunc/reduce.rs", "Array::allocate(", 2, "the accumulator (implicit ReductionResult when out= or a float16 mean, else the result); the float16 mean's result"),
    ("src/ufunc/reduce.rs", "Array::zeros(", 1, "mean's 0-d count (block_buffer)"),
    ("src/ufunc/reduce.rs", "copyto(", 2, "accumulator into out / into the float16 result (counted with the accumulator)"),
    ("src/ufunc/reduce.rs", "vec![0u8;", 2, "accumulate: conversion and where blocks (block_buffer)"),
    ("src/ufunc/scalar.rs", "Array::zeros(", 1, "zero_d: the scalar operand (block_buffer)"),
    ("src/view.rs", "Array::empty(", 1, "flat_copy: flatten (explicit) or ravel (implicit Ravel)"),
    ("src/view.rs", "copy::copy(", 2, "reshape with copy=always (explicit); ascontiguousarray of a non-contiguous array (explicit)"),
    ("src/view.rs", "copy::temporary(", 1, "reshape with copy-if-needed (implicit Reshape)"),
    ("src/view.rs", "copyto(", 1, "flat_copy: into its result"),
    ("src/view.rs", "flat_copy(", 3, "definition; flatten (explicit); ravel (implicit Ravel)"),
];

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let p = entry.expect("entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_allocation_and_copy_site_is_listed_with_how_it_is_counted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    let mut found = BTreeMap::new();
    for f in files {
        let rel = f
            .strip_prefix(root)
            .expect("inside the crate")
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("src/ffi/") {
            continue; // the C shell calls the core; it copies nothing itself
        }
        let text = std::fs::read_to_string(&f).expect("read source");
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        for p in PATTERNS {
            let n = code.matches(p).count();
            if n > 0 {
                found.insert((rel.clone(), p), n);
            }
        }
    }
    let listed: BTreeMap<(String, &str), usize> = SITES
        .iter()
        .map(|&(f, p, n, _)| ((f.to_string(), p), n))
        .collect();
    assert_eq!(
        found, listed,
        "a site that allocates or copies elements changed: count it in accounting and list it in SITES"
    );
    // Each file with an implicit site asks the copy policy there.
    for (file, _, _, how) in SITES {
        if how.contains("implicit") {
            let text = std::fs::read_to_string(root.join(file)).expect("read");
            assert!(
                text.contains("accounting::implicit_copy(") || text.contains("copy::temporary("),
                "{file}"
            );
        }
    }
}
