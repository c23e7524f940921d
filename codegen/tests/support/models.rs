//! Versions of the CRM fixture, one per kind of change the migration planner handles.
//! Each mutator edits a list of objects; `build` validates the result.
// One signature for every mutator (some push or retain), so `&mut Vec` throughout.
#![allow(clippy::ptr_arg)]

use serde_json::json;
use twenty_codegen::model::{DefaultValue, Field, FieldType, Object, OnDelete, Schema};
use twenty_codegen::testing::{self, id};

pub fn build(objects: Vec<Object>) -> Schema {
    Schema::new(objects).unwrap_or_else(|e| panic!("{e}"))
}

/// The fixture with `change` applied.
pub fn changed(from: &Schema, change: fn(&mut Vec<Object>)) -> Schema {
    let mut objects = from.objects.clone();
    change(&mut objects);
    build(objects)
}

pub fn crm() -> Schema {
    testing::crm()
}

fn object<'a>(objects: &'a mut [Object], name: &str) -> &'a mut Object {
    objects
        .iter_mut()
        .find(|o| o.name_singular == name)
        .unwrap_or_else(|| panic!("no object {name}"))
}

fn field<'a>(object: &'a mut Object, name: &str) -> &'a mut Field {
    object
        .fields
        .iter_mut()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// company.website (nullable text) and company.foundedAt (required, defaults to now: a
/// non-constant default SQLite cannot ADD COLUMN with).
pub fn add_fields(objects: &mut Vec<Object>) {
    let company = object(objects, "company");
    company
        .fields
        .push(Field::new(id(108), "website", FieldType::Text, "Website"));
    company.fields.push(
        Field::new(id(109), "foundedAt", FieldType::DateTime, "Founded at")
            .required()
            .with_default(DefaultValue::Now),
    );
}

/// company.code: required, no default.
pub fn add_required_field_without_default(objects: &mut Vec<Object>) {
    object(objects, "company")
        .fields
        .push(Field::new(id(110), "code", FieldType::Text, "Code").required());
}

/// person.jobTitle → role, person.name → fullName (a searched composite),
/// company.domainName → website (a unique, searched composite).
pub fn rename_fields(objects: &mut Vec<Object>) {
    let person = object(objects, "person");
    field(person, "jobTitle").name = "role".to_owned();
    field(person, "name").name = "fullName".to_owned();
    person.label_identifier = "fullName".to_owned();
    person.search_fields = vec!["fullName".to_owned(), "emails".to_owned()];
    person.duplicate_criteria[0] = vec![
        "fullName.firstName".to_owned(),
        "fullName.lastName".to_owned(),
    ];
    let company = object(objects, "company");
    field(company, "domainName").name = "site".to_owned();
    company.search_fields = vec!["name".to_owned(), "site".to_owned()];
    company.duplicate_criteria[1] = vec!["site.primaryLinkUrl".to_owned()];
}

/// company → organization (relations to it follow the new name).
pub fn rename_object(objects: &mut Vec<Object>) {
    let company = object(objects, "company");
    company.name_singular = "organization".to_owned();
    company.name_plural = "organizations".to_owned();
    for object in objects.iter_mut() {
        for field in &mut object.fields {
            if let Some(relation) = field.relation.as_mut()
                && relation.target == "company"
            {
                relation.target = "organization".to_owned();
            }
        }
    }
}

/// company.employees becomes required with a default, company.name gets a default,
/// company.idealCustomerProfile becomes nullable.
pub fn alter_columns(objects: &mut Vec<Object>) {
    let company = object(objects, "company");
    let employees = field(company, "employees");
    employees.is_nullable = false;
    employees.default = Some(DefaultValue::Value(json!(1)));
    field(company, "name").default = Some(DefaultValue::Value(json!("Unnamed")));
    field(company, "idealCustomerProfile").is_nullable = true;
}

