//! A serde Deserializer over the spanned tree that finds every problem in a document in one go.
//!
//! It knows each struct's fields (serde's `deserialize_struct` names them), so it reports every
//! unknown or repeated key itself and leaves it out. A value of the wrong kind is recorded at
//! its place and answered with an empty value of the kind asked for, so reading goes on. A
//! missing required field comes back from serde as an error; the caller records it and reads
//! again with an empty value in its place, until no field is missing.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::tree::{Doc, Kind, Node, Style};

/// More aliases than this in one document is a "billion laughs" attack (tests/bad-input/35).
const MAX_ALIASES: usize = 100;

/// An alias inside what an alias stands for, and so on, at most this deep: each level nests
/// the reading deeper (an alias may even stand for a list holding itself), and content has no
/// use for it.
const MAX_HOPS: usize = 4;

/// What is wrong with one value or key.
#[derive(Debug, Clone)]
pub(crate) enum Fault {
    UnknownField {
        field: String,
        allowed: &'static [&'static str],
    },
    Missing {
        field: &'static str,
    },
    Duplicate {
        field: String,
        first: Range<usize>,
    },
    UnknownVariant {
        value: String,
        allowed: &'static [&'static str],
    },
    /// A value of another kind than the field takes, in serde's words (`string "yes"`,
    /// `a sequence`), which `explain` turns into plain ones.
    Kind {
        found: String,
        expected: String,
    },
    /// A negative number where a count is wanted.
    NotACount {
        number: String,
    },
    /// A whole number outside what the field allows: its own rule, or else what its type holds.
    OutOfRange {
        too_large: bool,
        min: i128,
        max: i128,
        help: Option<String>,
    },
    /// A text, word or number field given as nothing: `title:`, `title: ~`, `title: ""`,
    /// only spaces, or a list item `- ` with nothing after it.
    Empty {
        hint: Hint,
    },
    Aliases,
    Other(String),
}

/// What an empty value should have held, for the help.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Hint {
    Text,
    Word(&'static [&'static str]),
    Number,
}

/// A fault, where it is, and the path of fields to it (`contact.phone`, `repeat[0]`).
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub at: Range<usize>,
    pub path: String,
    pub fault: Fault,
}

/// The error serde's generated code sees. Faults are recorded, not returned; only a missing
/// field (which the caller retries) or an error from a visitor of our own stops reading.
#[derive(Debug)]
pub(crate) enum Error {
    Missing {
        field: &'static str,
        /// The struct's path and where to point: set by the struct that misses it.
        place: Option<(String, Range<usize>)>,
    },
    Custom(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Error::Missing { field, .. } => write!(f, "missing field `{field}`"),
            Error::Custom(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Custom(msg.to_string())
    }
    fn missing_field(field: &'static str) -> Self {
        Error::Missing { field, place: None }
    }
}

/// What one reading of a document shares.
pub(crate) struct Cx<'a> {
    pub doc: &'a Doc,
    pub source: &'a str,
    /// Allowed numbers of whole-number fields, by path.
    pub numbers: super::Numbers<'a>,
    /// Fields already known to be missing: (struct path, field), answered with empty values.
    pub missing: &'a BTreeSet<(String, &'static str)>,
    pub found: RefCell<Vec<Found>>,
    aliases: Cell<usize>,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(
        doc: &'a Doc,
        source: &'a str,
        numbers: super::Numbers<'a>,
        missing: &'a BTreeSet<(String, &'static str)>,
    ) -> Self {
        Cx {
            doc,
            source,
            numbers,
            missing,
            found: RefCell::new(Vec::new()),
            aliases: Cell::new(0),
        }
    }

    fn record(&self, at: Range<usize>, path: &str, fault: Fault) {
        self.found.borrow_mut().push(Found {
            at,
            path: path.to_string(),
            fault,
        });
    }
}

/// Reads one node.
pub(crate) struct De<'a> {
    pub node: &'a Node,
    pub cx: &'a Cx<'a>,
    pub path: String,
    /// The key this node is the value of, to point at when a field inside it is missing.
    pub key: Option<Range<usize>>,
    /// Aliases followed to get here.
    hops: Cell<usize>,
    /// A mapping's key rather than a value: a key is a name, and never "empty".
    is_key: bool,
}

/// A scalar's meaning under YAML's core schema, as the YAML library used before (serde_yaml) read it, so the same files mean the same.
enum Plain<'a> {
    Null,
    Bool(bool),
    Int(i128),
    Float,
    Text(&'a str),
}

