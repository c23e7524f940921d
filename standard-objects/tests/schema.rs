//! Specification of the standard schema: it validates, it holds exactly Twenty's 18
//! classic objects, and the facts clients rely on (uniques, options, relations) hold.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use twenty_codegen::model::{
    DefaultValue, Field, FieldType, Object, OnDelete, RelationKind, SYSTEM_FIELD_NAMES, Schema,
    Uuid,
};

fn object<'s>(schema: &'s Schema, name: &str) -> &'s Object {
    schema
        .object(name)
        .unwrap_or_else(|| panic!("no object `{name}`"))
}

fn field<'s>(schema: &'s Schema, object_name: &str, field_name: &str) -> &'s Field {
    object(schema, object_name)
        .field(field_name)
        .unwrap_or_else(|| panic!("no field `{object_name}.{field_name}`"))
}

/// The constant default of a field, when it is a string (`'NEW'`, …).
fn string_default(field: &Field) -> Option<&str> {
    match &field.default {
        Some(DefaultValue::Value(v)) => v.as_str(),
        _ => None,
    }
}

#[test]
fn the_standard_objects_validate() {
    if let Err(errors) = Schema::new(twenty_standard_objects::objects()) {
        panic!("{errors}");
    }
}

#[test]
fn the_schema_has_exactly_the_eighteen_classic_objects_with_twentys_ids() {
    let schema = twenty_standard_objects::schema();
    let actual: Vec<(&str, &str, String)> = schema
        .objects
        .iter()
        .map(|o| {
            (
                o.name_singular.as_str(),
                o.name_plural.as_str(),
                o.id.to_string(),
            )
        })
        .collect();
    let expected = [
        (
            "company",
            "companies",
            "20202020-b374-4779-a561-80086cb2e17f",
        ),
        ("person", "people", "20202020-e674-48e5-a542-72570eee7213"),
        (
            "opportunity",
            "opportunities",
            "20202020-9549-49dd-b2b2-883999db8938",
        ),
        ("note", "notes", "20202020-0b00-45cd-b6f6-6cd806fc6804"),
        ("task", "tasks", "20202020-1ba1-48ba-bc83-ef7e5990ed10"),
        (
            "noteTarget",
            "noteTargets",
            "20202020-fff0-4b44-be82-bda313884400",
        ),
        (
            "taskTarget",
            "taskTargets",
            "20202020-5a9a-44e8-95df-771cd06d0fb1",
        ),
        (
            "attachment",
            "attachments",
            "20202020-bd3d-4c60-8dca-571c71d4447a",
        ),
        (
            "favorite",
            "favorites",
            "20202020-ab56-4e05-92a3-e2414a499860",
        ),
        (
            "timelineActivity",
            "timelineActivities",
            "20202020-6736-4337-b5c4-8b39fae325a5",
        ),
        (
            "workspaceMember",
            "workspaceMembers",
            "20202020-3319-4234-a34c-82d5c0e881a6",
        ),
        (
            "connectedAccount",
            "connectedAccounts",
            "20202020-977e-46b2-890b-c3002ddfd5c5",
        ),
        (
            "message",
            "messages",
            "20202020-3f6b-4425-80ab-e468899ab4b2",
        ),
        (
            "messageThread",
            "messageThreads",
            "20202020-849a-4c3e-84f5-a25a7d802271",
        ),
        (
            "messageParticipant",
            "messageParticipants",
            "20202020-a433-4456-aa2d-fd9cb26b774a",
        ),
        (
            "calendarEvent",
            "calendarEvents",
            "20202020-8f1d-4eef-9f85-0d1965e27221",
        ),
        (
            "calendarEventParticipant",
            "calendarEventParticipants",
            "20202020-a1c3-47a6-9732-27e5b1e8436d",
        ),
        (
            "workflow",
            "workflows",
            "20202020-62be-406c-b9ca-8caa50d51392",
        ),
    ];
    let expected: Vec<(&str, &str, String)> = expected
        .iter()
        .map(|(s, p, id)| (*s, *p, (*id).to_owned()))
        .collect();
    assert_eq!(actual, expected);
}

