//! `cargo xtask codegen [--check] [--allow-destructive]`: writes the standard set's
//! generated files, or with `--check` fails naming each stale one and the fixing command.
//!
//! Migration files are append-only: a model change adds `NNNN_<slug>.sql` per dialect and
//! updates the lock file; an existing migration is never rewritten.

use std::fs;
use std::path::{Path, PathBuf};
use twenty_codegen::emit::{graphql, openapi, sdk_rust, sdk_ts, sql::Dialect, zapier};
use twenty_codegen::migrate::{self, Lock};
use twenty_codegen::model::Schema;

/// The command that regenerates everything (named in every staleness message).
const FIX: &str = "cargo xtask codegen";
/// Where the lock file lives, relative to the repository root.
pub const LOCK_PATH: &str = "migrations/schema.lock.json";

/// Command-line options of `codegen`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Options {
    pub check: bool,
    pub allow_destructive: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        for arg in args {
            match arg.as_str() {
                "--check" => options.check = true,
                "--allow-destructive" => options.allow_destructive = true,
                other => {
                    return Err(format!(
                        "unknown argument `{other}` to codegen (expected --check or --allow-destructive)"
                    ));
                }
            }
        }
        Ok(options)
    }
}

/// One generated file: where it goes and what it must contain.
struct Output {
    path: PathBuf,
    contents: String,
    note: Option<String>,
}

/// The model, or the message `cargo xtask codegen` stops with (exit status 1, no panic):
/// every problem of the declarations, and where to fix them.
fn validated(
    schema: Result<twenty_codegen::model::Schema, twenty_codegen::model::ValidationErrors>,
) -> Result<twenty_codegen::model::Schema, String> {
    schema.map_err(|errors| {
        format!(
            "the standard objects (standard-objects/src/objects/, registered in standard-objects/src/lib.rs) are invalid: {errors}"
        )
    })
}

/// Generates (or checks) every output of the standard set under `root`.
pub fn run(root: &Path, options: Options) -> Result<(), String> {
    let schema = validated(twenty_standard_objects::try_schema())?;
    println!(
        "standard objects: {} objects, {} fields",
        schema.objects.len(),
        schema.field_count()
    );
    let mut outputs = migration_outputs(root, &schema, options)?;
    let sdl = graphql::sdl(&schema).map_err(|e| format!("GraphQL SDL: {e}"))?;
    let mut documents = vec![
        ("openapi/core.json".into(), openapi::to_json(&schema)),
        ("graphql/core.graphql".into(), sdl),
    ];
    for (path, contents) in sdk_rust::files(&schema) {
        documents.push((Path::new(sdk_rust::CRATE_DIR).join(path), contents));
    }
    for (path, contents) in sdk_ts::files(&schema) {
        documents.push((Path::new(sdk_ts::PACKAGE_DIR).join(path), contents));
    }
    for (path, contents) in zapier::files() {
        documents.push((Path::new(zapier::PACKAGE_DIR).join(path), contents));
    }
    for (path, contents) in documents {
        let contents = with_header(&path, contents)?;
        outputs.push(Output {
            path,
            contents,
            note: None,
        });
    }

    let mut stale = Vec::new();
    for output in &outputs {
        let full = root.join(&output.path);
        let current = fs::read_to_string(&full).ok();
        let fresh = current.as_deref() == Some(output.contents.as_str());
        let status = match (fresh, options.check) {
            (true, _) => "unchanged",
            (false, true) => {
                stale.push(output);
                if current.is_some() {
                    "STALE"
                } else {
                    "MISSING"
                }
            }
            (false, false) => {
                write(&full, &output.contents)?;
                "written"
            }
        };
        let note = output
            .note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        println!("  {:<48} {status}{note}", output.path.display());
    }
    if stale.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = stale
        .iter()
        .map(|o| format!("  {}", o.path.display()))
        .collect();
    Err(format!(
        "{} generated file(s) are out of date with the model:\n{}\nrun `{FIX}` and commit the result",
        stale.len(),
        names.join("\n")
    ))
}

/// The command that writes the generated files, named in their headers.
pub const GENERATED_BY: &str = "cargo xtask codegen";