fn resolve(value: &str, style: Style) -> Plain<'_> {
    if style != Style::Plain {
        return Plain::Text(value);
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
        "true" | "True" | "TRUE" => return Plain::Bool(true),
        "false" | "False" | "FALSE" => return Plain::Bool(false),
        _ => {}
    }
    if let Some(n) = integer(value) {
        return Plain::Int(n);
    }
    let float = value.trim_start_matches(['-', '+']);
    let is_float = matches!(float, ".inf" | ".Inf" | ".INF")
        || matches!(value, ".nan" | ".NaN" | ".NAN")
        || (float.starts_with(|c: char| c.is_ascii_digit() || c == '.')
            && float.parse::<f64>().is_ok());
    if is_float {
        Plain::Float
    } else {
        Plain::Text(value)
    }
}

fn integer(value: &str) -> Option<i128> {
    let (negative, digits) = match value.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, value.strip_prefix('+').unwrap_or(value)),
    };
    let n = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i128::from_str_radix(oct, 8).ok()?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // Digits past what i128 holds are still a whole number, only a very large one.
        digits.parse().unwrap_or(i128::MAX)
    } else {
        return None;
    };
    Some(if negative { -n } else { n })
}

/// How serde would name what a node holds, for `explain`.
fn found(node: &Node) -> String {
    match &node.kind {
        Kind::Seq(_) => "sequence".into(),
        Kind::Map(_) => "map".into(),
        Kind::Alias(_) => "alias".into(),
        Kind::Scalar { value, style } => match resolve(value, *style) {
            Plain::Null => "unit value".into(),
            Plain::Bool(b) => format!("boolean `{b}`"),
            Plain::Int(_) => format!("integer `{value}`"),
            Plain::Float => format!("floating point `{value}`"),
            Plain::Text(t) => format!("string {t:?}"),
        },
    }
}

fn is_null(node: &Node) -> bool {
    matches!(&node.kind, Kind::Scalar { value, style } if matches!(resolve(value, *style), Plain::Null))
}

/// A scalar that says nothing: YAML's null (`title:`, `~`, `null`) or blank text (`""`, spaces).
fn is_blank(node: &Node) -> bool {
    match &node.kind {
        Kind::Scalar { value, style } => {
            matches!(resolve(value, *style), Plain::Null) || value.trim().is_empty()
        }
        _ => false,
    }
}

impl<'a> De<'a> {
    pub(crate) fn root(cx: &'a Cx<'a>) -> Self {
        De {
            node: &cx.doc.root,
            cx,
            path: String::new(),
            key: None,
            hops: Cell::new(0),
            is_key: false,
        }
    }

