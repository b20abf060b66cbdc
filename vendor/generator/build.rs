use std::env;

#[rustversion::nightly]
const NIGHTLY: bool = true;

#[rustversion::not(nightly)]
const NIGHTLY: bool = false;

fn main() {
    // racelab: run again only when this script changes. Without it cargo watches every file
    // of the package, listed through git: a course copy that links this folder from a
    // git-ignored place (tests/source_answers.rs) lists none, and rebuilt generator, loom and
    // racelab in the shared target folder, twice (see PATCH.md).
    println!("cargo:rerun-if-changed=build.rs");
    let target_arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap();
    let external_assembly_required = target_arch == "powerpc64";
    println!("target: {target_arch}, ext: {external_assembly_required}");

    println!("cargo:rustc-check-cfg=cfg(nightly)");
    if NIGHTLY {
        println!("cargo:rustc-cfg=nightly");
    }

    if external_assembly_required {
        cc::Build::new()
            .file("src/detail/asm/asm_ppc64le_elf.S")
            .compile("ppc64le-asm-lib");
    }
}
