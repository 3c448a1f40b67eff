//! ARCHITECTURE.md is checked against the sources: every module it names exists and every module
//! in `src/` is named; no module imports a module listed after it (so there are no cycles); and
//! the modules containing the `unsafe` keyword (outside comments, strings and unit tests) are
//! exactly those it marks **raw memory**.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The modules of ARCHITECTURE.md's "Modules, bottom to top" list, in order, with their raw
/// memory mark.
fn documented() -> Vec<(String, bool)> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let start = text
        .find("## Modules, bottom to top")
        .expect("a module list");
    let section = &text[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    section
        .lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .map(|l| {
            let name = &l[..l.find('`').expect("closing backquote")];
            (name.to_string(), l.contains("**raw memory**"))
        })
        .collect()
}

/// Every module of `src/` ("" is lib.rs) and its file.
fn modules() -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    let src = root().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&src).expect("under src").with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
                parts.pop();
            }
            (parts.join("::"), p)
        })
        .collect()
}

/// The code of a file with comments and the contents of string and char literals blanked, and
/// the unit tests (the `#[cfg(test)] mod tests { ... }` block) removed.
fn code_of(path: &Path) -> String {
    let code = blank(&std::fs::read_to_string(path).expect("read module"));
    let Some(start) = code.find("#[cfg(test)]\nmod tests {") else {
        return code;
    };
    let open = start + code[start..].find('{').expect("an opening brace");
    let mut depth = 0;
    for (k, ch) in code[open..].char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return format!("{}{}", &code[..start], &code[open + k + 1..]);
        }
    }
    panic!("{}: unbalanced tests block", path.display());
}

/// `text` with comments removed and string and char literals emptied.
fn blank(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(c.len());
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            i += 2;
            while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c[i] == 'r'
            && (next == Some('#') || next == Some('"'))
            && !ident_char(c.get(i.wrapping_sub(1)))
        {
            let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
            if c.get(i + 1 + hashes) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            i += 2 + hashes;
            while i < c.len()
                && !(c[i] == '"'
                    && c[i + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == '#')
                        .count()
                        == hashes)
            {
                i += 1;
            }
            i += 1 + hashes;
            out.push_str("\"\"");
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' && (c.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            // A char literal ('x' or '\n'); a lifetime ('a) has no closing quote after one char.
            i += 1;
            while i < c.len() && c[i] != '\'' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn ident_char(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// Every path of a `use` tree (`a::{b, c::{d, e as f}}` gives a::b, a::c::d, a::c::e).
fn use_paths(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let prefix = join(prefix, head);
        let body = &tree[open + 1..tree.rfind('}').expect("closing brace")];
        let (mut depth, mut from) = (0, 0);
        for (k, ch) in body.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    use_paths(&body[from..k], &prefix, out);
                    from = k + 1;
                }
                _ => {}
            }
        }
        use_paths(&body[from..], &prefix, out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().expect("a path").trim();
        let path = path.strip_suffix("::self").unwrap_or(path);
        match path {
            "self" => out.push(prefix.to_string()), // `a::{self, b}` names `a` itself
            "*" => {}
            _ => out.push(join(prefix, path.trim_end_matches("::*"))),
        }
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}::{b}"),
    }
}

