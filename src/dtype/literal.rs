//! Python literals: the subset of Python's literal syntax that NumPy writes for dtypes (descr
//! lists, the dict form) and for `.npy` headers — strings, integers, booleans, `None`, tuples,
//! lists and dicts — parsed with bounded depth, and printed back the way Python's `repr` does.

use crate::bail;
use crate::error::Result;
use std::fmt::{self, Write};

/// Deepest nesting accepted; deeper text is an error rather than a stack overflow.
pub const MAX_DEPTH: usize = 64;

/// One Python literal value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literal {
    /// `'text'` or `"text"`.
    Str(String),
    /// An integer that fits in 64 signed bits.
    Int(i64),
    /// `True` / `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `(a, b)`; `(a,)` is a one-element tuple, `(a)` is just `a`.
    Tuple(Vec<Literal>),
    /// `[a, b]`.
    List(Vec<Literal>),
    /// `{k: v, ...}` in source order.
    Dict(Vec<(Literal, Literal)>),
}

impl Literal {
    /// Parses `text` as exactly one literal (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Literal> {
        let mut p = Parser {
            s: text.as_bytes(),
            text,
            i: 0,
        };
        let v = p.value(0)?;
        p.skip_ws();
        if p.i != p.s.len() {
            return p.fail("unexpected text after the value");
        }
        Ok(v)
    }

    /// The elements of a tuple or list.
    pub fn items(&self) -> Option<&[Literal]> {
        match self {
            Literal::Tuple(v) | Literal::List(v) => Some(v),
            _ => None,
        }
    }

    /// The value under string key `key` of a dict.
    pub fn get(&self, key: &str) -> Option<&Literal> {
        match self {
            Literal::Dict(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Literal::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn fail<T>(&self, what: &str) -> Result<T> {
        bail!(
            Format,
            "not a Python literal at character {} of {:?}: {what}",
            self.i,
            short(self.text)
        )
    }

    fn skip_ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.i).copied()
    }

    fn value(&mut self, depth: usize) -> Result<Literal> {
        if depth > MAX_DEPTH {
            return self.fail("nested more than 64 levels deep");
        }
        match self.peek() {
            None => self.fail("expected a value, found the end"),
            Some(b'\'' | b'"') => Ok(Literal::Str(self.string()?)),
            Some(b'(') => self.sequence(b')', depth).map(|(v, single)| match single {
                true => v.into_iter().next().expect("one element"),
                false => Literal::Tuple(v),
            }),
            Some(b'[') => self.sequence(b']', depth).map(|(v, _)| Literal::List(v)),
            Some(b'{') => self.dict(depth),
            Some(b'-' | b'0'..=b'9') => self.int(),
            Some(_) => self.word(),
        }
    }

    fn word(&mut self) -> Result<Literal> {
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_alphanumeric() {
            self.i += 1;
        }
        match &self.text[start..self.i] {
            "True" => Ok(Literal::Bool(true)),
            "False" => Ok(Literal::Bool(false)),
            "None" => Ok(Literal::None),
            _ => {
                self.i = start;
                self.fail("expected a string, number, True, False, None, tuple, list or dict")
            }
        }
    }

    fn int(&mut self) -> Result<Literal> {
        let start = self.i;
        if self.s[self.i] == b'-' {
            self.i += 1;
        }
        let digits = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        if self.i == digits {
            return self.fail("expected digits");
        }
        if self.i < self.s.len() && matches!(self.s[self.i], b'.' | b'e' | b'E' | b'x' | b'_') {
            return self.fail("only decimal integers are accepted");
        }
        match self.text[start..self.i].parse::<i64>() {
            Ok(v) => Ok(Literal::Int(v)),
            Err(_) => {
                self.i = start;
                self.fail("integer does not fit in 64 bits")
            }
        }
    }

    fn string(&mut self) -> Result<String> {
        let quote = self.s[self.i];
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                return self.fail("unterminated string");
            };
            if c == quote {
                self.i += 1;
                return Ok(out);
            }
            if c == b'\n' {
                return self.fail("newline inside a string");
            }
            if c != b'\\' {
                // Copy one whole UTF-8 character.
                let ch = self.text[self.i..].chars().next().expect("in bounds");
                out.push(ch);
                self.i += ch.len_utf8();
                continue;
            }
            self.i += 1;
            let Some(&e) = self.s.get(self.i) else {
                return self.fail("unterminated escape");
            };
            self.i += 1;
            let simple = match e {
                b'\\' => Some('\\'),
                b'\'' => Some('\''),
                b'"' => Some('"'),
                b'n' => Some('\n'),
                b't' => Some('\t'),
                b'r' => Some('\r'),
                b'0' => Some('\0'),
                _ => None,
            };
            if let Some(ch) = simple {
                out.push(ch);
                continue;
            }
            let digits = match e {
                b'x' => 2,
                b'u' => 4,
                b'U' => 8,
                _ => return self.fail("unknown escape sequence"),
            };
            let hex = self.text.get(self.i..self.i + digits).unwrap_or("");
            let code = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
            match code {
                Some(ch) if hex.len() == digits && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    out.push(ch);
                    self.i += digits;
                }
                _ => return self.fail("bad hexadecimal escape"),
            }
        }
    }

    /// Items up to `close`; `single` is true for `(x)` (parenthesised value, not a tuple).
    fn sequence(&mut self, close: u8, depth: usize) -> Result<(Vec<Literal>, bool)> {
        self.i += 1;
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            if self.peek() == Some(close) {
                self.i += 1;
                let single = close == b')' && items.len() == 1 && !trailing_comma;
                return Ok((items, single));
            }
            items.push(self.value(depth + 1)?);
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    trailing_comma = true;
                }
                Some(c) if c == close => trailing_comma = false,
                _ => return self.fail("expected ',' or a closing bracket"),
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Result<Literal> {
        self.i += 1;
        let mut entries = Vec::new();
        loop {
            if self.peek() == Some(b'}') {
                self.i += 1;
                return Ok(Literal::Dict(entries));
            }
            let key = self.value(depth + 1)?;
            if self.peek() != Some(b':') {
                return self.fail("expected ':' after a dict key");
            }
            self.i += 1;
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {}
                _ => return self.fail("expected ',' or '}'"),
            }
        }
    }
}