#[test]
fn declarations_leave_system_fields_to_the_schema() {
    for object in twenty_standard_objects::objects() {
        for field in &object.fields {
            assert!(
                !SYSTEM_FIELD_NAMES.contains(&field.name.as_str()),
                "{}.{} is a system field and must not be declared",
                object.name_singular,
                field.name
            );
        }
    }
    let schema = twenty_standard_objects::schema();
    let favorite_position = field(&schema, "favorite", "position");
    assert!(favorite_position.is_system);
    assert_eq!(favorite_position.field_type, FieldType::Position);
}

#[test]
fn company_domain_name_is_a_unique_links_field() {
    let schema = twenty_standard_objects::schema();
    let domain = field(&schema, "company", "domainName");
    assert_eq!(domain.field_type, FieldType::Links);
    assert!(domain.is_unique && domain.is_nullable);
    let unique: Vec<Vec<String>> = object(&schema, "company")
        .indexes()
        .into_iter()
        .filter(|i| i.unique)
        .map(|i| i.columns)
        .collect();
    assert_eq!(unique, vec![vec!["domainNamePrimaryLinkUrl".to_owned()]]);
}

#[test]
fn person_emails_is_unique_on_the_primary_email() {
    let schema = twenty_standard_objects::schema();
    let emails = field(&schema, "person", "emails");
    assert_eq!(emails.field_type, FieldType::Emails);
    assert!(emails.is_unique);
    let unique: Vec<Vec<String>> = object(&schema, "person")
        .indexes()
        .into_iter()
        .filter(|i| i.unique)
        .map(|i| i.columns)
        .collect();
    assert_eq!(unique, vec![vec!["emailsPrimaryEmail".to_owned()]]);
}

#[test]
fn workspace_member_user_email_is_unique() {
    let schema = twenty_standard_objects::schema();
    let email = field(&schema, "workspaceMember", "userEmail");
    assert_eq!(email.field_type, FieldType::Text);
    assert!(email.is_unique);
}

fn options(field: &Field) -> Vec<(&str, &str, &str, u32)> {
    field
        .options
        .iter()
        .map(|o| {
            (
                o.value.as_str(),
                o.label.as_str(),
                o.color.as_str(),
                o.position,
            )
        })
        .collect()
}

#[test]
fn opportunity_stage_is_a_required_indexed_select_defaulting_to_new() {
    let schema = twenty_standard_objects::schema();
    let stage = field(&schema, "opportunity", "stage");
    assert_eq!(stage.field_type, FieldType::Select);
    assert!(!stage.is_nullable);
    assert!(stage.is_indexed);
    assert_eq!(string_default(stage), Some("NEW"));
    assert_eq!(
        options(stage),
        vec![
            ("NEW", "New", "red", 0),
            ("SCREENING", "Screening", "purple", 1),
            ("MEETING", "Meeting", "sky", 2),
            ("PROPOSAL", "Proposal", "turquoise", 3),
            ("CUSTOMER", "Customer", "yellow", 4),
        ]
    );
}

#[test]
fn task_status_is_a_nullable_select_defaulting_to_todo() {
    let schema = twenty_standard_objects::schema();
    let status = field(&schema, "task", "status");
    assert_eq!(status.field_type, FieldType::Select);
    assert!(status.is_nullable);
    assert_eq!(string_default(status), Some("TODO"));
    assert_eq!(
        options(status),
        vec![
            ("TODO", "To do", "sky", 0),
            ("IN_PROGRESS", "In progress", "purple", 1),
            ("DONE", "Done", "green", 2),
        ]
    );
}

#[test]
fn person_company_is_many_to_one_set_null_with_inverse_company_people() {
    let schema = twenty_standard_objects::schema();
    let company = field(&schema, "person", "company");
    let relation = company.relation.as_ref().expect("a relation");
    assert_eq!(relation.kind, RelationKind::ManyToOne);
    assert_eq!(relation.target, "company");
    assert_eq!(relation.inverse, "people");
    assert_eq!(relation.on_delete, Some(OnDelete::SetNull));
    assert_eq!(company.join_column().as_deref(), Some("companyId"));

    let people = field(&schema, "company", "people");
    let inverse = people.relation.as_ref().expect("a relation");
    assert_eq!(inverse.kind, RelationKind::OneToMany);
    assert_eq!(inverse.target, "person");
    assert_eq!(inverse.inverse, "company");
}

