//! `cargo xtask new-object <name> [--plural <plural>]`: scaffolds a standard object — a
//! declaration with fresh stable ids in `standard-objects/src/objects/<name>.rs`, and its
//! registration in `objects/mod.rs` and in `lib.rs`'s list — so that the next
//! `cargo xtask codegen` compiles it into a migration and every document.

use std::path::Path;

const OBJECTS_DIR: &str = "standard-objects/src/objects";
const LIB: &str = "standard-objects/src/lib.rs";

/// What the command was asked for.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    /// `nameSingular`, camelCase.
    pub name: String,
    /// `namePlural` (default: the English plural of `name`).
    pub plural: String,
}

impl Options {
    /// Parses `<name> [--plural <plural>]`.
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let usage = "usage: cargo xtask new-object <nameSingular> [--plural <namePlural>]";
        let mut name = None;
        let mut plural = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--plural" => {
                    plural = Some(
                        args.next()
                            .ok_or(format!("--plural needs a value\n{usage}"))?,
                    )
                }
                other if other.starts_with('-') => {
                    return Err(format!("unknown flag `{other}`\n{usage}"));
                }
                other if name.is_none() => name = Some(other.to_owned()),
                other => return Err(format!("unexpected argument `{other}`\n{usage}")),
            }
        }
        let name = name.ok_or(usage)?;
        let plural = plural.cloned().unwrap_or_else(|| english_plural(&name));
        for (what, value) in [("name", &name), ("plural", &plural)] {
            if !twenty_codegen::model::is_valid_name(value) {
                return Err(format!(
                    "invalid {what} {value:?}: a camelCase name (a lower-case letter, then letters and digits)"
                ));
            }
        }
        if name == plural {
            return Err(format!(
                "the plural of {name:?} must differ from it: give one with --plural"
            ));
        }
        Ok(Options { name, plural })
    }
}

fn english_plural(name: &str) -> String {
    if let Some(stem) = name.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if name.ends_with(['s', 'x', 'z']) || name.ends_with("ch") || name.ends_with("sh") {
        return format!("{name}es");
    }
    format!("{name}s")
}

fn pascal(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// "purchaseOrder" → "Purchase order".
fn label(name: &str) -> String {
    let words = snake(name).replace('_', " ");
    let mut chars = words.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

fn declaration(options: &Options) -> String {
    let id = || uuid::Uuid::new_v4().to_string();
    let (name, plural) = (&options.name, &options.plural);
    let singular_label = label(name);
    let plural_label = label(plural);
    let pascal = pascal(name);
    format!(
        r#"//! The `{name}` object. Scaffolded by `cargo xtask new-object`: describe it, add its
//! fields (each with an `id` of its own: `uuidgen` or any UUID v4), then run
//! `cargo xtask codegen`. Types beyond `String` (`Select`, `Currency`, `ManyToOne<…>`, …)
//! come from `use twenty_codegen::entity::types::*;`.

use twenty_macros::workspace_entity;

/// {singular_label}.
#[workspace_entity(
    id = "{object_id}",
    name_singular = "{name}",
    name_plural = "{plural}",
    label_singular = "{singular_label}",
    label_plural = "{plural_label}",
    description = "{singular_label}",
    icon = "IconBox",
    label_identifier = "name",
    search = ["name"],
)]
pub struct {pascal} {{
    #[field(
        id = "{field_id}",
        label = "Name",
        icon = "IconAbc",
        description = "The {singular_label_lower}'s name"
    )]
    pub name: Option<String>,
}}
"#,
        object_id = id(),
        field_id = id(),
        singular_label_lower = singular_label.to_lowercase(),
    )
}

/// Writes the declaration and registers it under `root`; refuses a name already declared.
pub fn run(root: &Path, options: &Options) -> Result<(), String> {
    let existing = twenty_standard_objects::objects();
    if let Some(o) = existing.iter().find(|o| {
        [&o.name_singular, &o.name_plural]
            .iter()
            .any(|n| **n == options.name || **n == options.plural)
    }) {
        return Err(format!(
            "an object named {:?} / {:?} exists already",
            o.name_singular, o.name_plural
        ));
    }
    scaffold(root, options)?;
    println!(
        "wrote {OBJECTS_DIR}/{}.rs and registered {} in {OBJECTS_DIR}/mod.rs and {LIB}",
        snake(&options.name),
        pascal(&options.name)
    );
    println!(
        "next: add its fields and relations (README, \"Declaring objects\"), then run `cargo xtask codegen`"
    );
    Ok(())
}

/// The file writes of [`run`], without the check against the compiled-in objects.
fn scaffold(root: &Path, options: &Options) -> Result<(), String> {
    let module = snake(&options.name);
    let pascal = pascal(&options.name);
    let file = root.join(OBJECTS_DIR).join(format!("{module}.rs"));
    if file.exists() {
        return Err(format!("{} exists already", file.display()));
    }
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    let mod_path = root.join(OBJECTS_DIR).join("mod.rs");
    let mod_rs = register_module(&read(&mod_path)?, &module, &pascal)?;
    let lib_path = root.join(LIB);
    let lib = register_in_list(&read(&lib_path)?, &pascal)?;
    write(&file, &declaration(options))?;
    write(&mod_path, &mod_rs)?;
    write(&lib_path, &lib)
}

