//! Links the `kunci` executable's unwinder statically on GNU/Linux instead of loading libgcc_s.
//!
//! `kunci code URI` is called in loops by scripts, and its whole-process time is mostly the
//! loader's work (docs/benchmarks.md, "Start-up"). Rust's standard library asks for `-lgcc_s`,
//! the shared unwinder, on GNU/Linux: one more library for ld.so to find, map and relocate, whose
//! constructor also probes the CPU (each CPUID leaves the virtual machine). The same unwinder
//! ships as the static archive `libgcc_eh.a` beside gcc's `libgcc.a`, which is what `gcc
//! -static-libgcc` links. A linker script named `libgcc_s.so`, found first on the search path,
//! sends `-lgcc_s` there. Panics still unwind (the QR decoders are fenced by `catch_unwind`);
//! `cli/tests` exercise it.
//!
//! Only the executable and the CLI's own test programs are linked this way: the library the
//! phones load (`libkunci.so`) is not this package's.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let features = env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    // A static (crt-static) build already links gcc_eh; other systems have their own unwinders.
    if os != "linux" || target_env != "gnu" || features.split(',').any(|f| f == "crt-static") {
        return;
    }
    let dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("unwind");
    fs::create_dir_all(&dir).expect("OUT_DIR is writable");
    fs::write(dir.join("libgcc_s.so"), "INPUT ( -lgcc_eh )\n").expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search=native={}", dir.display());
}