    /// The node, with an alias replaced by what it stands for; `None` past the alias limit.
    fn target(&self) -> Option<&'a Node> {
        let mut node = self.node;
        while let Kind::Alias(id) = node.kind {
            let used = self.cx.aliases.get().saturating_add(1);
            self.cx.aliases.set(used);
            self.hops.set(self.hops.get() + 1);
            if used > MAX_ALIASES || self.hops.get() > MAX_HOPS {
                // Said once, where a limit is first passed.
                if self.cx.aliases.replace(usize::MAX) != usize::MAX {
                    self.cx
                        .record(self.node.span.clone(), &self.path, Fault::Aliases);
                }
                return None;
            }
            node = self.cx.doc.anchor(id)?;
        }
        Some(node)
    }

    fn mark(&self) -> Range<usize> {
        let (at, len) = self.node.mark(self.cx.source);
        at..at + len
    }

    /// Records that the value is empty, and marks it: its first character, or a whole `~` or
    /// `null`; nothing written is marked just after the colon.
    fn empty(&self, node: &Node, hint: Hint) {
        let (at, len) = node.mark(self.cx.source);
        let len = if is_null(node) { len } else { len.min(1) };
        self.cx
            .record(at..at + len, &self.path, Fault::Empty { hint });
    }

    /// Records that the value is not of the `expected` kind.
    fn wrong(&self, node: &Node, expected: &str) {
        self.cx.record(
            self.mark(),
            &self.path,
            Fault::Kind {
                found: found(node),
                expected: expected.into(),
            },
        );
    }

    fn child(&self, node: &'a Node, path: String, key: Option<Range<usize>>) -> De<'a> {
        De {
            node,
            cx: self.cx,
            path,
            key,
            hops: self.hops.clone(),
            is_key: false,
        }
    }

    fn field_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// A whole number from the scalar, between `min` and `max` (what its type holds) and
    /// within the field's own rule, if it has one.
    fn whole(&self, min: i128, max: i128, expected: &str) -> Option<i128> {
        let node = self.target()?;
        let n = match &node.kind {
            Kind::Scalar { value, style } => match resolve(value, *style) {
                Plain::Int(n) => n,
                Plain::Null => {
                    self.empty(node, Hint::Number);
                    return None;
                }
                _ => {
                    self.wrong(node, expected);
                    return None;
                }
            },
            _ => {
                self.wrong(node, expected);
                return None;
            }
        };
        let rule = self.cx.numbers.iter().find(|r| r.0 == self.path);
        let (min, max, help) = match rule {
            Some((_, allowed, help)) => (
                i128::from(*allowed.start()).max(min),
                i128::from(*allowed.end()).min(max),
                Some(help.to_string()),
            ),
            None => (min, max, None),
        };
        if (min..=max).contains(&n) {
            return Some(n);
        }
        let fault = if rule.is_none() && min == 0 && n < 0 {
            Fault::NotACount {
                number: n.to_string(),
            }
        } else {
            Fault::OutOfRange {
                too_large: n > max,
                min,
                max,
                help,
            }
        };
        self.cx.record(self.mark(), &self.path, fault);
        None
    }

    /// Unknown and repeated keys of a mapping are recorded and left out; the rest are kept.
    fn keep_entries(
        &self,
        entries: &'a [(Node, Node)],
        allowed: Option<&'static [&'static str]>,
    ) -> Vec<(&'a Node, &'a Node)> {
        let mut kept: Vec<(&Node, &Node)> = Vec::with_capacity(entries.len());
        // Each name kept so far, and where: a mapping of thousands of keys is read in one pass.
        let mut seen: std::collections::HashMap<&str, Range<usize>> = Default::default();
        for (k, v) in entries {
            let name = k.text().unwrap_or_default();
            if let Some(first) = seen.get(name) {
                self.cx.record(
                    k.span.clone(),
                    &self.path,
                    Fault::Duplicate {
                        field: name.to_string(),
                        first: first.clone(),
                    },
                );
                continue;
            }
            if let Some(allowed) = allowed
                && !allowed.contains(&name)
            {
                self.cx.record(
                    k.span.clone(),
                    &self.path,
                    Fault::UnknownField {
                        field: name.to_string(),
                        allowed,
                    },
                );
                continue;
            }
            seen.insert(name, k.span.clone());
            kept.push((k, v));
        }
        kept
    }
}

macro_rules! whole_numbers {
    ($($method:ident $visit:ident $t:ty, $expected:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let n = self.whole(<$t>::MIN as i128, <$t>::MAX as i128, $expected).unwrap_or(0);
            visitor.$visit(n as $t)
        }
    )*};
}

