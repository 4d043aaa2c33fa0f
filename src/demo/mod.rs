//! A fictional service to explore, train with and measure against.
//!
//! Everything is derived from one seed and today's date, so the same seed on the same day gives
//! the same service. Names are drawn from lists of birds and plants, NHS numbers from the range the
//! NHS keeps for testing (999 000 0000 to 999 999 9999), and the database is marked as demo so the
//! program says DEMO wherever it shows it.
//!
//! Reviews are stored only once done, TOPs as TOPs; what is due follows from the review rules.
//! Among the first key worker's clients are the named scenario clients, each record telling one
//! story (module `scenario`), and a showcase client for each alert not shown by them (module
//! `showcase`), so a trainer logged in as `alex.demo` (or the login `generate --as` names) can
//! show every one on any day.

mod bbv;
mod clinic;
mod course;
mod detox;
mod fit;
mod goal_text;
mod history;
mod outcomes;
mod plan;
mod prescribing;
mod review_words;
mod reviews;
pub mod scenario;
mod session;
mod showcase;
mod text;
mod timeline;

use crate::domain::{Login, Name, Role, Worker};
use crate::store::{META_DEMO, META_SERVICE_NAME, Result, Store, Writer};
use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub clients: u32,
    pub years: u32,
    pub seed: u64,
}

impl Default for Plan {
    /// A trainer's service: about 40 clients over two years.
    fn default() -> Self {
        Self {
            clients: 40,
            years: 2,
            seed: 42,
        }
    }
}

/// The demo service's name, shown in the header.
pub const SERVICE_NAME: &str = "Riverside Recovery (fictional demo)";

/// The login a demo session acts as: the team's first key worker.
pub const FIRST_KEY_WORKER: &str = "alex.demo";

/// Clients per key worker in the generated team: a typical caseload.
const CASELOAD_SIZE: u32 = 50;

const NAMED_TEAM: &[(&str, &str, Role)] = &[
    (FIRST_KEY_WORKER, "Alex Morgan", Role::KeyWorker),
    ("jo.demo", "Jo Patel", Role::KeyWorker),
    ("sam.demo", "Sam Okoro", Role::KeyWorker),
    ("dr.demo", "Dr Ravi Shah", Role::Prescriber),
    ("lead.demo", "Morgan Reid", Role::TeamLead),
    ("trainer.demo", "Pat Quinn", Role::ReadOnly),
];

/// Fills an empty store with a generated service, in one transaction.
pub fn generate(store: &mut Store, plan: Plan) -> Result<()> {
    generate_as(store, plan, None, &mut |_| {})
}

/// `meta` key holding how a generated service was made (`clients years seed [login]`), so a
/// reset makes it again the same way.
pub const META_PLAN: &str = "demo_plan";

/// `meta` key holding the name `generate --as-name` gave the trainer: apart from
/// [`META_PLAN`], whose words are split on spaces, so that a reset keeps the name too.
pub const META_AS_NAME: &str = "demo_as_name";

/// The trainer `generate --as` puts in the demo key worker's place: their login, and the name
/// the header and team list show for it. Without a name the login itself is shown, so a
/// trainer recording as themselves is never shown as the demo's own key worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trainer {
    pub login: Login,
    pub name: Option<Name>,
}

impl Trainer {
    /// The name shown for the trainer: the one given, else the login.
    fn display_name(&self) -> Name {
        self.name
            .clone()
            .unwrap_or_else(|| Name::new(self.login.as_str()).expect("a login is a valid name"))
    }
}

