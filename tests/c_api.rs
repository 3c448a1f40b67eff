//! Builds the C test programs in `c_tests/` against `include/ndmem.h` and the shared library,
//! exactly as a C user would (`cc -Iinclude prog.c -L... -lndmem`), runs them, and checks that
//! the header compiles on its own as C11 and C++17 with all warnings as errors.
//!
//! The binaries stay in `target/c_tests/` so that `make valgrind` can run them under valgrind.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The directory holding the `libndmem.so` that `cargo test` just built: `target/<profile>/deps`,
/// beside this test executable (cargo copies it up to `target/<profile>` only on `cargo build`).
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().expect("target/<profile>/deps").to_path_buf();
    assert!(
        dir.join("libndmem.so").exists() || dir.join("libndmem.dylib").exists(),
        "shared library not found in {}",
        dir.display()
    );
    dir
}

fn out_dir() -> PathBuf {
    let d = root().join("target").join("c_tests");
    std::fs::create_dir_all(&d).expect("create target/c_tests");
    d
}

fn compiler(cpp: bool) -> Command {
    let tool = cc::Build::new()
        .cpp(cpp)
        .target(env!("NDMEM_BUILD_TARGET"))
        .host(env!("NDMEM_BUILD_HOST"))
        .opt_level(0)
        .cargo_metadata(false)
        .cargo_warnings(false)
        .try_get_compiler()
        .expect("a C compiler (install gcc or clang)");
    let mut cmd = tool.to_command();
    // cc adds flags for building objects for Rust (-ffunction-sections, -fPIC, ...): harmless.
    cmd.args(["-Wall", "-Wextra", "-Wpedantic", "-Werror", "-g"]);
    cmd.arg(format!("-I{}", root().join("include").display()));
    // The test data directory as an absolute path: the programs run from any directory.
    cmd.arg(format!(
        "-DNDM_TEST_DATA=\"{}\"",
        root().join("tests/data").display()
    ));
    cmd
}

fn run(mut cmd: Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{text}",
        out.status
    );
    text
}

fn header_compiles(cpp: bool) {
    let (ext, std) = if cpp {
        ("cpp", "-std=c++17")
    } else {
        ("c", "-std=c11")
    };
    let src = out_dir().join(format!("header_only.{ext}"));
    std::fs::write(&src, "#include \"ndmem.h\"\n#include \"ndmem.h\"\nint main(void) { return ndm_version() == 0; }\n")
        .expect("write probe");
    let mut cmd = compiler(cpp);
    cmd.arg(std).arg("-fsyntax-only").arg(&src);
    run(cmd, &format!("header as {std}"));
}

#[test]
fn header_is_standalone_c11() {
    header_compiles(false);
}

#[test]
fn header_is_standalone_cpp17() {
    header_compiles(true);
}