/// The `use` declarations of `code` as (is `pub use`, the tree text), and the code without them.
fn uses(code: &str) -> (Vec<(bool, String)>, String) {
    let mut out = Vec::new();
    let mut rest_code = String::new();
    let mut rest = code;
    while let Some(k) = rest.find("use ") {
        let before = &rest[..k];
        let boundary = !ident_char(before.chars().last().as_ref());
        let after = &rest[k + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if boundary {
            let is_pub = before.trim_end().ends_with("pub") || before.trim_end().ends_with(')');
            out.push((is_pub, after[..end].to_string()));
            rest_code.push_str(before);
            rest = &after[end..];
        } else {
            rest_code.push_str(&rest[..k + 4]);
            rest = after;
        }
    }
    rest_code.push_str(rest);
    (out, rest_code)
}

/// Maximal `a::b::c` paths in code outside `use` declarations.
fn inline_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let c: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < c.len() {
        if ident_char(Some(&c[i])) && !ident_char(c.get(i.wrapping_sub(1))) {
            let start = i;
            let mut end = i;
            loop {
                while end < c.len() && ident_char(Some(&c[end])) {
                    end += 1;
                }
                if c.get(end) == Some(&':')
                    && c.get(end + 1) == Some(&':')
                    && ident_char(c.get(end + 2))
                {
                    end += 2;
                } else {
                    break;
                }
            }
            let path: String = c[start..end].iter().collect();
            if path.contains("::") {
                out.push(path);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

struct Crate {
    modules: BTreeMap<String, PathBuf>,
    code: BTreeMap<String, String>,
    /// Per module, the items it re-exports from a child: name -> full path.
    exports: BTreeMap<String, BTreeMap<String, String>>,
}

impl Crate {
    fn load() -> Crate {
        let modules = modules();
        let mut code = BTreeMap::new();
        let mut exports: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (m, path) in &modules {
            let text = code_of(path);
            for (is_pub, tree) in uses(&text).0 {
                let mut paths = Vec::new();
                use_paths(&tree, "", &mut paths);
                for p in paths {
                    let child = join(m, p.split("::").next().expect("a segment"));
                    if is_pub && modules.contains_key(&child) && child != *m {
                        let name = p.rsplit("::").next().expect("a name").to_string();
                        let alias = tree
                            .split(',')
                            .find_map(|part| {
                                let (src, alias) = part.split_once(" as ")?;
                                src.trim()
                                    .ends_with(&name)
                                    .then(|| alias.trim().trim_end_matches('}').to_string())
                            })
                            .unwrap_or(name);
                        exports
                            .entry(m.clone())
                            .or_default()
                            .insert(alias, join(m, &p));
                    }
                }
            }
            // #[macro_export] macros live at the crate root.
            let mut rest = text.as_str();
            while let Some(k) = rest.find("#[macro_export]") {
                rest = &rest[k..];
                if let Some(name) = rest
                    .find("macro_rules!")
                    .map(|j| rest[j + 12..].trim_start())
                    .and_then(|r| r.split(|ch: char| !ident_char(Some(&ch))).next())
                {
                    exports
                        .entry(String::new())
                        .or_default()
                        .insert(name.to_string(), join(m, name));
                }
                rest = &rest[15..];
            }
            code.insert(m.clone(), text);
        }
        Crate {
            modules,
            code,
            exports,
        }
    }

    /// The module that defines what `path` (absolute, segments from the crate root) names.
    fn resolve(&self, path: &[&str]) -> Option<String> {
        for k in (0..=path.len()).rev() {
            let m = path[..k].join("::");
            if self.modules.contains_key(&m) {
                if let Some(target) = path.get(k).and_then(|n| self.exports.get(&m)?.get(*n)) {
                    let mut next: Vec<&str> = target.split("::").collect();
                    next.extend(&path[k + 1..]);
                    return self.resolve(&next).or(Some(m));
                }
                return Some(m);
            }
        }
        None
    }

    /// `segs` (a path written in module `m`) from the crate root, or None for paths outside the
    /// crate (std, other crates, local items): `crate::`, any number of `super::`, `self::`, a
    /// child of a `mod.rs`, or a module alias brought in by `use`.
    fn absolute(
        &self,
        m: &str,
        segs: &[&str],
        aliases: &BTreeMap<String, Vec<String>>,
    ) -> Option<Vec<String>> {
        let here: Vec<String> = if m.is_empty() {
            vec![]
        } else {
            m.split("::").map(String::from).collect()
        };
        let is_dir = {
            let f = self.modules[m].file_name().expect("file name");
            f == "mod.rs" || f == "lib.rs"
        };
        let (mut base, mut i) = (here.clone(), 0);
        match segs[0] {
            "crate" => (base, i) = (vec![], 1),
            "self" => i = 1,
            "super" => {
                while segs.get(i) == Some(&"super") {
                    base.pop();
                    i += 1;
                }
            }
            head if is_dir && self.modules.contains_key(&join(m, head)) => {}
            head => (base, i) = (aliases.get(head)?.clone(), 1),
        }
        base.extend(segs[i..].iter().map(|s| s.to_string()));
        Some(base)
    }

    /// The modules `m` imports (re-exports of its own children excluded).
    fn imports(&self, m: &str) -> BTreeSet<String> {
        let code = &self.code[m];
        let mut paths = Vec::new();
        let (declarations, rest) = uses(code);
        for (is_pub, tree) in declarations {
            let mut ps = Vec::new();
            use_paths(&tree, "", &mut ps);
            for p in ps {
                let head = p.split("::").next().expect("a segment");
                let own_child = self.modules.contains_key(&join(m, head));
                if !(is_pub && own_child) {
                    paths.push(p);
                }
            }
        }
        // Modules brought into scope by `use` (`use crate::ffi;` then `ffi::file::x`).
        let mut aliases = BTreeMap::new();
        for p in &paths {
            let segs: Vec<&str> = p.split("::").collect();
            if let Some(abs) = self.absolute(m, &segs, &BTreeMap::new()) {
                if self.modules.contains_key(&abs.join("::")) {
                    aliases.insert(segs[segs.len() - 1].to_string(), abs);
                }
            }
        }
        paths.extend(inline_paths(&rest));
        let mut out = BTreeSet::new();
        for p in paths {
            let p = p.trim_start_matches('$');
            let segs: Vec<&str> = p.split("::").collect();
            let Some(abs) = self.absolute(m, &segs, &aliases) else {
                continue;
            };
            let abs: Vec<&str> = abs.iter().map(String::as_str).collect();
            if let Some(t) = self.resolve(&abs) {
                if t != m {
                    out.insert(t);
                }
            }
        }
        out
    }
}

fn display(m: &str) -> &str {
    if m.is_empty() {
        "lib"
    } else {
        m
    }
}

#[test]
fn architecture_md_names_every_module_and_only_those() {
    let named: BTreeSet<String> = documented().into_iter().map(|(m, _)| m).collect();
    let actual: BTreeSet<String> = modules().keys().map(|m| display(m).to_string()).collect();
    let missing: Vec<_> = actual.difference(&named).collect();
    let stale: Vec<_> = named.difference(&actual).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "ARCHITECTURE.md does not name {missing:?}; it names modules that do not exist: {stale:?}"
    );
}

#[test]
fn no_module_imports_a_module_above_it() {
    let order: BTreeMap<String, usize> = documented()
        .into_iter()
        .enumerate()
        .map(|(i, (m, _))| (if m == "lib" { String::new() } else { m }, i))
        .collect();
    let krate = Crate::load();
    let mut upward = Vec::new();
    for m in krate.modules.keys() {
        for t in krate.imports(m) {
            if order.get(&t) >= order.get(m) {
                upward.push(format!("{} imports {}", display(m), display(&t)));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports of modules listed later in ARCHITECTURE.md (arrows up or cycles):\n{}",
        upward.join("\n")
    );
}

#[test]
fn unsafe_only_in_the_modules_marked_raw_memory() {
    let marked: BTreeSet<String> = documented()
        .into_iter()
        .filter(|(_, raw)| *raw)
        .map(|(m, _)| m)
        .collect();
    let krate = Crate::load();
    let with_unsafe: BTreeSet<String> = krate
        .code
        .iter()
        .filter(|(_, code)| {
            code.match_indices("unsafe").any(|(k, _)| {
                !ident_char(code[..k].chars().last().as_ref())
                    && !ident_char(code[k + 6..].chars().next().as_ref())
            })
        })
        .map(|(m, _)| display(m).to_string())
        .collect();
    let unmarked: Vec<_> = with_unsafe.difference(&marked).collect();
    let needless: Vec<_> = marked.difference(&with_unsafe).collect();
    assert!(
        unmarked.is_empty() && needless.is_empty(),
        "modules with unsafe code not marked raw memory: {unmarked:?}; marked but without unsafe: {needless:?}"
    );
}

#[test]
fn the_checker_sees_imports() {
    // The checker itself: known edges are found, facade re-exports resolve to the child.
    let krate = Crate::load();
    let copy = krate.imports("copy");
    assert!(
        copy.contains("array") && copy.contains("transfer") && copy.contains("layout::order"),
        "{copy:?}"
    );
    assert!(krate.imports("ufunc::apply").contains("ufunc::kernels"));
    assert!(krate.imports("").is_empty(), "lib.rs only re-exports");
    assert!(krate.imports("ffi::views").contains("view"));
    assert!(
        krate.imports("create").contains("error"),
        "bail! is error's"
    );
    // Paths through a module brought in by `use`, and chains of `super`, count too.
    let mut krate = krate;
    krate.code.insert(
        "ffi::handle".into(),
        "use crate::ffi;\nuse crate::layout::{self, MemOrder};\nfn f() { ffi::file::g(); \
         layout::index::h(); super::super::view::k(); }"
            .into(),
    );
    let seen = krate.imports("ffi::handle");
    for m in ["ffi::file", "layout::index", "view"] {
        assert!(seen.contains(m), "{m} not seen in {seen:?}");
    }
}
