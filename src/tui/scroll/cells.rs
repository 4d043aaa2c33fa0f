//! A cheaper way to write the same diff. ratatui's crossterm backend moves the cursor with an
//! absolute move (`ESC[row;colH`, 7-8 bytes) before every run of changed cells, however near,
//! sets colours and attributes as separate sequences (`ESC[1m ESC[38;5;1;49m`), and ends every
//! frame with four resets (19 bytes). Recorded on a held Down at 80x24, moves were 43% of the
//! bytes and styles 27%. Here the cursor moves by whichever of an absolute move, a relative one
//! (`ESC[nC`, `CR LF`) or rewriting the few unchanged cells in between is shortest, a style
//! change is one sequence with only the parameters that change, and the frame ends reset once.
//!
//! The cells written are ratatui's diff (`Buffer::diff`, which knows wide characters), so what
//! the screen ends up showing is the same; only the way there is shorter.

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// The colours and attributes the terminal draws with, as the last SGR left them.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

impl Pen {
    /// Where every frame starts and ends: everything reset.
    const RESET: Self = Self {
        fg: Color::Reset,
        bg: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Self {
        Self {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        }
    }
}

/// Modifiers with their SGR codes to turn on and off. Bold and dim share "normal intensity" (22),
/// and both blinks share 25.
const MODIFIERS: [(Modifier, u8, u8); 9] = [
    (Modifier::BOLD, 1, 22),
    (Modifier::DIM, 2, 22),
    (Modifier::ITALIC, 3, 23),
    (Modifier::UNDERLINED, 4, 24),
    (Modifier::SLOW_BLINK, 5, 25),
    (Modifier::RAPID_BLINK, 6, 25),
    (Modifier::REVERSED, 7, 27),
    (Modifier::HIDDEN, 8, 28),
    (Modifier::CROSSED_OUT, 9, 29),
];

/// The SGR parameters of a colour: the terminal's own 16 colours by their short codes (90-97,
/// backgrounds 40-47 and 100-107: the same palette entries as crossterm's `38;5;n`) except the
/// normal foregrounds (see below), others as 256-colour or RGB. `None`
/// when colours are off (NO_COLOR), where crossterm writes none either.
fn colour(color: Color, background: bool) -> Option<String> {
    if crossterm::style::Colored::ansi_color_disabled_memoized() {
        return None;
    }
    let base = if background { 40 } else { 30 };
    let index = match color {
        Color::Reset => return Some((base + 9).to_string()),
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(n) => return Some(format!("{};5;{n}", base + 8)),
        Color::Rgb(r, g, b) => return Some(format!("{};2;{r};{g};{b}", base + 8)),
    };
    // The eight normal foreground colours as crossterm writes them (`38;5;n`), not `31`: many
    // terminals brighten a bold `1;31` but not a bold `1;38;5;1`, and a cell must look the same
    // whichever way its frame was sent. Bold changes neither a bright colour nor a background.
    Some(if index < 8 && !background {
        format!("{};5;{index}", base + 8)
    } else if index < 8 {
        (base + index).to_string()
    } else {
        (base + 60 + index - 8).to_string()
    })
}

/// The one SGR sequence that takes the terminal from `from` to `to` (empty when they are the
/// same): the parameters that change, or a reset and the parameters of `to`, whichever is
/// shorter.
fn style(from: Pen, to: Pen) -> String {
    if from == to {
        return String::new();
    }
    let mut changed = Vec::new();
    // Bold and dim go off together (22); with both on, bold is set first, as ratatui does, so a
    // terminal that keeps one intensity ends on the same one.
    let intensity = Modifier::BOLD | Modifier::DIM;
    let (had, wants) = (from.modifier & intensity, to.modifier & intensity);
    if had != wants {
        if wants.contains(had) && wants != intensity {
            changed.push(
                if wants.contains(Modifier::BOLD) {
                    "1"
                } else {
                    "2"
                }
                .to_owned(),
            );
        } else {
            changed.push("22".to_owned());
            for (modifier, on, _) in &MODIFIERS[..2] {
                if wants.contains(*modifier) {
                    changed.push(on.to_string());
                }
            }
        }
    }
    // 25 ends both blinks: one kept is set again.
    let blinks = Modifier::SLOW_BLINK | Modifier::RAPID_BLINK;
    let blink_ended = (from.modifier - to.modifier).intersects(blinks);
    for (modifier, on, off) in &MODIFIERS[2..] {
        let (was, is) = (
            from.modifier.contains(*modifier),
            to.modifier.contains(*modifier),
        );
        if was && !is && !changed.contains(&off.to_string()) {
            changed.push(off.to_string());
        }
        if is && (!was || (*off == 25 && blink_ended)) {
            changed.push(on.to_string());
        }
    }
    if from.fg != to.fg {
        changed.extend(colour(to.fg, false));
    }
    if from.bg != to.bg {
        changed.extend(colour(to.bg, true));
    }
    let mut fresh = vec![String::new()];
    for (modifier, on, _) in MODIFIERS {
        if to.modifier.contains(modifier) {
            fresh.push(on.to_string());
        }
    }
    if to.fg != Color::Reset {
        fresh.extend(colour(to.fg, false));
    }
    if to.bg != Color::Reset {
        fresh.extend(colour(to.bg, true));
    }
    let changed = changed.join(";");
    let fresh = fresh.join(";");
    let shorter = if fresh.len() < changed.len() || changed.is_empty() {
        fresh
    } else {
        changed
    };
    format!("\x1b[{shorter}m")
}

/// Columns covered by the right half of a wide character, in either buffer: rewriting such a
/// cell would break the character.
fn covered(shown: &Buffer, next: &Buffer) -> Vec<bool> {
    let mut covered = vec![false; shown.content.len()];
    let width = usize::from(shown.area.width);
    for buffer in [shown, next] {
        for (i, cell) in buffer.content.iter().enumerate() {
            // One byte is one column (ASCII): the common case, without a width lookup.
            if cell.symbol().len() <= 1 {
                continue;
            }
            let span = cell.symbol().width();
            let row_end = (i / width + 1) * width;
            for flag in covered.iter_mut().take(row_end.min(i + span)).skip(i + 1) {
                *flag = true;
            }
        }
    }
    covered
}

/// A relative move of `n` cells by the CSI `command` (A up, B down, C right, D left).
fn relative(n: u16, command: char) -> String {
    match n {
        0 => String::new(),
        1 => format!("\x1b[{command}"),
        n => format!("\x1b[{n}{command}"),
    }
}

/// The shortest way from the cursor to `(x, y)` (screen cells, from 0): nothing, an absolute
/// move, or from a known cursor relative moves (up or down, then across; or CR LF to the next
/// row's start, then across), where across to the right may rewrite the unchanged cells on the
/// way, when they are plain one-column cells drawn with the pen as it is.
fn move_to(
    cursor: Option<(u16, u16)>,
    (x, y): (u16, u16),
    gap_cells: &dyn Fn(u16, u16, usize) -> Option<String>,
) -> String {
    if cursor == Some((x, y)) {
        return String::new();
    }
    let mut best = if x == 0 {
        format!("\x1b[{}H", y + 1)
    } else {
        format!("\x1b[{};{}H", y + 1, x + 1)
    };
    let Some((cx, cy)) = cursor else {
        return best;
    };
    let across = |from: u16| -> String {
        if x < from {
            return relative(from - x, 'D');
        }
        let moved = relative(x - from, 'C');
        gap_cells(from, x, moved.len()).unwrap_or(moved)
    };
    let vertical = if y >= cy {
        relative(y - cy, 'B')
    } else {
        relative(cy - y, 'A')
    };
    let mut candidates = vec![
        format!("{vertical}{}", across(cx)),
        format!("\r{vertical}{}", across(0)),
    ];
    // LF moves down a row; the caller never has the cursor on the last row, where an LF would
    // scroll the screen.
    if cy + 1 == y {
        candidates.push(format!("\r\n{}", across(0)));
    }
    for candidate in candidates {
        if candidate.len() < best.len() {
            best = candidate;
        }
    }
    best
}

/// The bytes that take the terminal from showing `shown` to showing `next`, written cheaply.
/// `None` when a cell uses something this writer does not (an underline colour), so the caller
/// keeps ratatui's own bytes.
///
/// The cells go in screen order, or grouped by colours and attributes (each group in screen
/// order), whichever is shorter: a column of alerts beside plain text costs two style changes a
/// row in screen order, and two in all grouped. Order does not change the result: no two cells
/// of the diff overlap, as `next` holds no wide character over another cell.
pub fn diff_bytes(shown: &Buffer, next: &Buffer) -> Option<Vec<u8>> {
    let updates = shown.diff(next);
    if updates
        .iter()
        .any(|(_, _, cell)| cell.underline_color != Color::Reset)
    {
        return None;
    }
    let covered = covered(shown, next);
    let in_order = write(next, &covered, updates.iter().copied());
    let mut pens: Vec<Pen> = Vec::new();
    for (_, _, cell) in &updates {
        if !pens.contains(&Pen::of(cell)) {
            pens.push(Pen::of(cell));
        }
    }
    if pens.len() < 2 {
        return Some(in_order);
    }
    let grouped = write(
        next,
        &covered,
        pens.iter().flat_map(|pen| {
            updates
                .iter()
                .copied()
                .filter(move |(_, _, cell)| Pen::of(cell) == *pen)
        }),
    );
    Some(if grouped.len() < in_order.len() {
        grouped
    } else {
        in_order
    })
}

/// Writes `cells` of `next` in the order given, from a terminal with its attributes reset and
/// the cursor anywhere, and resets the attributes at the end.
fn write<'a>(
    next: &Buffer,
    covered: &[bool],
    cells: impl Iterator<Item = (u16, u16, &'a Cell)>,
) -> Vec<u8> {
    let area = next.area;
    let mut out = String::new();
    let mut pen = Pen::RESET;
    let mut cursor: Option<(u16, u16)> = None;
    for (x, y, cell) in cells {
        let gap_cells = |from: u16, to: u16, at_most: usize| -> Option<String> {
            let mut cells = String::new();
            for gap_x in from..to {
                let i = next.index_of(gap_x, y);
                let gap = &next.content[i];
                let symbol = gap.symbol();
                let one_column = match symbol.as_bytes() {
                    [byte] => byte.is_ascii_graphic() || *byte == b' ',
                    _ => symbol.width() == 1,
                };
                if covered[i] || !one_column || Pen::of(gap) != pen {
                    return None;
                }
                cells.push_str(symbol);
                if cells.len() > at_most {
                    return None;
                }
            }
            Some(cells)
        };
        out.push_str(&move_to(cursor, (x, y), &gap_cells));
        out.push_str(&style(pen, Pen::of(cell)));
        pen = Pen::of(cell);
        out.push_str(cell.symbol());
        let end = x.saturating_add(u16::try_from(cell.symbol().width()).unwrap_or(u16::MAX));
        // At the right edge the terminal waits to wrap and relative moves are unreliable; on
        // the last row an LF would scroll. Either way the next move is absolute.
        cursor = (end < area.right() && y + 1 < area.bottom()).then_some((end, y));
    }
    out.push_str(&style(pen, Pen::RESET));
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::{Backend, CrosstermBackend};
    use ratatui::layout::Rect;
    use ratatui::style::Style;
    use std::num::NonZeroU16;

    /// An emulated terminal of the buffer's size that was sent `bytes`.
    fn emulate(area: Rect, bytes: &[&[u8]]) -> vt100::Parser {
        let mut parser = vt100::Parser::new(
            NonZeroU16::new(area.height).expect("a height"),
            NonZeroU16::new(area.width).expect("a width"),
            0,
        );
        for bytes in bytes {
            parser.process(bytes);
        }
        parser
    }

    /// What ratatui's own backend writes to draw `buffer` on a blank screen.
    fn full(buffer: &Buffer) -> Vec<u8> {
        let mut bytes = Vec::new();
        let blank = Buffer::empty(buffer.area);
        CrosstermBackend::new(&mut bytes)
            .draw(blank.diff(buffer).into_iter())
            .expect("write");
        bytes
    }

    /// Each cell as seen: text (unwritten and space alike), colours and attributes.
    fn seen(parser: &vt100::Parser) -> Vec<String> {
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let mut seen = Vec::new();
        for row in 0..rows.get() {
            for col in 0..cols.get() {
                let cell = screen.cell(row, col).expect("in the screen");
                let text = if cell.contents().is_empty() {
                    " "
                } else {
                    cell.contents()
                };
                seen.push(format!(
                    "{row},{col} {text:?} {:?} {:?} b{} d{} i{} u{} r{}",
                    cell.fgcolor(),
                    cell.bgcolor(),
                    cell.bold(),
                    cell.dim(),
                    cell.italic(),
                    cell.underline(),
                    cell.inverse()
                ));
            }
        }
        seen
    }

    fn assert_same_screen(shown: &Buffer, next: &Buffer) {
        let cheap = diff_bytes(shown, next).expect("no underline colour");
        let moved = emulate(shown.area, &[&full(shown), &cheap]);
        let fresh = emulate(next.area, &[&full(next)]);
        assert_eq!(
            seen(&moved),
            seen(&fresh),
            "sent {:?}",
            String::from_utf8_lossy(&cheap)
        );
    }

    fn buffer(lines: &[&str]) -> Buffer {
        Buffer::with_lines(lines.iter().copied())
    }

    #[test]
    fn every_style_change_leaves_the_attributes_a_fresh_draw_would() {
        let modifiers = [
            Modifier::empty(),
            Modifier::BOLD,
            Modifier::DIM,
            Modifier::BOLD | Modifier::DIM,
            Modifier::REVERSED,
            Modifier::BOLD | Modifier::REVERSED | Modifier::ITALIC,
            Modifier::DIM | Modifier::UNDERLINED,
            Modifier::SLOW_BLINK | Modifier::RAPID_BLINK,
            Modifier::RAPID_BLINK | Modifier::HIDDEN,
        ];
        let colours = [
            Color::Reset,
            Color::Red,
            Color::LightCyan,
            Color::DarkGray,
            Color::Indexed(200),
            Color::Rgb(1, 2, 3),
        ];
        let mut pens = Vec::new();
        for modifier in modifiers {
            for (fg, bg) in colours.iter().zip(colours.iter().rev()) {
                pens.push(Pen {
                    fg: *fg,
                    bg: *bg,
                    modifier,
                });
            }
        }
        let area = Rect::new(0, 0, 1, 1);
        for from in &pens {
            for to in &pens {
                let mut next = Buffer::empty(area);
                next[(0, 0)].set_symbol("x").set_style(
                    Style::default()
                        .fg(to.fg)
                        .bg(to.bg)
                        .add_modifier(to.modifier),
                );
                let changed = format!("{}{}x", style(Pen::RESET, *from), style(*from, *to));
                assert_eq!(
                    seen(&emulate(area, &[changed.as_bytes()])),
                    seen(&emulate(area, &[&full(&next)])),
                    "{:?} -> {:?}",
                    style(Pen::RESET, *from),
                    style(*from, *to)
                );
            }
        }
    }

    #[test]
    fn changes_on_a_row_and_the_next_are_reached_by_the_shortest_move() {
        let shown = buffer(&["abcdefghijklmnopqrst", "abcdefghijklmnopqrst", "abc"]);
        let next = buffer(&["aXcdeYghijklmnopqrsZ", "Wbcdefghijklmnopqrst", "abV"]);
        assert_same_screen(&shown, &next);
        let cheap = diff_bytes(&shown, &next).expect("no underline colour");
        assert!(
            cheap.len() < super::super::diff_bytes(&shown, &next).len(),
            "{:?}",
            String::from_utf8_lossy(&cheap)
        );
    }

    #[test]
    fn wide_characters_are_never_split_by_rewriting_cells_on_the_way() {
        let shown = buffer(&["a漢字bcdef", "xyz漢字pq"]);
        let next = buffer(&["b漢字bcdeg", "xyY漢字pR"]);
        assert_same_screen(&shown, &next);
        let next = buffer(&["b字漢bcdeg", "x漢Y字 pR"]);
        assert_same_screen(&shown, &next);
    }

    #[test]
    fn the_last_column_and_the_last_row_are_left_by_an_absolute_move() {
        let shown = buffer(&["abcd", "efgh", "ijkl"]);
        let next = buffer(&["abcD", "Efgh", "ijkL"]);
        assert_same_screen(&shown, &next);
        let next = buffer(&["Abcd", "efgh", "ijKl"]);
        assert_same_screen(&shown, &next);
    }

    #[test]
    fn a_column_of_alerts_beside_text_is_written_grouped_by_style_to_the_same_screen() {
        let shown = buffer(&[
            "KW-001 Care  9d",
            "KW-002 Risk  8d",
            "KW-003 TOP   7d",
            "KW-004 Care  6d",
        ]);
        let mut next = buffer(&[
            "KW-002 Risk 18d",
            "KW-003 TOP  17d",
            "KW-004 Care 16d",
            "KW-005 Presc 5d",
        ]);
        let alert = Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
        for y in 0..4 {
            next.set_style(Rect::new(12, y, 3, 1), alert);
        }
        assert_same_screen(&shown, &next);
        let updates = shown.diff(&next);
        let in_order = write(&next, &covered(&shown, &next), updates.iter().copied());
        let cheap = diff_bytes(&shown, &next).expect("no underline colour");
        assert!(
            cheap.len() < in_order.len(),
            "grouped {:?}, in order {:?}",
            String::from_utf8_lossy(&cheap),
            String::from_utf8_lossy(&in_order)
        );
    }
}
