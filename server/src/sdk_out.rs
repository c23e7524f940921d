//! `twenty-server sdk`: a client SDK for one workspace's model, custom objects included —
//! the same shape as the checked-in `sdk-ts` and `sdk-rust` packages: their hand-written
//! files (embedded in the binary) and the files their emitters write from the model.
use std::path::Path;
use twenty_codegen::emit::{sdk_rust, sdk_ts};
use twenty_codegen::model::Schema;

/// The language of an SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// The TypeScript package (`twenty-rs-sdk`, ESM and CommonJS, no dependencies).
    Ts,
    /// The Rust crate (`twenty-sdk`).
    Rust,
}

/// The hand-written files of the TypeScript package.
const TS_FILES: [(&str, &str); 10] = [
    ("README.md", include_str!("../../sdk-ts/README.md")),
    ("tsconfig.json", include_str!("../../sdk-ts/tsconfig.json")),
    (
        "tsconfig.cjs.json",
        include_str!("../../sdk-ts/tsconfig.cjs.json"),
    ),
    (
        "scripts/cjs-package.mjs",
        include_str!("../../sdk-ts/scripts/cjs-package.mjs"),
    ),
    ("src/client.ts", include_str!("../../sdk-ts/src/client.ts")),
    ("src/errors.ts", include_str!("../../sdk-ts/src/errors.ts")),
    ("src/index.ts", include_str!("../../sdk-ts/src/index.ts")),
    (
        "src/object-client.ts",
        include_str!("../../sdk-ts/src/object-client.ts"),
    ),
    (
        "src/serialize.ts",
        include_str!("../../sdk-ts/src/serialize.ts"),
    ),
    (
        "src/transport.ts",
        include_str!("../../sdk-ts/src/transport.ts"),
    ),
];

/// The hand-written files of the Rust crate.
const RUST_FILES: [(&str, &str); 8] = [
    ("README.md", include_str!("../../sdk-rust/README.md")),
    ("src/lib.rs", include_str!("../../sdk-rust/src/lib.rs")),
    (
        "src/client.rs",
        include_str!("../../sdk-rust/src/client.rs"),
    ),
    ("src/error.rs", include_str!("../../sdk-rust/src/error.rs")),
    (
        "src/filter.rs",
        include_str!("../../sdk-rust/src/filter.rs"),
    ),
    (
        "src/object.rs",
        include_str!("../../sdk-rust/src/object.rs"),
    ),
    ("src/patch.rs", include_str!("../../sdk-rust/src/patch.rs")),
    ("src/types.rs", include_str!("../../sdk-rust/src/types.rs")),
];

/// The TypeScript package's manifest (the checked-in one's build settings; its dev tools
/// are only `typescript`).
const TS_PACKAGE: &str = r#"{
  "name": "twenty-rs-sdk",
  "version": "0.1.0",
  "description": "Typed client of a twenty-rs (Twenty CRM) workspace's REST and GraphQL APIs, written by `twenty-server sdk` for that workspace's model.",
  "type": "module",
  "engines": {
    "node": ">=18"
  },
  "sideEffects": false,
  "main": "./dist/cjs/index.js",
  "module": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": {
      "import": {
        "types": "./dist/index.d.ts",
        "default": "./dist/index.js"
      },
      "require": {
        "types": "./dist/cjs/index.d.ts",
        "default": "./dist/cjs/index.js"
      }
    },
    "./package.json": "./package.json"
  },
  "files": [
    "dist",
    "README.md"
  ],
  "scripts": {
    "build": "tsc -p tsconfig.json && tsc -p tsconfig.cjs.json && node scripts/cjs-package.mjs"
  },
  "devDependencies": {
    "typescript": "5.9.3"
  }
}
"#;

/// The Rust crate's manifest: the checked-in one's dependencies, spelled out (it is a
/// package of its own, outside this workspace).
const RUST_MANIFEST: &str = r#"[package]
name = "twenty-sdk"
version = "0.1.0"
description = "A typed async client of a Twenty workspace's REST API, written by `twenty-server sdk` for that workspace's model"
edition = "2024"
publish = false

[features]
default = ["rustls"]
# HTTPS with rustls (reqwest's own TLS: the aws-lc-rs provider, the system's roots).
# `default-features = false` leaves plain http only, for the leanest build.
rustls = ["reqwest/rustls"]

[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["json"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
thiserror = "2"
uuid = { version = "1", features = ["serde"] }
tokio = { version = "1", features = ["rt", "macros", "time"] }
futures-core = "0.3"
futures-util = { version = "0.3", default-features = false }
httpdate = "1"

# A package of its own, even when written inside another workspace.
[workspace]
"#;

/// Every file of the SDK of `schema` in `lang`, by path relative to the package.
pub fn files(schema: &Schema, lang: Lang) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = match lang {
        Lang::Ts => {
            let mut files = vec![("package.json".to_owned(), TS_PACKAGE.to_owned())];
            files.extend(
                TS_FILES
                    .iter()
                    .map(|(p, c)| ((*p).to_owned(), (*c).to_owned())),
            );
            // The emitter's test fixtures stay with the checked-in package.
            files.extend(
                sdk_ts::files(schema)
                    .into_iter()
                    .filter(|(path, _)| path.starts_with("src/")),
            );
            files
        }
        Lang::Rust => {
            let mut files = vec![("Cargo.toml".to_owned(), RUST_MANIFEST.to_owned())];
            files.extend(
                RUST_FILES
                    .iter()
                    .map(|(p, c)| ((*p).to_owned(), (*c).to_owned())),
            );
            files.extend(sdk_rust::files(schema));
            files
        }
    };
    files.sort();
    files
}

/// Writes the SDK of `schema` in `lang` under `out`; answers the paths written.
pub fn write(schema: &Schema, lang: Lang, out: &Path) -> std::io::Result<Vec<String>> {
    let mut written = Vec::new();
    for (path, contents) in files(schema, lang) {
        let full = out.join(&path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, contents)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in crate's dependencies are the written manifest's.
    #[test]
    fn the_rust_manifest_has_the_checked_in_crates_dependencies() {
        let checked_in = include_str!("../../sdk-rust/Cargo.toml");
        let section = |text: &str| -> Vec<String> {
            let start = text.find("[dependencies]").expect("dependencies");
            text[start + 15..]
                .lines()
                .take_while(|l| !l.starts_with('['))
                .filter_map(|l| l.split(['=', '.']).next())
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty() && !n.starts_with('#'))
                .collect()
        };
        assert_eq!(section(RUST_MANIFEST), section(checked_in));
    }

    /// The same files as the checked-in packages for the standard model.
    #[test]
    fn the_standard_sdks_are_the_checked_in_ones() {
        let schema = twenty_standard_objects::schema();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        for (lang, dir) in [(Lang::Ts, "sdk-ts"), (Lang::Rust, "sdk-rust")] {
            for (path, contents) in files(&schema, lang) {
                if path == "package.json" || path == "Cargo.toml" {
                    continue;
                }
                let checked_in = std::fs::read_to_string(format!("{root}/{dir}/{path}"))
                    .unwrap_or_else(|e| panic!("{dir}/{path}: {e}"));
                // Generated files carry the xtask's header line; the rest is the same.
                assert!(
                    checked_in.ends_with(&contents),
                    "{dir}/{path} differs from what `sdk` writes"
                );
            }
        }
    }
}
