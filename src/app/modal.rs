//! What is open over the panes, as one type. Each layer sits over the one below it (a form over
//! the record it was opened from, a question over the form), so which one takes the keys is the
//! top of the stack: a type, not an `if` chain over four optional fields.

use super::filter::Chooser;
use super::find::Find;
use super::palette::Palette;
use super::structure::Structure;
use super::tour::Tour;
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
    /// The plan structure view of one client (opened from the panes).
    Structure {
        view: Box<Structure>,
        under: Box<Modal>,
    },
    /// The guided tour's caption, over the screen the tour moved to.
    Tour { tour: Box<Tour>, under: Box<Modal> },
    /// A question waiting for an answer before anything else.
    Asking {
        question: Question,
        under: Box<Modal>,
    },
}

/// The four ways of handling a layer that holds one boxed value (a form, Find, the filters,
/// the palette): open it over everything, read it, change it, and close it wherever it is.
macro_rules! boxed_layer {
    ($variant:ident { $field:ident: $ty:ty }, $open:ident, $get:ident, $get_mut:ident, $take:ident, $what:literal) => {
        #[doc = concat!("Opens ", $what, " over everything open.")]
        pub fn $open(&mut self, $field: $ty) {
            self.push(|under| Modal::$variant {
                $field: Box::new($field),
                under,
            });
        }

        #[doc = concat!("What ", $what, " holds, if it is open.")]
        pub fn $get(&self) -> Option<&$ty> {
            self.layers().find_map(|m| match m {
                Modal::$variant { $field, .. } => Some($field.as_ref()),
                _ => None,
            })
        }

        pub fn $get_mut(&mut self) -> Option<&mut $ty> {
            match self {
                Modal::$variant { $field, .. } => Some($field),
                other => other.under_mut().and_then(Modal::$get_mut),
            }
        }

        #[doc = concat!("Closes ", $what, ", wherever it is, and gives it back.")]
        pub fn $take(&mut self) -> Option<$ty> {
            match self.remove(|m| matches!(m, Modal::$variant { .. })) {
                Some(Modal::$variant { $field, .. }) => Some(*$field),
                _ => None,
            }
        }
    };
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
            | Modal::Structure { under, .. }
            | Modal::Tour { under, .. }
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
            | Modal::Structure { under, .. }
            | Modal::Tour { under, .. }
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
                | Modal::Structure { under, .. }
                | Modal::Tour { under, .. }
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

    boxed_layer!(
        Form { editor: Editor },
        open_form,
        editor,
        editor_mut,
        take_form,
        "the form"
    );
    boxed_layer!(
        Find { find: Find },
        open_find,
        find,
        find_mut,
        take_find,
        "Find"
    );
    boxed_layer!(
        Filters { chooser: Chooser },
        open_filters,
        filters,
        filters_mut,
        take_filters,
        "the filter chooser"
    );
    boxed_layer!(
        Palette { palette: Palette },
        open_palette,
        palette,
        palette_mut,
        take_palette,
        "the command palette"
    );
    boxed_layer!(
        Structure { view: Structure },
        open_structure,
        structure,
        structure_mut,
        take_structure,
        "the plan structure view"
    );
    boxed_layer!(
        Tour { tour: Tour },
        open_tour,
        tour,
        tour_mut,
        take_tour,
        "the guided tour"
    );

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
