//! `keywork import`: a caseload from a spreadsheet (CSV); `keywork export --format csv` writes
//! the same columns out for the round trip (`clients_csv.rs`). Every row fills the client form's own fields and goes
//! through `build_client`, so an imported client obeys exactly the rules of one typed in.
//!
//! A row that matches a client already on record (by service reference; by NHS number when the
//! reference is blank; by name and date of birth when both are) is skipped, never updated: an
//! update would overwrite whatever a colleague changed since the spreadsheet was made, with no
//! version to check it against.

use super::CliError;
use crate::domain::{Client, NhsNumber, Refusal, ServiceRef, Stored};
use crate::form::forms::client::key;
use crate::form::forms::{ClientContext, build_client, client_form};
use crate::form::{Form, Now};
use crate::store::{Store, StoreError};
use clap::Args;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file: a header row of column names as `export --format csv` writes them, in any
    /// order; UTF-8 (a byte-order mark is fine), dates as 23/11/2026 or 2026-11-23.
    pub file: PathBuf,
    /// Check every row and report; import nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// A column of the file: its name (the JSON export's field name), the client form field it
/// fills, and whether a file without it is refused (the form has no default for it).
pub(super) struct Column {
    pub(super) name: &'static str,
    pub(super) key: &'static str,
    needed: bool,
}

const fn column(name: &'static str, key: &'static str, needed: bool) -> Column {
    Column { name, key, needed }
}

/// Every column, in the order the export writes them.
pub(super) const COLUMNS: &[Column] = &[
    column("reference", key::REFERENCE, false),
    column("given_name", key::GIVEN, true),
    column("family_name", key::FAMILY, true),
    column("preferred_name", key::PREFERRED, false),
    column("date_of_birth", key::DOB, true),
    column("nhs_number", key::NHS, false),
    column("key_worker", key::WORKER, false),
    column("status", key::STATUS, false),
    column("referral_date", key::REFERRAL, false),
    column("treatment_start", key::START, false),
    column("modality", key::MODALITY, true),
    column("primary_substance", key::PRIMARY, true),
    column("other_substances", key::OTHERS, false),
    column("injecting", key::INJECTING, false),
    column("shared_care", key::SHARED_CARE, false),
    column("overdose_risk", key::OVERDOSE, false),
    column("naloxone_held", key::NALOXONE, false),
    column("naloxone_supplied_on", key::NALOXONE_ON, false),
    column("safeguarding_children", key::SAFEGUARDING, false),
    column("prison_release_on", key::PRISON, false),
    column("hep_b", key::HEP_B, false),
    column("hep_c_tested_on", key::HEP_C, false),
    column("hiv_tested_on", key::HIV, false),
];

/// One thing wrong with the file. It names where and why, never the value: the report may be
/// pasted into a ticket, and a value may be a client's name or date of birth.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    line: u64,
    column: String,
    reason: String,
}

impl Problem {
    fn new(line: u64, column: &str, reason: impl Into<String>) -> Self {
        Self {
            line,
            column: column.to_owned(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.reason
        )
    }
}

/// A cell as read from a CSV file: exactly the guard [`super::output::csv_cell`] adds comes off,
/// nothing else.
pub fn unguard_cell(text: &str) -> &str {
    super::output::unguard_csv_text(text)
}

/// The file's rows: the header's column indexes into [`COLUMNS`], then each row with its line.
struct Table {
    columns: Vec<usize>,
    rows: Vec<(u64, Vec<String>)>,
}

/// The largest spreadsheet read: 100,000 clients at a generous 300 bytes a row. Bounded so that
/// `import /dev/zero` or a wrong, huge file is refused rather than filling memory.
const MAX_FILE: u64 = 32 * 1024 * 1024;

/// Reads the file as text. Spreadsheets save UTF-8 with a byte-order mark; one saved in a
/// Windows code page is refused with what to do, rather than imported with broken names.
fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = crate::bounded::read(path, MAX_FILE).map_err(|e| match e {
        crate::bounded::ReadError::Io(source) => CliError::Io {
            path: path.to_owned(),
            source,
        },
        crate::bounded::ReadError::TooLarge { limit } => CliError::Usage(format!(
            "{} is larger than {} MiB, so it was not read and nothing was imported: split it \
             into smaller files",
            path.display(),
            limit / (1024 * 1024)
        )),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::Usage(format!(
            "{} is not UTF-8 text: save it from the spreadsheet as \"CSV UTF-8\"",
            path.display()
        ))
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned())
}

/// Line numbers from byte offsets, counted here because the CSV reader's own count is one short
/// after Windows line endings (it starts the next record at the line's closing `\n`). Offsets must come in order, as records do.
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The line (from 1) holding the byte at `offset`.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        // After `\r` the reader places the next record at the `\n` that ends the line.
        while matches!(self.text.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        if offset > self.byte {
            let newlines = self.text[self.byte..offset].iter().filter(|b| **b == b'\n');
            self.line += newlines.count() as u64;
            self.byte = offset;
        }
        self.line
    }
}