#[test]
fn header_exports_only_prefixed_names() {
    let text = std::fs::read_to_string(root().join("include/ndmem.h")).expect("read header");
    let mut bad = Vec::new();
    let mut dlpack = false;
    for line in text.lines() {
        let name = if let Some(rest) = line.strip_prefix("#define ") {
            rest.split_whitespace().next()
        } else if line.starts_with("typedef") && line.ends_with('{') {
            None // the name is on the closing "} name;" line
        } else if let Some(rest) = line.strip_prefix("} ") {
            rest.strip_suffix(';')
        } else if line.starts_with("typedef ") {
            match line.split_once("(*") {
                Some((_, rest)) => rest.split(')').next(),
                None => line.trim_end_matches(';').rsplit(' ').next(),
            }
        } else {
            None
        };
        // DLPack's own declarations (under dlpack.h's include guard) carry DLPack's names.
        dlpack = match line {
            "#ifndef DLPACK_DLPACK_H_" => true,
            "#endif /* DLPACK_DLPACK_H_ */" => false,
            _ => dlpack,
        };
        let prefixes: &[&str] = match dlpack {
            true => &["DLPACK_", "DL", "kDL"],
            false => &["ndm_", "NDM_", "NDMEM_H"],
        };
        if let Some(n) = name {
            if !prefixes.iter().any(|p| n.starts_with(p)) {
                bad.push(line.to_string());
            }
        }
        // Function declarations: "type ndm_name(".
        if !line.starts_with([' ', '#', '/']) && !line.starts_with("typedef") {
            if let Some(open) = line.find('(') {
                let head = &line[..open];
                let fname = head.rsplit([' ', '*']).next().unwrap_or("");
                if !fname.is_empty() && !fname.starts_with("ndm_") {
                    bad.push(line.to_string());
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "unprefixed names in include/ndmem.h:\n{}",
        bad.join("\n")
    );
}

/// Compiles `src` against the header and shared library and runs it; returns its output.
fn build_and_run(name: &str, src: &Path) -> String {
    let lib = lib_dir();
    let exe = out_dir().join(name);
    let mut cmd = compiler(false);
    cmd.arg("-std=c11")
        .arg(src)
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", lib.display()))
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-lndmem")
        .arg("-lm")
        .arg("-pthread");
    run(cmd, &format!("compiling {}", src.display()));
    // cargo puts target/<profile> (with a possibly stale copy from an earlier `cargo build`)
    // on LD_LIBRARY_PATH, which would win over the runpath: run as a user would, without it.
    let mut prog = Command::new(&exe);
    prog.env_remove("LD_LIBRARY_PATH");
    run(prog, name)
}

/// Compiles the C++ program `src` (relative to the repository) with `std` against the wrapper
/// and the shared library, runs it as a user would, and returns its output.
fn build_and_run_cpp(name: &str, src: &str, std: &str) -> String {
    let lib = lib_dir();
    let exe = out_dir().join(name);
    let mut cmd = compiler(true);
    cmd.arg(std)
        .arg(format!("-I{}", root().join("bindings/cpp").display()))
        .arg(root().join(src))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", lib.display()))
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-lndmem");
    run(cmd, &format!("compiling {src} with {std}"));
    let mut prog = Command::new(&exe);
    prog.env_remove("LD_LIBRARY_PATH");
    run(prog, name)
}

/// The C++ wrapper's tests, compiled with `std` (`-Wall -Wextra -Wpedantic -Werror`).
fn cpp_program(std: &str) {
    let name = format!("test_cpp_{}", std.trim_start_matches("-std="));
    let text = build_and_run_cpp(&name, "bindings/cpp/tests/test_cpp.cpp", std);
    print!("{text}");
    assert!(text.contains(", 0 failed"), "{text}");
}

#[test]
fn readme_cpp_example_compiles_and_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    let start = readme
        .find("```cpp\n")
        .expect("a ```cpp block in README.md")
        + 7;
    let len = readme[start..]
        .find("```")
        .expect("end of the ```cpp block");
    let example = std::fs::read_to_string(root().join("examples/cpp/shared_vector.cpp"))
        .expect("read examples/cpp/shared_vector.cpp");
    assert_eq!(
        &readme[start..start + len],
        example,
        "README shows examples/cpp/shared_vector.cpp"
    );
    let text = build_and_run_cpp("readme_cpp", "examples/cpp/shared_vector.cpp", "-std=c++17");
    assert!(
        text.starts_with("v = 10 20 40 | 40 50 100, sum 260\nerror: NDM_ERR_CASTING: Cannot cast"),
        "{text}"
    );
}

#[test]
fn cpp_wrapper_cpp17() {
    cpp_program("-std=c++17");
}

#[test]
fn cpp_wrapper_cpp20() {
    cpp_program("-std=c++20");
}

fn c_program(name: &str) {
    let text = build_and_run(name, &root().join("c_tests").join(format!("{name}.c")));
    print!("{text}");
    assert!(text.contains(", 0 failed"), "{name}: {text}");
}

#[test]
fn readme_c_example_compiles_and_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    let start = readme.find("```c\n").expect("a ```c block in README.md") + 5;
    let len = readme[start..].find("```").expect("end of the ```c block");
    assert!(
        readme[start..start + len].lines().count() <= 25,
        "README's C example is short"
    );
    let src = out_dir().join("readme_example.c");
    std::fs::write(&src, &readme[start..start + len]).expect("write example");
    let text = build_and_run("readme_example", &src);
    assert_eq!(
        text,
        "t[1][0] = 20, copy row 1 = (2, 5), F-contiguous view: 1\n"
    );
}

#[test]
fn readme_records_example_compiles_and_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    let section = readme
        .find("## Records")
        .expect("a records section in README.md");
    let start = section + readme[section..].find("```c\n").expect("a ```c block") + 5;
    let len = readme[start..].find("```").expect("end of the ```c block");
    let src = out_dir().join("readme_records.c");
    std::fs::write(&src, &readme[start..start + len]).expect("write example");
    let text = build_and_run("readme_records", &src);
    assert_eq!(text, "itemsize 48, grace earns 4500\n");
}

