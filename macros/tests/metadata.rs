//! What `#[workspace_entity]` declarations produce at run time: the `Object` values of two
//! related structs, and that the schema they form is valid.

use serde_json::json;
use twenty_codegen::WorkspaceEntity;
use twenty_codegen::entity::types::*;
use twenty_codegen::model::{
    DefaultValue, FieldType, OnDelete, Relation, RelationKind, Schema, SelectOption, Uuid,
};
use twenty_macros::workspace_entity;

#[workspace_entity(
    id = "20202020-0000-4000-8000-000000000001",
    name_singular = "company",
    name_plural = "companies",
    label_singular = "Company",
    label_plural = "Companies",
    description = "A company",
    icon = "IconBuildingSkyscraper",
    label_identifier = "name",
    search = ["name", "domainName"],
)]
pub struct Company {
    #[field(
        id = "20202020-0000-4000-8000-000000000101",
        label = "Name",
        icon = "IconBuilding"
    )]
    pub name: Option<String>,

    #[field(
        id = "20202020-0000-4000-8000-000000000102",
        label = "Domain Name",
        unique,
        description = "The company website"
    )]
    pub domain_name: Option<Links>,

    #[field(
        id = "20202020-0000-4000-8000-000000000103",
        label = "ICP",
        default = false
    )]
    pub ideal_customer_profile: bool,

    #[field(
        id = "20202020-0000-4000-8000-000000000104",
        label = "Stage",
        default = "NEW",
        indexed,
        option(
            id = "20202020-0000-4000-8000-000000001041",
            value = "NEW",
            label = "New",
            color = "red"
        ),
        option(
            id = "20202020-0000-4000-8000-000000001042",
            value = "SCREENING",
            label = "Screening",
            color = "purple"
        )
    )]
    pub stage: Select,

    #[field(id = "20202020-0000-4000-8000-000000000105", label = "Employees", default = -7)]
    pub employees: Option<i64>,

    #[field(id = "20202020-0000-4000-8000-000000000106", label = "Founded at", default = now)]
    pub founded_at: DateTime,

    #[field(id = "20202020-0000-4000-8000-000000000107", label = "Tags", default = ["a", "b"])]
    pub tags: Option<Vec<String>>,

    #[field(
        id = "20202020-0000-4000-8000-000000000108",
        label = "ARR",
        default_json = r#"{"amountMicros": null, "currencyCode": "USD"}"#
    )]
    pub annual_recurring_revenue: Option<Currency>,

    #[field(
        id = "20202020-0000-4000-8000-000000000109",
        label = "Score",
        type = "RATING"
    )]
    pub score: Option<String>,

    #[field(
        id = "20202020-0000-4000-8000-000000000110",
        label = "X",
        name = "xLink"
    )]
    pub twitter: Option<Links>,

    #[relation(
        id = "20202020-0000-4000-8000-000000000111",
        label = "People",
        inverse = "company"
    )]
    pub people: OneToMany<Person>,
}

#[workspace_entity(
    id = "20202020-0000-4000-8000-000000000002",
    name_singular = "person",
    name_plural = "people",
    label_singular = "Person",
    label_plural = "People",
    system,
    audit_logged = false
)]
pub struct Person {
    #[field(id = "20202020-0000-4000-8000-000000000201", label = "Name")]
    pub name: Option<FullName>,

    #[relation(
        id = "20202020-0000-4000-8000-000000000202",
        label = "Company",
        inverse = "people",
        on_delete = "CASCADE"
    )]
    pub company: ManyToOne<Company>,

    #[relation(
        id = "20202020-0000-4000-8000-000000000203",
        label = "Employer",
        inverse = "people"
    )]
    pub employer: Option<ManyToOne<Company>>,
}

fn uuid(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap()
}

#[test]
fn name_singular_is_the_declared_one() {
    assert_eq!(Company::NAME_SINGULAR, "company");
    assert_eq!(Person::NAME_SINGULAR, "person");
}

#[test]
fn object_attributes_become_the_object() {
    let company = Company::metadata();
    assert_eq!(company.id, uuid("20202020-0000-4000-8000-000000000001"));
    assert_eq!(company.name_singular, "company");
    assert_eq!(company.name_plural, "companies");
    assert_eq!(company.label_singular, "Company");
    assert_eq!(company.label_plural, "Companies");
    assert_eq!(company.description.as_deref(), Some("A company"));
    assert_eq!(company.icon.as_deref(), Some("IconBuildingSkyscraper"));
    assert_eq!(company.label_identifier, "name");
    assert_eq!(company.search_fields, ["name", "domainName"]);
    assert!(!company.is_system);
    assert!(company.is_audit_logged);
    assert!(!company.is_custom);

    let person = Person::metadata();
    assert!(person.is_system);
    assert!(!person.is_audit_logged);
    assert_eq!(person.label_identifier, "id");
    assert!(person.search_fields.is_empty());
    assert_eq!(person.description, None);
}

#[test]
fn fields_keep_declaration_order_and_take_camel_case_names() {
    let names: Vec<String> = Company::metadata()
        .fields
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(
        names,
        [
            "name",
            "domainName",
            "idealCustomerProfile",
            "stage",
            "employees",
            "foundedAt",
            "tags",
            "annualRecurringRevenue",
            "score",
            "xLink",
            "people"
        ]
    );
}