/// Splits the text into a header and rows. Quoted commas and line breaks stay in their cell;
/// Windows line endings and blank lines (or rows of empty cells) at the end are ignored.
fn parse(text: &str) -> Result<Table, Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut lines = LineCounter::new(text);
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
            vec![Problem::new(line, "-", "not readable as CSV")]
        })?;
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if cells.iter().any(|c| !c.trim().is_empty()) {
            records.push((line, cells));
        }
    }
    let mut records = records.into_iter();
    let Some((header_line, header)) = records.next() else {
        return Err(vec![Problem::new(1, "-", "the file is empty")]);
    };
    let columns = header_columns(header_line, &header)?;
    let rows: Vec<_> = records.collect();
    let mut problems = Vec::new();
    for (line, cells) in &rows {
        if cells.len() != columns.len() {
            problems.push(Problem::new(
                *line,
                "-",
                format!(
                    "{} cells where the header has {}",
                    cells.len(),
                    columns.len()
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(Table { columns, rows })
    } else {
        Err(problems)
    }
}

/// The header's columns, each known and named once, with every needed column present.
fn header_columns(line: u64, header: &[String]) -> Result<Vec<usize>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for name in header {
        let name = unguard_cell(name).trim().to_ascii_lowercase();
        match COLUMNS.iter().position(|c| c.name == name) {
            Some(index) if columns.contains(&index) => {
                problems.push(Problem::new(line, &name, "this column is named twice"));
            }
            Some(index) => columns.push(index),
            None => problems.push(Problem::new(
                line,
                &name,
                "not a client column (see `export --format csv` for the names)",
            )),
        }
    }
    for (index, column) in COLUMNS.iter().enumerate() {
        if column.needed && !columns.contains(&index) {
            problems.push(Problem::new(line, column.name, "required column missing"));
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// What every row is checked against: the team, today, and who is importing.
struct RowContext {
    now: Now,
    workers: Vec<(i64, String)>,
    /// Logins of those who may hold a caseload, to their worker id.
    logins: HashMap<String, i64>,
    default_worker: Option<i64>,
    placeholder: ServiceRef,
}

impl RowContext {
    fn new(store: &Store, importer: i64) -> Result<Self, CliError> {
        let workers = store.key_workers()?;
        let logins = store
            .members()?
            .into_iter()
            .filter(|m| workers.iter().any(|(id, _)| *id == m.id))
            .map(|m| (m.worker.login.to_string(), m.id))
            .collect();
        let default_worker = workers
            .iter()
            .any(|(id, _)| *id == importer)
            .then_some(importer);
        Ok(Self {
            now: Now {
                today: store.today(),
                now: store.clock().now_local(),
            },
            workers,
            logins,
            default_worker,
            placeholder: store.next_reference()?,
        })
    }

    /// A new client form, as the screen opens one: its defaults fill what the file leaves out.
    fn form(&self) -> Form {
        let ctx = ClientContext {
            existing: None,
            workers: &self.workers,
            default_worker: self.default_worker,
            suggested_reference: self.placeholder.clone(),
        };
        client_form(String::new(), self.now, &ctx)
    }
}

/// A row that passed: the client, and whether its reference was left blank for us to choose.
struct GoodRow {
    line: u64,
    client: Client,
    blank_reference: bool,
}

/// A cell's text as the form field takes it; `Err` names what is wrong. Blank cells never get
/// here: they leave the form's default.
fn form_value(ctx: &RowContext, column: &Column, text: &str) -> Result<String, String> {
    match column.key {
        key::WORKER => ctx
            .logins
            .get(text)
            .map(i64::to_string)
            .ok_or_else(|| "no key worker on the team has this login".to_owned()),
        key::OVERDOSE | key::NALOXONE | key::SAFEGUARDING => {
            match text.to_ascii_lowercase().as_str() {
                "yes" | "y" | "true" | "1" => Ok("yes".into()),
                "no" | "n" | "false" | "0" => Ok("no".into()),
                _ => Err("expected yes or no".into()),
            }
        }
        // Spreadsheet users type "crack; alcohol" or "crack, alcohol": both are one list.
        key::OTHERS => Ok(text
            .split([',', ';'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(",")),
        _ => Ok(text.to_owned()),
    }
}

/// A form's message with the cell's value taken out (the form's messages quote what was typed).
fn withheld(message: &str, value: &str) -> String {
    let mut message = message.replace(&format!("'{value}'"), "the value");
    let digits: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() >= 10 {
        message = message.replace(&format!(" {digits}"), "");
    }
    message
}

/// Checks one row through the client form: every problem in it, by column, at once.
fn check_row(
    ctx: &RowContext,
    table: &Table,
    line: u64,
    cells: &[String],
) -> Result<GoodRow, Vec<Problem>> {
    let mut form = ctx.form();
    let mut problems: Vec<Problem> = Vec::new();
    let mut values: HashMap<&str, String> = HashMap::new();
    let mut blank_reference = true;
    for (&index, cell) in table.columns.iter().zip(cells) {
        let column = &COLUMNS[index];
        // One-line fields, as a paste into the form makes them: a line break becomes a space.
        let folded = unguard_cell(cell)
            .replace("\r\n", " ")
            .replace(['\r', '\n'], " ");
        let text = folded.trim();
        values.insert(column.key, text.to_owned());
        if text.is_empty() {
            continue;
        }
        if column.key == key::REFERENCE {
            blank_reference = false;
        }
        let set = form_value(ctx, column, text).and_then(|value| form.set(column.key, &value));
        if let Err(reason) = set {
            problems.push(Problem::new(line, column.name, withheld(&reason, text)));
        }
    }
    form.validate_with(|f| build_client(f).err().unwrap_or_default());
    for field in &form.fields {
        let Some(column) = COLUMNS.iter().find(|c| c.key == field.spec.key) else {
            continue;
        };
        if let Some(reason) = &field.error
            && !problems.iter().any(|p| p.column == column.name)
        {
            let value = values.get(column.key).map_or("", String::as_str);
            problems.push(Problem::new(line, column.name, withheld(reason, value)));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    build_client(&form)
        .map(|client| GoodRow {
            line,
            client,
            blank_reference,
        })
        .map_err(|errors| {
            let reasons = errors.into_iter().map(|(_, reason)| reason);
            reasons.map(|r| Problem::new(line, "-", r)).collect()
        })
}

/// What the file would do: clients to add, lines skipped as already on record, problems.
#[derive(Default)]
struct Plan {
    new: Vec<GoodRow>,
    skipped: Vec<u64>,
    problems: Vec<Problem>,
}

/// A person as a row with neither reference nor NHS number can be told apart: names (any case)
/// and date of birth.
type Person = (String, String, chrono::NaiveDate);

fn person(c: &Client) -> Person {
    (
        c.given_name.to_string().to_lowercase(),
        c.family_name.to_string().to_lowercase(),
        c.date_of_birth,
    )
}

/// The clients already on record, by what a row is matched on.
struct OnRecord {
    by_reference: HashMap<ServiceRef, ()>,
    by_nhs: HashMap<NhsNumber, ServiceRef>,
    by_person: HashMap<Person, ServiceRef>,
}

impl OnRecord {
    fn new(clients: Vec<Stored<Client>>) -> Self {
        let mut on_record = Self {
            by_reference: HashMap::new(),
            by_nhs: HashMap::new(),
            by_person: HashMap::new(),
        };
        for stored in clients {
            let c = stored.record;
            if let Some(nhs) = &c.nhs_number {
                on_record.by_nhs.insert(nhs.clone(), c.reference.clone());
            }
            on_record.by_person.insert(person(&c), c.reference.clone());
            on_record.by_reference.insert(c.reference, ());
        }
        on_record
    }

    /// Whether the row is a client already on record: by reference if it has one, else by NHS
    /// number if it has one, else by name and date of birth.
    fn matches(&self, row: &GoodRow) -> bool {
        let c = &row.client;
        match (&c.nhs_number, row.blank_reference) {
            (_, false) => self.by_reference.contains_key(&c.reference),
            (Some(nhs), true) => self.by_nhs.contains_key(nhs),
            (None, true) => self.by_person.contains_key(&person(c)),
        }
    }
}

/// Lines of the file that hold the same client twice: a reference, an NHS number, or (for rows
/// with neither) a person seen on an earlier line.
#[derive(Default)]
struct SeenInFile {
    references: HashMap<ServiceRef, u64>,
    nhs_numbers: HashMap<NhsNumber, u64>,
    people: HashMap<Person, u64>,
}

impl SeenInFile {
    /// Notes the row; the problems if it repeats an earlier one.
    fn repeats(&mut self, row: &GoodRow) -> Vec<Problem> {
        let c = &row.client;
        let mut problems = Vec::new();
        let mut again = |column: &str, what: &str, first: Option<u64>| {
            if let Some(first) = first {
                let reason = format!("the same {what} as line {first}");
                problems.push(Problem::new(row.line, column, reason));
            }
        };
        if !row.blank_reference {
            let first = self.references.insert(c.reference.clone(), row.line);
            again("reference", "reference", first);
        }
        if let Some(nhs) = &c.nhs_number {
            let first = self.nhs_numbers.insert(nhs.clone(), row.line);
            again("nhs_number", "NHS number", first);
        } else if row.blank_reference {
            let first = self.people.insert(person(c), row.line);
            again("given_name", "name and date of birth", first);
        }
        problems
    }
}

/// Sorts the good rows into new and already on record, with the duplicates a file can hold
/// within itself or against the record.
fn plan(rows: Vec<GoodRow>, on_record: &OnRecord, mut problems: Vec<Problem>) -> Plan {
    let mut plan = Plan::default();
    let mut seen = SeenInFile::default();
    for row in rows {
        let repeats = seen.repeats(&row);
        let nhs_holder = row
            .client
            .nhs_number
            .as_ref()
            .and_then(|n| on_record.by_nhs.get(n));
        if !repeats.is_empty() {
            problems.extend(repeats);
        } else if on_record.matches(&row) {
            plan.skipped.push(row.line);
        } else if let Some(holder) = nhs_holder {
            problems.push(Problem::new(
                row.line,
                "nhs_number",
                format!("client {holder} already has this NHS number"),
            ));
        } else {
            plan.new.push(row);
        }
    }
    plan.problems = problems;
    plan
}

/// Gives each new client with a blank reference the next free one, after the highest on record
/// and skipping those the file names.
fn assign_references(plan: &mut Plan, first_free: &ServiceRef) {
    let named: Vec<ServiceRef> = plan
        .new
        .iter()
        .filter(|r| !r.blank_reference)
        .map(|r| r.client.reference.clone())
        .collect();
    let mut number: u32 = first_free.as_str()[3..].parse().unwrap_or(1);
    for row in plan.new.iter_mut().filter(|r| r.blank_reference) {
        while named.contains(&ServiceRef::from_number(number)) {
            number += 1;
        }
        row.client.reference = ServiceRef::from_number(number);
        number += 1;
    }
}

/// The importing worker's id: they must be on the team and allowed to record now.
fn importer(store: &Store) -> Result<i64, CliError> {
    if let Some(refusal) = store.refusal()? {
        return Err(StoreError::Refused(refusal).into());
    }
    match store.worker_by_login(store.actor())? {
        Some(w) => Ok(w.id),
        None => Err(StoreError::Refused(Refusal::NotOnTeam {
            login: store.actor().clone(),
        })
        .into()),
    }
}

/// Checks the whole file against the form's rules and the record.
fn check_file(store: &Store, importer: i64, text: &str) -> Result<Plan, CliError> {
    let table = match parse(text) {
        Ok(table) => table,
        Err(problems) => {
            return Ok(Plan {
                problems,
                ..Plan::default()
            });
        }
    };
    let ctx = RowContext::new(store, importer)?;
    let mut good = Vec::new();
    let mut problems = Vec::new();
    for (line, cells) in &table.rows {
        match check_row(&ctx, &table, *line, cells) {
            Ok(row) => good.push(row),
            Err(found) => problems.extend(found),
        }
    }
    let mut plan = plan(good, &OnRecord::new(store.all_clients()?), problems);
    plan.problems.sort_by_key(|p| p.line);
    assign_references(&mut plan, &ctx.placeholder);
    Ok(plan)
}

pub fn import(store: &mut Store, args: &ImportArgs) -> Result<(), CliError> {
    let importer = importer(store)?;
    let text = read_text(&args.file)?;
    let plan = check_file(store, importer, &text)?;
    if !plan.problems.is_empty() {
        for problem in &plan.problems {
            eprintln!("{problem}");
        }
        return Err(CliError::Usage(format!(
            "{} problem(s) in {}; nothing was imported",
            plan.problems.len(),
            args.file.display()
        )));
    }
    let skipped = skipped_lines(&plan.skipped);
    if args.dry_run {
        println!(
            "Dry run: {} client(s) would be imported{skipped}; nothing was written.",
            plan.new.len()
        );
        return Ok(());
    }
    let clients: Vec<Client> = plan.new.into_iter().map(|r| r.client).collect();
    let bar = super::progress::counting(clients.len() as u64, "clients");
    bar.set_message("Importing");
    store.write(|w| {
        for client in &clients {
            w.insert(client)?;
            bar.inc(1);
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    println!("Imported {} client(s){skipped}.", clients.len());
    Ok(())
}

/// The lines skipped as already on record, for the summary (the record is left unchanged).
fn skipped_lines(lines: &[u64]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let list: Vec<String> = lines.iter().map(u64::to_string).collect();
    format!(
        "; {} already on record, skipped and left unchanged (line {})",
        lines.len(),
        list.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_round_trips_every_awkward_start() {
        let guard_cell = |text| super::super::output::guard_csv_text(text).into_owned();
        for text in [
            "=1+1", "+44", "-5", "@x", "\tx", "\rx", "'=x", "''-x", "'x", "'", "plain", "",
        ] {
            assert_eq!(unguard_cell(&guard_cell(text)), text, "{text:?}");
        }
        assert_eq!(guard_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(guard_cell("O'Brien"), "O'Brien");
    }

    #[test]
    fn withheld_messages_do_not_quote_the_value() {
        let date = withheld("'31/02/1990' is not a date: try 23/11/2026", "31/02/1990");
        assert!(!date.contains("1990"), "{date}");
        let nhs = withheld(
            "NHS number 9434765918 fails the Modulus 11 check digit",
            "943 476 5918",
        );
        assert_eq!(nhs, "NHS number fails the Modulus 11 check digit");
    }

    #[test]
    fn header_names_unknown_doubled_and_missing_columns() {
        let header: Vec<String> = ["given_name", "given_name", "dob"]
            .map(String::from)
            .to_vec();
        let problems = header_columns(1, &header).unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(
            columns,
            [
                "given_name",
                "dob",
                "family_name",
                "date_of_birth",
                "modality",
                "primary_substance"
            ]
        );
    }
}
