//! `keywork export --client REF` and `--plan REF`: one client's whole record for a subject access
//! request, or their recovery plan to take home, as Markdown, HTML or JSON. Each is audited as an
//! export of that client, and refused under the same rules as any write.

use super::{CliError, ExportArgs, Format, output};
use crate::export::{self, Kind};
use crate::store::{Store, StoreError};
use std::io::Write;
use std::path::PathBuf;

/// What `--client`/`--plan` with `--format` ask for.
fn kind(args: &ExportArgs) -> Result<(&str, Kind), CliError> {
    let format = match args.format {
        Format::Md => export::Format::Markdown,
        Format::Html => export::Format::Html,
        Format::Json => export::Format::Json,
        Format::Csv => {
            return Err(CliError::Usage(
                "--format csv is the clients' list (without --client or --plan); one client's record is md, html or json".into(),
            ));
        }
    };
    match (&args.client, &args.plan) {
        (Some(reference), None) => Ok((reference, Kind::Record(format))),
        (None, Some(_)) if format == export::Format::Json => Err(CliError::Usage(
            "--plan is for the client to read: --format md or html".into(),
        )),
        (None, Some(reference)) => Ok((reference, Kind::Plan(format))),
        _ => Err(CliError::Usage(
            "--format md and html need --client REF or --plan REF".into(),
        )),
    }
}

pub fn export(store: &mut Store, args: &ExportArgs) -> Result<(), CliError> {
    let (reference, kind) = kind(args)?;
    // Refused before anything is read or made, so a refusal is one line and no file.
    if let Some(refusal) = store.refusal()? {
        return Err(StoreError::Refused(refusal).into());
    }
    let (client_id, _) = super::record::client(store, reference)?;
    let text = export::render(store, client_id, kind)?;
    let detail = kind.audit_detail();
    match &args.out {
        None => {
            // Audited first: if the audit cannot be written, nothing leaves.
            store.audit_client_export(client_id, &detail)?;
            std::io::stdout()
                .lock()
                .write_all(text.as_bytes())
                .map_err(|source| CliError::Io {
                    path: PathBuf::from("stdout"),
                    source,
                })
        }
        Some(path) => Ok(output::write_new(path, "export", |file| {
            file.write_all(text.as_bytes())
                .map_err(StoreError::Export)?;
            store.audit_client_export(client_id, &detail)
        })?),
    }
}
