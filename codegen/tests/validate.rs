//! Validation of a whole schema: one test per rule, each checking that the error names
//! the object (and field) at fault and says what is wrong.

use serde_json::json;
use twenty_codegen::model::{
    DefaultValue, ErrorKind, Field, FieldType, Object, OnDelete, Schema, ValidationError,
};
use twenty_codegen::testing::{company, id, person};

/// Validates the fixture after `change`, returning every error (panics if it validates).
fn errors_after(change: impl FnOnce(&mut Object, &mut Object)) -> Vec<ValidationError> {
    let (mut c, mut p) = (company(), person());
    change(&mut c, &mut p);
    match Schema::new(vec![c, p]) {
        Ok(_) => panic!("the changed schema should be invalid"),
        Err(errors) => errors.0,
    }
}

/// The one error of `kind`, checked to be on `object` / `field`.
fn expect_error(
    errors: &[ValidationError],
    kind: ErrorKind,
    object: &str,
    field: Option<&str>,
) -> String {
    let found: Vec<_> = errors.iter().filter(|e| e.kind == kind).collect();
    assert!(
        !found.is_empty(),
        "expected a {kind:?} error, got: {errors:#?}"
    );
    let error = found[0];
    assert_eq!(error.object, object, "{error}");
    assert_eq!(error.field.as_deref(), field, "{error}");
    error.to_string()
}

fn field_mut<'a>(object: &'a mut Object, name: &str) -> &'a mut Field {
    object
        .fields
        .iter_mut()
        .find(|f| f.name == name)
        .expect("fixture field")
}

#[test]
fn the_fixture_is_valid() {
    assert!(Schema::new(vec![company(), person()]).is_ok());
}

#[test]
fn a_duplicate_singular_name_is_reported() {
    let errors = errors_after(|_, p| p.name_singular = "company".into());
    let message = expect_error(&errors, ErrorKind::DuplicateName, "company", None);
    assert!(message.contains("already used by object"), "{message}");
}

#[test]
fn a_plural_name_equal_to_another_singular_name_is_reported() {
    let errors = errors_after(|_, p| p.name_plural = "company".into());
    expect_error(&errors, ErrorKind::DuplicateName, "person", None);
}

#[test]
fn a_duplicate_field_name_is_reported() {
    let errors = errors_after(|c, _| {
        c.fields
            .push(Field::new(id(900), "employees", FieldType::Text, "Again"))
    });
    let message = expect_error(
        &errors,
        ErrorKind::DuplicateName,
        "company",
        Some("employees"),
    );
    assert!(message.contains("two fields"), "{message}");
}

#[test]
fn a_column_name_clash_after_composite_flattening_is_reported() {
    // `name` FULL_NAME flattens to `nameFirstName`, which this scalar field also claims.
    let errors = errors_after(|_, p| {
        p.fields.push(Field::new(
            id(900),
            "nameFirstName",
            FieldType::Text,
            "First",
        ))
    });
    let message = expect_error(
        &errors,
        ErrorKind::DuplicateName,
        "person",
        Some("nameFirstName"),
    );
    assert!(message.contains("column `nameFirstName`"), "{message}");
}

#[test]
fn a_foreign_key_column_clash_is_reported() {
    let errors = errors_after(|_, p| {
        p.fields.push(Field::new(
            id(900),
            "companyId",
            FieldType::Uuid,
            "Company id",
        ))
    });
    expect_error(
        &errors,
        ErrorKind::DuplicateName,
        "person",
        Some("companyId"),
    );
}

#[test]
fn a_duplicate_stable_id_is_reported() {
    let errors = errors_after(|c, _| field_mut(c, "employees").id = id(101));
    let message = expect_error(
        &errors,
        ErrorKind::DuplicateId,
        "company",
        Some("employees"),
    );
    assert!(message.contains("company.name"), "{message}");
}

#[test]
fn a_reserved_object_name_is_reported() {
    let errors = errors_after(|_, p| {
        p.name_singular = "query".into();
        field_mut(p, "company").relation.as_mut().unwrap().target = "company".into();
    });
    assert!(
        errors
            .iter()
            .any(|e| e.kind == ErrorKind::ReservedName && e.object == "query"),
        "{errors:#?}"
    );
}

#[test]
fn a_declared_system_field_name_is_reserved() {
    let errors = errors_after(|c, _| {
        c.fields
            .push(Field::new(id(900), "createdAt", FieldType::Text, "Created"))
    });
    let message = expect_error(
        &errors,
        ErrorKind::ReservedName,
        "company",
        Some("createdAt"),
    );
    assert!(message.contains("system field"), "{message}");
}

#[test]
fn a_name_that_is_not_a_valid_identifier_is_reported() {
    for bad in ["Employees", "employee-count", "2nd", "naïve", "with space"] {
        let errors = errors_after(|c, _| field_mut(c, "employees").name = bad.into());
        expect_error(&errors, ErrorKind::InvalidName, "company", Some(bad));
    }
}

#[test]
fn an_invalid_object_name_is_reported() {
    let errors = errors_after(|_, p| p.name_plural = "People".into());
    let message = expect_error(&errors, ErrorKind::InvalidName, "person", None);
    assert!(message.contains("`People`"), "{message}");
}