/// Like [`generate`], with `trainer` (when given) as the demo key worker whose caseload holds
/// the scenario and showcase clients, in place of [`FIRST_KEY_WORKER`]; `done` hears each
/// client number as it is written, for a progress bar.
pub fn generate_as(
    store: &mut Store,
    plan: Plan,
    trainer: Option<&Trainer>,
    done: &mut dyn FnMut(u32),
) -> Result<()> {
    let today = store.today();
    let stamp = store.clock().timestamp();
    store.import(stamp, |w| {
        w.set_meta(META_DEMO, "1")?;
        w.set_meta(META_SERVICE_NAME, SERVICE_NAME)?;
        let mut recipe = format!("{} {} {}", plan.clients, plan.years, plan.seed);
        if let Some(trainer) = trainer {
            recipe.push_str(&format!(" {}", trainer.login));
            if let Some(name) = &trainer.name {
                w.set_meta(META_AS_NAME, name.as_str())?;
            }
        }
        w.set_meta(META_PLAN, &recipe)?;
        let team = insert_team(w, plan, trainer)?;
        let mut dice = Dice::new(plan.seed, today);
        let slots = clinic::slots(today);
        if !slots.is_empty() {
            dice.clinic.worker_id = Some(team.key_workers[0]);
        }
        let mut next_slot = 0;
        let mut ordinary = 0;
        for number in 1..=plan.clients {
            match showcase_at(number) {
                Some(showcase) => {
                    // A showcase client may take an afternoon slot only: booked by their last
                    // session, it leaves the story their course sets as it is.
                    dice.clinic.offer = slots
                        .get(next_slot)
                        .copied()
                        .filter(|slot| slot.outcome == clinic::Outcome::NotYet);
                    let offered = dice.clinic.offer.is_some();
                    showcase::client(w, &mut dice, &team, team.key_workers[0], number, showcase)?;
                    if offered && dice.clinic.offer.take().is_none() {
                        next_slot += 1;
                    }
                }
                None => {
                    let key_worker = team.key_workers[ordinary % team.key_workers.len()];
                    ordinary += 1;
                    // Today's clinic is made of the demo worker's own clients, the next slot
                    // offered to each until one takes it.
                    dice.clinic.offer = (key_worker == team.key_workers[0])
                        .then(|| slots.get(next_slot).copied())
                        .flatten();
                    let offered = dice.clinic.offer.is_some();
                    history::client(w, &mut dice, &team, key_worker, number, plan.years)?;
                    if offered && dice.clinic.offer.take().is_none() {
                        next_slot += 1;
                    }
                }
            }
            done(number);
        }
        // The diary: every session's next appointment booked, and settled by the session that
        // met it, in one pass over the whole service (see `Writer::book_from_sessions`).
        w.book_from_sessions()?;
        Ok(())
    })
}

/// The showcase client, if any, with this client number: every other number from the first
/// until each has been placed, all in the first key worker's caseload, so a trainer logged in
/// as them can show every scenario and alert among ordinary clients.
fn showcase_at(number: u32) -> Option<showcase::Showcase> {
    (number % 2 == 1)
        .then(|| showcase::ALL.get((number / 2) as usize).copied())
        .flatten()
}

/// The client number of the showcase client at `index` in [`showcase::ALL`].
fn showcase_number(index: usize) -> u32 {
    index as u32 * 2 + 1
}

/// How a generated service was made: its plan, and the trainer `--as` put in the demo worker's
/// place.
pub type Recipe = (Plan, Option<Trainer>);

/// How a generated service was made, read back from its `meta` (see [`META_PLAN`] and
/// [`META_AS_NAME`]): `None` when the file keeps no recipe, an error naming what is wrong when
/// the one it keeps is damaged.
pub fn recipe(store: &Store) -> Result<Option<std::result::Result<Recipe, String>>> {
    let Some(text) = store.meta(META_PLAN)? else {
        return Ok(None);
    };
    let name = match store.meta(META_AS_NAME)? {
        None => None,
        Some(name) => match Name::new(name) {
            Ok(name) => Some(name),
            Err(_) => return Ok(Some(Err("the --as-name kept is not a valid name".into()))),
        },
    };
    Ok(Some(parse_recipe(&text).map(|(plan, login)| {
        (plan, login.map(|login| Trainer { login, name }))
    })))
}

/// Reads a recipe ("clients years seed [login]") under the same limits as `generate`'s own
/// options, so a damaged one is refused rather than followed.
fn parse_recipe(text: &str) -> std::result::Result<(Plan, Option<Login>), String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let number = |i: usize, what: &str, range: std::ops::RangeInclusive<u64>| {
        words
            .get(i)
            .and_then(|w| w.parse::<u64>().ok())
            .filter(|n| range.contains(n))
            .ok_or_else(|| format!("{what} is missing or out of range"))
    };
    let clients = number(0, "the number of clients", 1..=99_999)?;
    let years = number(1, "the years of history", 1..=20)?;
    let seed = number(2, "the seed", 0..=u64::MAX)?;
    let login = match words.get(3) {
        None => None,
        Some(word) => {
            Some(Login::new(*word).map_err(|_| "the --as login is not valid".to_owned())?)
        }
    };
    let plan = Plan {
        clients: u32::try_from(clients).map_err(|_| "the number of clients is out of range")?,
        years: u32::try_from(years).map_err(|_| "the years of history are out of range")?,
        seed,
    };
    Ok((plan, login))
}

