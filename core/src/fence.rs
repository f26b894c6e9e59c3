//! Fences around third-party code that may panic on hostile input (QR decoders on odd photos).
//!
//! `fenced` turns a panic into `None`. The process-wide panic hook would still print the panic to
//! stderr, which users and QA read as a crash; `install_quiet_panic_hook` (called once by the CLI
//! and by the FFI constructors) wraps the existing hook so panics inside a fence stay silent while
//! every other panic is reported as before.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static FENCE_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f`; a panic inside it is caught and becomes `None`.
pub(crate) fn fenced<T>(f: impl FnOnce() -> T) -> Option<T> {
    FENCE_DEPTH.with(|d| d.set(d.get().saturating_add(1)));
    let result = catch_unwind(AssertUnwindSafe(f)).ok();
    FENCE_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    result
}

/// Keeps panics caught by [`fenced`] off stderr; idempotent.
pub fn install_quiet_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if FENCE_DEPTH.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_none_and_the_fence_unwinds() {
        install_quiet_panic_hook();
        assert_eq!(fenced(|| 7), Some(7));
        let none: Option<u8> = fenced(|| panic!("decoder bug"));
        assert_eq!(none, None);
        assert_eq!(FENCE_DEPTH.with(Cell::get), 0);
    }
}
