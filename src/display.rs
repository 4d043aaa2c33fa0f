//! Making stored text safe and sized for a terminal.
//!
//! Names and notes come from a database that other programs can write. A control character or an
//! escape sequence inside one must never reach the terminal as such (`ESC[2J` would clear the
//! worker's screen), so every piece of stored text passes through [`clean`] before it is drawn.

use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Replaces control characters with visible caret placeholders (`ESC` becomes `^[`), tabs with a
/// space, and bidirectional overrides with `<?>`; everything else passes through.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_placeholder) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
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

/// The first line of a note, cleaned.
pub fn first_line(text: &str) -> Cow<'_, str> {
    clean(text.lines().next().unwrap_or(""))
}

/// Columns the text takes on screen (wide characters count two).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
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