/// Whether `login` is one of the demo team's own logins (so `--as` cannot take it).
pub fn is_team_login(login: &Login) -> bool {
    NAMED_TEAM
        .iter()
        .any(|(l, _, _)| *l == login.as_str() && *l != FIRST_KEY_WORKER)
        || (login.as_str().starts_with("kw") && login.as_str().ends_with(".demo"))
}

/// Ids of the generated team by what they do.
pub(crate) struct Team {
    key_workers: Vec<i64>,
    prescriber: i64,
}

fn insert_team(w: &Writer<'_>, plan: Plan, first: Option<&Trainer>) -> Result<Team> {
    let mut key_workers = Vec::new();
    let mut prescriber = 0;
    for (login, name, role) in NAMED_TEAM {
        let member = match first {
            Some(trainer) if *login == FIRST_KEY_WORKER => Worker {
                login: trainer.login.clone(),
                display_name: trainer.display_name(),
                role: *role,
            },
            _ => worker(login, name, *role),
        };
        let id = w.insert(&member)?;
        match role {
            Role::KeyWorker => key_workers.push(id),
            Role::Prescriber => prescriber = id,
            _ => {}
        }
    }
    // A service-sized file needs a service-sized team.
    let needed = plan.clients.div_ceil(CASELOAD_SIZE) as usize;
    for n in key_workers.len()..needed {
        let login = format!("kw{n:03}.demo");
        let name = format!("Key Worker {n:03}");
        key_workers.push(w.insert(&worker(&login, &name, Role::KeyWorker))?);
    }
    Ok(Team {
        key_workers,
        prescriber,
    })
}

fn worker(login: &str, name: &str, role: Role) -> Worker {
    Worker {
        login: Login::new(login).expect("demo logins are valid"),
        display_name: Name::new(name).expect("demo names are valid"),
        role,
    }
}

/// The seeded random source and the date everything is relative to.
pub(crate) struct Dice {
    rng: ChaCha8Rng,
    today: NaiveDate,
    /// Today's clinic as it is being filled: carried with the dice because every client's
    /// history is drawn from them, and a client's diary is shaped by the slot it takes.
    clinic: clinic::Clinic,
}

impl Dice {
    fn new(seed: u64, today: NaiveDate) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            today,
            clinic: clinic::Clinic::default(),
        }
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.rng.random_bool(probability.clamp(0.0, 1.0))
    }

    fn between(&mut self, low: i64, high: i64) -> i64 {
        if low >= high {
            low
        } else {
            self.rng.random_range(low..=high)
        }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    /// Picks by weight: `(weight, value)` pairs.
    fn weighted<T: Copy>(&mut self, items: &[(u32, T)]) -> T {
        let total: u32 = items.iter().map(|(w, _)| w).sum();
        let mut roll = self.rng.random_range(0..total);
        for (weight, item) in items {
            if roll < *weight {
                return *item;
            }
            roll -= weight;
        }
        items[items.len() - 1].1
    }

    fn days_ago(&mut self, min: i64, max: i64) -> NaiveDate {
        self.today - Duration::days(self.between(min, max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_recipe_is_refused_not_followed() {
        let (plan, login) = parse_recipe("40 2 42 trainer.one").unwrap();
        assert_eq!((plan.clients, plan.years, plan.seed), (40, 2, 42));
        assert_eq!(login.unwrap().as_str(), "trainer.one");
        assert!(parse_recipe("40 2 42").unwrap().1.is_none());
        for damaged in [
            "0 2 42",
            "4000000000 2 42",
            "40 99 42",
            "40 2",
            "x 2 42",
            "40 2 42 no/such/login",
        ] {
            assert!(parse_recipe(damaged).is_err(), "{damaged}");
        }
    }

    #[test]
    fn same_seed_gives_same_draws() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let draws = |seed| {
            let mut g = Dice::new(seed, today);
            (0..20).map(|_| g.between(0, 1000)).collect::<Vec<_>>()
        };
        assert_eq!(draws(7), draws(7));
        assert_ne!(draws(7), draws(8));
    }

    #[test]
    fn weighted_choice_never_picks_zero_weight() {
        let mut g = Dice::new(1, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        for _ in 0..200 {
            assert_eq!(g.weighted(&[(0, 'a'), (5, 'b'), (0, 'c')]), 'b');
        }
    }
}