/// `mod.rs` with `mod <module>;` and `pub use <module>::<Pascal>;` among the others, each
/// block kept sorted.
fn register_module(text: &str, module: &str, pascal: &str) -> Result<String, String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for (prefix, line) in [
        ("mod ", format!("mod {module};")),
        ("pub use ", format!("pub use {module}::{pascal};")),
    ] {
        let block: Vec<usize> = (0..lines.len())
            .filter(|i| lines[*i].starts_with(prefix))
            .collect();
        let (Some(first), Some(last)) = (block.first(), block.last()) else {
            return Err(format!("{OBJECTS_DIR}/mod.rs has no `{prefix}…` lines"));
        };
        let at = block
            .iter()
            .copied()
            .find(|i| lines[*i] > line)
            .unwrap_or(last + 1);
        debug_assert!(at >= *first);
        lines.insert(at, line);
    }
    Ok(lines.join("\n") + "\n")
}

/// `lib.rs` with `<Pascal>::metadata(),` last in `objects()`'s list.
fn register_in_list(text: &str, pascal: &str) -> Result<String, String> {
    let start = text
        .find("pub fn objects() -> Vec<Object> {")
        .ok_or(format!("{LIB} has no `pub fn objects()`"))?;
    let end = text[start..]
        .find("\n    ]")
        .map(|i| start + i)
        .ok_or(format!("{LIB}: the end of `objects()`'s list is not found"))?;
    Ok(format!(
        "{}\n        {pascal}::metadata(),{}",
        &text[..end],
        &text[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn names_are_checked_and_plurals_guessed() {
        let o = Options::parse(&args(&["purchaseOrder"])).unwrap();
        assert_eq!(o.plural, "purchaseOrders");
        assert_eq!(
            Options::parse(&args(&["category"])).unwrap().plural,
            "categories"
        );
        assert_eq!(Options::parse(&args(&["box"])).unwrap().plural, "boxes");
        assert_eq!(
            Options::parse(&args(&["person", "--plural", "people"]))
                .unwrap()
                .plural,
            "people"
        );
        assert!(Options::parse(&args(&["Invoice"])).is_err());
        assert!(Options::parse(&args(&["sheep", "--plural", "sheep"])).is_err());
        assert!(Options::parse(&args(&[])).is_err());
        assert!(Options::parse(&args(&["a", "b"])).is_err());
    }

    #[test]
    fn an_existing_object_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let error = run(root.path(), &Options::parse(&args(&["company"])).unwrap()).unwrap_err();
        assert!(error.contains("exists already"), "{error}");
    }

    #[test]
    fn the_scaffold_is_written_and_registered_with_fresh_ids() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join(OBJECTS_DIR)).unwrap();
        for file in [format!("{OBJECTS_DIR}/mod.rs"), LIB.to_owned()] {
            std::fs::copy(repo.join(&file), root.path().join(&file)).unwrap();
        }
        let options = Options::parse(&args(&["purchaseOrder"])).unwrap();
        scaffold(root.path(), &options).unwrap();
        let declared =
            std::fs::read_to_string(root.path().join(OBJECTS_DIR).join("purchase_order.rs"))
                .unwrap();
        assert!(
            declared.contains("pub struct PurchaseOrder {"),
            "{declared}"
        );
        assert!(
            declared.contains("name_plural = \"purchaseOrders\""),
            "{declared}"
        );
        assert!(
            declared.contains("label_singular = \"Purchase order\""),
            "{declared}"
        );
        let ids: Vec<&str> = declared
            .lines()
            .filter_map(|l| l.trim().strip_prefix("id = \""))
            .map(|l| l.trim_end_matches("\","))
            .collect();
        assert_eq!(ids.len(), 2, "{declared}");
        assert!(
            ids.iter().all(|id| uuid::Uuid::parse_str(id).is_ok()),
            "{ids:?}"
        );
        assert_ne!(ids[0], ids[1]);
        let known: Vec<String> = twenty_standard_objects::schema()
            .objects
            .iter()
            .map(|o| o.id.to_string())
            .collect();
        assert!(ids.iter().all(|id| !known.contains(&(*id).to_owned())));

        let mod_rs = std::fs::read_to_string(root.path().join(OBJECTS_DIR).join("mod.rs")).unwrap();
        let position = |line: &str| mod_rs.lines().position(|l| l == line).unwrap();
        assert!(position("mod opportunity;") < position("mod purchase_order;"));
        assert!(position("mod purchase_order;") < position("mod task;"));
        assert!(
            position("pub use purchase_order::PurchaseOrder;")
                > position("pub use person::Person;")
        );
        let lib = std::fs::read_to_string(root.path().join(LIB)).unwrap();
        assert!(
            lib.contains(
                "        Workflow::metadata(),\n        PurchaseOrder::metadata(),\n    ]"
            ),
            "{lib}"
        );
        // A second scaffold of the same name is refused, and changes nothing.
        assert!(scaffold(root.path(), &options).is_err());
        assert_eq!(std::fs::read_to_string(root.path().join(LIB)).unwrap(), lib);
    }
}
