//! cargo-fuzz target; the logic is in `ndmem_fuzz::c_api_calls` (replayed by tests/fuzz_replay.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ndmem_fuzz::c_api_calls::run(data));
