//! Scenarios run against both dialects: the fixture DDL applied to a real database, and
//! one migration per change kind applied over rows, compared with a fresh install.

use super::models::{self, changed};
use super::{Db, Shape};
use twenty_codegen::emit::sql::create_schema;
use twenty_codegen::migrate::{Plan, diff};
use twenty_codegen::model::{Object, Schema};

pub const C1: &str = "00000000-0000-4000-8000-0000000000c1";
pub const C2: &str = "00000000-0000-4000-8000-0000000000c2";
pub const P1: &str = "00000000-0000-4000-8000-0000000000a1";
pub const P2: &str = "00000000-0000-4000-8000-0000000000a2";

async fn run(db: &mut Db, sql: &str) {
    db.exec(sql)
        .await
        .unwrap_or_else(|e| panic!("{e}\nwhile running:\n{sql}"));
}

async fn install(db: &mut Db, schema: &Schema) {
    let sql = create_schema(schema, db.dialect());
    run(db, &sql).await;
}

async fn apply(db: &mut Db, plan: &Plan) {
    db.apply(plan).await.unwrap_or_else(|e| {
        panic!(
            "{e}\nwhile applying ({}):\n{}",
            db.dialect(),
            plan.render(db.dialect())
        )
    });
}

/// Two companies and two people of the fixture model.
pub async fn seed(db: &mut Db) {
    let (sport_music, music, x) = (
        db.array_literal(&["SPORT", "MUSIC"]),
        db.array_literal(&["MUSIC"]),
        db.array_literal(&["x"]),
    );
    let sql = format!(
        "INSERT INTO \"company\" (\"id\", \"name\", \"domainNamePrimaryLinkUrl\", \"tier\", \"employees\") VALUES ('{C1}', 'Acme', 'acme.com', 'SMALL', 10);
         INSERT INTO \"company\" (\"id\", \"name\", \"domainNamePrimaryLinkUrl\", \"tier\") VALUES ('{C2}', 'Globex', 'globex.com', 'LARGE');
         INSERT INTO \"person\" (\"id\", \"nameFirstName\", \"nameLastName\", \"emailsPrimaryEmail\", \"jobTitle\", \"interests\", \"tags\", \"companyId\") VALUES ('{P1}', 'Ada', 'Lovelace', 'ada@acme.com', 'CTO', {sport_music}, {x}, '{C1}');
         INSERT INTO \"person\" (\"id\", \"nameFirstName\", \"nameLastName\", \"interests\", \"companyId\") VALUES ('{P2}', 'Alan', 'Turing', {music}, '{C2}');"
    );
    run(db, &sql).await;
}

/// Asserts two shapes are equal, listing only the differing lines.
pub fn assert_same_shape(migrated: &Shape, fresh: &Shape) {
    let lines = |shape: &Shape| -> Vec<String> {
        shape
            .iter()
            .flat_map(|(table, lines)| lines.iter().map(move |l| format!("{table}: {l}")))
            .collect()
    };
    let (a, b) = (lines(migrated), lines(fresh));
    let only_migrated: Vec<&String> = a.iter().filter(|l| !b.contains(l)).collect();
    let only_fresh: Vec<&String> = b.iter().filter(|l| !a.contains(l)).collect();
    assert!(
        only_migrated.is_empty() && only_fresh.is_empty(),
        "migrated and fresh databases differ\nonly after migrating:\n  {}\nonly in the fresh install:\n  {}",
        only_migrated
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
        only_fresh
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
    );
}

/// Builds `from` with rows, migrates to `to`, and checks the result has the shape of a
/// fresh install of `to`. Returns the migrated database for further checks.
async fn migrate(mut db: Db, mut fresh: Db, from: &Schema, to: &Schema) -> Db {
    install(&mut db, from).await;
    seed(&mut db).await;
    let plan = diff(from, to);
    assert!(!plan.is_empty());
    apply(&mut db, &plan).await;
    install(&mut fresh, to).await;
    assert_same_shape(&db.shape().await, &fresh.shape().await);
    db
}

fn crm_changed(change: fn(&mut Vec<Object>)) -> (Schema, Schema) {
    let from = models::crm();
    let to = changed(&from, change);
    (from, to)
}

