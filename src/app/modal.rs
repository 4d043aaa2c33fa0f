//! What is open over the panes, as one type. Each layer sits over the one below it (a form over
//! the record it was opened from, a question over the form), so which one takes the keys is the
//! top of the stack: a type, not an `if` chain over four optional fields.

use super::filter::Chooser;
use super::find::Find;
use super::palette::Palette;
use super::{Editor, Overlay, Question};

#[derive(Debug, Default)]
pub enum Modal {
    /// The four panes, nothing over them.
    #[default]
    Panes,
    /// A full-screen view: the client record, or a text to read.
    Reader(Overlay),
    /// The help, scrolled this far, over whatever was open.
    Help { scroll: usize, under: Box<Modal> },
    /// A form, over the panes or the record it was opened from.
    Form {
        editor: Box<Editor>,
        under: Box<Modal>,
    },
    /// Find's search line over the caseload (opened from the panes).
    Find { find: Box<Find>, under: Box<Modal> },
    /// The caseload filters being chosen (opened from the panes).
    Filters {
        chooser: Box<Chooser>,
        under: Box<Modal>,
    },
    /// The command palette (opened from the panes).
    Palette {
        palette: Box<Palette>,
        under: Box<Modal>,
    },
    /// A question waiting for an answer before anything else.
    Asking {
        question: Question,
        under: Box<Modal>,
    },
}

impl Modal {
    fn under(&self) -> Option<&Modal> {
        match self {
            Modal::Panes | Modal::Reader(_) => None,
            Modal::Help { under, .. }
            | Modal::Form { under, .. }
            | Modal::Find { under, .. }
            | Modal::Filters { under, .. }
            | Modal::Palette { under, .. }
            | Modal::Asking { under, .. } => Some(under),
        }
    }

    fn under_mut(&mut self) -> Option<&mut Modal> {
        match self {
            Modal::Panes | Modal::Reader(_) => None,
            Modal::Help { under, .. }
            | Modal::Form { under, .. }
            | Modal::Find { under, .. }
            | Modal::Filters { under, .. }
            | Modal::Palette { under, .. }
            | Modal::Asking { under, .. } => Some(under),
        }
    }

    /// The layers from the top down.
    fn layers(&self) -> impl Iterator<Item = &Modal> {
        std::iter::successors(Some(self), |m| m.under())
    }

    /// The full-screen view at the bottom, if one is open.
    pub fn view(&self) -> Option<&Overlay> {
        self.layers().find_map(|m| match m {
            Modal::Reader(view) => Some(view),
            _ => None,
        })
    }

    pub fn view_mut(&mut self) -> Option<&mut Overlay> {
        match self {
            Modal::Reader(view) => Some(view),
            other => other.under_mut().and_then(Modal::view_mut),
        }
    }

    /// Opens a full-screen view in place of the panes (or the view) at the bottom, keeping what
    /// is open over it; `None` closes it.
    pub fn set_view(&mut self, view: Option<Overlay>) {
        match self.under_mut() {
            Some(under) => under.set_view(view),
            None => *self = view.map_or(Modal::Panes, Modal::Reader),
        }
    }

    /// Takes the view at the bottom away, leaving the panes there.
    pub fn take_view(&mut self) -> Option<Overlay> {
        match self.under_mut() {
            Some(under) => under.take_view(),
            None => match std::mem::take(self) {
                Modal::Reader(view) => Some(view),
                other => {
                    *self = other;
                    None
                }
            },
        }
    }

    /// How far the help is scrolled, if it is open.
    pub fn help(&self) -> Option<usize> {
        self.layers().find_map(|m| match m {
            Modal::Help { scroll, .. } => Some(*scroll),
            _ => None,
        })
    }

    pub fn help_mut(&mut self) -> Option<&mut usize> {
        match self {
            Modal::Help { scroll, .. } => Some(scroll),
            other => other.under_mut().and_then(Modal::help_mut),
        }
    }

    pub fn editor(&self) -> Option<&Editor> {
        self.layers().find_map(|m| match m {
            Modal::Form { editor, .. } => Some(editor.as_ref()),
            _ => None,
        })
    }

    pub fn editor_mut(&mut self) -> Option<&mut Editor> {
        match self {
            Modal::Form { editor, .. } => Some(editor),
            other => other.under_mut().and_then(Modal::editor_mut),
        }
    }

    /// The question on top, if one is waiting.
    pub fn question(&self) -> Option<&Question> {
        match self {
            Modal::Asking { question, .. } => Some(question),
            _ => None,
        }
    }

    /// Puts a layer over everything open.
    fn push(&mut self, layer: impl FnOnce(Box<Modal>) -> Modal) {
        let under = Box::new(std::mem::take(self));
        *self = layer(under);
    }

    pub fn ask(&mut self, question: Question) {
        self.push(|under| Modal::Asking { question, under });
    }

    pub fn open_form(&mut self, editor: Editor) {
        self.push(|under| Modal::Form {
            editor: Box::new(editor),
            under,
        });
    }

    pub fn open_help(&mut self) {
        self.push(|under| Modal::Help { scroll: 0, under });
    }

