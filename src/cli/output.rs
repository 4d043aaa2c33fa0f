//! Files keywork writes for people to take away (exports, reports, backups). Each appears whole,
//! owner-only, or not at all: a failure half way must never leave a file that looks complete.

pub use crate::files::{OutputError, write_new};

/// A text cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, tab or
/// CR) with `'` put in front, as OWASP advises against CSV injection: the cell then reads as the
/// text it is. Only for text: a number such as `-3` must stay a number.
pub fn guard_csv_text(text: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// A text cell as every CSV keywork writes it: stored text through the one filter for control
/// characters (line breaks stay: a quoted cell may hold them), then the formula guard.
pub fn csv_cell(text: &str) -> String {
    guard_csv_text(&crate::display::clean_keeping_lines(text)).into_owned()
}

/// What a spreadsheet would run as a formula at the start of a cell.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell needs the `'` guard: it starts with a formula character, or is already `'`s
/// before one (so that taking one `'` off on import always gives back the original).
fn needs_guard(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A cell as read back: exactly the guard [`guard_csv_text`] adds comes off, nothing else.
pub fn unguard_csv_text(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => text,
    }
}

/// CSV: a header row of `columns` (written even when there are no rows), then each row's fields
/// in that order. Which cells are guarded is decided by each field's type, not its contents:
/// text fields pass through [`guard_csv_text`]; numbers, booleans and absent values are written
/// as they are, so a negative count stays a number a spreadsheet can sum.
pub fn csv_with_guarded_text<T: serde::Serialize>(
    columns: &[&str],
    rows: impl IntoIterator<Item = T>,
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    writer.write_record(columns)?;
    for row in rows {
        let fields = serde_json::to_value(&row).map_err(std::io::Error::other)?;
        let record = columns.iter().map(|column| cell(&fields[*column]));
        writer.write_record(record.collect::<Vec<_>>())?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

fn cell(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => csv_cell(s),
        other => csv_cell(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_guarded_and_other_text_is_not() {
        for formula in ["=1+2", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(guard_csv_text(formula), format!("'{formula}"));
        }
        for plain in ["Jo", "1+2", "", "'quoted", "KW-00001"] {
            assert_eq!(guard_csv_text(plain), plain);
        }
    }

    #[test]
    fn numbers_stay_numbers_and_text_that_looks_like_one_is_guarded() {
        #[derive(serde::Serialize)]
        struct Row {
            name: &'static str,
            days_over: i64,
            note: Option<&'static str>,
            overdue: bool,
        }
        let rows = [Row {
            name: "-3",
            days_over: -3,
            note: None,
            overdue: false,
        }];
        let out = csv_with_guarded_text(&["name", "days_over", "note", "overdue"], rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name,days_over,note,overdue\n'-3,-3,,false\n"
        );
    }
}