/// company.tier SMALL → MEDIUM (same option id, default follows), ENTERPRISE added;
/// person.interests SPORT → SPORTS.
pub fn rename_options(objects: &mut Vec<Object>) {
    let company = object(objects, "company");
    let tier = field(company, "tier");
    tier.options[0].value = "MEDIUM".to_owned();
    tier.default = Some(DefaultValue::Value(json!("MEDIUM")));
    *tier = tier
        .clone()
        .with_options(&[(id(1053), "ENTERPRISE", "Enterprise", "blue")]);
    let person = object(objects, "person");
    field(person, "interests").options[0].value = "SPORTS".to_owned();
}

/// company.tier loses LARGE; person.interests loses MUSIC.
pub fn remove_options(objects: &mut Vec<Object>) {
    let company = object(objects, "company");
    field(company, "tier")
        .options
        .retain(|o| o.value != "LARGE");
    let person = object(objects, "person");
    field(person, "interests")
        .options
        .retain(|o| o.value != "MUSIC");
}

/// person.jobTitle gets an index and joins the search; company.name becomes unique,
/// company.domainName stops being unique.
pub fn change_indexes(objects: &mut Vec<Object>) {
    let person = object(objects, "person");
    field(person, "jobTitle").is_indexed = true;
    person.search_fields.push("jobTitle".to_owned());
    let company = object(objects, "company");
    field(company, "name").is_unique = true;
    field(company, "domainName").is_unique = false;
}

/// person.tags and the person → company relation (both sides) are dropped.
pub fn drop_fields(objects: &mut Vec<Object>) {
    let person = object(objects, "person");
    person
        .fields
        .retain(|f| f.name != "tags" && f.name != "company");
    object(objects, "company")
        .fields
        .retain(|f| f.name != "people");
}

/// The person object is dropped (and company's side of the relation).
pub fn drop_object(objects: &mut Vec<Object>) {
    objects.retain(|o| o.name_singular != "person");
    object(objects, "company")
        .fields
        .retain(|f| f.name != "people");
}

/// A new searchable custom object `deal` (table `_deal`) pointing at company, and a new
/// company.mainDeal pointing back: the two foreign keys form a cycle.
pub fn add_object(objects: &mut Vec<Object>) {
    let mut deal = Object::new(id(3), "deal", "deals", "Deal", "Deals")
        .with_field(Field::new(id(301), "name", FieldType::Text, "Name"))
        .with_field(
            Field::new(id(302), "stage", FieldType::Select, "Stage")
                .with_options(&[
                    (id(3021), "NEW", "New", "red"),
                    (id(3022), "WON", "Won", "green"),
                ])
                .indexed(),
        )
        .with_field(Field::new(id(303), "amount", FieldType::Currency, "Amount"))
        .with_field(Field::many_to_one(
            id(304),
            "company",
            "Company",
            "company",
            "deals",
            OnDelete::Cascade,
        ))
        .with_field(Field::one_to_many(
            id(305),
            "mainFor",
            "Main deal of",
            "company",
            "mainDeal",
        ));
    deal.is_custom = true;
    deal.label_identifier = "name".to_owned();
    deal.search_fields = vec!["name".to_owned()];
    let company = object(objects, "company");
    company.fields.push(Field::one_to_many(
        id(111),
        "deals",
        "Deals",
        "deal",
        "company",
    ));
    company.fields.push(Field::many_to_one(
        id(112),
        "mainDeal",
        "Main deal",
        "deal",
        "mainFor",
        OnDelete::SetNull,
    ));
    objects.push(deal);
}

/// person.company: ON DELETE SET NULL → CASCADE (the relation becomes required).
pub fn cascade_person_company(objects: &mut Vec<Object>) {
    let person = object(objects, "person");
    let company = field(person, "company");
    company.is_nullable = false;
    if let Some(relation) = company.relation.as_mut() {
        relation.on_delete = Some(OnDelete::Cascade);
    }
}

/// The versions the "migrations in order equal a fresh install" test walks through.
pub fn history() -> Vec<Schema> {
    let v1 = crm();
    let v2 = changed(&v1, add_fields);
    let v3 = changed(&v2, rename_fields);
    let v4 = changed(&v3, add_object);
    let v5 = changed(&v4, rename_options);
    let v6 = changed(&v5, rename_object);
    vec![v1, v2, v3, v4, v5, v6]
}
