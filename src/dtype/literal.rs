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

    /// Python's whitespace between tokens: space, tab, form feed, newlines (inside brackets),
    /// and comments (`#` to the end of the line), as `ast.literal_eval` skips them.
    fn skip_ws(&mut self) {
        while let Some(&c) = self.s.get(self.i) {
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => self.i += 1,
                b'#' => {
                    while self
                        .s
                        .get(self.i)
                        .is_some_and(|&c| c != b'\n' && c != b'\r')
                    {
                        self.i += 1;
                    }
                }
                _ => break,
            }
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
            Some(b'\'' | b'"') => Ok(Literal::Str(self.strings()?)),
            Some(b'u' | b'U' | b'r' | b'R') if self.string_prefix().is_some() => {
                Ok(Literal::Str(self.strings()?))
            }
            Some(b'(') => self.sequence(b')', depth).map(|(v, single)| match single {
                true => v.into_iter().next().expect("one element"),
                false => Literal::Tuple(v),
            }),
            Some(b'[') => self.sequence(b']', depth).map(|(v, _)| Literal::List(v)),
            Some(b'{') => self.dict(depth),
            Some(b'-' | b'+' | b'0'..=b'9') => self.int(),
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

    /// An integer as Python writes one: optional sign (spaces may follow it), decimal digits
    /// (no leading zeros except for zero itself) or `0x`/`0o`/`0b` forms, `_` between digits.
    fn int(&mut self) -> Result<Literal> {
        let start = self.i;
        let negative = self.s[self.i] == b'-';
        if matches!(self.s[self.i], b'-' | b'+') {
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return self.fail("expected digits after the sign");
            }
        }
        let radix = match (self.s.get(self.i), self.s.get(self.i + 1)) {
            (Some(b'0'), Some(b'x' | b'X')) => 16,
            (Some(b'0'), Some(b'o' | b'O')) => 8,
            (Some(b'0'), Some(b'b' | b'B')) => 2,
            _ => 10,
        };
        if radix != 10 {
            self.i += 2;
        }
        // Digits, each optionally preceded by one underscore (not the first decimal digit).
        let mut digits = String::new();
        loop {
            let under = usize::from(self.s.get(self.i) == Some(&b'_'));
            match self.s.get(self.i + under) {
                Some(&c)
                    if (c as char).is_digit(radix)
                        && !(under == 1 && radix == 10 && digits.is_empty()) =>
                {
                    digits.push(c as char);
                    self.i += 1 + under;
                }
                _ => break,
            }
        }
        let trailing = self.s.get(self.i).copied();
        if digits.is_empty() {
            return self.fail("malformed integer");
        }
        if matches!(trailing, Some(c) if c.is_ascii_alphanumeric() || c == b'.' || c == b'_') {
            return self.fail("only integers are accepted as numbers");
        }
        if radix == 10 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0') {
            return self.fail("leading zeros in a decimal integer are not permitted");
        }
        let magnitude = i128::from_str_radix(&digits, radix)
            .ok()
            .filter(|&v| v <= i64::MAX as i128 + 1);
        let value = magnitude
            .map(|v| if negative { -v } else { v })
            .and_then(|v| i64::try_from(v).ok());
        match value {
            Some(v) => Ok(Literal::Int(v)),
            None => {
                self.i = start;
                self.fail("integer does not fit in 64 bits")
            }
        }
    }

    /// The prefix letters before a quote (`u`, `r`, or none), if a string starts here.
    fn string_prefix(&self) -> Option<(bool, usize)> {
        let rest = &self.s[self.i..];
        match rest {
            [b'\'' | b'"', ..] => Some((false, 0)),
            [b'u' | b'U', b'\'' | b'"', ..] => Some((false, 1)),
            [b'r' | b'R', b'\'' | b'"', ..] => Some((true, 1)),
            _ => None,
        }
    }

    /// One or more adjacent string literals, concatenated as Python does (`'a' 'b'` is `'ab'`).
    fn strings(&mut self) -> Result<String> {
        let mut out = String::new();
        while let Some((raw, skip)) = {
            self.skip_ws();
            self.string_prefix()
        } {
            self.i += skip;
            out.push_str(&self.string(raw)?);
        }
        Ok(out)
    }

    fn string(&mut self, raw: bool) -> Result<String> {
        let quote = self.s[self.i];
        if self.s.get(self.i + 1) == Some(&quote) && self.s.get(self.i + 2) == Some(&quote) {
            return self.fail("triple-quoted strings are not accepted");
        }
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
            if c != b'\\' || raw {
                if c == b'\\'
                    && self
                        .s
                        .get(self.i + 1)
                        .is_some_and(|&n| n == quote || n == b'\\')
                {
                    // A raw string keeps the backslash but it still protects the next quote.
                    out.push('\\');
                    self.i += 1;
                    let ch = self.text[self.i..].chars().next().expect("in bounds");
                    out.push(ch);
                    self.i += ch.len_utf8();
                    continue;
                }
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
                b'a' => Some('\x07'),
                b'b' => Some('\x08'),
                b'f' => Some('\x0c'),
                b'v' => Some('\x0b'),
                _ => None,
            };
            if let Some(ch) = simple {
                out.push(ch);
                continue;
            }
            if e == b'\n' {
                continue; // a backslash-newline continues the string
            }
            if (b'0'..=b'7').contains(&e) {
                // Up to three octal digits.
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match self.s.get(self.i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(char::from_u32(v).expect("at most 0o777"));
                continue;
            }
            let digits = match e {
                b'x' => 2,
                b'u' => 4,
                b'U' => 8,
                b'N' => return self.fail("named unicode escapes are not accepted"),
                _ => {
                    // Python keeps an unknown escape as it is (with a warning).
                    out.push('\\');
                    self.i -= 1;
                    continue;
                }
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
        // Comments, as ast.literal_eval skips them (a mutated .npy header NumPy loads).
        let c = Literal::parse("{'shape': (), # c\n 'x': 1}#    ...\n").unwrap();
        assert_eq!(c.get("x"), Some(&Literal::Int(1)));
        assert!(Literal::parse("(1, # )\n").is_err());
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
            "'\\x4'",
            "0x",
            "1__0",
            "01",
            "'''a'''",
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
