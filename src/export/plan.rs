//! The recovery plan alone, for the client to take home: their goals in their own words by area,
//! what each of them and the service will do, and when the plan is next reviewed.

use super::record::{action_line, level_words};
use super::{Block, Document, Section};
use crate::display::clean;
use crate::domain::*;
use crate::store::PlanGoal;
use chrono::NaiveDate;

/// One goal of the plan with its actions in force.
#[derive(Debug, Clone)]
pub struct PlanPart<'a> {
    pub goal: &'a PlanGoal,
    pub actions: Vec<&'a GoalAction>,
}

pub fn plan_document(
    client: &Client,
    parts: &[PlanPart<'_>],
    next_review: Option<NaiveDate>,
    today: NaiveDate,
) -> Document {
    let name = client.preferred_name.as_ref().unwrap_or(&client.given_name);
    let mut sections = Vec::new();
    for domain in GoalDomain::ALL {
        let mut section = Section::new(domain.label());
        for part in parts
            .iter()
            .filter(|p| p.goal.goal.record.area.domain() == *domain)
        {
            section.blocks.push(goal_entry(part));
        }
        if !section.blocks.is_empty() {
            sections.push(section);
        }
    }
    let review = next_review.map_or_else(
        || "No care-plan review is booked yet; ask your key worker.".to_owned(),
        |d| {
            format!(
                "We will look at this plan together again by {}.",
                uk_date(d)
            )
        },
    );
    let mut next = Section::new("Next review");
    next.blocks.push(Block::Note(review));
    sections.push(next);
    Document {
        title: format!("{}'s recovery plan", clean(name.as_str())),
        running_header: format!("{}: recovery plan, {}", client.reference, uk_date(today)),
        intro: vec![format!(
            "Your goals in your own words, and the steps agreed, as of {}.",
            uk_date(today)
        )],
        sections: if parts.is_empty() {
            vec![Section::new("Goals").or_none("No goals yet.")]
        } else {
            sections
        },
    }
}

fn goal_entry(part: &PlanPart<'_>) -> Block {
    let g = &part.goal.goal.record;
    let mut body = Vec::new();
    if let Some(level) = g.area.level() {
        body.push(level_words(level));
    }
    if let Some(why) = &g.why_it_matters {
        body.push(format!("Why it matters: {}", clean(why.as_str())));
    }
    let target = g
        .target_date
        .map(|d| format!(", aiming for {}", uk_date(d)))
        .unwrap_or_default();
    body.push(format!(
        "{}, progress {} out of 10{target}",
        g.status.label(),
        g.progress.get()
    ));
    body.extend(part.actions.iter().map(|a| action_line(a)));
    Block::Entry {
        title: format!("\"{}\"", clean(g.in_own_words.as_str())),
        marks: Vec::new(),
        body,
    }
}
