//! Scrolling in few bytes. When a list moved by some rows since the last frame, ratatui's diff
//! rewrites every cell of every moved row (about 900 bytes a press of a held Down at 80x24). A
//! terminal can move those rows itself: set a scroll region (DECSTBM), scroll it up or down
//! (SU/SD), reset the region. Then only the rows scrolled in, and whatever else still differs,
//! need writing.
//!
//! The region spans whole lines (left and right margins, DECSLRM, are not supported by tmux), so
//! the pane beside the list moves too and its cells on those lines are written again. Whether
//! that still pays is decided per frame by writing each way out and sending the shortest:
//! ratatui's own diff, the same cells written cheaper ([`cells`]), and the few likeliest scrolls
//! each followed by the cheaper diff from the scrolled screen. So a frame is never longer than
//! ratatui would have made it, and the screen ends the same whichever is sent.
//!
//! The scroll is found by comparing the last frame sent with the new one, not from the app's
//! state, so it follows any list (caseload, team, record) without the drawing code knowing.

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use std::cell::RefCell;
use std::hash::{Hash, Hasher};

pub mod cells;

/// A scroll the terminal can do: screen rows `top..=bottom` move `by` rows, towards the top when
/// `up` (as when a list scrolls down to show later rows) or towards the bottom otherwise. The
/// rows uncovered are blank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scroll {
    pub top: u16,
    pub bottom: u16,
    pub up: bool,
    pub by: u16,
}

impl Scroll {
    /// What the terminal shows after this scroll when it showed `shown`. The rows scrolled in are
    /// blank in the default colours: a terminal fills them with the current background, and the
    /// crossterm backend ends every frame with colours and attributes reset.
    pub fn apply(&self, shown: &Buffer) -> Buffer {
        let mut after = shown.clone();
        let width = usize::from(shown.area.width);
        let (top, bottom, by) = (
            usize::from(self.top - shown.area.y),
            usize::from(self.bottom - shown.area.y),
            usize::from(self.by),
        );
        for y in top..=bottom {
            let from = if self.up {
                Some(y + by).filter(|from| *from <= bottom)
            } else {
                y.checked_sub(by).filter(|from| *from >= top)
            };
            let row = &mut after.content[y * width..(y + 1) * width];
            match from {
                Some(from) => {
                    row.clone_from_slice(&shown.content[from * width..(from + 1) * width])
                }
                None => row.fill(Cell::EMPTY),
            }
        }
        after
    }

    /// Sets the region, scrolls it, and gives the whole screen back as the region (which also
    /// homes the cursor: the diff written next starts with a cursor move anyway). The scroll is
    /// the VT100's own: line feeds on the region's bottom line (up), reverse index on its top
    /// line (down). `CSI S`/`CSI T` would be shorter for a long scroll, but a VT100 or VT220
    /// ignores them, and the diff after them would then be written over a screen that never
    /// was: names beside another client's dates.
    fn write(&self, out: &mut Vec<u8>) {
        let (line, step) = if self.up {
            (self.bottom + 1, "\n")
        } else {
            (self.top + 1, "\x1bM")
        };
        out.extend_from_slice(
            format!(
                "\x1b[{};{}r\x1b[{line};1H{}\x1b[r",
                self.top + 1,
                self.bottom + 1,
                step.repeat(usize::from(self.by))
            )
            .as_bytes(),
        );
    }
}

/// The bytes ratatui's crossterm backend writes to take the terminal from showing `shown` to
/// showing `next`: the same diff and the same writer as `Terminal::draw`, so the two can be
/// compared byte for byte.
pub fn diff_bytes(shown: &Buffer, next: &Buffer) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut backend = CrosstermBackend::new(&mut bytes);
    // Writing into a Vec cannot fail.
    let _ = backend.draw(shown.diff(next).into_iter());
    bytes
}

/// What writing the cells that differ between two rows costs, roughly in bytes: each cell, and a
/// cursor move (about six bytes) before each run of them. Cheap enough to try every region and
/// distance, and it prefers what the real diff prefers: few, long runs. Rows are compared by
/// [`fingerprints`]: a rare collision only misjudges the estimate, never what is sent.
fn cost<T: PartialEq>(a: &[T], b: &[T]) -> i64 {
    let mut cost = 0;
    let mut in_run = false;
    for (a, b) in a.iter().zip(b) {
        if a == b {
            in_run = false;
        } else {
            cost += if in_run { 1 } else { 7 };
            in_run = true;
        }
    }
    cost
}