impl<'de, 'a> de::Deserializer<'de> for De<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Some(node) = self.target() else {
            return visitor.visit_unit();
        };
        match &node.kind {
            Kind::Scalar { value, style } => match resolve(value, *style) {
                Plain::Null => visitor.visit_unit(),
                Plain::Bool(b) => visitor.visit_bool(b),
                Plain::Int(n) => match i64::try_from(n) {
                    Ok(n) => visitor.visit_i64(n),
                    Err(_) => visitor.visit_str(value),
                },
                Plain::Float => visitor.visit_f64(value.parse().unwrap_or(0.0)),
                Plain::Text(t) => visitor.visit_str(t),
            },
            Kind::Seq(_) => self
                .child(node, self.path.clone(), self.key.clone())
                .deserialize_seq(visitor),
            Kind::Map(_) => self
                .child(node, self.path.clone(), self.key.clone())
                .deserialize_map(visitor),
            Kind::Alias(_) => visitor.visit_unit(),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Some(node) = self.target() else {
            return visitor.visit_bool(false);
        };
        if let Kind::Scalar { value, style } = &node.kind
            && let Plain::Bool(b) = resolve(value, *style)
        {
            return visitor.visit_bool(b);
        }
        self.wrong(node, "a boolean");
        visitor.visit_bool(false)
    }

    whole_numbers! {
        deserialize_i8 visit_i8 i8, "i8";
        deserialize_i16 visit_i16 i16, "i16";
        deserialize_i32 visit_i32 i32, "i32";
        deserialize_i64 visit_i64 i64, "i64";
        deserialize_u8 visit_u8 u8, "u8";
        deserialize_u16 visit_u16 u16, "u16";
        deserialize_u32 visit_u32 u32, "u32";
        deserialize_u64 visit_u64 u64, "u64";
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Some(node) = self.target() else {
            return visitor.visit_f64(0.0);
        };
        if let Kind::Scalar { value, style } = &node.kind
            && matches!(resolve(value, *style), Plain::Int(_) | Plain::Float)
        {
            return visitor.visit_f64(value.parse().unwrap_or(0.0));
        }
        self.wrong(node, "f64");
        visitor.visit_f64(0.0)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Some(node) = self.target() else {
            return visitor.visit_str("");
        };
        match &node.kind {
            // Nothing where text is wanted is a mistake (an empty bullet, a page without a
            // title); an optional field left out, or given as `~`, never gets here.
            Kind::Scalar { .. } if !self.is_key && is_blank(node) => {
                self.empty(node, Hint::Text);
                visitor.visit_str("")
            }
            // Any scalar is text when text is asked for: `title: 12` is the title "12".
            Kind::Scalar { value, .. } => visitor.visit_str(value),
            _ => {
                self.wrong(node, "a string");
                visitor.visit_str("")
            }
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.target() {
            Some(node) if !is_null(node) => visitor.visit_some(self),
            _ => visitor.visit_none(),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Some(node) = self.target()
            && !is_null(node)
        {
            self.wrong(node, "unit");
        }
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Some(node) = self.target() else {
            return visitor.visit_seq(Items::empty());
        };
        match &node.kind {
            Kind::Seq(items) => visitor.visit_seq(Items {
                items: items.iter(),
                index: 0,
                parent: Some(self),
            }),
            // `tips:` with nothing after it, or `~`, is an empty list.
            _ if is_null(node) => visitor.visit_seq(Items::empty()),
            _ => {
                self.wrong(node, "a sequence");
                visitor.visit_seq(Items::empty())
            }
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Some(node) = self.target() else {
            return visitor.visit_map(Entries::empty());
        };
        match &node.kind {
            Kind::Map(entries) => {
                let kept = self.keep_entries(entries, None);
                visitor.visit_map(Entries::new(self, kept, Vec::new()))
            }
            _ if is_null(node) => visitor.visit_map(Entries::empty()),
            _ => {
                self.wrong(node, "a map");
                visitor.visit_map(Entries::empty())
            }
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let Some(node) = self.target() else {
            return visitor.visit_map(Blank::fields(fields));
        };
        let kept = match &node.kind {
            Kind::Map(entries) => self.keep_entries(entries, Some(fields)),
            // `contact:` with nothing after it, or `~`, is a group with no fields given.
            _ if is_null(node) => Vec::new(),
            _ => {
                self.wrong(node, &format!("struct {name}"));
                return visitor.visit_map(Blank::fields(fields));
            }
        };
        // Fields found missing in an earlier reading get an empty value this time.
        let blanks: Vec<&'static str> = fields
            .iter()
            .copied()
            .filter(|f| self.cx.missing.contains(&(self.path.clone(), *f)))
            .filter(|f| !kept.iter().any(|(k, _)| k.text() == Some(f)))
            .collect();
        let path = self.path.clone();
        let at = match &self.key {
            Some(key) => key.clone(),
            None => node.span.start..node.span.start,
        };
        visitor
            .visit_map(Entries::new(self, kept, blanks))
            .map_err(|e| match e {
                Error::Missing { field, place: None } => Error::Missing {
                    field,
                    place: Some((path, at)),
                },
                other => other,
            })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let first = variants.first().copied().unwrap_or_default();
        let Some(node) = self.target() else {
            return visitor.visit_enum(StrDeserializer::<Error>::new(first));
        };
        let chosen = match &node.kind {
            Kind::Scalar { value, .. } if variants.contains(&value.as_str()) => value.as_str(),
            Kind::Scalar { .. } if is_blank(node) => {
                self.empty(node, Hint::Word(variants));
                first
            }
            Kind::Scalar { value, .. } => {
                self.cx.record(
                    self.mark(),
                    &self.path,
                    Fault::UnknownVariant {
                        value: value.clone(),
                        allowed: variants,
                    },
                );
                first
            }
            _ => {
                self.wrong(node, "one of the words");
                first
            }
        };
        visitor.visit_enum(StrDeserializer::<Error>::new(chosen))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// The items of a list.
struct Items<'a> {
    items: std::slice::Iter<'a, Node>,
    index: usize,
    parent: Option<De<'a>>,
}

impl<'a> Items<'a> {
    fn empty() -> Self {
        Items {
            items: [].iter(),
            index: 0,
            parent: None,
        }
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let (Some(parent), Some(item)) = (&self.parent, self.items.next()) else {
            return Ok(None);
        };
        let path = format!("{}[{}]", parent.path, self.index);
        self.index += 1;
        seed.deserialize(parent.child(item, path, None)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The kept entries of a mapping, then an empty value for each field known to be missing.
struct Entries<'a> {
    parent: Option<De<'a>>,
    kept: std::vec::IntoIter<(&'a Node, &'a Node)>,
    blanks: std::vec::IntoIter<&'static str>,
    next: Option<Pending<'a>>,
}

/// The value to read next.
enum Pending<'a> {
    /// A value in the file, with its key's place and its path.
    Value {
        node: &'a Node,
        key: Range<usize>,
        path: String,
    },
    /// An empty value for a missing field.
    Blank,
}

impl<'a> Entries<'a> {
    fn new(parent: De<'a>, kept: Vec<(&'a Node, &'a Node)>, blanks: Vec<&'static str>) -> Self {
        Entries {
            parent: Some(parent),
            kept: kept.into_iter(),
            blanks: blanks.into_iter(),
            next: None,
        }
    }

    fn empty() -> Self {
        Entries {
            parent: None,
            kept: Vec::new().into_iter(),
            blanks: Vec::new().into_iter(),
            next: None,
        }
    }
}

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(parent) = &self.parent else {
            return Ok(None);
        };
        if let Some((k, v)) = self.kept.next() {
            let name = k.text().unwrap_or_default().to_string();
            self.next = Some(Pending::Value {
                node: v,
                key: k.span.clone(),
                path: parent.field_path(&name),
            });
            let mut key = parent.child(k, parent.path.clone(), None);
            key.is_key = true;
            return seed.deserialize(key).map(Some);
        }
        if let Some(field) = self.blanks.next() {
            self.next = Some(Pending::Blank);
            return seed
                .deserialize(StrDeserializer::<Error>::new(field))
                .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match (self.next.take(), &self.parent) {
            (Some(Pending::Value { node, key, path }), Some(parent)) => {
                let at = node.span.clone();
                let cx = parent.cx;
                seed.deserialize(parent.child(node, path.clone(), Some(key)))
                    .map_err(|e| match e {
                        // A visitor's own complaint: recorded here, and reading stops.
                        Error::Custom(message) => {
                            cx.record(at, &path, Fault::Other(message.clone()));
                            Error::Custom(message)
                        }
                        other => other,
                    })
            }
            _ => seed.deserialize(Blank),
        }
    }
}

/// An empty value of whatever kind is asked for: it stands in for a value that was wrong or
/// missing, so the rest of the document can still be read.
struct Blank;

impl Blank {
    fn fields(fields: &'static [&'static str]) -> BlankFields {
        BlankFields {
            fields: fields.iter(),
        }
    }
}

struct BlankFields {
    fields: std::slice::Iter<'static, &'static str>,
}

impl<'de> de::MapAccess<'de> for BlankFields {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.fields.next() {
            Some(field) => seed.deserialize(field.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(Blank)
    }
}

struct NoItems;

impl<'de> de::SeqAccess<'de> for NoItems {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        _: T,
    ) -> Result<Option<T::Value>, Error> {
        Ok(None)
    }
}

impl<'de> de::Deserializer<'de> for Blank {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_bool(false)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i64(0)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u64(0)
    }
    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i8(0)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i16(0)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i32(0)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u8(0)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u16(0)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u32(0)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f32(0.0)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f64(0.0)
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_char(' ')
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str("")
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str("")
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_bytes(&[])
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_bytes(&[])
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_none()
    }
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(NoItems)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(NoItems)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_seq(NoItems)
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(Blank::fields(&[]))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_map(Blank::fields(fields))
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let first = variants.first().copied().unwrap_or_default();
        visitor.visit_enum(StrDeserializer::<Error>::new(first))
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str("")
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}
