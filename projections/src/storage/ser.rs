//! The serde serializer behind [`super::row`] and [`super::copy`]: a row
//! struct's fields go, one by one, into the cells of its table's columns,
//! typed by each column's [`Kind`]. Where the cells go (a list of values or a
//! line of `COPY` text) is the [`Cells`] implementation's business.

use super::row::FieldError;
use super::schema::{Kind, Table};
use crate::db::Val;
use serde::ser::{self, Impossible, Serialize};

/// Serializes `row` into `cells`, column by column.
pub(super) fn write<R: Serialize>(
    table: &Table,
    row: &R,
    cells: &mut dyn Cells,
) -> Result<(), FieldError> {
    row.serialize(RowSerializer {
        table,
        cells,
        next: 0,
    })
}

/// Where a row's values go, column by column.
pub(super) trait Cells {
    /// The next value written is column `at`'s.
    fn column(&mut self, at: usize) -> Result<(), FieldError>;
    fn int(&mut self, v: i64);
    fn bool(&mut self, v: bool);
    fn text(&mut self, v: &str);
    fn null(&mut self, kind: Kind);
}

/// Values into a list, in any order.
pub(super) struct Values {
    pub(super) values: Vec<Val>,
    pub(super) at: usize,
}

impl Cells for Values {
    fn column(&mut self, at: usize) -> Result<(), FieldError> {
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
        self.values[self.at] = super::row::null(kind);
    }
}

struct RowSerializer<'a> {
    table: &'a Table,
    cells: &'a mut dyn Cells,
    /// The column the next field most likely fills (fields usually come in
    /// column order).
    next: usize,
}

fn not_a_struct<T>() -> Result<T, FieldError> {
    Err(FieldError::NotAStruct)
}

macro_rules! not_a_struct {
    ($($name:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<(), FieldError> { not_a_struct() })*
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
        ) -> Result<Self::Ok, FieldError> {
            $refuse()
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FieldError> {
            $refuse()
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FieldError> {
            $refuse()
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, FieldError> {
            $refuse()
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, FieldError> {
            $refuse()
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FieldError> {
            $refuse()
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, FieldError> {
            $refuse()
        }
    };
}

impl<'a> ser::Serializer for RowSerializer<'a> {
    type Ok = ();
    type Error = FieldError;
    type SerializeSeq = Impossible<(), FieldError>;
    type SerializeTuple = Impossible<(), FieldError>;
    type SerializeTupleStruct = Impossible<(), FieldError>;
    type SerializeTupleVariant = Impossible<(), FieldError>;
    type SerializeMap = Impossible<(), FieldError>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), FieldError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, FieldError> {
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

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), FieldError> {
        not_a_struct()
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), FieldError> {
        not_a_struct()
    }
}

impl<'a> ser::SerializeStruct for RowSerializer<'a> {
    type Ok = ();
    type Error = FieldError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), FieldError> {
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
        let field = |e: FieldError| FieldError::Field {
            field: key,
            cause: Box::new(e),
        };
        match kind {
            Kind::Json => match serde_json::to_string(value) {
                Ok(text) if text == "null" => self.cells.null(kind),
                Ok(text) => self.cells.text(&text),
                Err(e) => return Err(field(FieldError::Json(e))),
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

    fn end(self) -> Result<(), FieldError> {
        Ok(())
    }
}

/// One field's value as the value of a column of `kind`.
struct ValueSerializer<'a> {
    kind: Kind,
    cells: &'a mut dyn Cells,
}

fn compound<T>() -> Result<T, FieldError> {
    Err(FieldError::Compound)
}

macro_rules! int {
    ($($name:ident($ty:ty)),* $(,)?) => {
        $(fn $name(self, v: $ty) -> Result<(), FieldError> {
            let v = i64::try_from(v)
                .map_err(|_| FieldError::TooBig(v.to_string()))?;
            self.cells.int(v);
            Ok(())
        })*
    };
}

impl ser::Serializer for ValueSerializer<'_> {
    type Ok = ();
    type Error = FieldError;
    type SerializeSeq = Impossible<(), FieldError>;
    type SerializeTuple = Impossible<(), FieldError>;
    type SerializeTupleStruct = Impossible<(), FieldError>;
    type SerializeTupleVariant = Impossible<(), FieldError>;
    type SerializeMap = Impossible<(), FieldError>;
    type SerializeStruct = Impossible<(), FieldError>;
    type SerializeStructVariant = Impossible<(), FieldError>;

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

    fn serialize_bool(self, v: bool) -> Result<(), FieldError> {
        self.cells.bool(v);
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), FieldError> {
        Err(FieldError::Float)
    }
    fn serialize_f64(self, _: f64) -> Result<(), FieldError> {
        Err(FieldError::Float)
    }
    fn serialize_char(self, v: char) -> Result<(), FieldError> {
        self.cells.text(&v.to_string());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), FieldError> {
        self.cells.text(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), FieldError> {
        compound()
    }
    fn serialize_none(self) -> Result<(), FieldError> {
        self.cells.null(self.kind);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), FieldError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), FieldError> {
        self.cells.null(self.kind);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), FieldError> {
        self.cells.null(self.kind);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), FieldError> {
        self.cells.text(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), FieldError> {
        v.serialize(self)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, FieldError> {
        compound()
    }
}
