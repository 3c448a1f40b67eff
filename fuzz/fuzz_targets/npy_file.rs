//! cargo-fuzz target; the logic is in `ndmem_fuzz::npy_file` (replayed by tests/fuzz_replay.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ndmem_fuzz::npy_file::run(data));
