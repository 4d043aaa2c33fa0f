//! The TOP as the NDTMS form has it (issue 20): each item worded with its period, the
//! injecting items as the past-four-weeks questions they are, and the substance labels true to
//! their codes.

use keywork::domain::Substance;
use keywork::domain::top::{Measure, TopItem};

/// Every TOP question is about the past four weeks (28 days); an amount is for a typical day
/// of use within them. A label that drops its period reads as a lifetime question.
#[test]
fn every_item_names_its_period() {
    for item in TopItem::ALL {
        let label = item.label();
        let period = match item.measure() {
            Measure::Amount => "on a typical using day",
            _ => "in the past 4 weeks",
        };
        assert!(
            label.contains(period),
            "{} ({}) does not say \"{period}\"",
            item.code(),
            label
        );
    }
}

/// The TOP asks about sharing needles or syringes in the past four weeks; lifetime sharing is a
/// separate NDTMS item, not a TOP one. The stored code never said "ever", so it stays.
#[test]
fn sharing_is_the_past_four_weeks_item_not_a_lifetime_one() {
    let item = TopItem::from_code("shared_needles").expect("the stored code is kept");
    let label = item.label().to_lowercase();
    assert!(!label.contains("ever"), "{label}");
    assert!(label.contains("needles or syringes"), "{label}");
    assert!(label.contains("in the past 4 weeks"), "{label}");
    for item in TopItem::ALL {
        assert!(
            !item.label().to_lowercase().starts_with("ever "),
            "{} reads as a lifetime question",
            item.code()
        );
    }
}

/// `prescribed_opioids` is dependence on opioid medicines prescribed to the client; illicit and
/// non-prescribed opioids belong to heroin / illicit opiates.
#[test]
fn the_prescribed_opioids_code_is_labelled_prescribed() {
    let label = Substance::from_code("prescribed_opioids").unwrap().label();
    assert!(
        !label.to_lowercase().contains("non-prescribed"),
        "prescribed_opioids is labelled {label:?}"
    );
    assert!(
        label.to_lowercase().contains("prescribed opioid"),
        "{label}"
    );
}
