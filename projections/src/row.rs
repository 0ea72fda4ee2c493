//! A read-model row turned into its column values by serde, field by field,
//! with nothing in between: each field of the row struct lands in the column
//! of the same name, typed by the column's [`Kind`]. `Json` columns hold the
//! field's JSON text. The values go either into a list ([`to_values`]) or
//! straight into a line of `COPY` text ([`copy_line`]).

use crate::db::{Kind, Val};
use crate::table::Table;
use serde::ser::{self, Impossible, Serialize};
use std::fmt;

/// Why a row could not be turned into column values.
#[derive(Debug)]
pub struct RowError(String);

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RowError {}

impl ser::Error for RowError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        RowError(msg.to_string())
    }
}

/// The null of a column of `kind`.
fn null(kind: Kind) -> Val {
    match kind {
        Kind::Int | Kind::Bool => Val::OptInt(None),
        Kind::Text | Kind::Time | Kind::Date | Kind::Json => Val::OptText(None),
    }
}

/// A row's column values, in the table's column order (missing fields are null).
pub fn to_values<R: Serialize>(table: &Table, row: &R) -> Result<Vec<Val>, RowError> {
    let mut values = Values {
        values: table.columns.iter().map(|(_, k)| null(*k)).collect(),
        at: 0,
    };
    row.serialize(RowSerializer {
        table,
        cells: &mut values,
        next: 0,
    })?;
    Ok(values.values)
}

/// Appends the row as one line of `COPY`'s text format: columns split by
/// tabs, `\N` for null, backslash escapes in text, a newline at the end.
/// Fields must come in column order (absent columns are null); otherwise
/// nothing is appended and the answer is an error.
pub fn copy_line<R: Serialize>(table: &Table, row: &R, out: &mut String) -> Result<(), RowError> {
    let start = out.len();
    let mut line = Line {
        out,
        columns: table.columns.len(),
        next: 0,
    };
    let written = row.serialize(RowSerializer {
        table,
        cells: &mut line,
        next: 0,
    });
    let finished = written.and_then(|()| line.finish());
    if finished.is_err() {
        out.truncate(start);
    }
    finished
}

/// Text escaped for `COPY`'s text format.
pub fn copy_escape(text: &str, out: &mut String) {
    // Runs without a reserved character go in whole.
    let mut run = 0;
    for (i, b) in text.bytes().enumerate() {
        let escaped = match b {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            b'\r' => "\\r",
            _ => continue,
        };
        out.push_str(&text[run..i]);
        out.push_str(escaped);
        run = i + 1;
    }
    out.push_str(&text[run..]);
}

/// Where a row's values go, column by column.
trait Cells {
    /// The next value written is column `at`'s.
    fn column(&mut self, at: usize) -> Result<(), RowError>;
    fn int(&mut self, v: i64);
    fn bool(&mut self, v: bool);
    fn text(&mut self, v: &str);
    fn null(&mut self, kind: Kind);
}

/// Values into a list, in any order.
struct Values {
    values: Vec<Val>,
    at: usize,
}

impl Cells for Values {
    fn column(&mut self, at: usize) -> Result<(), RowError> {
        self.at = at;
        Ok(())
    }
    fn int(&mut self, v: i64) {
        self.values[self.at] = Val::Int(v);
    }
    fn bool(&mut self, v: bool) {
        self.values[self.at] = Val::Bool(v);
    }
    fn text(&mut self, v: &str) {
        self.values[self.at] = Val::OptText(Some(v.to_string()));
    }
    fn null(&mut self, kind: Kind) {
        self.values[self.at] = null(kind);
    }
}

/// Values into a line of `COPY` text, in column order.
struct Line<'a> {
    out: &'a mut String,
    columns: usize,
    /// The column the next value written is for.
    next: usize,
}

impl Line<'_> {
    /// Nulls up to column `to`, each after its separator.
    fn skip_to(&mut self, to: usize) {
        while self.next < to {
            if self.next > 0 {
                self.out.push('\t');
            }
            self.out.push_str("\\N");
            self.next += 1;
        }
    }

    fn finish(&mut self) -> Result<(), RowError> {
        self.skip_to(self.columns);
        self.out.push('\n');
        Ok(())
    }
}

