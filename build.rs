//! Generates the C header from the Rust sources with cbindgen, into `OUT_DIR` (never into the
//! source tree on an ordinary build), and gives the shared library its SONAME.
//!
//! SONAME: cargo-c's convention, `libndmem.so.MAJOR.MINOR` while MAJOR is 0 (a new minor
//! version may change the ABI), `libndmem.so.MAJOR` from 1.0 on. A program linked against
//! `target/<profile>/libndmem.so` then needs that name at run time, so the script leaves the
//! symlink `libndmem.so.0.2 -> libndmem.so` beside the library, and beside its copy in `deps/`
//! (`make install` installs the real file as `libndmem.so.0.2.0` with both symlinks, as
//! packages do).
//!
//! The committed copy is `include/ndmem.h`; a test (`tests/c_api.rs`) fails when it differs
//! from the generated one. `make header` (this script with `NDMEM_UPDATE_HEADER=1`) rewrites the
//! committed copy, only when its content changed.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    soname();
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    // The C test harness (tests/c_api.rs) compiles C with the cc crate, which wants these.
    for key in ["TARGET", "HOST"] {
        let value = env::var(key).unwrap_or_default();
        println!("cargo:rustc-env=NDMEM_BUILD_{key}={value}");
    }

    let version = env::var("CARGO_PKG_VERSION").expect("CARGO_PKG_VERSION");
    let part = |key: &str| env::var(key).expect("version part");
    let macros = format!(
        "\n/** Library version, generated from Cargo.toml. */\n\
         #define NDM_VERSION_MAJOR {}\n#define NDM_VERSION_MINOR {}\n#define NDM_VERSION_PATCH {}\n\
         #define NDM_VERSION_STRING \"{}\"\n",
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH"),
        version
    );

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    // The version macros, then cbindgen.toml's own text after the includes (DLPack's structs).
    let after_includes = format!(
        "{macros}{}",
        config.after_includes.take().unwrap_or_default()
    );
    let bindings = match cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .with_after_include(after_includes)
        .generate()
    {
        Ok(b) => b,
        Err(e) => {
            // A syntax error in the sources is reported by rustc itself; do not mask it.
            println!("cargo:warning=cbindgen could not generate include/ndmem.h: {e}");
            return;
        }
    };
    let mut text = Vec::new();
    bindings.write(&mut text);
    let generated = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("ndmem.h");
    write_if_changed(&generated, &text);
    println!(
        "cargo:rustc-env=NDMEM_GENERATED_HEADER={}",
        generated.display()
    );
    println!("cargo:rerun-if-env-changed=NDMEM_UPDATE_HEADER");
    if env::var_os("NDMEM_UPDATE_HEADER").is_some() {
        write_if_changed(&crate_dir.join("include").join("ndmem.h"), &text);
    }
}

/// Sets the SONAME (Linux and other ELF systems) and links its name to the built library.
fn soname() {
    let elf = [
        "linux",
        "android",
        "freebsd",
        "netbsd",
        "openbsd",
        "dragonfly",
        "illumos",
    ];
    if !elf.contains(&env::var("CARGO_CFG_TARGET_OS").unwrap_or_default().as_str()) {
        return;
    }
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("version");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("version");
    let soname = match major.as_str() {
        "0" => format!("libndmem.so.0.{minor}"),
        _ => format!("libndmem.so.{major}"),
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    // OUT_DIR is <target>/<profile>/build/ndmem-<hash>/out: the library goes to <profile>.
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    // Programs linked by the tests use the copy in <profile>/deps: link there too.
    if let Some(profile_dir) = out.ancestors().nth(3) {
        for dir in [profile_dir.to_path_buf(), profile_dir.join("deps")] {
            let link = dir.join(&soname);
            if fs::read_link(&link).is_err() {
                let _ = fs::create_dir_all(&dir);
                let _ = fs::remove_file(&link);
                #[cfg(unix)]
                std::os::unix::fs::symlink("libndmem.so", &link)
                    .unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
            }
        }
    }
}

/// Writes `text` to `path` unless it already holds exactly that (keeping its timestamp).
fn write_if_changed(path: &std::path::Path, text: &[u8]) {
    if fs::read(path).ok().as_deref() != Some(text) {
        fs::create_dir_all(path.parent().expect("a parent directory"))
            .expect("create the directory");
        fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}
