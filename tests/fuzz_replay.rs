//! Replays what the fuzzers were given and found through the targets' own logic, in the
//! ordinary test build: the committed seed corpora (`fuzz/seeds/<target>/`, and for the `.npy`
//! target the test files of `tests/data/`) and every input that once failed a target
//! (`fuzz/regressions/<target>/`). `make fuzz` runs the fuzzers themselves (nightly).

#[path = "../fuzz/src/c_api_calls.rs"]
mod c_api_calls;
#[path = "../fuzz/src/check.rs"]
mod check;
#[path = "../fuzz/src/decode.rs"]
mod decode;
#[path = "../fuzz/src/dtype_text.rs"]
mod dtype_text;
#[path = "../fuzz/src/npy_file.rs"]
mod npy_file;
#[path = "../fuzz/src/reference.rs"]
mod reference;
#[path = "../fuzz/src/scratch.rs"]
mod scratch;

use std::path::{Path, PathBuf};

fn inputs(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "py" && e != "md"))
        .collect();
    files.sort();
    files
}

/// A target: its name, its logic, and directories of inputs besides its seeds and regressions.
type Target = (&'static str, fn(&[u8]), &'static [&'static str]);

/// One test, so the targets run one after another: `c_api_calls` checks that no array handle
/// is left alive, which a concurrent test's handles would upset.
#[test]
fn committed_fuzz_inputs_replay_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let targets: [Target; 3] = [
        (
            "npy_file",
            npy_file::run,
            &["tests/data/npy", "tests/data/npy_fuzz"],
        ),
        ("dtype_text", dtype_text::run, &[]),
        ("c_api_calls", c_api_calls::run, &[]),
    ];
    for (name, run, extra) in targets {
        let mut dirs = vec![
            root.join("fuzz/seeds").join(name),
            root.join("fuzz/regressions").join(name),
        ];
        dirs.extend(extra.iter().map(|d| root.join(d)));
        let files = inputs(&dirs);
        assert!(!files.is_empty(), "no inputs for {name}");
        for f in &files {
            let data = std::fs::read(f).expect("read a fuzz input");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{name} fails on {}", f.display());
        }
        eprintln!("{name}: {} inputs replayed", files.len());
    }
}