#[test]
fn c_test_create() {
    c_program("test_create");
}

#[test]
fn c_test_npy() {
    c_program("test_npy");
}

#[test]
fn c_test_copy() {
    c_program("test_copy");
}

#[test]
fn c_test_foreign() {
    c_program("test_foreign");
}

#[test]
fn c_test_views() {
    c_program("test_views");
}

#[test]
fn c_test_ufunc() {
    c_program("test_ufunc");
}

#[test]
fn c_test_reduce() {
    c_program("test_reduce");
}

#[test]
fn c_test_errors() {
    c_program("test_errors");
}

#[test]
fn c_test_records() {
    c_program("test_records");
}

#[test]
fn c_test_dlpack() {
    c_program("test_dlpack");
}

#[test]
fn c_test_grow() {
    c_program("test_grow");
}

#[test]
fn c_test_threads() {
    c_program("test_threads");
}

/// Every function of the C API is reachable from C++ without raw handles: ndmem.hpp (with the
/// ndmem_memory.hpp it includes) calls each one, except those another call covers exactly
/// (listed with the call that does).
#[test]
fn cpp_wrapper_calls_every_c_function() {
    const COVERED_BY: [(&str, &str); 5] = [
        (
            "ndm_python_release",
            "nothing: a helper for Python bindings",
        ),
        (
            "ndm_dlpack_capsule_name",
            "nothing: a helper for Python capsules",
        ),
        (
            "ndm_dlpack_capsule_destructor",
            "nothing: a helper for Python capsules",
        ),
        ("ndm_dtype_parse", "ndm_dtype_parse_align with align false"),
        (
            "ndm_load_npy",
            "ndm_load_npy_ex with NDM_NPY_MAX_HEADER_SIZE",
        ),
    ];
    let header = std::fs::read_to_string(root().join("include/ndmem.h")).expect("read ndmem.h");
    let wrapper = ["ndmem.hpp", "ndmem_memory.hpp"]
        .map(|f| std::fs::read_to_string(root().join("bindings/cpp").join(f)).expect("read"))
        .concat();
    let functions: Vec<&str> = header
        .lines()
        .filter(|l| !l.starts_with([' ', '#', '*', '/', '}']) && !l.starts_with("typedef"))
        .filter_map(|l| l.split_once('(').map(|(head, _)| head))
        .filter_map(|head| head.rsplit([' ', '*']).next())
        .filter(|name| name.starts_with("ndm_"))
        .collect();
    assert!(functions.len() > 90, "parsed only {functions:?}");
    let missing: Vec<&&str> = functions
        .iter()
        .filter(|f| !wrapper.contains(&format!("{f}(")))
        .filter(|f| !COVERED_BY.iter().any(|(name, _)| name == *f))
        .collect();
    assert!(missing.is_empty(), "ndmem.hpp does not call {missing:?}");
}