pub async fn fixture_ddl(mut db: Db) {
    install(&mut db, &models::crm()).await;
    seed(&mut db).await;
    // Defaults: a generated v4 id, timestamps, the select default.
    run(
        &mut db,
        "INSERT INTO \"company\" (\"name\") VALUES ('Initech')",
    )
    .await;
    let id = db
        .text("SELECT CAST(\"id\" AS TEXT) FROM \"company\" WHERE \"name\" = 'Initech'")
        .await
        .expect("an id");
    assert_eq!(id.len(), 36, "{id}");
    assert_eq!(&id[14..15], "4", "a version-4 uuid: {id}");
    assert!("89ab".contains(&id[19..20]), "RFC 4122 variant: {id}");
    assert_eq!(
        db.text("SELECT \"tier\" FROM \"company\" WHERE \"name\" = 'Initech'")
            .await
            .as_deref(),
        Some("SMALL")
    );
    let created = db
        .text("SELECT CAST(\"createdAt\" AS TEXT) FROM \"company\" WHERE \"name\" = 'Initech'")
        .await
        .expect("createdAt");
    if db.dialect() == twenty_codegen::emit::sql::Dialect::Sqlite {
        let b = created.as_bytes();
        assert!(
            b.len() == 24 && b[10] == b'T' && b[19] == b'.' && b[23] == b'Z',
            "{created}"
        );
    }
    // A soft-deleted row does not block a unique value; a live one does.
    run(&mut db, &format!("UPDATE \"company\" SET \"deletedAt\" = '2024-01-01T00:00:00.000Z' WHERE \"id\" = '{C1}'")).await;
    run(&mut db, "INSERT INTO \"company\" (\"name\", \"domainNamePrimaryLinkUrl\") VALUES ('Acme again', 'acme.com')").await;
    let duplicate = db
        .exec("INSERT INTO \"company\" (\"name\", \"domainNamePrimaryLinkUrl\") VALUES ('Acme thrice', 'acme.com')")
        .await;
    assert!(
        duplicate.is_err(),
        "two live rows cannot share a unique value"
    );
    // Full-text search finds rows by their search columns, and follows updates.
    assert_eq!(
        db.search("person", "lovelace").await,
        vec![Some(P1.to_owned())]
    );
    assert_eq!(
        db.search("company", "globex").await,
        vec![Some(C2.to_owned())]
    );
    run(
        &mut db,
        &format!("UPDATE \"person\" SET \"nameLastName\" = 'Byron' WHERE \"id\" = '{P1}'"),
    )
    .await;
    assert!(db.search("person", "lovelace").await.is_empty());
    assert_eq!(
        db.search("person", "byron").await,
        vec![Some(P1.to_owned())]
    );
    // ON DELETE SET NULL.
    run(
        &mut db,
        &format!("DELETE FROM \"company\" WHERE \"id\" = '{C2}'"),
    )
    .await;
    assert_eq!(
        db.text(&format!(
            "SELECT CAST(\"companyId\" AS TEXT) FROM \"person\" WHERE \"id\" = '{P2}'"
        ))
        .await,
        None
    );
}

pub async fn add_fields(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::add_fields);
    assert_eq!(diff(&from, &to).slug(), "changes");
    let mut db = migrate(db, fresh, &from, &to).await;
    let founded = db
        .texts("SELECT CAST(\"foundedAt\" AS TEXT) FROM \"company\" ORDER BY \"id\"")
        .await;
    assert!(
        founded.iter().all(Option::is_some),
        "existing rows get the default"
    );
    assert_eq!(
        db.texts("SELECT \"name\" FROM \"company\" WHERE \"website\" IS NULL ORDER BY \"name\"")
            .await,
        vec![Some("Acme".to_owned()), Some("Globex".to_owned())]
    );
    // SQLite rebuilt the table: search and foreign keys still work on it.
    assert_eq!(
        db.search("company", "acme").await,
        vec![Some(C1.to_owned())]
    );
    run(
        &mut db,
        &format!("DELETE FROM \"company\" WHERE \"id\" = '{C1}'"),
    )
    .await;
    assert_eq!(
        db.text(&format!(
            "SELECT CAST(\"companyId\" AS TEXT) FROM \"person\" WHERE \"id\" = '{P1}'"
        ))
        .await,
        None
    );
}

pub async fn required_field_without_default(mut db: Db, mut empty: Db) {
    let (from, to) = crm_changed(models::add_required_field_without_default);
    let plan = diff(&from, &to);
    assert!(
        plan.summary()
            .iter()
            .any(|l| l.contains("fails if the table has rows"))
    );
    install(&mut db, &from).await;
    seed(&mut db).await;
    let error = db
        .apply(&plan)
        .await
        .expect_err("a table with rows refuses it");
    assert!(
        error.to_string().contains("code"),
        "the error names the column: {error}"
    );
    install(&mut empty, &from).await;
    apply(&mut empty, &plan).await;
}