impl Cells for Line<'_> {
    fn column(&mut self, at: usize) -> Result<(), RowError> {
        if at < self.next {
            return Err(RowError("fields are not in column order".into()));
        }
        self.skip_to(at);
        if at > 0 {
            self.out.push('\t');
        }
        self.next = at + 1;
        Ok(())
    }
    fn int(&mut self, v: i64) {
        self.out.push_str(itoa::Buffer::new().format(v));
    }
    fn bool(&mut self, v: bool) {
        self.out.push(if v { 't' } else { 'f' });
    }
    fn text(&mut self, v: &str) {
        copy_escape(v, self.out);
    }
    fn null(&mut self, _: Kind) {
        self.out.push_str("\\N");
    }
}

struct RowSerializer<'a> {
    table: &'a Table,
    cells: &'a mut dyn Cells,
    /// The column the next field most likely fills (fields usually come in
    /// column order).
    next: usize,
}

fn not_a_struct<T>() -> Result<T, RowError> {
    Err(RowError("a row must be a struct".into()))
}

macro_rules! not_a_struct {
    ($($name:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<(), RowError> { not_a_struct() })*
    };
}

/// The serializer methods for values a row or column does not hold, each
/// answering with `$refuse()`.
macro_rules! refuse_compounds {
    ($refuse:ident) => {
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, RowError> {
            $refuse()
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, RowError> {
            $refuse()
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, RowError> {
            $refuse()
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, RowError> {
            $refuse()
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, RowError> {
            $refuse()
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, RowError> {
            $refuse()
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, RowError> {
            $refuse()
        }
    };
}

impl<'a> ser::Serializer for RowSerializer<'a> {
    type Ok = ();
    type Error = RowError;
    type SerializeSeq = Impossible<(), RowError>;
    type SerializeTuple = Impossible<(), RowError>;
    type SerializeTupleStruct = Impossible<(), RowError>;
    type SerializeTupleVariant = Impossible<(), RowError>;
    type SerializeMap = Impossible<(), RowError>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), RowError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, RowError> {
        Ok(self)
    }

    refuse_compounds!(not_a_struct);

    not_a_struct!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), RowError> {
        not_a_struct()
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), RowError> {
        not_a_struct()
    }
}

impl<'a> ser::SerializeStruct for RowSerializer<'a> {
    type Ok = ();
    type Error = RowError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), RowError> {
        let columns = self.table.columns;
        let at = match columns.get(self.next) {
            Some((name, _)) if *name == key => Some(self.next),
            _ => columns.iter().position(|(name, _)| *name == key),
        };
        // A field that is not a column is not written.
        let Some(at) = at else { return Ok(()) };
        self.next = at + 1;
        let kind = columns[at].1;
        self.cells.column(at)?;
        let field = |e: RowError| RowError(format!("{key}: {e}"));
        match kind {
            Kind::Json => match serde_json::to_string(value) {
                Ok(text) if text == "null" => self.cells.null(kind),
                Ok(text) => self.cells.text(&text),
                Err(e) => return Err(field(RowError(e.to_string()))),
            },
            _ => value
                .serialize(ValueSerializer {
                    kind,
                    cells: &mut *self.cells,
                })
                .map_err(field)?,
        }
        Ok(())
    }

    fn end(self) -> Result<(), RowError> {
        Ok(())
    }
}

/// One field's value as the value of a column of `kind`.
struct ValueSerializer<'a> {
    kind: Kind,
    cells: &'a mut dyn Cells,
}

fn compound<T>() -> Result<T, RowError> {
    Err(RowError("a compound value needs a Json column".to_string()))
}

macro_rules! int {
    ($($name:ident($ty:ty)),* $(,)?) => {
        $(fn $name(self, v: $ty) -> Result<(), RowError> {
            let v = i64::try_from(v)
                .map_err(|_| RowError(format!("{v} does not fit a bigint")))?;
            self.cells.int(v);
            Ok(())
        })*
    };
}

impl ser::Serializer for ValueSerializer<'_> {
    type Ok = ();
    type Error = RowError;
    type SerializeSeq = Impossible<(), RowError>;
    type SerializeTuple = Impossible<(), RowError>;
    type SerializeTupleStruct = Impossible<(), RowError>;
    type SerializeTupleVariant = Impossible<(), RowError>;
    type SerializeMap = Impossible<(), RowError>;
    type SerializeStruct = Impossible<(), RowError>;
    type SerializeStructVariant = Impossible<(), RowError>;

    refuse_compounds!(compound);

    int!(
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
    );

    fn serialize_bool(self, v: bool) -> Result<(), RowError> {
        self.cells.bool(v);
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), RowError> {
        Err(RowError("floats are not stored".into()))
    }
    fn serialize_f64(self, _: f64) -> Result<(), RowError> {
        Err(RowError("floats are not stored".into()))
    }
    fn serialize_char(self, v: char) -> Result<(), RowError> {
        self.cells.text(&v.to_string());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), RowError> {
        self.cells.text(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), RowError> {
        compound()
    }
    fn serialize_none(self) -> Result<(), RowError> {
        self.cells.null(self.kind);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), RowError> {
        self.cells.null(self.kind);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), RowError> {
        self.cells.null(self.kind);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), RowError> {
        self.cells.text(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, RowError> {
        compound()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Write;

    #[derive(serde::Serialize, Clone)]
    struct Sample {
        id: String,
        count: i64,
        small: u32,
        flag: bool,
        missing: Option<i64>,
        names: std::collections::BTreeMap<String, String>,
        none_json: Option<Vec<i64>>,
        not_a_column: String,
    }

    const SAMPLE: Table = Table {
        name: "sample",
        columns: &[
            ("id", Kind::Text),
            ("flag", Kind::Bool),
            ("count", Kind::Int),
            ("small", Kind::Int),
            ("missing", Kind::Int),
            ("names", Kind::Json),
            ("none_json", Kind::Json),
            ("absent", Kind::Time),
        ],
        key: 1,
        write: Write::Upsert,
    };

    #[test]
    fn fields_land_in_their_columns_whatever_their_order() {
        let row = Sample {
            id: "a".into(),
            count: -3,
            small: 7,
            flag: true,
            missing: None,
            names: [("en".to_string(), "Tea".to_string())].into(),
            none_json: None,
            not_a_column: "x".into(),
        };
        let values = to_values(&SAMPLE, &row).unwrap();
        assert_eq!(
            values,
            vec![
                Val::OptText(Some("a".into())),
                Val::Bool(true),
                Val::Int(-3),
                Val::Int(7),
                Val::OptInt(None),
                Val::OptText(Some(r#"{"en":"Tea"}"#.into())),
                Val::OptText(None),
                Val::OptText(None),
            ]
        );
    }

    #[test]
    fn a_compound_value_outside_a_json_column_is_refused() {
        #[derive(serde::Serialize)]
        struct Bad {
            id: Vec<i64>,
        }
        let err = to_values(&SAMPLE, &Bad { id: vec![1] }).unwrap_err();
        assert!(err.to_string().starts_with("id: "), "{err}");
    }

    #[test]
    fn a_copy_line_wants_fields_in_column_order() {
        #[derive(serde::Serialize)]
        struct Backwards {
            flag: bool,
            id: String,
        }
        let mut out = "kept\n".to_string();
        let row = Backwards {
            flag: true,
            id: "a".into(),
        };
        assert!(copy_line(&SAMPLE, &row, &mut out).is_err());
        assert_eq!(out, "kept\n");
        #[derive(serde::Serialize)]
        struct Sparse {
            id: String,
            count: i64,
        }
        let row = Sparse {
            id: "a\tb".into(),
            count: 3,
        };
        copy_line(&SAMPLE, &row, &mut out).unwrap();
        assert_eq!(out, "kept\na\\tb\t\\N\t3\t\\N\t\\N\t\\N\t\\N\t\\N\n");
    }
}
