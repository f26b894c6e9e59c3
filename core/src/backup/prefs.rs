//! Android `shared_prefs` XML files (`<map><string name="k">value</string>…</map>`), the shape
//! in which FreeOTP, FreeOTP+, Authy, Battle.net and TOTP Authenticator keep their accounts.
//! Parsed with `roxmltree` (no DTD entity expansion beyond its own limits), inside a fence.

use super::{damaged, BackupError};
use zeroize::Zeroizing;

/// One preference: its name and its value as text (`<string>` content or a `value` attribute).
pub(crate) struct Pref {
    pub name: String,
    pub value: Zeroizing<String>,
}

/// The preferences of a `shared_prefs` file, in file order.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Pref>, BackupError> {
    let text = std::str::from_utf8(bytes).map_err(|_| damaged("it is not UTF-8 text"))?;
    let text = text.trim_start_matches('\u{feff}');
    crate::fence::fenced(|| parse_text(text))
        .unwrap_or_else(|| Err(damaged("the XML could not be read")))
}

fn parse_text(text: &str) -> Result<Vec<Pref>, BackupError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1 << 20,
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| damaged(format!("it is not valid XML ({e})")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "map" {
        return Err(BackupError::NotRecognized);
    }
    let mut out = Vec::new();
    for node in root.children().filter(|n| n.is_element()) {
        let Some(name) = node.attribute("name") else {
            continue;
        };
        let value = match node.tag_name().name() {
            "string" => node.text().unwrap_or_default().to_string(),
            _ => node.attribute("value").unwrap_or_default().to_string(),
        };
        out.push(Pref {
            name: name.to_string(),
            value: Zeroizing::new(value),
        });
    }
    Ok(out)
}

/// Whether the text looks like a `shared_prefs` file holding a preference named `name`.
pub(crate) fn looks_like(text: Option<&str>, name: &str) -> bool {
    text.is_some_and(|t| {
        (t.starts_with("<?xml") || t.starts_with("<map"))
            && t.contains("<map")
            && t.contains(&format!("name=\"{name}\""))
    })
}