#[test]
fn note_target_foreign_keys_cascade() {
    let schema = twenty_standard_objects::schema();
    let note_target = object(&schema, "noteTarget");
    let fks: Vec<(String, String, OnDelete)> = note_target
        .columns(&schema)
        .into_iter()
        .filter_map(|c| c.references.map(|r| (c.name, r.table, r.on_delete)))
        .collect();
    assert_eq!(
        fks,
        vec![
            ("noteId".to_owned(), "note".to_owned(), OnDelete::Cascade),
            (
                "personId".to_owned(),
                "person".to_owned(),
                OnDelete::Cascade
            ),
            (
                "companyId".to_owned(),
                "company".to_owned(),
                OnDelete::Cascade
            ),
            (
                "opportunityId".to_owned(),
                "opportunity".to_owned(),
                OnDelete::Cascade
            ),
        ]
    );
}

#[test]
fn participants_require_their_message_or_event() {
    let schema = twenty_standard_objects::schema();
    for (object_name, field_name) in [
        ("messageParticipant", "message"),
        ("calendarEventParticipant", "calendarEvent"),
        ("connectedAccount", "accountOwner"),
    ] {
        let f = field(&schema, object_name, field_name);
        assert!(!f.is_nullable, "{object_name}.{field_name} is required");
        let relation = f.relation.as_ref().expect("a relation");
        assert_eq!(relation.on_delete, Some(OnDelete::Cascade));
    }
}

