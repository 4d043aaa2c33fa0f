//! Making stored text safe and sized for a terminal.
//!
//! Names and notes come from a database that other programs can write. A control character or an
//! escape sequence inside one must never reach the terminal as such (`ESC[2J` would clear the
//! worker's screen), nor a file that someone later shows in one (`cat export.csv`). So every
//! piece of stored text keywork draws or writes passes this one filter: [`clean`] for the screen,
//! text reports and Markdown/HTML, [`clean_keeping_lines`] for CSV cells, and [`JsonSafe`] for
//! JSON, which keeps the exact text as `\u` escapes.

use std::borrow::Cow;

/// The smallest terminal the four panes fit in: the screen every text keywork lays out (help,
/// tour, record) is sized for, so the layers below the screen can size their lines too. 80x23,
/// not 80x24: tmux's status line takes a row of the 80x24 window that SSH clients and PuTTY open
/// by default, and that is where most workers run keywork (issue 23).
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 23;
use std::io::Write;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Replaces control characters with visible caret placeholders (`ESC` becomes `^[`), tabs with a
/// space, and bidirectional overrides with `<?>`; everything else passes through.
pub fn clean(text: &str) -> Cow<'_, str> {
    filter(text, false)
}

/// [`clean`], except that line breaks (`\n`, and the `\r` of a `\r\n`) stay: for formats that
/// hold several lines in one value, such as a quoted CSV cell.
pub fn clean_keeping_lines(text: &str) -> Cow<'_, str> {
    filter(text, true)
}

fn filter(text: &str, keep_lines: bool) -> Cow<'_, str> {
    // Printable ASCII, most stored text, needs nothing: checked a byte at a time (vectorised)
    // before the character-by-character look below.
    if printable_ascii(text) {
        return Cow::Borrowed(text);
    }
    let kept = |c: char, next: Option<char>| {
        keep_lines && (c == '\n' || (c == '\r' && next == Some('\n')))
    };
    let dirty = text
        .char_indices()
        .any(|(i, c)| needs_placeholder(c) && !kept(c, text[i + c.len_utf8()..].chars().next()));
    if !dirty {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if kept(c, chars.peek().copied()) => out.push(c),
            '\t' => out.push(' '),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from(c as u8 + 0x40));
            }
            '\u{7f}' => out.push_str("^?"),
            c if ('\u{80}'..='\u{9f}').contains(&c) => out.push_str(&format!("<{:02X}>", c as u32)),
            c if is_bidi_control(c) => out.push_str("<?>"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_placeholder(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Characters that reorder text on screen and could disguise what a note says.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// JSON as serde_json writes it, with each character [`clean`] replaces that serde_json leaves
/// raw (DEL, the C1 controls, bidirectional overrides) written as a `\uXXXX` escape, so the JSON
/// still reads back as exactly the stored text. serde_json escapes the C0 controls inside
/// strings itself, so any left in its output are its own line breaks and indents.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(needs_json_escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_json_escape(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Outside a JSON string only ASCII punctuation and whitespace appear, so any of these is inside
/// one, where an escape means the same character.
fn needs_json_escape(c: char) -> bool {
    c >= '\u{7f}' && needs_placeholder(c)
}

/// A writer that passes the JSON streamed into it through [`json_safe`]: for an export too big
/// to hold in memory. A character split between two writes is held until it is whole.
pub struct JsonSafe<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> JsonSafe<W> {
    pub fn new(inner: W) -> Self {
        JsonSafe {
            inner,
            pending: Vec::new(),
        }
    }
}

impl<W: Write> Write for JsonSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Every character [`json_safe`] escapes is DEL or, in UTF-8, starts with the byte C2 (the
        // C1 controls) or E2 (the bidirectional controls). With no character held from the last
        // write, a buffer holding none of those bytes comes out unchanged, so it skips the UTF-8
        // decoding: most of an export's bytes, which otherwise cost half its time.
        if self.pending.is_empty() && memchr::memchr3(0x7f, 0xc2, 0xe2, buf).is_none() {
            self.inner.write_all(buf)?;
            return Ok(buf.len());
        }
        self.pending.extend_from_slice(buf);
        let mut done = 0;
        while done < self.pending.len() {
            let rest = &self.pending[done..];
            let (valid, invalid) = match std::str::from_utf8(rest) {
                Ok(text) => (text.len(), 0),
                Err(e) => (e.valid_up_to(), e.error_len().unwrap_or(0)),
            };
            let text = std::str::from_utf8(&rest[..valid]).expect("checked as UTF-8 just above");
            self.inner.write_all(json_safe(text).as_bytes())?;
            // Bytes that are not UTF-8 (serde_json never writes them) pass as they came.
            self.inner.write_all(&rest[valid..valid + invalid])?;
            if valid + invalid == 0 {
                break; // the start of a character the next write completes
            }
            done += valid + invalid;
        }
        self.pending.drain(..done);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The first line of a note, cleaned.
pub fn first_line(text: &str) -> Cow<'_, str> {
    clean(text.lines().next().unwrap_or(""))
}

/// Columns the text takes on screen (wide characters count two).
pub fn width(text: &str) -> usize {
    // One column a byte for printable ASCII, without unicode-width's per-character look-up.
    if printable_ascii(text) {
        return text.len();
    }
    UnicodeWidthStr::width(text)
}

/// Only the characters from space to `~`: nothing to clean, one column each.
fn printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Cuts text to at most `max` columns, ending with `…` (or `~` in ASCII mode) when cut.
pub fn truncate(text: &str, max: usize, ascii: bool) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    let ellipsis = if ascii { '~' } else { '…' };
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    if max > 0 {
        out.push(ellipsis);
    }
    out
}

/// Cuts or pads text to exactly `columns` columns, counting wide characters as two.
pub fn pad(text: &str, columns: usize, ascii: bool) -> String {
    let cut = truncate(text, columns, ascii);
    let fill = columns.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(fill))
}

