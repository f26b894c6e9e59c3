//! Text for people, JSON (one document per line) for scripts.

use serde::Serialize;

pub struct Output {
    pub json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Output { json }
    }

    /// Prints `value` as one JSON line in --json mode, else the text `human` builds.
    pub fn emit<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            match serde_json::to_string(value) {
                Ok(line) => println!("{line}"),
                Err(e) => eprintln!("error: cannot write JSON: {e}"),
            }
        } else {
            let text = printable(&human());
            if !text.is_empty() {
                println!("{text}");
            }
        }
    }

    /// A state a script needs (a server's address, a step done): one JSON line on stdout in
    /// --json mode, else a note for people on stderr, so the text output keeps its streams.
    pub fn status<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            self.emit(value, String::new);
        } else {
            self.note(human());
        }
    }

    /// Progress and notes for people; silent in --json mode so stdout stays parseable.
    pub fn note(&self, text: impl AsRef<str>) {
        if !self.json {
            eprintln!("{}", printable(text.as_ref()));
        }
    }
}

/// Text safe for a terminal: names and issuers come from QR codes and other apps' files, and an
/// ANSI escape or a right-to-left override in them could rewrite what the user sees (issue 17,
/// finding 6). Control characters other than line breaks and tabs, and bidirectional
/// embeddings, overrides and isolates, are shown as `\u{…}` escapes.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if (c.is_control() && c != '\n' && c != '\t') || bidi {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn escapes_ansi_and_direction_overrides_but_keeps_lines() {
        assert_eq!(
            printable("Bank\u{1b}[2J\u{202E}moc\nnext\tcol"),
            "Bank\\u{1b}[2J\\u{202e}moc\nnext\tcol"
        );
        assert_eq!(printable("Ëxample (ali@x)"), "Ëxample (ali@x)");
    }
}
