//! The dtype text parser (`Dtype::from_str`, [`parse_with_align`]): plain typestrs and names
//! go to [`super::typestr`]; this file reads the structured forms `np.dtype` accepts: the descr list
//! (`[('a', '|i1'), ('b', '<f8', (2, 3))]`), the dict form (`{'names': [...], 'formats': [...],
//! 'offsets': [...], 'itemsize': n, 'titles': [...]}`) and comma strings (`'i1,f8,(2,3)i2'`).
//! Nested lists, dicts and comma strings inside a record follow its `align`.

use super::literal::Literal;
use super::record::{FieldSpec, Record};
use super::typestr::parse_plain;
use super::Dtype;
use crate::bail;
use crate::error::{Error, ErrorKind, Result};

/// Largest subarray dimension accepted in text (each field is also limited by its byte size).
const MAX_DIM: i64 = i32::MAX as i64;

/// Parses `text` as a record dtype when it is one of the structured forms; `None` when it is
/// a plain typestr or name.
pub fn parse_structured(text: &str, align: bool) -> Result<Option<Dtype>> {
    let t = text.trim_start();
    // '(2,3)i2, u1' is a comma string whose first item has a subarray prefix, not a literal.
    let prefixed = t.starts_with('(') && Literal::parse(text).is_err();
    if t.starts_with(['[', '{', '(', '\'', '"']) && !prefixed {
        let lit = Literal::parse(text).map_err(|e| not_understood(text, &e.message))?;
        let (d, sub) = match &lit {
            Literal::Dict(_) => (from_dict(&lit, align, true)?, Sub::default()),
            _ => format(&lit, align)?,
        };
        if !sub.shape.is_empty() {
            bail!(
                Dtype,
                "data type '{text}': subarray dtypes are supported only as record fields"
            );
        }
        return Ok(Some(d));
    }
    let parts = split_commas(text);
    if parts.len() > 1 {
        return Ok(Some(comma_string(text, &parts, align)?));
    }
    if prefixed || t.starts_with(|c: char| c.is_ascii_digit()) {
        let (_, shape) = format_str(t, align)?;
        if shape.is_empty() {
            return Err(not_understood(text, "not a Python literal"));
        }
        bail!(
            Dtype,
            "data type '{text}': subarray dtypes are supported only as record fields"
        );
    }
    if align {
        // np.dtype('f8', align=True) is just f8.
        return Ok(Some(parse_plain(text)?));
    }
    Ok(None)
}

/// Parses any dtype text (typestr, name, or a structured form) with NumPy's `align` argument.
pub fn parse_with_align(text: &str, align: bool) -> Result<Dtype> {
    match parse_structured(text, align)? {
        Some(d) => Ok(d),
        None => parse_plain(text),
    }
}

impl std::str::FromStr for Dtype {
    type Err = Error;

    /// Parses any dtype text NumPy accepts without `align` (typestr, name, descr list, dict,
    /// comma string); anything else is a `Dtype` error naming the text.
    fn from_str(text: &str) -> Result<Dtype> {
        parse_with_align(text, false)
    }
}

fn not_understood(text: &str, why: &str) -> Error {
    let short: String = text.chars().take(80).collect();
    Error::new(
        ErrorKind::Dtype,
        format!("data type '{short}' not understood: {why}"),
    )
}

/// Splits at commas outside parentheses (`'(2,3)f4'` is one item).
fn split_commas(text: &str) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0i32, 0, Vec::new());
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn comma_string(text: &str, parts: &[&str], align: bool) -> Result<Dtype> {
    // A trailing comma ('i4,') ends the list; it does not add a field.
    let parts = match parts.split_last() {
        Some((last, rest)) if last.trim().is_empty() => rest,
        _ => parts,
    };
    let mut specs = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let part = part.trim();
        if part.is_empty() {
            return Err(not_understood(text, "empty item in comma-separated list"));
        }
        let (d, shape) = format_str(part, align)?;
        specs.push(FieldSpec {
            name: format!("f{i}"),
            title: None,
            dtype: d,
            shape,
            levels: Vec::new(),
            offset: None,
        });
    }
    Ok(Dtype::record(Record::build(specs, align, None)?))
}

/// A format string: a typestr or name with an optional repeat prefix (`'3i4'`, `'(2,3)f8'`), or
/// a comma string (a nested record).
fn format_str(text: &str, align: bool) -> Result<(Dtype, Vec<usize>)> {
    if split_commas(text).len() > 1 {
        return Ok((parse_with_align(text, align)?, Vec::new()));
    }
    let t = text.trim();
    let (shape_text, rest) = if let Some(close) = t.strip_prefix('(').and(t.find(')')) {
        (&t[..=close], &t[close + 1..])
    } else {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        (&t[..digits], &t[digits..])
    };
    if shape_text.is_empty() {
        return Ok((parse_plain(t)?, Vec::new()));
    }
    let lit = Literal::parse(shape_text).map_err(|e| not_understood(text, &e.message))?;
    if rest
        .trim_start()
        .starts_with(|c: char| c == '(' || c.is_ascii_digit())
    {
        return Err(not_understood(text, "one repeat count or shape per item"));
    }
    let (inner, inner_shape) = format_str(rest, align)?;
    let mut shape = shape_of(&lit, text)?;
    shape.extend(inner_shape);
    Ok((inner, shape))
}