pub async fn rename_fields(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::rename_fields);
    let plan = diff(&from, &to);
    assert!(plan.destructive().is_empty(), "renames lose nothing");
    let mut db = migrate(db, fresh, &from, &to).await;
    assert_eq!(
        db.text(&format!(
            "SELECT \"role\" FROM \"person\" WHERE \"id\" = '{P1}'"
        ))
        .await
        .as_deref(),
        Some("CTO")
    );
    assert_eq!(
        db.text(&format!("SELECT \"fullNameFirstName\" || ' ' || \"fullNameLastName\" FROM \"person\" WHERE \"id\" = '{P1}'")).await.as_deref(),
        Some("Ada Lovelace")
    );
    assert_eq!(
        db.text(&format!(
            "SELECT \"sitePrimaryLinkUrl\" FROM \"company\" WHERE \"id\" = '{C1}'"
        ))
        .await
        .as_deref(),
        Some("acme.com")
    );
    assert_eq!(db.search("person", "ada").await, vec![Some(P1.to_owned())]);
    assert_eq!(
        db.search("company", "globex").await,
        vec![Some(C2.to_owned())]
    );
    let duplicate = db
        .exec("INSERT INTO \"company\" (\"sitePrimaryLinkUrl\") VALUES ('acme.com')")
        .await;
    assert!(duplicate.is_err(), "the renamed unique index still holds");
}

pub async fn rename_object(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::rename_object);
    assert_eq!(diff(&from, &to).slug(), "rename_company");
    let mut db = migrate(db, fresh, &from, &to).await;
    assert_eq!(
        db.texts("SELECT \"name\" FROM \"organization\" ORDER BY \"name\"")
            .await,
        vec![Some("Acme".to_owned()), Some("Globex".to_owned())]
    );
    assert_eq!(
        db.search("organization", "acme").await,
        vec![Some(C1.to_owned())]
    );
    run(
        &mut db,
        &format!("DELETE FROM \"organization\" WHERE \"id\" = '{C1}'"),
    )
    .await;
    assert_eq!(
        db.text(&format!(
            "SELECT CAST(\"companyId\" AS TEXT) FROM \"person\" WHERE \"id\" = '{P1}'"
        ))
        .await,
        None,
        "the foreign key follows the renamed table"
    );
}

pub async fn alter_columns(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::alter_columns);
    let mut db = migrate(db, fresh, &from, &to).await;
    assert_eq!(
        db.text(&format!("SELECT CASE WHEN \"employees\" = 1 THEN 'one' ELSE 'other' END FROM \"company\" WHERE \"id\" = '{C2}'")).await.as_deref(),
        Some("one"),
        "NULLs take the new default when the column becomes required"
    );
    run(
        &mut db,
        "INSERT INTO \"company\" (\"idealCustomerProfile\") VALUES (NULL)",
    )
    .await;
    assert_eq!(
        db.text("SELECT \"name\" FROM \"company\" WHERE \"idealCustomerProfile\" IS NULL")
            .await
            .as_deref(),
        Some("Unnamed")
    );
}

pub async fn rename_options(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::rename_options);
    assert!(diff(&from, &to).destructive().is_empty());
    let mut db = migrate(db, fresh, &from, &to).await;
    assert_eq!(
        db.texts("SELECT \"tier\" FROM \"company\" ORDER BY \"name\"")
            .await,
        vec![Some("MEDIUM".to_owned()), Some("LARGE".to_owned())]
    );
    let interests = format!(
        "SELECT {} FROM \"person\" ORDER BY \"id\"",
        db.array_text("interests")
    );
    assert_eq!(
        db.texts(&interests).await,
        vec![Some("SPORTS,MUSIC".to_owned()), Some("MUSIC".to_owned())]
    );
    run(&mut db, "INSERT INTO \"company\" (\"name\") VALUES ('New')").await;
    assert_eq!(
        db.text("SELECT \"tier\" FROM \"company\" WHERE \"name\" = 'New'")
            .await
            .as_deref(),
        Some("MEDIUM")
    );
}

pub async fn remove_options(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::remove_options);
    let plan = diff(&from, &to);
    let error = plan.check(false).expect_err("removing options loses data");
    let message = error.to_string();
    for part in [
        "company.tier",
        "LARGE",
        "person.interests",
        "MUSIC",
        "--allow-destructive",
    ] {
        assert!(message.contains(part), "{part} missing from: {message}");
    }
    let mut db = migrate(db, fresh, &from, &to).await;
    assert_eq!(
        db.texts("SELECT \"tier\" FROM \"company\" ORDER BY \"name\"")
            .await,
        vec![Some("SMALL".to_owned()), Some("SMALL".to_owned())],
        "a required select falls back to its default"
    );
    let interests = format!(
        "SELECT {} FROM \"person\" ORDER BY \"id\"",
        db.array_text("interests")
    );
    assert_eq!(
        db.texts(&interests).await,
        vec![Some("SPORT".to_owned()), None]
    );
}

