//! The DDL of the fixture model, per dialect, as reviewed snapshots.

use twenty_codegen::emit::sql::{Dialect, create_schema};
use twenty_codegen::testing;

#[test]
fn postgres_ddl_of_the_fixture() {
    insta::assert_snapshot!(create_schema(&testing::crm(), Dialect::Postgres));
}

#[test]
fn sqlite_ddl_of_the_fixture() {
    insta::assert_snapshot!(create_schema(&testing::crm(), Dialect::Sqlite));
}

#[test]
fn ddl_is_schema_agnostic_and_quotes_identifiers() {
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        let sql = create_schema(&testing::crm(), dialect);
        assert!(
            !sql.contains("public."),
            "{dialect}: no schema qualification"
        );
        assert!(sql.contains("\"domainNamePrimaryLinkUrl\""), "{dialect}");
        assert!(sql.lines().all(|l| !l.ends_with(';') || l.ends_with(";")));
        assert!(sql.ends_with(";\n"), "{dialect}: statements end with ;\\n");
    }
}

#[test]
fn ddl_is_deterministic() {
    let a = create_schema(&testing::crm(), Dialect::Postgres);
    let b = create_schema(&testing::crm(), Dialect::Postgres);
    assert_eq!(a, b);
}
