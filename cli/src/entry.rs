//! Where a `kunci` process starts (both executables, through `entry_point!`).
//!
//! On GNU/Linux the executables have no Rust `main`: `#![no_main]` leaves the C entry point to
//! [`start`], and the standard runtime's set-up does not run. `kunci code URI` is called in loops
//! by scripts, and its whole time is start-up (issue 16: no slower than Debian's oathtool). Most
//! of that set-up serves the stack-overflow message: glibc finds the main thread's stack by
//! reading and parsing `/proc/self/maps`, then comes a signal stack and two handlers
//! (docs/benchmarks.md, "Start-up", measures it).
//!
//! What the runtime did that matters here is done below:
//! - a closed standard descriptor (0, 1 or 2) is taken by `/dev/null`, so that no file opened
//!   later gets its number and a code meant for standard output cannot be written into it;
//! - a panic that escapes is exit status 101, as under the runtime;
//! - standard output is flushed before the process ends.
//!
//! What changes: a stack overflow ends in a plain SIGSEGV without the runtime's message; a panic
//! message names the thread `<unnamed>` instead of `main` (the runtime named it); SIGPIPE
//! keeps the disposition the parent gave, so by default a reader that goes away (`kunci codes |
//! head -1`) ends `kunci` quietly, as it ends `cat` (the runtime ignored SIGPIPE, and the failed
//! write then panicked). Sockets are not concerned: the standard library sends with
//! `MSG_NOSIGNAL`. `std::env::args` still works: glibc hands argv to the standard library's own
//! ELF initializer.

use std::ffi::c_int;
use std::io::Write;

/// What the C `main` of `entry_point!` does: `run`, and the exit status for glibc's start code.
pub fn start(run: fn() -> u8) -> c_int {
    take_closed_standard_descriptors();
    let status = std::panic::catch_unwind(run).unwrap_or(101);
    let _ = std::io::stdout().flush();
    c_int::from(status)
}

/// Opens `/dev/null` until the descriptor it gets is above 2: each one at or below 2 was closed,
/// and stays open as that standard stream. If `/dev/null` cannot be opened while a standard
/// descriptor is closed, the process stops there, as the runtime would.
fn take_closed_standard_descriptors() {
    use std::os::fd::{AsFd, AsRawFd, IntoRawFd};
    loop {
        match std::fs::File::options()
            .read(true)
            .write(true)
            .open("/dev/null")
        {
            Ok(null) if null.as_raw_fd() <= 2 => {
                // Kept open for the rest of the process: it is now stdin, stdout or stderr.
                let _ = null.into_raw_fd();
            }
            Ok(_) => return,
            Err(_) => {
                let closed = [
                    std::io::stdin().as_fd().try_clone_to_owned().is_err(),
                    std::io::stdout().as_fd().try_clone_to_owned().is_err(),
                    std::io::stderr().as_fd().try_clone_to_owned().is_err(),
                ];
                if closed.contains(&true) {
                    std::process::abort();
                }
                return;
            }
        }
    }
}
