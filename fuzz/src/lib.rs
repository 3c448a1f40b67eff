//! The logic of ndmem's cargo-fuzz targets (`fuzz_targets/` calls these), kept in a library so
//! that `tests/fuzz_replay.rs` in the main crate replays the committed corpora and regression
//! inputs through the ordinary test build.

pub mod c_api_calls;
pub mod check;
pub mod decode;
pub mod dtype_text;
pub mod npy_file;
pub mod reference;
pub mod scratch;
