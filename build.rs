//! Embeds the web pages' map script, which `make web` bundles from npm's OpenLayers into
//! `target/web`, in the binary. A build without it (a plain `cargo build` on a fresh clone)
//! embeds a stand-in that says on each map how to get the maps, and the server says so at start.

use std::path::PathBuf;

/// What the pages run when the bundle was not built.
const STAND_IN: &str = "document.querySelectorAll('#map-status').forEach(function (e) { \
    e.textContent = 'Carte indisponible : ce serveur a été construit sans son script de carte (make web).'; }); \
    document.body.dataset.mapReady = 'missing';";

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    let bundled = manifest.join("target").join("web");
    let mut complete = true;
    for (name, stand_in) in [("map.js", STAND_IN), ("map.css", "")] {
        let file = bundled.join(name);
        println!("cargo:rerun-if-changed={}", file.display());
        let body = std::fs::read(&file).unwrap_or_else(|_| {
            complete = false;
            stand_in.as_bytes().to_vec()
        });
        std::fs::write(out.join(name), body).expect("OUT_DIR is writable");
    }
    println!("cargo:rerun-if-changed=build.rs");
    // sqlx's `migrate!` reads these folders at compile time but cannot ask cargo to watch them:
    // a new migration must rebuild the crate.
    for dialect in ["sqlite", "postgres"] {
        println!("cargo:rerun-if-changed=migrations/{dialect}");
    }
    println!(
        "cargo:rustc-env=DALLAGE_MAP_BUNDLED={}",
        if complete { "yes" } else { "no" }
    );
}