    /// Removes the topmost layer `matches` picks, wherever it is, and gives it back.
    fn remove(&mut self, matches: fn(&Modal) -> bool) -> Option<Modal> {
        if matches(self) {
            let under = match self {
                Modal::Help { under, .. }
                | Modal::Form { under, .. }
                | Modal::Find { under, .. }
                | Modal::Filters { under, .. }
                | Modal::Palette { under, .. }
                | Modal::Asking { under, .. } => std::mem::take(under.as_mut()),
                _ => return None,
            };
            return Some(std::mem::replace(self, under));
        }
        self.under_mut().and_then(|under| under.remove(matches))
    }

    /// Takes the question on top away, to answer it.
    pub fn take_question(&mut self) -> Option<Question> {
        match self.question() {
            Some(_) => match self.remove(|m| matches!(m, Modal::Asking { .. })) {
                Some(Modal::Asking { question, .. }) => Some(question),
                _ => None,
            },
            None => None,
        }
    }

    /// Closes the form, wherever it is, and gives it back.
    pub fn take_form(&mut self) -> Option<Editor> {
        match self.remove(|m| matches!(m, Modal::Form { .. })) {
            Some(Modal::Form { editor, .. }) => Some(*editor),
            _ => None,
        }
    }

    pub fn open_find(&mut self, find: Find) {
        self.push(|under| Modal::Find {
            find: Box::new(find),
            under,
        });
    }

    /// The search line, if Find is open.
    pub fn find(&self) -> Option<&Find> {
        self.layers().find_map(|m| match m {
            Modal::Find { find, .. } => Some(find.as_ref()),
            _ => None,
        })
    }

    pub fn find_mut(&mut self) -> Option<&mut Find> {
        match self {
            Modal::Find { find, .. } => Some(find),
            other => other.under_mut().and_then(Modal::find_mut),
        }
    }

    /// Closes Find, wherever it is, and gives it back.
    pub fn take_find(&mut self) -> Option<Find> {
        match self.remove(|m| matches!(m, Modal::Find { .. })) {
            Some(Modal::Find { find, .. }) => Some(*find),
            _ => None,
        }
    }

    pub fn open_filters(&mut self, chooser: Chooser) {
        self.push(|under| Modal::Filters {
            chooser: Box::new(chooser),
            under,
        });
    }

    pub fn filters_mut(&mut self) -> Option<&mut Chooser> {
        match self {
            Modal::Filters { chooser, .. } => Some(chooser),
            other => other.under_mut().and_then(Modal::filters_mut),
        }
    }

    /// Closes the filter chooser, wherever it is, and gives it back.
    pub fn take_filters(&mut self) -> Option<Chooser> {
        match self.remove(|m| matches!(m, Modal::Filters { .. })) {
            Some(Modal::Filters { chooser, .. }) => Some(*chooser),
            _ => None,
        }
    }

    pub fn open_palette(&mut self, palette: Palette) {
        self.push(|under| Modal::Palette {
            palette: Box::new(palette),
            under,
        });
    }

    pub fn palette_mut(&mut self) -> Option<&mut Palette> {
        match self {
            Modal::Palette { palette, .. } => Some(palette),
            other => other.under_mut().and_then(Modal::palette_mut),
        }
    }

    /// Closes the palette, wherever it is, and gives it back.
    pub fn take_palette(&mut self) -> Option<Palette> {
        match self.remove(|m| matches!(m, Modal::Palette { .. })) {
            Some(Modal::Palette { palette, .. }) => Some(*palette),
            _ => None,
        }
    }

    /// Closes the help; answers whether it was open.
    pub fn close_help(&mut self) -> bool {
        self.remove(|m| matches!(m, Modal::Help { .. })).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(title: &str) -> Overlay {
        Overlay::Text {
            title: title.into(),
            lines: Vec::new(),
            scroll: 0,
            back: None,
        }
    }

    #[test]
    fn a_question_over_a_view_is_answered_first_and_the_view_stays() {
        let mut modal = Modal::Panes;
        modal.set_view(Some(text("record")));
        modal.ask(Question::DiscardForm);
        assert!(modal.question().is_some());
        assert!(
            modal.view().is_some(),
            "the view is still under the question"
        );
        assert!(modal.take_question().is_some());
        assert!(modal.question().is_none());
        assert!(matches!(modal, Modal::Reader(_)));
    }

    #[test]
    fn help_opens_over_a_view_and_closes_back_to_it() {
        let mut modal = Modal::Reader(text("record"));
        modal.open_help();
        assert_eq!(modal.help(), Some(0));
        *modal.help_mut().unwrap() = 3;
        assert_eq!(modal.help(), Some(3));
        assert!(modal.close_help());
        assert!(!modal.close_help(), "nothing more to close");
        assert!(modal.view().is_some());
    }

    #[test]
    fn a_view_replaced_under_a_question_keeps_the_question_on_top() {
        let mut modal = Modal::Panes;
        modal.ask(Question::DiscardForm);
        modal.set_view(Some(text("record")));
        assert!(modal.question().is_some());
        assert!(modal.view().is_some());
        assert!(modal.take_view().is_some());
        assert!(modal.view().is_none());
        assert!(modal.question().is_some());
    }
}