/// A subarray shape: an int `n` means `(n,)`.
fn shape_of(lit: &Literal, context: &str) -> Result<Vec<usize>> {
    let dim = |v: &Literal| {
        match v {
        Literal::Int(n) if (0..=MAX_DIM).contains(n) => Ok(*n as usize),
        Literal::Int(_) => bail!(
            InvalidArg,
            "invalid shape in fixed-type tuple: dimension smaller then zero (or too large) in '{context}'"
        ),
        _ => bail!(Dtype, "subarray shape in '{context}' must be integers"),
    }
    };
    match lit {
        Literal::Int(_) => Ok(vec![dim(lit)?]),
        Literal::Tuple(items) | Literal::List(items) => items.iter().map(dim).collect(),
        _ => bail!(
            Dtype,
            "subarray shape in '{context}' must be an int or a tuple of ints"
        ),
    }
}

/// The subarray part of a field format: all axes, and the axes of each nested level when the
/// format is a subarray of a subarray (see `Field::levels`).
#[derive(Default)]
struct Sub {
    shape: Vec<usize>,
    levels: Vec<usize>,
}

impl Sub {
    /// `(inner, outer)`: the subarray of shape `outer` whose elements are `self`.
    fn nest(self, outer: Vec<usize>) -> Sub {
        if self.shape.is_empty() {
            return Sub {
                shape: outer,
                levels: Vec::new(),
            };
        }
        let inner_levels = if self.levels.is_empty() {
            vec![self.shape.len()]
        } else {
            self.levels
        };
        let mut levels = vec![outer.len()];
        levels.extend(inner_levels);
        let mut shape = outer;
        shape.extend(self.shape);
        Sub { shape, levels }
    }
}

/// A field format: string, nested list, dict, or `(format, shape)`.
fn format(lit: &Literal, align: bool) -> Result<(Dtype, Sub)> {
    match lit {
        Literal::Str(s) => {
            let (d, shape) = format_str(s, align)?;
            Ok((
                d,
                Sub {
                    shape,
                    levels: Vec::new(),
                },
            ))
        }
        Literal::List(items) => Ok((from_list(items, align)?, Sub::default())),
        Literal::Dict(_) => Ok((from_dict(lit, align, false)?, Sub::default())),
        Literal::Tuple(items) if items.len() == 2 => {
            let (d, inner) = format(&items[0], align)?;
            let outer = shape_of(&items[1], "(format, shape)")?;
            Ok((d, inner.nest(outer)))
        }
        _ => bail!(
            Dtype,
            "data type not understood: a field format must be a string, a list, a dict or (format, shape)"
        ),
    }
}

fn text_of(lit: &Literal, what: &str) -> Result<String> {
    match lit {
        Literal::Str(s) => Ok(s.clone()),
        _ => bail!(Dtype, "{what} must be a string"),
    }
}

fn from_list(items: &[Literal], align: bool) -> Result<Dtype> {
    let mut specs = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let parts = match item.items() {
            Some(p) if p.len() == 2 || p.len() == 3 => p,
            _ => bail!(
                Dtype,
                "data type not understood: each field of a list must be (name, format) or (name, format, shape)"
            ),
        };
        let (title, name) = match &parts[0] {
            Literal::Tuple(tn) if tn.len() == 2 => (
                Some(text_of(&tn[0], "a field title")?),
                text_of(&tn[1], "a field name")?,
            ),
            other => (None, text_of(other, "a field name")?),
        };
        // The list form names an unnamed field after its position.
        let name = if name.is_empty() {
            format!("f{i}")
        } else {
            name
        };
        let (dtype, mut sub) = format(&parts[1], align)?;
        if let Some(s) = parts.get(2) {
            sub = sub.nest(shape_of(s, &name)?);
        }
        specs.push(FieldSpec {
            name,
            title,
            dtype,
            shape: sub.shape,
            levels: sub.levels,
            offset: None,
        });
    }
    Ok(Dtype::record(Record::build(specs, align, None)?))
}