/// Wraps cleaned text into lines of at most `max` columns, breaking at spaces where it can.
/// Each line of the input starts a new line of output.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let paragraph = clean(paragraph.trim_end_matches('\r'));
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let sep = usize::from(!line.is_empty());
            if width(&line) + sep + width(word) <= max {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than the line is split by columns.
            for c in word.chars() {
                if width(&line) + c.width().unwrap_or(0) > max {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_placeholders() {
        assert_eq!(clean("a\u{1b}[2Jb"), "a^[[2Jb");
        assert_eq!(clean("bell\u{7}"), "bell^G");
        assert_eq!(clean("del\u{7f}"), "del^?");
        assert_eq!(clean("csi\u{9b}2J"), "csi<9B>2J");
        assert_eq!(clean("rtl\u{202e}txt"), "rtl<?>txt");
    }

    #[test]
    fn csv_cells_keep_their_line_breaks_and_nothing_else() {
        assert_eq!(clean_keeping_lines("a\nb\r\nc"), "a\nb\r\nc");
        assert_eq!(clean_keeping_lines("a\rb\u{1b}[2J\tc"), "a^Mb^[[2J c");
        assert!(matches!(
            clean_keeping_lines("two\nlines"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_keeps_the_text_but_escapes_what_a_terminal_acts_on() {
        let stored = "Fie\u{1b}[2J\u{7f}\u{9b}X\u{85}\u{202e}ld \u{7} 王";
        let json = serde_json::to_string_pretty(&serde_json::json!({ "name": stored })).unwrap();
        let safe = json_safe(&json);
        assert!(
            !safe.chars().any(|c| c != '\n' && needs_placeholder(c)),
            "{safe:?}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["name"], stored);
    }

    #[test]
    fn streamed_json_is_escaped_even_when_a_character_is_split_between_writes() {
        let json = serde_json::to_string(&["a\u{9b}b\u{202e}c 王"]).unwrap();
        let mut out = JsonSafe::new(Vec::new());
        for byte in json.as_bytes() {
            out.write_all(std::slice::from_ref(byte)).unwrap();
        }
        let streamed = String::from_utf8(out.inner).unwrap();
        assert_eq!(streamed, json_safe(&json));
        assert_eq!(streamed, r#"["a\u009bb\u202ec 王"]"#);
    }

    /// The pass-through for buffers with nothing to escape must give what [`json_safe`] gives
    /// whatever the writes' boundaries: split anywhere, in a character or between them.
    #[test]
    fn streamed_json_is_escaped_however_the_writes_are_split() {
        let json =
            serde_json::to_string(&["plain \u{7f} é\u{85}x \u{200f}王 \u{2067}end"]).unwrap();
        let bytes = json.as_bytes();
        for first in 0..=bytes.len() {
            for second in first..=bytes.len() {
                let mut out = JsonSafe::new(Vec::new());
                out.write_all(&bytes[..first]).unwrap();
                out.write_all(&bytes[first..second]).unwrap();
                out.write_all(&bytes[second..]).unwrap();
                let streamed = String::from_utf8(out.inner).unwrap();
                assert_eq!(streamed, json_safe(&json), "split at {first} and {second}");
            }
        }
        assert!(json_safe(&json).contains(r"\u007f é\u0085x \u200f王 \u2067end"));
    }

    /// The printable-ASCII shortcuts give what the character-by-character paths give.
    #[test]
    fn printable_ascii_shortcuts_agree_with_the_full_paths() {
        for text in [
            "",
            "Jo Wren",
            " ~!",
            "tab\there",
            "del\u{7f}",
            "Zoë",
            "王",
            "a\u{202e}b",
        ] {
            assert_eq!(width(text), UnicodeWidthStr::width(text), "{text:?}");
            let full: String = text
                .chars()
                .map(|c| clean(&c.to_string()).into_owned())
                .collect();
            assert_eq!(clean(text), full, "{text:?}");
        }
        assert!(matches!(clean("Jo Wren ~"), Cow::Borrowed("Jo Wren ~")));
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(clean("Zoë 王"), Cow::Borrowed("Zoë 王")));
    }

    #[test]
    fn truncation_counts_columns_of_wide_characters() {
        assert_eq!(truncate("王小明先生", 6, false), "王小…");
        assert_eq!(width(&truncate("王小明先生", 6, false)), 5);
        assert_eq!(truncate("Amira", 5, false), "Amira");
        assert_eq!(truncate("Danielle", 5, true), "Dani~");
    }

    #[test]
    fn padding_counts_columns_of_wide_characters() {
        assert_eq!(pad("王小明", 8, false), "王小明  ");
        assert_eq!(width(&pad("王小明先生很长", 8, false)), 8);
        assert_eq!(pad("Jo", 4, true), "Jo  ");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_keeps_paragraphs() {
        assert_eq!(
            wrap("one two three\nfour", 8),
            vec!["one two", "three", "four"]
        );
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
    }

    #[test]
    fn wrapped_lines_are_clean() {
        assert_eq!(wrap("x\u{1b}[2Jy", 20), vec!["x^[[2Jy"]);
    }
}
