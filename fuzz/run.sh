#!/bin/sh
# `make fuzz`: runs each cargo-fuzz target (fuzz/fuzz_targets) for FUZZ_SECONDS seconds (default
# 180) with AddressSanitizer, starting from the committed seeds (fuzz/seeds/<target>), the inputs
# that once failed (fuzz/regressions/<target>) and, for .npy files, the test files of tests/data.
# What the fuzzer adds goes to target/fuzz/corpus/<target> (kept between runs, not committed);
# a failing input goes to fuzz/artifacts/<target>/: fix the bug, then move the input to
# fuzz/regressions/<target>/ (tests/fuzz_replay.rs replays it in every `make test`).
# Not in `make test`: it needs nightly Rust and cargo-fuzz, and its first build takes ~20 min.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-180}
targets=${FUZZ_TARGETS:-"npy_file dtype_text c_api_calls"}

rustup run nightly rustc --version >/dev/null 2>&1 || {
    echo "error: make fuzz needs a nightly Rust toolchain: rustup toolchain install nightly"
    exit 1
}
command -v cargo-fuzz >/dev/null 2>&1 || cargo +nightly install cargo-fuzz --locked

cd "$root/fuzz"
for t in $targets; do
    corpus=$root/target/fuzz/corpus/$t
    mkdir -p "$corpus" "seeds/$t" "regressions/$t"
    extra=""
    [ "$t" = npy_file ] && extra="$root/tests/data/npy $root/tests/data/npy_fuzz"
    dict=""
    [ -f "$t.dict" ] && dict="-dict=$t.dict"
    echo "--- fuzzing $t for $seconds s ---"
    # shellcheck disable=SC2086
    cargo +nightly fuzz run "$t" "$corpus" "seeds/$t" "regressions/$t" $extra -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 $dict
done
echo "make fuzz: no failures"