/// `contents` as the file at `path` is checked in: with the header saying it is generated
/// and by which command (a comment line; in JSON, an `x-generated-by` key last). Emitters
/// write none: the documents the server builds for a workspace are not generated files.
fn with_header(path: &Path, contents: String) -> Result<String, String> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    Ok(match extension {
        "json" => {
            let body = contents
                .strip_suffix("\n}\n")
                .ok_or_else(|| format!("{}: not a JSON object ending in `}}`", path.display()))?;
            format!("{body},\n  \"x-generated-by\": \"{GENERATED_BY}\"\n}}\n")
        }
        "graphql" => format!(
            "# Generated by `{GENERATED_BY}` from the metadata model. Do not edit by hand.\n\n{contents}"
        ),
        "rs" | "ts" => format!(
            "// Generated by `{GENERATED_BY}` from the metadata model. Do not edit: change the model and rerun.\n\n{contents}"
        ),
        other => {
            return Err(format!(
                "{}: no header for `.{other}` files",
                path.display()
            ));
        }
    })
}

/// The lock file and, when the model changed since it was written, a new migration per
/// dialect. Migration files already on disk are never part of the outputs.
fn migration_outputs(
    root: &Path,
    schema: &Schema,
    options: Options,
) -> Result<Vec<Output>, String> {
    let lock_path = root.join(LOCK_PATH);
    let locked = match fs::read_to_string(&lock_path) {
        Ok(text) => Lock::from_json(&text).map_err(|e| format!("{LOCK_PATH}: {e}"))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Schema::new(Vec::new()).map_err(|e| e.to_string())?
        }
        Err(e) => return Err(format!("cannot read {LOCK_PATH}: {e}")),
    };
    let existing = existing_migrations(root)?;
    let mut outputs = Vec::new();
    let plan = migrate::diff(&locked, schema);
    if !plan.is_empty() {
        plan.check(options.allow_destructive)
            .map_err(|e| format!("the new migration was not written: {e}"))?;
        let number = existing.last().map_or(1, |(n, _)| n + 1);
        let name = format!("{number:04}_{}.sql", plan.slug());
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let mut contents = format!(
                "-- Generated by `{FIX}` from the standard objects: migration {number:04} ({dialect}).\n\
                 -- Append-only: never edit or regenerate this file; change the model and run `{FIX}`.\n"
            );
            if dialect == Dialect::Sqlite && plan.sqlite_needs_foreign_keys_off() {
                contents.push_str("-- Rebuilds tables: apply with PRAGMA foreign_keys = OFF.\n");
            }
            contents.push('\n');
            contents.push_str(&plan.render(dialect));
            outputs.push(Output {
                path: Path::new("migrations").join(dir(dialect)).join(&name),
                contents,
                note: Some(format!("new migration, {} steps", plan.steps.len())),
            });
        }
        // A short summary: the first steps, then a count (the file holds them all).
        const SHOWN: usize = 12;
        let summary = plan.summary();
        println!("new migration {name}: {} steps", summary.len());
        for line in summary.iter().take(SHOWN) {
            println!("  - {line}");
        }
        if summary.len() > SHOWN {
            println!("  … and {} more", summary.len() - SHOWN);
        }
    }
    outputs.push(Output {
        path: LOCK_PATH.into(),
        contents: Lock::to_json(schema),
        note: None,
    });
    Ok(outputs)
}

fn dir(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "postgres",
        Dialect::Sqlite => "sqlite",
    }
}

