//! Every reader of the import registry on hostile bytes (issue 15's new parsers among them):
//! the first byte picks a format from `Format::all()`, the rest is the file, read with the
//! password "fuzz" and without one; then the same bytes through auto-detection.
#![no_main]
use kunci::{Format, ImportOptions, import_with};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let formats = Format::all();
    let format = formats[usize::from(pick) % formats.len()];
    let _ = import_with(file, Some(format), &ImportOptions::with_password(Some("fuzz")));
    let _ = import_with(file, Some(format), &ImportOptions::default());
    let _ = import_with(file, None, &ImportOptions::with_password(Some("fuzz")));
});
