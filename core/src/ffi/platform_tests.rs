//! Tests of the foreign-trait adapters: a throwing or lying platform never panics the core.

use super::*;
use crate::time::BootClock as _;

struct Throwing;

impl BootClock for Throwing {
    fn boot_id(&self) -> Result<String, PlatformError> {
        Ok("boot-1".into())
    }
    fn elapsed_ms(&self) -> Result<i64, PlatformError> {
        Err(PlatformError::Failed {
            reason: "no clock".into(),
        })
    }
}

#[test]
fn a_failing_boot_clock_never_matches_an_anchor() {
    let clock = ForeignBootClock::new(Arc::new(Throwing));
    assert_eq!(clock.boot_id(), "boot-1");
    assert_eq!(clock.elapsed_ms(), 0);
    // From now on every reading is a boot of its own: no anchor can carry time on it.
    let (a, b) = (clock.boot_id(), clock.boot_id());
    assert_ne!(a, b);
    assert_ne!(a, "boot-1");
}

struct Negative;

impl BootClock for Negative {
    fn boot_id(&self) -> Result<String, PlatformError> {
        Ok("boot-1".into())
    }
    fn elapsed_ms(&self) -> Result<i64, PlatformError> {
        Ok(-5)
    }
}

#[test]
fn a_negative_boot_clock_reading_is_treated_as_a_failure() {
    let clock = ForeignBootClock::new(Arc::new(Negative));
    assert_eq!(clock.elapsed_ms(), 0);
    assert_ne!(clock.boot_id(), "boot-1");
}

#[test]
fn platform_errors_keep_the_platform_sentence() {
    let e = key_wrapper_error(PlatformError::KeyUnavailable {
        reason: "The key was invalidated.".into(),
    });
    assert!(
        matches!(e, KeyWrapperError::Unavailable { ref reason } if reason == "The key was invalidated.")
    );
    let e = key_wrapper_error(PlatformError::Failed {
        reason: "keystore crashed".into(),
    });
    assert!(matches!(e, KeyWrapperError::Failed { ref reason } if reason == "keystore crashed"));
}