/// The numbered migrations on disk, checked to be the same list for both dialects.
pub fn existing_migrations(root: &Path) -> Result<Vec<(u32, String)>, String> {
    let list = |dialect: Dialect| -> Result<Vec<(u32, String)>, String> {
        let path = root.join("migrations").join(dir(dialect));
        let entries = match fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(format!("cannot list {}: {e}", path.display())),
        };
        let mut found = Vec::new();
        for entry in entries {
            let name = entry
                .map_err(|e| format!("cannot list {}: {e}", path.display()))?
                .file_name()
                .to_string_lossy()
                .into_owned();
            let number = name
                .split_once('_')
                .and_then(|(n, _)| n.parse::<u32>().ok())
                .filter(|_| name.ends_with(".sql"))
                .ok_or_else(|| {
                    format!(
                        "{}: `{name}` is not a migration file (expected NNNN_<slug>.sql)",
                        path.display()
                    )
                })?;
            found.push((number, name));
        }
        found.sort();
        Ok(found)
    };
    let postgres = list(Dialect::Postgres)?;
    let sqlite = list(Dialect::Sqlite)?;
    if postgres != sqlite {
        return Err(format!(
            "migrations/postgres and migrations/sqlite hold different migrations ({:?} vs {:?})",
            postgres.iter().map(|m| &m.1).collect::<Vec<_>>(),
            sqlite.iter().map(|m| &m.1).collect::<Vec<_>>()
        ));
    }
    Ok(postgres)
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use twenty_codegen::model::Schema;

    #[test]
    fn cross_object_mistakes_stop_codegen_with_a_message_not_a_panic() {
        let objects = twenty_standard_objects::objects;
        // A relation to an object that is not registered.
        let unregistered = objects()
            .into_iter()
            .filter(|o| o.name_singular != "company")
            .collect();
        let message = validated(Schema::new(unregistered)).unwrap_err();
        assert!(message.contains("standard-objects/src/lib.rs"), "{message}");
        assert!(
            message.contains("`company`") || message.contains("company"),
            "{message}"
        );
        // An id used twice.
        let mut reused = objects();
        reused[1].id = reused[0].id;
        let message = validated(Schema::new(reused)).unwrap_err();
        assert!(message.contains(&objects()[0].id.to_string()), "{message}");
        // An inverse that names no field of the target.
        let mut wrong = objects();
        let relation = wrong
            .iter_mut()
            .flat_map(|o| o.fields.iter_mut())
            .find_map(|f| f.relation.as_mut())
            .expect("a relation");
        relation.inverse = "noSuchField".into();
        let message = validated(Schema::new(wrong)).unwrap_err();
        assert!(message.contains("noSuchField"), "{message}");
        assert!(validated(Schema::new(objects())).is_ok());
    }

    #[test]
    fn headers_name_the_command_in_each_format() {
        let json = with_header(Path::new("a/b.json"), "{\n  \"a\": 1\n}\n".into()).unwrap();
        assert_eq!(
            json,
            "{\n  \"a\": 1,\n  \"x-generated-by\": \"cargo xtask codegen\"\n}\n"
        );
        let sdl = with_header(Path::new("core.graphql"), "type A {\n}\n".into()).unwrap();
        assert!(sdl.starts_with("# Generated by `cargo xtask codegen`"));
        assert!(sdl.ends_with("\n\ntype A {\n}\n"));
        let ts = with_header(Path::new("x.ts"), "export {};\n".into()).unwrap();
        assert!(ts.starts_with("// Generated by `cargo xtask codegen`"));
        assert!(with_header(Path::new("x.txt"), String::new()).is_err());
        assert!(with_header(Path::new("x.json"), "[]\n".into()).is_err());
    }

    /// Plain `cargo test` catches drift too (rust-analyzer's pattern).
    #[test]
    fn generated_files_are_fresh() {
        let root = crate::workspace_root();
        let options = Options {
            check: true,
            allow_destructive: false,
        };
        if let Err(message) = run(&root, options) {
            panic!("{message}");
        }
    }

    #[test]
    fn a_model_change_adds_a_migration_and_check_reports_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let write_mode = Options::default();
        run(root, write_mode).expect("first generation");
        let first = existing_migrations(root).expect("list");
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].1, "0001_initial.sql");
        // A second run changes nothing and adds no migration.
        run(
            root,
            Options {
                check: true,
                ..write_mode
            },
        )
        .expect("fresh after generating");
        run(root, write_mode).expect("second generation");
        assert_eq!(existing_migrations(root).expect("list").len(), 1);

        // An older lock (one object fewer) makes the next run add a migration.
        let mut objects = twenty_standard_objects::schema().objects;
        objects.retain(|o| o.name_singular != "workflow");
        for o in &mut objects {
            o.fields
                .retain(|f| f.relation.as_ref().is_none_or(|r| r.target != "workflow"));
        }
        let older = Schema::new(objects).expect("valid older model");
        fs::write(root.join(LOCK_PATH), Lock::to_json(&older)).expect("write lock");
        let error = run(
            root,
            Options {
                check: true,
                ..write_mode
            },
        )
        .expect_err("stale");
        assert!(error.contains(LOCK_PATH), "{error}");
        assert!(error.contains(FIX), "{error}");
        let initial = fs::read_to_string(root.join("migrations/postgres/0001_initial.sql"))
            .expect("initial migration");
        run(root, write_mode).expect("third generation");
        let after = existing_migrations(root).expect("list");
        assert_eq!(after.len(), 2, "{after:?}");
        assert!(after[1].1.starts_with("0002_"), "{after:?}");
        assert_eq!(
            fs::read_to_string(root.join("migrations/postgres/0001_initial.sql")).expect("read"),
            initial,
            "an existing migration is never rewritten"
        );
    }

    /// The checked-in documents of the standard set pass the standard validators
    /// (graphql-js; the OpenAPI 3.1 JSON Schema and Redocly), run by the real `node`.
    #[test]
    fn the_standard_documents_pass_the_standard_validators() {
        let root = crate::workspace_root();
        let tools = root.join("tools/spec-check");
        if !tools.join("node_modules").exists() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "tools/spec-check/node_modules is missing: run `cargo xtask test`"
            );
            eprintln!("skipped: tools/spec-check/node_modules is missing (run `cargo xtask test`)");
            return;
        }
        for (script, file) in [
            ("check-openapi.mjs", "openapi/core.json"),
            ("check-graphql.mjs", "graphql/core.graphql"),
        ] {
            let output = std::process::Command::new("node")
                .arg(tools.join(script))
                .arg(root.join(file))
                .output()
                .expect("run node");
            assert!(
                output.status.success(),
                "{file} fails {script}:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }

    /// openapi-generator (typescript-fetch, the client generator most users reach for)
    /// validates `openapi/core.json` and writes one API file per object holding that
    /// object's routes: when webhooks shared the object's tag, their file overwrote the
    /// object's. The output compiles with the project's `tsc`.
    #[test]
    fn openapi_generator_writes_each_objects_routes_into_its_api_file() {
        let root = crate::workspace_root();
        let generator = root.join(crate::test::OPENAPI_GENERATOR);
        let tsc = root.join("sdk-ts/node_modules/.bin/tsc");
        for (tool, path) in [("openapi-generator", &generator), ("tsc", &tsc)] {
            if !path.exists() {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "{tool} is missing ({}): run `cargo xtask test`",
                    path.display()
                );
                eprintln!("skipped: {tool} is missing (run `cargo xtask test`)");
                return;
            }
        }
        let document = root.join("openapi/core.json");
        let out = tempfile::tempdir().expect("temp dir");
        let run = |command: &mut std::process::Command, what: &str| {
            let output = command
                .output()
                .unwrap_or_else(|e| panic!("run {what}: {e}"));
            assert!(
                output.status.success(),
                "{what} failed:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        };
        run(
            std::process::Command::new(&generator)
                .arg("validate")
                .arg("-i")
                .arg(&document),
            "openapi-generator validate",
        );
        run(
            std::process::Command::new(&generator)
                .args(["generate", "-g", "typescript-fetch", "-i"])
                .arg(&document)
                .arg("-o")
                .arg(out.path()),
            "openapi-generator generate",
        );
        let read = |file: String| {
            fs::read_to_string(out.path().join("apis").join(&file))
                .unwrap_or_else(|e| panic!("no apis/{file}: {e}"))
        };
        for object in twenty_standard_objects::schema().objects {
            let (name, plural) = (object.type_name(), object.plural_type_name());
            let api = read(format!("{plural}Api.ts"));
            for operation in [
                format!("findMany{plural}"),
                format!("findOne{name}"),
                format!("createOne{name}"),
                format!("createMany{plural}"),
                format!("updateOne{name}"),
                format!("putOne{name}"),
                format!("updateMany{plural}"),
                format!("deleteOne{name}"),
                format!("deleteMany{plural}"),
                format!("restoreOne{name}"),
                format!("restoreMany{plural}"),
            ] {
                assert!(
                    api.contains(&format!("async {operation}Raw(")),
                    "{plural}Api.ts lacks {operation}"
                );
            }
            assert!(!api.contains(&format!("on{name}Created")), "{plural}Api.ts");
            let webhooks = read(format!("{name}WebhooksApi.ts"));
            assert!(webhooks.contains(&format!("async on{name}CreatedRaw(")));
        }
        run(
            std::process::Command::new(&tsc)
                .args([
                    "--noEmit",
                    "--strict",
                    "--skipLibCheck",
                    "--target",
                    "es2020",
                    "--module",
                    "es2020",
                    "--moduleResolution",
                    "node",
                    "--lib",
                    "es2020,dom",
                ])
                .arg(out.path().join("index.ts")),
            "tsc on the generated client",
        );
    }
}