/// A hash of each cell (symbol, colours, attributes), so the many row comparisons of
/// [`find_scrolls`] compare numbers rather than strings.
fn fingerprints(cells: &[Cell]) -> Vec<u64> {
    cells
        .iter()
        .map(|cell| {
            let mut hasher = Fnv(0xcbf2_9ce4_8422_2325);
            cell.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// FNV-1a: a few short fields a cell, where SipHash's set-up would cost more than the hashing.
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Row `y` of cells (or their fingerprints) `width` to a row.
fn row_of<T>(cells: &[T], width: usize, y: usize) -> &[T] {
    &cells[y * width..(y + 1) * width]
}

/// About what a scroll's own escapes cost, in bytes.
const SCROLL_COST: i64 = 16;

/// `sums[i]` is the sum of `values[..i]`, so any run's sum is one subtraction.
fn running_sums(values: &[i64]) -> Vec<i64> {
    let mut sums = Vec::with_capacity(values.len() + 1);
    let mut total = 0;
    sums.push(total);
    for value in values {
        total += value;
        sums.push(total);
    }
    sums
}

/// How many of the scrolls that look best are written out to find the shortest: the estimate
/// in [`cost`] ranks them roughly (it does not see colours), so the nearest three are tried.
const CANDIDATES: usize = 3;

/// The scrolls that leave the least to write between `shown` and `next`, best first, that leave
/// less than the plain diff (by more than the scroll's own escapes); at most [`CANDIDATES`].
/// Only rows between the first and the last that changed are considered: a region reaching past
/// them would move rows that are already right.
pub fn find_scrolls(shown: &Buffer, next: &Buffer) -> Vec<Scroll> {
    let mut best: Vec<(i64, Scroll)> = Vec::with_capacity(CANDIDATES + 1);
    if shown.area != next.area || shown.area.width == 0 {
        return Vec::new();
    }
    let width = usize::from(shown.area.width);
    let height = usize::from(shown.area.height);
    let top_row = shown.area.y;
    let plain: Vec<i64> = (0..height)
        .map(|y| {
            cost(
                row_of(&shown.content, width, y),
                row_of(&next.content, width, y),
            )
        })
        .collect();
    let (Some(first), Some(last)) = (
        plain.iter().position(|cells| *cells > 0),
        plain.iter().rposition(|cells| *cells > 0),
    ) else {
        return Vec::new();
    };
    // Only the rows that changed are compared again and again: those as numbers.
    let span = first * width..(last + 1) * width;
    let mut shown_keys = vec![0; shown.content.len()];
    shown_keys[span.clone()].copy_from_slice(&fingerprints(&shown.content[span.clone()]));
    let mut next_keys = vec![0; next.content.len()];
    next_keys[span.clone()].copy_from_slice(&fingerprints(&next.content[span]));
    let (shown, next) = (shown_keys, next_keys);
    let blank = fingerprints(&vec![Cell::EMPTY; width]);
    // Cells saved on each row when it is scrolled in blank instead of diffed as it was.
    let blank_gain: Vec<i64> = (0..height)
        .map(|y| plain[y] - cost(&blank, row_of(&next, width, y)))
        .collect();
    let blanks = running_sums(&blank_gain);
    // A scroll must save more than its own escapes (about 15 bytes) to be worth writing out.
    for by in 1..=(last - first) {
        for up in [true, false] {
            // gain[y]: cells saved on row y when it shows the shown row `by` away.
            let gain: Vec<i64> = (0..height)
                .map(|y| {
                    let from = if up { y + by } else { y.wrapping_sub(by) };
                    if from < height && (first..=last).contains(&from) {
                        plain[y] - cost(row_of(&shown, width, from), row_of(&next, width, y))
                    } else {
                        0
                    }
                })
                .collect();
            let moved = running_sums(&gain);
            for top in first..=last {
                for bottom in (top + by)..=last {
                    // Rows moved, then rows scrolled in, each a half-open range.
                    let (moved_rows, blank_rows) = if up {
                        ((top, bottom + 1 - by), (bottom + 1 - by, bottom + 1))
                    } else {
                        ((top + by, bottom + 1), (top, top + by))
                    };
                    let saved = moved[moved_rows.1] - moved[moved_rows.0] + blanks[blank_rows.1]
                        - blanks[blank_rows.0];
                    let worst_kept = match best.len() {
                        CANDIDATES => best[CANDIDATES - 1].0,
                        _ => SCROLL_COST,
                    };
                    if saved > worst_kept {
                        let to_u16 = |y: usize| u16::try_from(y).unwrap_or(u16::MAX);
                        let scroll = Scroll {
                            top: top_row + to_u16(top),
                            bottom: top_row + to_u16(bottom),
                            up,
                            by: to_u16(by),
                        };
                        let at = best.partition_point(|(kept, _)| *kept >= saved);
                        best.insert(at, (saved, scroll));
                        best.truncate(CANDIDATES);
                    }
                }
            }
        }
    }
    best.into_iter().map(|(_, scroll)| scroll).collect()
}

/// How a frame went to the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// As ratatui's diff wrote it.
    Plain,
    /// The same cells, written in fewer bytes ([`cells`]).
    Cheaper,
    /// A scroll, then the diff from the scrolled screen.
    Scrolled(Scroll),
}

/// Remembers the last frame sent, which is what the terminal shows.
#[derive(Debug, Default)]
pub struct Scroller {
    shown: Option<Buffer>,
}

impl Scroller {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rewrites the frame ratatui just wrote, `frame[start..]` (its diff, then its cursor
    /// commands), as the shortest of: ratatui's diff, the same diff written cheaply, and a
    /// scroll with the diff from the scrolled screen; and remembers `next`. `trusted` is false
    /// when anything else reached the terminal since the last frame (a resize's clear): the last
    /// frame is then no longer known to be on screen.
    ///
    /// The rewrite happens only when ratatui's diff is, byte for byte, the diff from the
    /// remembered frame: then the terminal shows what is remembered, and the scroll moves the
    /// rows this module thinks it moves.
    pub fn shorten(
        &mut self,
        frame: &mut Vec<u8>,
        start: usize,
        next: &Buffer,
        trusted: bool,
    ) -> Sent {
        let shown = match &mut self.shown {
            Some(shown) if trusted && shown.area == next.area => {
                std::mem::replace(shown, next.clone())
            }
            _ => {
                self.shown = Some(next.clone());
                return Sent::Plain;
            }
        };
        // Cells drawn by something else (images, links) or of forced width: leave them to ratatui.
        if next
            .content
            .iter()
            .chain(&shown.content)
            .any(|cell| cell.diff_option != CellDiffOption::None)
        {
            return Sent::Plain;
        }
        let plain = diff_bytes(&shown, next);
        if !frame
            .get(start..)
            .is_some_and(|written| written.starts_with(&plain))
        {
            return Sent::Plain;
        }
        let mut best = (plain.len(), Sent::Plain, Vec::new());
        if let Some(cheaper) = cells::diff_bytes(&shown, next)
            && cheaper.len() < best.0
        {
            best = (cheaper.len(), Sent::Cheaper, cheaper);
        }
        for scroll in find_scrolls(&shown, next) {
            let scrolled_screen = scroll.apply(&shown);
            let rest = cells::diff_bytes(&scrolled_screen, next)
                .unwrap_or_else(|| diff_bytes(&scrolled_screen, next));
            let mut scrolled = Vec::new();
            scroll.write(&mut scrolled);
            scrolled.extend_from_slice(&rest);
            if scrolled.len() < best.0 {
                best = (scrolled.len(), Sent::Scrolled(scroll), scrolled);
            }
        }
        let (_, sent, bytes) = best;
        if sent != Sent::Plain {
            frame.splice(start..start + plain.len(), bytes);
        }
        sent
    }
}

thread_local! {
    /// The screen is drawn on one thread only; the scroller lives beside the frame's bytes.
    static SCROLLER: RefCell<Scroller> = RefCell::new(Scroller::new());
}

/// [`Scroller::shorten`] with the drawing thread's scroller.
pub(super) fn shorten(frame: &mut Vec<u8>, start: usize, next: &Buffer, trusted: bool) -> Sent {
    SCROLLER.with_borrow_mut(|scroller| scroller.shorten(frame, start, next, trusted))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A VT100 or VT220 ignores `CSI S`/`CSI T`: the scroll is line feeds at the region's foot
    /// or reverse index at its head, which every terminal with scroll regions obeys.
    #[test]
    fn a_scroll_is_written_the_vt100_way() {
        let mut up = Vec::new();
        Scroll {
            top: 2,
            bottom: 11,
            up: true,
            by: 2,
        }
        .write(&mut up);
        assert_eq!(up, b"\x1b[3;12r\x1b[12;1H\n\n\x1b[r");
        let mut down = Vec::new();
        Scroll {
            top: 2,
            bottom: 11,
            up: false,
            by: 1,
        }
        .write(&mut down);
        assert_eq!(down, b"\x1b[3;12r\x1b[3;1H\x1bM\x1b[r");
    }
}