/// The dict form. Its `'aligned'` entry adds to the caller's `align` at the top level (as NumPy);
/// in a nested dict an explicit `'aligned': False` keeps that record packed, which is how an
/// existing packed record inside an aligned one is written as text (an ndmem extension: NumPy
/// ignores it there).
fn from_dict(lit: &Literal, align: bool, top: bool) -> Result<Dtype> {
    let list = |key: &str| -> Result<Option<&[Literal]>> {
        match lit.get(key) {
            None => Ok(None),
            Some(v) => match v.items() {
                Some(items) => Ok(Some(items)),
                None => bail!(Dtype, "the dict form's '{key}' must be a list"),
            },
        }
    };
    let (Some(names), Some(formats)) = (list("names")?, list("formats")?) else {
        bail!(
            Dtype,
            "the dict form of a record dtype needs 'names' and 'formats'"
        );
    };
    let offsets = list("offsets")?;
    let titles = list("titles")?;
    let n = names.len();
    if formats.len() != n
        || offsets.is_some_and(|o| o.len() != n)
        || titles.is_some_and(|t| t.len() != n)
    {
        bail!(
            InvalidArg,
            "'names', 'formats', 'offsets', and 'titles' dict entries must have the same length"
        );
    }
    let align = match lit.get("aligned") {
        None => align,
        Some(Literal::Bool(b)) if top => align || *b,
        Some(Literal::Bool(b)) => *b,
        Some(_) => bail!(Dtype, "the dict form's 'aligned' must be True or False"),
    };
    let itemsize = match lit.get("itemsize") {
        None => None,
        Some(Literal::Int(v)) if *v >= 0 => Some(*v as usize),
        Some(_) => bail!(
            Dtype,
            "the dict form's 'itemsize' must be a non-negative integer"
        ),
    };
    let mut specs = Vec::with_capacity(n);
    for i in 0..n {
        let name = text_of(&names[i], "a field name")?;
        let (dtype, sub) = format(&formats[i], align)?;
        let offset = match offsets.map(|o| &o[i]) {
            None => None,
            Some(Literal::Int(v)) if *v >= 0 => Some(*v as usize),
            Some(Literal::Int(v)) => bail!(InvalidArg, "offset {v} cannot be negative"),
            Some(_) => bail!(Dtype, "the dict form's offsets must be integers"),
        };
        let title = match titles.map(|t| &t[i]) {
            None | Some(Literal::None) => None,
            Some(t) => Some(text_of(t, "a field title")?),
        };
        specs.push(FieldSpec {
            name,
            title,
            dtype,
            shape: sub.shape,
            levels: sub.levels,
            offset,
        });
    }
    Ok(Dtype::record(Record::build(specs, align, itemsize)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(text: &str, align: bool) -> (Vec<usize>, usize, usize) {
        let d = parse_with_align(text, align).unwrap_or_else(|e| panic!("{text}: {e}"));
        let r = d.as_record().expect("a record");
        (
            r.fields().iter().map(|f| f.offset).collect(),
            d.itemsize(),
            d.alignment(),
        )
    }

    #[test]
    fn numpy_examples_from_the_semantics_notes() {
        let abc = "[('a','i1'),('b','f8'),('c','i2')]";
        assert_eq!(layout(abc, false), (vec![0, 1, 9], 11, 1));
        assert_eq!(layout(abc, true), (vec![0, 8, 16], 24, 8));
        let nested = "[('tag','i1'),('pt',[('p','i1'),('q','f4')]),('n','i2')]";
        assert_eq!(layout(nested, true), (vec![0, 4, 12], 16, 4));
        let sub = "[('id','<i4'),('m','<f4',(2,3)),('name','S5'),('c','<c16')]";
        assert_eq!(layout(sub, true), (vec![0, 4, 28, 40], 56, 8));
        assert_eq!(layout(sub, false), (vec![0, 4, 28, 33], 49, 1));
        assert_eq!(layout("i1,f8,i2", true), (vec![0, 8, 16], 24, 8));
        assert_eq!(layout("3i4,(2,3)f8", false), (vec![0, 12], 60, 1));
        let dict = "{'names':['a','b'],'formats':['i4','i4'],'offsets':[0,2]}";
        assert_eq!(layout(dict, false), (vec![0, 2], 6, 1));
        let d = parse_with_align("[(('Salary in USD','salary'),'f8')]", false).unwrap();
        assert_eq!(d.descr().unwrap(), "[(('Salary in USD', 'salary'), '<f8')]");
    }

    #[test]
    fn errors_name_the_problem() {
        for (text, expect) in [
            ("[('a','i4'),('a','f8')]", "occurs more than once"),
            ("{'names':['a'],'formats':['i4','f8']}", "same length"),
            (
                "{'names':['a','b'],'formats':['i4','f8'],'offsets':[0,-4]}",
                "cannot be negative",
            ),
            ("[('a','f4',-1)]", "dimension smaller"),
            ("('f4',(2,3))", "only as record fields"),
            ("[('a','M8')]", "not supported"),
            ("[('a'", "not understood"),
        ] {
            let e = parse_with_align(text, false).unwrap_err();
            assert!(e.message.contains(expect), "{text}: {}", e.message);
        }
    }
}
