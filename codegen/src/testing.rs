//! Small fixture models for the tests of every emitter (and of the server later).
//! Test support only: nothing in the compiler itself may depend on it.

use crate::model::{DefaultValue, Field, FieldType, Object, OnDelete, Schema, Uuid};
use serde_json::json;

/// A deterministic id for fixtures: `id(7)` is `00000000-0000-4000-8000-000000000007`.
pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0000 | n)
}

/// The fixture `company` object: scalars, a unique composite, a select, a one-to-many.
pub fn company() -> Object {
    let mut company = Object::new(id(1), "company", "companies", "Company", "Companies")
        .with_field(Field::new(id(101), "name", FieldType::Text, "Name"))
        .with_field(Field::new(id(102), "domainName", FieldType::Links, "Domain Name").unique())
        .with_field(Field::new(
            id(103),
            "employees",
            FieldType::Number,
            "Employees",
        ))
        .with_field(
            Field::new(id(104), "idealCustomerProfile", FieldType::Boolean, "ICP")
                .required()
                .with_default(DefaultValue::Value(json!(false))),
        )
        .with_field(
            Field::new(id(105), "tier", FieldType::Select, "Tier")
                .required()
                .with_default(DefaultValue::Value(json!("SMALL")))
                .with_options(&[
                    (id(1051), "SMALL", "Small", "green"),
                    (id(1052), "LARGE", "Large", "purple"),
                ])
                .indexed(),
        )
        .with_field(Field::new(
            id(106),
            "annualRecurringRevenue",
            FieldType::Currency,
            "ARR",
        ))
        .with_field(Field::one_to_many(
            id(107),
            "people",
            "People",
            "person",
            "company",
        ));
    company.label_identifier = "name".to_owned();
    company.search_fields = vec!["name".to_owned(), "domainName".to_owned()];
    company.duplicate_criteria = vec![
        vec!["name".to_owned()],
        vec!["domainName.primaryLinkUrl".to_owned()],
    ];
    company.icon = Some("IconBuildingSkyscraper".to_owned());
    company
}

/// The fixture `person` object: composites, a multi-select, an array, a many-to-one.
pub fn person() -> Object {
    let mut person = Object::new(id(2), "person", "people", "Person", "People")
        .with_field(Field::new(id(201), "name", FieldType::FullName, "Name"))
        .with_field(Field::new(id(202), "emails", FieldType::Emails, "Emails").unique())
        .with_field(Field::new(
            id(203),
            "jobTitle",
            FieldType::Text,
            "Job Title",
        ))
        .with_field(Field::new(id(204), "birthday", FieldType::Date, "Birthday"))
        .with_field(
            Field::new(id(205), "interests", FieldType::MultiSelect, "Interests").with_options(&[
                (id(2051), "SPORT", "Sport", "blue"),
                (id(2052), "MUSIC", "Music", "pink"),
            ]),
        )
        .with_field(Field::new(id(206), "tags", FieldType::Array, "Tags"))
        .with_field(Field::many_to_one(
            id(207),
            "company",
            "Company",
            "company",
            "people",
            OnDelete::SetNull,
        ));
    person.label_identifier = "name".to_owned();
    person.search_fields = vec!["name".to_owned(), "emails".to_owned()];
    person.duplicate_criteria = vec![
        vec!["name.firstName".to_owned(), "name.lastName".to_owned()],
        vec!["emails.primaryEmail".to_owned()],
    ];
    person
}

/// The two-object CRM fixture (company ← person).
pub fn crm() -> Schema {
    Schema::new(vec![company(), person()]).expect("the fixture schema is valid")
}
