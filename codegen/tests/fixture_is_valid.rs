use twenty_codegen::testing;

#[test]
fn the_fixture_schema_is_valid_and_complete() {
    let schema = testing::crm();
    let company = schema.object("company").unwrap();
    let names: Vec<_> = company.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names.first(), Some(&"id"));
    assert!(names.contains(&"searchVector"));
    assert!(names.contains(&"createdBy"));
}