#[test]
fn a_relation_to_a_missing_object_is_reported() {
    let errors = errors_after(|_, p| {
        field_mut(p, "company").relation.as_mut().unwrap().target = "organisation".into()
    });
    let message = expect_error(
        &errors,
        ErrorKind::RelationTarget,
        "person",
        Some("company"),
    );
    assert!(message.contains("`organisation`"), "{message}");
}

#[test]
fn a_missing_inverse_field_is_reported() {
    let errors = errors_after(|c, _| c.fields.retain(|f| f.name != "people"));
    let message = expect_error(
        &errors,
        ErrorKind::RelationInverse,
        "person",
        Some("company"),
    );
    assert!(message.contains("company.people"), "{message}");
}

#[test]
fn an_inverse_that_does_not_point_back_is_reported() {
    let errors = errors_after(|c, _| {
        field_mut(c, "people").relation.as_mut().unwrap().inverse = "jobTitle".into()
    });
    expect_error(
        &errors,
        ErrorKind::RelationInverse,
        "company",
        Some("people"),
    );
}

#[test]
fn set_null_on_a_required_relation_is_reported() {
    let errors = errors_after(|_, p| {
        let f = field_mut(p, "company");
        f.is_nullable = false;
        f.relation.as_mut().unwrap().on_delete = Some(OnDelete::SetNull);
    });
    let message = expect_error(&errors, ErrorKind::InvalidField, "person", Some("company"));
    assert!(message.contains("SET_NULL"), "{message}");
}

#[test]
fn a_missing_label_identifier_is_reported() {
    let errors = errors_after(|c, _| c.label_identifier = "title".into());
    let message = expect_error(&errors, ErrorKind::LabelIdentifier, "company", None);
    assert!(message.contains("`title`"), "{message}");
}

#[test]
fn a_label_identifier_of_the_wrong_type_is_reported() {
    let errors = errors_after(|c, _| c.label_identifier = "idealCustomerProfile".into());
    expect_error(
        &errors,
        ErrorKind::LabelIdentifier,
        "company",
        Some("idealCustomerProfile"),
    );
}

#[test]
fn an_invalid_option_value_is_reported() {
    let errors = errors_after(|c, _| field_mut(c, "tier").options[1].value = "large one".into());
    let message = expect_error(&errors, ErrorKind::InvalidOption, "company", Some("tier"));
    assert!(message.contains("UPPER_SNAKE_CASE"), "{message}");
}

#[test]
fn an_unknown_option_color_is_reported() {
    let errors = errors_after(|c, _| field_mut(c, "tier").options[0].color = "mauve".into());
    let message = expect_error(&errors, ErrorKind::InvalidOption, "company", Some("tier"));
    assert!(message.contains("mauve"), "{message}");
}

#[test]
fn a_duplicate_option_value_is_reported() {
    let errors = errors_after(|c, _| field_mut(c, "tier").options[1].value = "SMALL".into());
    let message = expect_error(&errors, ErrorKind::DuplicateOption, "company", Some("tier"));
    assert!(message.contains("SMALL"), "{message}");
}

#[test]
fn a_select_without_options_is_reported() {
    let errors = errors_after(|c, _| {
        let f = field_mut(c, "tier");
        f.options.clear();
        f.default = None;
    });
    expect_error(&errors, ErrorKind::InvalidOption, "company", Some("tier"));
}

#[test]
fn options_on_a_text_field_are_reported() {
    let errors = errors_after(|c, _| {
        let options = field_mut(c, "tier").options.clone();
        field_mut(c, "name").options = options;
    });
    expect_error(&errors, ErrorKind::InvalidOption, "company", Some("name"));
}

#[test]
fn a_default_of_the_wrong_type_is_reported() {
    let cases: Vec<(&str, DefaultValue)> = vec![
        ("employees", DefaultValue::Value(json!("many"))),
        ("idealCustomerProfile", DefaultValue::Value(json!("no"))),
        ("tier", DefaultValue::Value(json!("HUGE"))),
        ("name", DefaultValue::Now),
        (
            "annualRecurringRevenue",
            DefaultValue::Value(json!({"amountMicros": "x"})),
        ),
        (
            "annualRecurringRevenue",
            DefaultValue::Value(json!({"unknown": 1})),
        ),
    ];
    for (field, default) in cases {
        let errors = errors_after(|c, _| field_mut(c, field).default = Some(default.clone()));
        let message = expect_error(&errors, ErrorKind::DefaultType, "company", Some(field));
        assert!(message.contains("is not a valid"), "{message}");
    }
}

#[test]
fn a_select_default_error_lists_the_allowed_values() {
    let errors = errors_after(|c, _| {
        field_mut(c, "tier").default = Some(DefaultValue::Value(json!("HUGE")))
    });
    let message = expect_error(&errors, ErrorKind::DefaultType, "company", Some("tier"));
    assert!(message.contains("SMALL, LARGE"), "{message}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let errors = errors_after(|c, p| {
        c.label_identifier = "nothing".into();
        field_mut(p, "jobTitle").name = "Job".into();
    });
    assert!(errors.len() >= 2, "{errors:#?}");
    let text = twenty_codegen::model::ValidationErrors(errors).to_string();
    assert!(text.contains("company:"), "{text}");
    assert!(text.contains("person.Job:"), "{text}");
}
