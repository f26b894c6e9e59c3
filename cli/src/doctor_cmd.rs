//! `kunci doctor [ID]`: the doctor for "Invalid Authenticator Code" (findings in order, each
//! with its stable code; `--json` gives the facts too).

use kunci::Kunci;
use kunci_cli::output::Output;
use kunci_cli::{CliError, Outcome};

pub fn run(out: &Output, app: &Kunci, id: Option<i64>) -> Result<Outcome, CliError> {
    let findings = app.doctor(id)?;
    out.emit(&findings, || {
        findings
            .iter()
            .map(|f| match f.account_id {
                Some(a) => format!("[{}] #{a}: {}", f.code, f.sentence),
                None => format!("[{}] {}", f.code, f.sentence),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    // Exit 1 when something was found (scripts can test "is anything wrong?").
    Ok(match findings.iter().all(|f| f.code == "all_clear") {
        true => Outcome::Done,
        false => Outcome::NothingFound,
    })
}