#[test]
fn no_system_fields_are_declared() {
    assert!(Company::metadata().field("createdAt").is_none());
    assert!(Company::metadata().fields.iter().all(|f| !f.is_system));
}

#[test]
fn rust_types_give_field_types_and_option_gives_nullability() {
    let company = Company::metadata();
    let shape = |name: &str| {
        let field = company.field(name).unwrap();
        (field.field_type, field.is_nullable)
    };
    assert_eq!(shape("name"), (FieldType::Text, true));
    assert_eq!(shape("domainName"), (FieldType::Links, true));
    assert_eq!(shape("idealCustomerProfile"), (FieldType::Boolean, false));
    assert_eq!(shape("stage"), (FieldType::Select, false));
    assert_eq!(shape("employees"), (FieldType::Number, true));
    assert_eq!(shape("foundedAt"), (FieldType::DateTime, false));
    assert_eq!(shape("tags"), (FieldType::Array, true));
    assert_eq!(shape("annualRecurringRevenue"), (FieldType::Currency, true));
    assert_eq!(
        shape("score"),
        (FieldType::Rating, true),
        "type = overrides"
    );
    assert_eq!(shape("xLink"), (FieldType::Links, true));
    assert_eq!(
        Person::metadata().field("name").unwrap().field_type,
        FieldType::FullName
    );
}

#[test]
fn field_attributes_set_labels_flags_and_texts() {
    let company = Company::metadata();
    let name = company.field("name").unwrap();
    assert_eq!(name.id, uuid("20202020-0000-4000-8000-000000000101"));
    assert_eq!(name.label, "Name");
    assert_eq!(name.icon.as_deref(), Some("IconBuilding"));
    assert!(!name.is_unique && !name.is_indexed);

    let domain = company.field("domainName").unwrap();
    assert!(domain.is_unique);
    assert_eq!(domain.description.as_deref(), Some("The company website"));
    assert!(company.field("stage").unwrap().is_indexed);
}

#[test]
fn defaults_become_default_values() {
    let company = Company::metadata();
    let default = |name: &str| company.field(name).unwrap().default.clone();
    assert_eq!(default("name"), None);
    assert_eq!(
        default("idealCustomerProfile"),
        Some(DefaultValue::Value(json!(false)))
    );
    assert_eq!(default("stage"), Some(DefaultValue::Value(json!("NEW"))));
    assert_eq!(default("employees"), Some(DefaultValue::Value(json!(-7))));
    assert_eq!(default("foundedAt"), Some(DefaultValue::Now));
    assert_eq!(
        default("tags"),
        Some(DefaultValue::Value(json!(["a", "b"])))
    );
    assert_eq!(
        default("annualRecurringRevenue"),
        Some(DefaultValue::Value(
            json!({"amountMicros": null, "currencyCode": "USD"})
        ))
    );
}

#[test]
fn select_options_are_positioned_in_declaration_order() {
    let company = Company::metadata();
    assert_eq!(
        company.field("stage").unwrap().options,
        [
            SelectOption {
                id: uuid("20202020-0000-4000-8000-000000001041"),
                value: "NEW".to_owned(),
                label: "New".to_owned(),
                color: "red".to_owned(),
                position: 0,
            },
            SelectOption {
                id: uuid("20202020-0000-4000-8000-000000001042"),
                value: "SCREENING".to_owned(),
                label: "Screening".to_owned(),
                color: "purple".to_owned(),
                position: 1,
            },
        ]
    );
}

#[test]
fn one_to_many_targets_the_other_entity() {
    let people = Company::metadata().field("people").unwrap().clone();
    assert_eq!(people.field_type, FieldType::Relation);
    assert_eq!(
        people.relation,
        Some(Relation {
            kind: RelationKind::OneToMany,
            target: "person".to_owned(),
            inverse: "company".to_owned(),
            on_delete: None,
        })
    );
}

#[test]
fn many_to_one_has_on_delete_and_option_decides_nullability() {
    let person = Person::metadata();
    let company = person.field("company").unwrap();
    assert!(!company.is_nullable);
    assert_eq!(
        company.relation,
        Some(Relation {
            kind: RelationKind::ManyToOne,
            target: "company".to_owned(),
            inverse: "people".to_owned(),
            on_delete: Some(OnDelete::Cascade),
        })
    );
    assert_eq!(company.join_column().as_deref(), Some("companyId"));

    let employer = person.field("employer").unwrap();
    assert!(employer.is_nullable);
    assert_eq!(
        employer.relation.as_ref().and_then(|r| r.on_delete),
        Some(OnDelete::SetNull),
        "SET_NULL is the default"
    );
}

#[test]
fn declared_objects_form_a_valid_schema() {
    // Two many-to-one fields point at `company.people`, whose inverse is `company`:
    // keep only the one it names, as a real schema would.
    let mut person = Person::metadata();
    person.fields.retain(|f| f.name != "employer");
    let schema = Schema::new(vec![Company::metadata(), person]).unwrap();
    let company = schema.object("company").unwrap();
    assert!(company.field("createdAt").is_some(), "system fields added");
    assert!(company.field("searchVector").is_some(), "searchable");
}