#[test]
fn searchable_objects_and_their_search_fields() {
    let schema = twenty_standard_objects::schema();
    let searchable: Vec<(&str, Vec<&str>)> = schema
        .objects
        .iter()
        .filter(|o| o.is_searchable())
        .map(|o| {
            (
                o.name_singular.as_str(),
                o.search_fields.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        searchable,
        vec![
            ("company", vec!["name", "domainName"]),
            ("person", vec!["name", "emails", "phones", "jobTitle"]),
            ("opportunity", vec!["name"]),
            ("note", vec!["title", "bodyV2"]),
            ("task", vec!["title", "bodyV2"]),
            ("attachment", vec!["name"]),
            ("timelineActivity", vec!["linkedRecordCachedName"]),
            ("workspaceMember", vec!["name", "userEmail"]),
            ("message", vec!["subject"]),
            ("messageThread", vec!["subject"]),
            ("calendarEvent", vec!["title"]),
            ("workflow", vec!["name"]),
        ]
    );
    for object in &schema.objects {
        assert_eq!(
            object.field("searchVector").is_some(),
            object.is_searchable(),
            "{} has a search vector exactly when it is searchable",
            object.name_singular
        );
    }
}

#[test]
fn only_the_crm_core_objects_are_not_system_objects() {
    let schema = twenty_standard_objects::schema();
    let visible: BTreeSet<&str> = schema
        .objects
        .iter()
        .filter(|o| !o.is_system)
        .map(|o| o.name_singular.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        "company",
        "person",
        "opportunity",
        "note",
        "task",
        "workflow",
    ]
    .into_iter()
    .collect();
    assert_eq!(visible, expected);
    let not_audit_logged: BTreeSet<&str> = schema
        .objects
        .iter()
        .filter(|o| !o.is_audit_logged)
        .map(|o| o.name_singular.as_str())
        .collect();
    assert_eq!(
        not_audit_logged,
        ["message", "timelineActivity"].into_iter().collect()
    );
}

#[test]
fn label_identifiers_follow_the_reference() {
    let schema = twenty_standard_objects::schema();
    let actual: Vec<(&str, &str)> = schema
        .objects
        .iter()
        .map(|o| (o.name_singular.as_str(), o.label_identifier.as_str()))
        .collect();
    assert_eq!(
        actual,
        vec![
            ("company", "name"),
            ("person", "name"),
            ("opportunity", "name"),
            ("note", "title"),
            ("task", "title"),
            ("noteTarget", "id"),
            ("taskTarget", "id"),
            ("attachment", "name"),
            ("favorite", "id"),
            ("timelineActivity", "linkedRecordCachedName"),
            ("workspaceMember", "name"),
            ("connectedAccount", "handle"),
            ("message", "subject"),
            ("messageThread", "subject"),
            ("messageParticipant", "handle"),
            ("calendarEvent", "title"),
            ("calendarEventParticipant", "handle"),
            ("workflow", "name"),
        ]
    );
}

#[test]
fn fields_carry_their_icons_and_descriptions() {
    let schema = twenty_standard_objects::schema();
    let domain = field(&schema, "company", "domainName");
    assert_eq!(domain.icon.as_deref(), Some("IconLink"));
    assert!(
        domain
            .description
            .as_deref()
            .is_some_and(|d| d.contains("website"))
    );
    let account_owner = field(&schema, "company", "accountOwner");
    assert_eq!(account_owner.icon.as_deref(), Some("IconUserCircle"));
    let company = object(&schema, "company");
    assert_eq!(company.icon.as_deref(), Some("IconBuildingSkyscraper"));
    assert_eq!(company.description.as_deref(), Some("A company"));
}

fn shown(default: &Option<DefaultValue>) -> String {
    match default {
        None => String::new(),
        Some(DefaultValue::Now) => " default=now".to_owned(),
        Some(DefaultValue::Uuid) => " default=uuid".to_owned(),
        Some(DefaultValue::Value(v)) => format!(" default={v}"),
    }
}

/// One block per object, one line per field: what a reviewer needs to see change.
fn summary(schema: &Schema) -> String {
    let mut out = String::new();
    for o in &schema.objects {
        let _ = writeln!(
            out,
            "{} ({}) \"{}\"/\"{}\" icon={} labelIdentifier={}{}{}{}",
            o.name_singular,
            o.name_plural,
            o.label_singular,
            o.label_plural,
            o.icon.as_deref().unwrap_or("-"),
            o.label_identifier,
            if o.is_system { " system" } else { "" },
            if o.is_audit_logged {
                ""
            } else {
                " not-audit-logged"
            },
            if o.is_searchable() {
                format!(" search=[{}]", o.search_fields.join(", "))
            } else {
                String::new()
            },
        );
        for f in &o.fields {
            let mut line = format!(
                "  {} {} {}",
                f.name,
                f.field_type,
                if f.is_nullable { "null" } else { "not-null" }
            );
            line.push_str(&shown(&f.default));
            if f.is_unique {
                line.push_str(" unique");
            }
            if f.is_indexed {
                line.push_str(" indexed");
            }
            if f.is_system {
                line.push_str(" system");
            }
            if let Some(r) = &f.relation {
                match r.kind {
                    RelationKind::ManyToOne => {
                        let on_delete = r.on_delete.map_or("-", |d| d.sql());
                        let _ = write!(
                            line,
                            " -> {}.{} ({on_delete}, {})",
                            r.target,
                            r.inverse,
                            f.join_column().unwrap_or_default()
                        );
                    }
                    RelationKind::OneToMany => {
                        let _ = write!(line, " <- {}.{}", r.target, r.inverse);
                    }
                }
            }
            if !f.options.is_empty() {
                let opts: Vec<String> = f
                    .options
                    .iter()
                    .map(|o| format!("{}:{}:{}", o.value, o.label, o.color))
                    .collect();
                let _ = write!(line, " [{}]", opts.join(", "));
            }
            let _ = writeln!(out, "{line} \"{}\"", f.label);
        }
    }
    out
}

#[test]
fn standard_objects_summary() {
    insta::assert_snapshot!(summary(&twenty_standard_objects::schema()));
}

/// Ids are the identity of fields and options across renames: they must never change.
/// This snapshot makes any change to one visible in review.
#[test]
fn standard_field_and_option_ids_are_stable() {
    let mut out = String::new();
    let mut seen: BTreeSet<Uuid> = BTreeSet::new();
    for o in twenty_standard_objects::objects() {
        for f in &o.fields {
            assert!(seen.insert(f.id), "duplicate id {}", f.id);
            let _ = writeln!(out, "{}.{} {}", o.name_singular, f.name, f.id);
            for opt in &f.options {
                assert!(seen.insert(opt.id), "duplicate id {}", opt.id);
                let _ = writeln!(
                    out,
                    "{}.{}:{} {}",
                    o.name_singular, f.name, opt.value, opt.id
                );
            }
        }
    }
    insta::assert_snapshot!(out);
}