/// The README's cookbook: every ```c / ```cpp block of the section is a function of
/// examples/c/cookbook.c / examples/cpp/cookbook.cpp, and both programs check their recipes
/// against plain loops (C11, C++17 and C++20; named test_* so `make valgrind` runs them too).
#[test]
fn readme_cookbook_recipes_run_in_c_and_cpp() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    let start = readme
        .find("## C and C++ cookbook")
        .expect("a cookbook section in README.md");
    let section = &readme[start..start + readme[start..].find("\n## C API").expect("next section")];
    for (fence, file) in [
        ("```c\n", "examples/c/cookbook.c"),
        ("```cpp\n", "examples/cpp/cookbook.cpp"),
    ] {
        let source = std::fs::read_to_string(root().join(file)).expect("read the cookbook");
        let blocks: Vec<&str> = section
            .split(fence)
            .skip(1)
            .map(|b| &b[..b.find("```").expect("end of block")])
            .collect();
        assert_eq!(
            blocks.len(),
            4,
            "four {fence:?} recipes in the cookbook section"
        );
        for block in blocks {
            assert!(
                source.contains(block),
                "{file} does not contain README's recipe:\n{block}"
            );
        }
    }
    let text = build_and_run("test_cookbook_c", &root().join("examples/c/cookbook.c"));
    assert_eq!(text, "cookbook: 4 recipes, 0 failed\n");
    for std in ["-std=c++17", "-std=c++20"] {
        let name = format!("test_cookbook_{}", std.trim_start_matches("-std="));
        let text = build_and_run_cpp(&name, "examples/cpp/cookbook.cpp", std);
        assert_eq!(text, "cookbook: 4 recipes, 0 failed\n");
    }
}

/// build.rs generates the header into OUT_DIR; the committed include/ndmem.h (which C, C++,
/// Fortran and the Python declarations are built from) must be exactly that.
#[test]
fn committed_header_is_the_generated_one() {
    let generated =
        std::fs::read_to_string(env!("NDMEM_GENERATED_HEADER")).expect("the generated header");
    let committed =
        std::fs::read_to_string(root().join("include/ndmem.h")).expect("read include/ndmem.h");
    assert!(
        generated == committed,
        "include/ndmem.h is stale: run `make header` and commit it"
    );
}

/// Status codes are stated once (ErrorKind's discriminants, checked against the NDM_ERR_*
/// constants at compile time); every other list is checked here against the header: the
/// names `ndm_status_str` gives and the README's table of numbers.
#[test]
fn status_codes_agree_with_the_header_everywhere() {
    let header = std::fs::read_to_string(root().join("include/ndmem.h")).expect("read ndmem.h");
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let codes: Vec<(&str, i32)> = header
        .lines()
        .filter_map(|l| l.strip_prefix("#define NDM_ERR_"))
        .map(|l| {
            let (name, value) = l.split_once(' ').expect("a value");
            (name, value.trim().parse().expect("a number"))
        })
        .collect();
    assert_eq!(codes.len(), 19, "{codes:?}");
    for (name, value) in codes {
        // SAFETY: ndm_status_str returns a static NUL-terminated string for any number.
        let text = unsafe { std::ffi::CStr::from_ptr(ndmem::ffi::status::ndm_status_str(value)) };
        assert_eq!(
            text.to_str().unwrap(),
            format!("NDM_ERR_{name}"),
            "ndm_status_str({value})"
        );
        assert!(
            readme.contains(&format!("`{name}` {value}")),
            "README's status list lacks `{name}` {value}"
        );
    }
}

#[test]
fn c_test_memory() {
    c_program("test_memory");
}

/// The ```c block of the README section `title` compiles, runs and prints the block after it.
fn readme_example_prints_what_it_says(title: &str, name: &str) {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    let section = readme.find(title).expect("the section in README.md");
    let start = section + readme[section..].find("```c\n").expect("a ```c block") + 5;
    let len = readme[start..].find("```").expect("end of the ```c block");
    let src = out_dir().join(format!("{name}.c"));
    std::fs::write(&src, &readme[start..start + len]).expect("write example");
    let text = build_and_run(name, &src);
    let shown = start + readme[start..].find("prints\n\n```\n").expect("its output") + 12;
    let end = readme[shown..]
        .find("```")
        .expect("end of the output block");
    assert_eq!(text, &readme[shown..shown + end]);
}

#[test]
fn readme_memory_example_compiles_and_prints_what_it_says() {
    readme_example_prints_what_it_says("## Where did my memory go?", "readme_memory");
}

#[test]
fn readme_dlpack_example_compiles_and_prints_what_it_says() {
    readme_example_prints_what_it_says("## DLPack", "readme_dlpack");
}

#[test]
fn readme_growth_example_compiles_and_prints_what_it_says() {
    readme_example_prints_what_it_says("## Growing arrays", "readme_growth");
}