/// The first 60 characters of `text`, for error messages.
fn short(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

/// Writes `s` as Python's `repr(str)` does: single quotes unless the text contains a single
/// quote and no double quote; backslash, the quote and control characters escaped.
pub fn write_str_repr(out: &mut impl Write, s: &str) -> fmt::Result {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.write_char(quote)?;
    for c in s.chars() {
        match c {
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\t' => out.write_str("\\t")?,
            '\r' => out.write_str("\\r")?,
            c if c == quote => write!(out, "\\{c}")?,
            c if (c as u32) < 0x20 || (0x7f..=0xa0).contains(&(c as u32)) || c == '\u{ad}' => {
                write!(out, "\\x{:02x}", c as u32)?
            }
            c => out.write_char(c)?,
        }
    }
    out.write_char(quote)
}

/// Writes a shape as Python's `repr(tuple)` does: `()`, `(3,)`, `(2, 3)`.
pub fn write_shape_repr(out: &mut impl Write, shape: &[usize]) -> fmt::Result {
    match shape {
        [] => out.write_str("()"),
        [n] => write!(out, "({n},)"),
        _ => {
            out.write_char('(')?;
            for (i, n) in shape.iter().enumerate() {
                if i > 0 {
                    out.write_str(", ")?;
                }
                write!(out, "{n}")?;
            }
            out.write_char(')')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numpy_headers_and_descrs() {
        let v =
            Literal::parse("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }").unwrap();
        assert_eq!(v.get("descr"), Some(&Literal::Str("<f8".into())));
        assert_eq!(v.get("fortran_order"), Some(&Literal::Bool(false)));
        assert_eq!(
            v.get("shape"),
            Some(&Literal::Tuple(vec![Literal::Int(2), Literal::Int(3)]))
        );
        let one = Literal::parse("(3,)").unwrap();
        assert_eq!(one, Literal::Tuple(vec![Literal::Int(3)]));
        assert_eq!(Literal::parse("(3)").unwrap(), Literal::Int(3));
        assert_eq!(Literal::parse("()").unwrap(), Literal::Tuple(vec![]));
        let d = Literal::parse("[('\\u03bb', '<i2'), (\"it's\", '|V7')]").unwrap();
        assert_eq!(
            d.items().unwrap()[0].items().unwrap()[0],
            Literal::Str("λ".into())
        );
        assert_eq!(
            d.items().unwrap()[1].items().unwrap()[0],
            Literal::Str("it's".into())
        );
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "",
            "(",
            "[1,,2]",
            "{'a' 1}",
            "'abc",
            "1.5",
            "99999999999999999999",
            "foo",
            "(1, 2) x",
            "'\\q'",
            "'\\x4'",
        ] {
            assert!(Literal::parse(bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(Literal::parse(&deep).is_err());
    }

    #[test]
    fn reprs_like_python() {
        let mut s = String::new();
        write_str_repr(&mut s, "it's").unwrap();
        write_str_repr(&mut s, "a\\b\n").unwrap();
        write_shape_repr(&mut s, &[3]).unwrap();
        write_shape_repr(&mut s, &[2, 3]).unwrap();
        assert_eq!(s, "\"it's\"'a\\\\b\\n'(3,)(2, 3)");
    }
}
