//! The migration planner without a database: rendered plans per change kind (reviewed
//! snapshots), destructive checks, slugs, summaries and the lock file.

mod support;

use support::models::{self, changed};
use twenty_codegen::emit::sql::{Dialect, create_schema};
use twenty_codegen::migrate::{Lock, LockError, diff};
use twenty_codegen::model::{Object, Schema};

fn plan_text(change: fn(&mut Vec<Object>)) -> String {
    let from = models::crm();
    let to = changed(&from, change);
    let plan = diff(&from, &to);
    format!(
        "-- summary\n{}\n-- postgres\n{}-- sqlite\n{}",
        plan.summary().join("\n"),
        plan.render(Dialect::Postgres),
        plan.render(Dialect::Sqlite)
    )
}

macro_rules! plan_snapshot {
    ($name:ident) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(plan_text(models::$name));
        }
    };
}

plan_snapshot!(add_fields);
plan_snapshot!(add_required_field_without_default);
plan_snapshot!(rename_fields);
plan_snapshot!(rename_object);
plan_snapshot!(alter_columns);
plan_snapshot!(rename_options);
plan_snapshot!(remove_options);
plan_snapshot!(change_indexes);
plan_snapshot!(drop_fields);
plan_snapshot!(drop_object);
plan_snapshot!(add_object);
plan_snapshot!(cascade_person_company);

fn empty() -> Schema {
    Schema::new(Vec::new()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_same_model_needs_no_migration() {
    let plan = diff(&models::crm(), &models::crm());
    assert!(plan.is_empty());
    assert_eq!(plan.render(Dialect::Postgres), "");
    assert_eq!(plan.render(Dialect::Sqlite), "");
}

#[test]
fn the_plan_from_the_empty_model_is_the_full_ddl() {
    let plan = diff(&empty(), &models::crm());
    assert_eq!(plan.slug(), "initial");
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        assert_eq!(plan.render(dialect), create_schema(&models::crm(), dialect));
    }
}

#[test]
fn slugs_name_a_single_change() {
    let crm = models::crm();
    let slug = |change: fn(&mut Vec<Object>)| diff(&crm, &changed(&crm, change)).slug();
    assert_eq!(
        slug(models::add_required_field_without_default),
        "add_company_code"
    );
    assert_eq!(slug(models::rename_object), "rename_company");
    assert_eq!(slug(models::drop_object), "drop_person");
    assert_eq!(slug(models::cascade_person_company), "alter_person_company");
    assert_eq!(slug(models::rename_fields), "changes");
    let rename_job_title = |objects: &mut Vec<Object>| {
        let person = objects.iter_mut().find(|o| o.name_singular == "person");
        if let Some(field) = person.and_then(|p| p.fields.iter_mut().find(|f| f.name == "jobTitle"))
        {
            field.name = "role".to_owned();
        }
    };
    assert_eq!(slug(rename_job_title), "rename_person_job_title");
}

#[test]
fn renames_never_drop_anything() {
    let crm = models::crm();
    for change in [
        models::rename_fields,
        models::rename_object,
        models::rename_options,
    ] {
        let plan = diff(&crm, &changed(&crm, change));
        assert!(plan.check(false).is_ok());
        // The search vector is derived and recomputed; it is the one column dropped.
        let postgres = plan
            .render(Dialect::Postgres)
            .replace("DROP COLUMN \"searchVector\"", "");
        assert!(!postgres.contains("DROP COLUMN") && !postgres.contains("DROP TABLE"));
        // SQLite only drops a table it has just copied into its rebuilt shape.
        let sqlite = plan.render(Dialect::Sqlite);
        assert!(!sqlite.contains("DROP COLUMN"));
        for (at, _) in sqlite.match_indices("DROP TABLE \"") {
            let table = sqlite[at + 12..].split('"').next().unwrap_or_default();
            if table.ends_with("_fts") || table == "_migration_guard" {
                continue; // derived search index, and the foreign-keys guard
            }
            let copy = format!("INSERT INTO \"_rebuild_{table}\"");
            assert!(
                sqlite[..at].contains(&copy),
                "{table} dropped without a copy:\n{sqlite}"
            );
        }
    }
}

#[test]
fn dropping_is_refused_without_the_flag_and_lists_the_losses() {
    let crm = models::crm();
    let plan = diff(&crm, &changed(&crm, models::drop_fields));
    assert_eq!(plan.destructive().len(), 2, "tags and companyId");
    let error = plan.check(false).expect_err("refused");
    insta::assert_snapshot!(error.to_string());
    assert!(plan.check(true).is_ok());
}

#[test]
fn the_lock_file_round_trips_and_is_stable() {
    let crm = models::crm();
    let json = Lock::to_json(&crm);
    assert!(json.ends_with("}\n"));
    assert!(json.contains("\"generatedBy\": \"cargo xtask codegen\""));
    assert_eq!(Lock::to_json(&crm), json, "deterministic");
    let back = Lock::from_json(&json).expect("reads back");
    assert_eq!(back, crm);
}

#[test]
fn a_lock_file_with_an_invalid_model_is_rejected() {
    let json = Lock::to_json(&models::crm()).replace("\"SMALL\"", "\"small\"");
    assert!(matches!(Lock::from_json(&json), Err(LockError::Invalid(_))));
    assert!(matches!(Lock::from_json("{"), Err(LockError::Json(_))));
}

#[test]
fn a_model_from_before_sort_keys_gets_only_the_default_order_indexes() {
    // A lock file written before `createdAt` and `position` were sort keys.
    let mut json: serde_json::Value =
        serde_json::from_str(&Lock::to_json(&models::crm())).expect("lock JSON");
    for object in json["schema"]["objects"].as_array_mut().expect("objects") {
        for field in object["fields"].as_array_mut().expect("fields") {
            field.as_object_mut().expect("field").remove("isSortKey");
        }
    }
    let old = Lock::from_json(&json.to_string()).expect("an old lock file");
    let plan = diff(&old, &models::crm());
    assert_eq!(plan.slug(), "add_indexes");
    let objects = models::crm().objects.len();
    assert_eq!(plan.summary().len(), 2 * objects, "{:#?}", plan.summary());
    let postgres = plan.render(Dialect::Postgres);
    assert!(
        postgres.contains("ON \"person\" (\"createdAt\" ASC NULLS FIRST, \"id\");"),
        "{postgres}"
    );
    assert!(
        postgres.contains("ON \"person\" (\"position\" ASC NULLS FIRST, \"id\");"),
        "{postgres}"
    );
    let sqlite = plan.render(Dialect::Sqlite);
    assert!(
        sqlite.contains("ON \"person\" (\"createdAt\", \"id\");"),
        "{sqlite}"
    );
    assert!(!sqlite.contains("NULLS"), "{sqlite}");
}
