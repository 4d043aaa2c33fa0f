//! A [`Document`] as Markdown or as one self-contained HTML page. Every piece of text is escaped
//! for its format here, so a name like `<b>` or `*` reads as typed and never as markup.

use super::{Block, Document};
use std::fmt::Write;

/// Markdown for reading as it is or through any renderer.
pub fn markdown(doc: &Document) -> String {
    let mut out = format!("# {}\n\n", md(&doc.title));
    for para in &doc.intro {
        let _ = writeln!(out, "{}\n", md(para));
    }
    for section in &doc.sections {
        let _ = writeln!(out, "## {}\n", md(&section.heading));
        for block in &section.blocks {
            md_block(&mut out, block);
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

fn md_block(out: &mut String, block: &Block) {
    match block {
        Block::Fields(fields) => {
            for (label, value) in fields {
                let _ = writeln!(out, "- **{}:** {}", md(label), md_inline(value));
            }
            out.push('\n');
        }
        Block::List(items) => {
            for item in items {
                let _ = writeln!(out, "- {}", md_inline(item));
            }
            out.push('\n');
        }
        Block::Note(text) => {
            let _ = writeln!(out, "{}\n", md(text));
        }
        Block::Entry { title, marks, body } => {
            let _ = writeln!(out, "### {}\n", md_inline(title));
            for mark in marks {
                let _ = writeln!(out, "*{}*\n", md_inline(mark));
            }
            for para in body.iter().filter(|p| !p.is_empty()) {
                // Each stored line its own line: a hard break (backslash) keeps the writer's
                // line breaks, which Markdown would otherwise run together.
                let lines: Vec<String> = para.lines().map(md).collect();
                let _ = writeln!(out, "{}\n", lines.join("\\\n"));
            }
        }
    }
}

/// Text on one line (a list item, a heading): line breaks become spaces.
fn md_inline(text: &str) -> String {
    md(&text.replace('\n', " "))
}

/// Escapes what Markdown would read as markup: inline characters anywhere, and what starts a
/// heading, list, quote or rule at the start of a line.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let line = text.trim_start();
    for (i, c) in line.chars().enumerate() {
        let inline = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!'
        );
        let line_start = i == 0 && matches!(c, '#' | '+' | '-' | '=');
        if inline || line_start {
            out.push('\\');
        }
        out.push(c);
    }
    // "1. " or "1) " at the start would begin a numbered list.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(out[digits..].chars().next(), Some('.' | ')')) {
        out.insert(digits, '\\');
    }
    out
}

/// HTML entities for the five characters that matter in text and attributes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A CSS string's contents: quotes, backslashes and line breaks escaped, so the running header
/// can never close the string or the style sheet.
fn css_string(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' | '\\' | '<' | '>' => {
                let _ = write!(out, "\\{:x} ", c as u32);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
@page { size: A4; margin: 22mm 18mm 20mm 18mm;
  @top-left { content: \"{header}\"; font: 9pt sans-serif; color: #555; }
  @bottom-right { content: \"Page \" counter(page) \" of \" counter(pages); font: 9pt sans-serif; color: #555; }
}
body { font: 11pt/1.45 Georgia, 'Times New Roman', serif; color: #111; max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 18pt; margin: 0 0 .5em; }
h2 { font-size: 14pt; border-bottom: 1px solid #999; margin-top: 1.6em; break-after: avoid; }
h3 { font-size: 11pt; margin: 1em 0 .2em; break-after: avoid; }
.entry { break-inside: avoid; }
.mark { font-style: italic; color: #7a1c1c; }
.muted { color: #555; }
dl { display: grid; grid-template-columns: max-content auto; gap: .15em 1.2em; }
dt { font-weight: bold; } dd { margin: 0; }
p { margin: .3em 0; white-space: pre-line; }
.running { font: 9pt sans-serif; color: #555; border-bottom: 1px solid #ccc; margin-bottom: 1em; }
@media print { body { margin: 0; max-width: none; padding: 0; } .running { display: none; } }
";

/// One HTML page with its style inside: no scripts, no links out, readable offline and printed
/// on A4 with the reference and page number on every page.
pub fn html(doc: &Document) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(&doc.title));
    let _ = writeln!(
        out,
        "<style>{}</style>\n</head>\n<body>",
        STYLE.replace("{header}", &css_string(&doc.running_header))
    );
    let _ = writeln!(
        out,
        "<div class=\"running\">{}</div>",
        esc(&doc.running_header)
    );
    let _ = writeln!(out, "<h1>{}</h1>", esc(&doc.title));
    for para in &doc.intro {
        let _ = writeln!(out, "<p>{}</p>", esc(para));
    }
    for section in &doc.sections {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", esc(&section.heading));
        for block in &section.blocks {
            html_block(&mut out, block);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn html_block(out: &mut String, block: &Block) {
    match block {
        Block::Fields(fields) => {
            out.push_str("<dl>\n");
            for (label, value) in fields {
                let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(value));
            }
            out.push_str("</dl>\n");
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", esc(item));
            }
            out.push_str("</ul>\n");
        }
        Block::Note(text) => {
            let _ = writeln!(out, "<p class=\"muted\">{}</p>", esc(text));
        }
        Block::Entry { title, marks, body } => {
            let _ = writeln!(out, "<div class=\"entry\">\n<h3>{}</h3>", esc(title));
            for mark in marks {
                let _ = writeln!(out, "<p class=\"mark\">{}</p>", esc(mark));
            }
            for para in body.iter().filter(|p| !p.is_empty()) {
                let _ = writeln!(out, "<p>{}</p>", esc(para));
            }
            out.push_str("</div>\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_markup_in_stored_text() {
        assert_eq!(md("<b>Jo</b> *x*"), "\\<b\\>Jo\\</b\\> \\*x\\*");
        assert_eq!(md("# not a heading"), "\\# not a heading");
        assert_eq!(md("- not a list"), "\\- not a list");
        assert_eq!(md("1. not numbered"), "1\\. not numbered");
        assert_eq!(md("plain words, 3-4 times"), "plain words, 3-4 times");
    }

    #[test]
    fn html_escapes_entities() {
        assert_eq!(
            esc("<b>\"O'Neil\" & co</b>"),
            "&lt;b&gt;&quot;O&#39;Neil&quot; &amp; co&lt;/b&gt;"
        );
    }

    #[test]
    fn css_header_cannot_close_its_string_or_the_style() {
        let s = css_string("a\"b</style>");
        assert!(!s.contains('"') && !s.contains('<'));
    }
}
