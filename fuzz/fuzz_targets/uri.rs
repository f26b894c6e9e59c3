//! otpauth:// and otpauth-migration:// text as a QR code or a paste gives it to us.
//! Oracle besides "no panic": an accepted URI formats back to a URI that parses to the same
//! account (parse ∘ format = id on whatever the parser accepted).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = kunci::parse_payload(text);
    if let Ok(e) = kunci::parse_uri(text) {
        let again = kunci::format_uri(&e.issuer, &e.name, &e.params);
        let back = kunci::parse_uri(&again).expect("a formatted URI parses");
        assert_eq!(back.params, e.params, "params survive format/parse");
        assert_eq!(back.name, e.name, "name survives format/parse");
        assert_eq!(back.issuer, e.issuer, "issuer survives format/parse");
    }
});