pub async fn change_indexes(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::change_indexes);
    let mut db = migrate(db, fresh, &from, &to).await;
    assert_eq!(db.search("person", "cto").await, vec![Some(P1.to_owned())]);
    assert!(
        db.exec("INSERT INTO \"company\" (\"name\") VALUES ('Acme')")
            .await
            .is_err()
    );
    run(&mut db, "INSERT INTO \"company\" (\"name\", \"domainNamePrimaryLinkUrl\") VALUES ('Acme 2', 'acme.com')").await;
}

pub async fn drop_fields(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::drop_fields);
    let plan = diff(&from, &to);
    let message = plan
        .check(false)
        .expect_err("dropping loses data")
        .to_string();
    assert!(
        message.contains("person.tags") && message.contains("person.company"),
        "{message}"
    );
    assert!(plan.check(true).is_ok());
    let mut db = migrate(db, fresh, &from, &to).await;
    assert_eq!(
        db.text(&format!(
            "SELECT \"jobTitle\" FROM \"person\" WHERE \"id\" = '{P1}'"
        ))
        .await
        .as_deref(),
        Some("CTO")
    );
    assert_eq!(
        db.search("person", "lovelace").await,
        vec![Some(P1.to_owned())]
    );
}

pub async fn drop_object(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::drop_object);
    let plan = diff(&from, &to);
    let message = plan
        .check(false)
        .expect_err("dropping loses data")
        .to_string();
    assert!(message.contains("object `person`"), "{message}");
    let mut db = migrate(db, fresh, &from, &to).await;
    assert_eq!(
        db.texts("SELECT \"name\" FROM \"company\" ORDER BY \"name\"")
            .await
            .len(),
        2
    );
}

pub async fn add_object(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::add_object);
    let mut db = migrate(db, fresh, &from, &to).await;
    let d1 = "00000000-0000-4000-8000-0000000000d1";
    run(&mut db, &format!(
        "INSERT INTO \"_deal\" (\"id\", \"name\", \"stage\", \"companyId\") VALUES ('{d1}', 'Big deal', 'NEW', '{C1}');
         UPDATE \"company\" SET \"mainDealId\" = '{d1}' WHERE \"id\" = '{C1}';"
    )).await;
    assert_eq!(db.search("_deal", "big").await, vec![Some(d1.to_owned())]);
    run(
        &mut db,
        &format!("DELETE FROM \"company\" WHERE \"id\" = '{C1}'"),
    )
    .await;
    assert!(
        db.texts("SELECT \"name\" FROM \"_deal\"").await.is_empty(),
        "deals cascade"
    );
}

pub async fn cascade(db: Db, fresh: Db) {
    let (from, to) = crm_changed(models::cascade_person_company);
    let mut db = migrate(db, fresh, &from, &to).await;
    run(
        &mut db,
        &format!("DELETE FROM \"company\" WHERE \"id\" = '{C1}'"),
    )
    .await;
    assert_eq!(
        db.texts("SELECT \"nameFirstName\" FROM \"person\"").await,
        vec![Some("Alan".to_owned())]
    );
}

/// Applying every migration in order gives the database a fresh install gives.
pub async fn history(mut db: Db, mut fresh: Db) {
    let versions = models::history();
    let empty = Schema::new(Vec::new()).unwrap_or_else(|e| panic!("{e}"));
    apply(&mut db, &diff(&empty, &versions[0])).await;
    seed(&mut db).await;
    for pair in versions.windows(2) {
        let plan = diff(&pair[0], &pair[1]);
        assert!(plan.check(false).is_ok(), "the history loses nothing");
        apply(&mut db, &plan).await;
    }
    let last = versions.last().unwrap_or_else(|| unreachable!());
    install(&mut fresh, last).await;
    assert_same_shape(&db.shape().await, &fresh.shape().await);
    assert_eq!(
        db.text(&format!(
            "SELECT \"role\" FROM \"person\" WHERE \"id\" = '{P1}'"
        ))
        .await
        .as_deref(),
        Some("CTO")
    );
    assert_eq!(
        db.text(&format!(
            "SELECT \"tier\" FROM \"organization\" WHERE \"id\" = '{C1}'"
        ))
        .await
        .as_deref(),
        Some("MEDIUM")
    );
}
