//! The fast path for rows that cannot clash: `COPY … FROM STDIN` on
//! PostgreSQL, in its text format.
//!
//! A rebuild writes most of its rows here (appended rows and rows created by
//! an event of the step, see [`super::rows::Rows::create`]). Rows are turned
//! straight into `COPY` text by the row serializer, without a list of values
//! in between; a row whose fields are not in column order goes through
//! [`super::row::to_values`] instead.

use super::row::{to_values, FieldError, RowError};
use super::schema::{Kind, Record};
use super::ser::{self, Cells};
use crate::db::Val;
use serde::Serialize;

/// From this many rows on, rows that cannot clash are written with `COPY`,
/// which costs one more round trip than an `INSERT` but less per row.
pub const COPY_FROM: usize = 64;

/// Writes `rows` with one `COPY` (see [`COPY_FROM`]).
pub async fn copy_in<R: Record>(conn: &mut sqlx::PgConnection, rows: &[&R]) -> sqlx::Result<()> {
    let table = &R::TABLE;
    let mut text = String::new();
    for row in rows {
        if copy_line(table, row, &mut text).is_err() {
            copy_values(&to_values(table, *row)?, &mut text);
        }
    }
    let names: Vec<&str> = table.names().collect();
    let sql = format!("COPY {} ({}) FROM STDIN", table.name, names.join(", "));
    let mut copy = conn.copy_in_raw(&sql).await?;
    copy.send(text.into_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

/// Appends the row as one line of `COPY`'s text format: columns split by
/// tabs, `\N` for null, backslash escapes in text, a newline at the end.
/// Fields must come in column order (absent columns are null); otherwise
/// nothing is appended and the answer is an error.
pub fn copy_line<R: Serialize>(
    table: &super::schema::Table,
    row: &R,
    out: &mut String,
) -> Result<(), RowError> {
    let start = out.len();
    let mut line = Line {
        out,
        columns: table.columns.len(),
        next: 0,
    };
    let written = ser::write(table, row, &mut line);
    let finished = written.map(|()| line.finish());
    if finished.is_err() {
        out.truncate(start);
    }
    finished.map_err(|cause| RowError::Encode {
        table: table.name,
        cause,
    })
}

/// A row's values as a line of `COPY` text (for rows whose fields are not in
/// column order, which [`copy_line`] does not take).
pub fn copy_values(row: &[Val], out: &mut String) {
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match v {
            Val::Int(n) | Val::OptInt(Some(n)) => out.push_str(itoa::Buffer::new().format(*n)),
            Val::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            Val::Text(s) | Val::OptText(Some(s)) => copy_escape(s, out),
            _ => out.push_str("\\N"),
        }
    }
    out.push('\n');
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

    fn finish(&mut self) {
        self.skip_to(self.columns);
        self.out.push('\n');
    }
}

impl Cells for Line<'_> {
    fn column(&mut self, at: usize) -> Result<(), FieldError> {
        if at < self.next {
            return Err(FieldError::OutOfOrder);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::schema::{Table, Write};

    const SAMPLE: Table = Table {
        name: "sample",
        columns: &[
            ("id", Kind::Text),
            ("flag", Kind::Bool),
            ("count", Kind::Int),
            ("missing", Kind::Int),
            ("note", Kind::Text),
        ],
        key: 1,
        write: Write::Append,
    };

    #[test]
    fn copy_text_escapes_what_its_format_reserves() {
        let rows = vec![
            vec![
                Val::Int(7),
                Val::OptText(Some("a\\b\tc\nd\re × f".into())),
                Val::OptInt(None),
                Val::Bool(false),
            ],
            vec![
                Val::OptInt(Some(-1)),
                Val::OptText(None),
                Val::Text(String::new()),
                Val::Bool(true),
            ],
        ];
        let mut text = String::new();
        for row in &rows {
            copy_values(row, &mut text);
        }
        assert_eq!(text, "7\ta\\\\b\\tc\\nd\\re × f\t\\N\tf\n-1\t\\N\t\tt\n");
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
        let err = copy_line(&SAMPLE, &row, &mut out);
        assert!(matches!(
            err,
            Err(RowError::Encode {
                cause: FieldError::OutOfOrder,
                ..
            })
        ));
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
        assert_eq!(out, "kept\na\\tb\t\\N\t3\t\\N\t\\N\n");
    }

    #[test]
    fn a_row_copies_like_its_values() {
        #[derive(serde::Serialize)]
        struct Entry {
            id: String,
            flag: bool,
            count: i64,
            missing: Option<i64>,
            note: Option<String>,
        }
        for entry in [
            Entry {
                id: "1".into(),
                flag: true,
                count: 4,
                missing: None,
                note: Some("tab\there\\".into()),
            },
            Entry {
                id: "-2".into(),
                flag: false,
                count: -1,
                missing: Some(0),
                note: None,
            },
        ] {
            let mut direct = String::new();
            copy_line(&SAMPLE, &entry, &mut direct).unwrap();
            let mut via_values = String::new();
            copy_values(&to_values(&SAMPLE, &entry).unwrap(), &mut via_values);
            assert_eq!(direct, via_values);
        }
    }
}
