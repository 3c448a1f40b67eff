//! cargo-fuzz target; the logic is in `ndmem_fuzz::dtype_text` (replayed by tests/fuzz_replay.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ndmem_fuzz::dtype_text::run(data));
