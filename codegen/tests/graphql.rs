//! The GraphQL emitter: the fixture's SDL, its names and arguments, name collisions,
//! validation by graphql-js, and the resolver seam the server plugs into.

use async_graphql::Value;
use async_graphql::dynamic::{FieldFuture, FieldValue};
use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use twenty_codegen::emit::graphql::{
    self, GraphqlError, NoResolvers, Operation, Resolver, Resolvers,
};
use twenty_codegen::model::{DefaultValue, Field, FieldType, Object, Schema};
use twenty_codegen::testing::{self, id};

fn crm_sdl() -> String {
    graphql::sdl(&testing::crm()).expect("the fixture has a GraphQL schema")
}

/// The member lines of `head` (`type Company`, `input StringFilter`, …), trimmed.
fn block(sdl: &str, head: &str) -> Vec<String> {
    let start = format!("{head} {{");
    let mut lines = sdl.lines().skip_while(|l| *l != start);
    assert!(lines.next().is_some(), "`{head}` is not in the SDL");
    lines
        .take_while(|l| *l != "}")
        .map(|l| l.trim().to_owned())
        .collect()
}

/// The names of the members of `head`.
fn members(sdl: &str, head: &str) -> Vec<String> {
    block(sdl, head)
        .iter()
        .map(|l| l.split([':', '(']).next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn the_crm_fixture_sdl() {
    insta::assert_snapshot!("crm_sdl", crm_sdl());
}

#[test]
fn the_sdl_has_no_header_lf_endings_and_one_trailing_newline() {
    let sdl = crm_sdl();
    // The header is `cargo xtask codegen`'s, not the emitter's.
    assert!(sdl.starts_with("type "), "{}", &sdl[..40]);
    assert!(!sdl.contains('\r'));
    assert!(!sdl.contains('\t'));
    assert!(sdl.ends_with("}\n") && !sdl.ends_with("\n\n"));
}

#[test]
fn two_runs_give_the_same_sdl() {
    assert_eq!(crm_sdl(), crm_sdl());
}

#[test]
fn a_schema_with_real_resolvers_prints_the_same_sdl() {
    let served = graphql::build(&testing::crm(), FixedRecord).unwrap();
    assert_eq!(graphql::print(&served), crm_sdl());
}

#[test]
fn types_are_sorted_by_name() {
    let sdl = crm_sdl();
    let names: Vec<&str> = sdl
        .lines()
        .filter_map(|l| {
            let mut words = l.split(' ');
            match words.next() {
                Some("type" | "input" | "enum" | "scalar") => words.next(),
                _ => None,
            }
        })
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
}

#[test]
fn queries_list_and_find_one_record() {
    assert_eq!(
        block(&crm_sdl(), "type Query"),
        [
            "currentWorkspace: Workspace!",
            "search(searchInput: String!, limit: Int!, after: String, excludedObjectNameSingulars: [String!], includedObjectNameSingulars: [String!], filter: ObjectRecordFilterInput): SearchResultConnection!",
            "companies(filter: CompanyFilterInput, orderBy: [CompanyOrderByInput], first: Int, last: Int, before: String, after: String): CompanyConnection!",
            "company(filter: CompanyFilterInput!): Company",
            "companiesGroupBy(groupBy: [CompanyGroupByInput!]!, filter: CompanyFilterInput, orderBy: [CompanyOrderByWithGroupByInput!], orderByForRecords: [CompanyOrderByInput!], limit: Int, offsetForRecords: Int): [CompanyGroupByConnection!]!",
            "companyDuplicates(ids: [UUID!], data: [CompanyCreateInput!]): [CompanyConnection!]!",
            "people(filter: PersonFilterInput, orderBy: [PersonOrderByInput], first: Int, last: Int, before: String, after: String): PersonConnection!",
            "person(filter: PersonFilterInput!): Person",
            "peopleGroupBy(groupBy: [PersonGroupByInput!]!, filter: PersonFilterInput, orderBy: [PersonOrderByWithGroupByInput!], orderByForRecords: [PersonOrderByInput!], limit: Int, offsetForRecords: Int): [PersonGroupByConnection!]!",
            "personDuplicates(ids: [UUID!], data: [PersonCreateInput!]): [PersonConnection!]!",
        ]
    );
}

#[test]
fn mutations_have_twentys_names_arguments_and_return_types() {
    let mutations = block(&crm_sdl(), "type Mutation");
    assert_eq!(
        mutations[..10],
        [
            "createCompany(data: CompanyCreateInput!, upsert: Boolean): Company",
            "createCompanies(data: [CompanyCreateInput!]!, upsert: Boolean): [Company!]",
            "updateCompany(id: UUID!, data: CompanyUpdateInput!): Company",
            "updateCompanies(filter: CompanyFilterInput!, data: CompanyUpdateInput!): [Company!]",
            "deleteCompany(id: UUID!): Company",
            "deleteCompanies(filter: CompanyFilterInput!): [Company!]",
            "destroyCompany(id: UUID!): Company",
            "destroyCompanies(filter: CompanyFilterInput!): [Company!]",
            "restoreCompany(id: UUID!): Company",
            "restoreCompanies(filter: CompanyFilterInput!): [Company!]",
        ]
    );
    assert_eq!(mutations.len(), 22);
    assert!(
        mutations.contains(
            &"mergeCompanies(ids: [UUID!]!, conflictPriorityIndex: Int!, dryRun: Boolean): Company"
                .to_owned()
        )
    );
    assert!(mutations.contains(
        &"createPeople(data: [PersonCreateInput!]!, upsert: Boolean): [Person!]".to_owned()
    ));
}

#[test]
fn relations_are_a_record_plus_its_key_or_a_connection() {
    let sdl = crm_sdl();
    let person = block(&sdl, "type Person");
    assert!(person.contains(&"companyId: UUID".to_owned()));
    assert!(person.contains(&"company: Company".to_owned()));
    let company = block(&sdl, "type Company");
    assert!(company.contains(&"people(filter: PersonFilterInput, orderBy: [PersonOrderByInput], first: Int, last: Int, before: String, after: String): PersonConnection!".to_owned()));
}

#[test]
fn record_fields_map_types_and_nullability() {
    let company = block(&crm_sdl(), "type Company");
    for line in [
        "id: UUID!",
        "name: String",
        "domainName: Links",
        "employees: Float",
        "idealCustomerProfile: Boolean!",
        "tier: CompanyTierEnum!",
        "annualRecurringRevenue: Currency",
        "createdAt: DateTime!",
        "deletedAt: DateTime",
        "position: Position!",
        "createdBy: Actor!",
        "searchVector: TSVector",
    ] {
        assert!(company.contains(&line.to_owned()), "{line} in {company:#?}");
    }
    let person = block(&crm_sdl(), "type Person");
    assert!(person.contains(&"interests: [PersonInterestsEnum!]".to_owned()));
    assert!(person.contains(&"tags: [String!]".to_owned()));
    assert_eq!(
        members(&crm_sdl(), "enum CompanyTierEnum"),
        ["SMALL", "LARGE"]
    );
}

#[test]
fn connections_edges_and_page_info_have_twentys_shape() {
    let sdl = crm_sdl();
    let connection = block(&sdl, "type CompanyConnection");
    assert_eq!(
        connection[..3],
        [
            "edges: [CompanyEdge!]!",
            "pageInfo: PageInfo!",
            "totalCount: Int!"
        ]
    );
    // Then Twenty's aggregates, from the model's table.
    for aggregate in [
        "sumEmployees: Float",
        "countEmptyName: Int",
        "percentageEmptyName: Float",
        "minCreatedAt: DateTime",
        "countTrueIdealCustomerProfile: Int",
    ] {
        assert!(connection.contains(&aggregate.to_owned()), "{aggregate}");
    }
    assert_eq!(
        block(&sdl, "type CompanyGroupByConnection")[..4],
        [
            "groupByDimensionValues: [JSON]!",
            "totalCount: Int!",
            "edges: [CompanyEdge!]!",
            "pageInfo: PageInfo!"
        ]
    );
    assert_eq!(
        block(&sdl, "type CompanyEdge"),
        ["node: Company!", "cursor: String!"]
    );
    assert_eq!(
        block(&sdl, "type PageInfo"),
        [
            "hasNextPage: Boolean!",
            "hasPreviousPage: Boolean!",
            "startCursor: String",
            "endCursor: String"
        ]
    );
}

#[test]
fn filter_inputs_have_logic_and_one_filter_per_filterable_field() {
    assert_eq!(
        block(&crm_sdl(), "input PersonFilterInput"),
        [
            "and: [PersonFilterInput!]",
            "or: [PersonFilterInput!]",
            "not: PersonFilterInput",
            "id: UUIDFilter",
            "name: FullNameFilter",
            "emails: EmailsFilter",
            "jobTitle: StringFilter",
            "birthday: DateFilter",
            "interests: PersonInterestsEnumListFilter",
            "tags: ArrayFilter",
            "company: CompanyFilterInput",
            "companyId: UUIDFilter",
            "createdAt: DateTimeFilter",
            "updatedAt: DateTimeFilter",
            "deletedAt: DateTimeFilter",
            "position: FloatFilter",
            "createdBy: ActorFilter",
            "updatedBy: ActorFilter",
        ]
    );
    // A one-to-many relation by some / none of its records; the search vector not at all.
    let sdl = crm_sdl();
    let company = block(&sdl, "input CompanyFilterInput");
    assert!(company.contains(&"people: PersonRelationFilter".to_owned()));
    assert!(!company.iter().any(|l| l.starts_with("searchVector")));
    assert_eq!(
        block(&sdl, "input PersonRelationFilter"),
        ["some: PersonFilterInput", "none: PersonFilterInput"]
    );
}

#[test]
fn filters_have_exactly_the_operators_the_engine_implements() {
    let sdl = crm_sdl();
    let ops = |head: &str| members(&sdl, head).join(" ");
    assert_eq!(
        ops("input StringFilter"),
        "eq neq gt gte lt lte in like ilike startsWith endsWith is"
    );
    assert_eq!(ops("input UUIDFilter"), "eq neq in is");
    assert_eq!(ops("input FloatFilter"), "eq neq gt gte lt lte in is");
    assert_eq!(ops("input BigFloatFilter"), "eq neq gt gte lt lte in is");
    assert_eq!(ops("input DateFilter"), "eq neq gt gte lt lte in is");
    assert_eq!(ops("input DateTimeFilter"), "eq neq gt gte lt lte in is");
    assert_eq!(ops("input BooleanFilter"), "eq neq is");
    assert_eq!(ops("input CompanyTierEnumFilter"), "eq neq in is");
    assert_eq!(ops("input PersonInterestsEnumListFilter"), "containsAny is");
    assert_eq!(ops("input ArrayFilter"), "containsAny is");
    assert_eq!(ops("input RawJsonFilter"), "is");
    assert_eq!(ops("enum FilterIs"), "NULL NOT_NULL");
    assert_eq!(
        block(&sdl, "input FullNameFilter"),
        ["firstName: StringFilter", "lastName: StringFilter"]
    );
    assert_eq!(
        block(&sdl, "input CurrencyFilter"),
        ["amountMicros: BigFloatFilter", "currencyCode: StringFilter"]
    );
    assert!(
        block(&sdl, "input CompanyTierEnumFilter").contains(&"in: [CompanyTierEnum!]".to_owned())
    );
}

#[test]
fn order_by_inputs_cover_orderable_fields_and_composites() {
    let sdl = crm_sdl();
    let person = block(&sdl, "input PersonOrderByInput");
    assert!(person.contains(&"name: FullNameOrderByInput".to_owned()));
    assert!(person.contains(&"companyId: OrderByDirection".to_owned()));
    // A many-to-one relation orders by its record's fields.
    assert!(person.contains(&"company: CompanyOrderByInput".to_owned()));
    let names = members(&sdl, "input PersonOrderByInput");
    for unorderable in ["tags", "interests", "searchVector"] {
        assert!(!names.contains(&unorderable.to_owned()), "{unorderable}");
    }
    assert_eq!(
        members(&sdl, "enum OrderByDirection"),
        [
            "AscNullsFirst",
            "AscNullsLast",
            "DescNullsFirst",
            "DescNullsLast"
        ]
    );
    assert_eq!(
        members(&sdl, "input LinksOrderByInput"),
        ["primaryLinkLabel", "primaryLinkUrl"]
    );
}

/// The fixture plus a `project` with a required field without default.
fn with_project() -> Schema {
    let project = Object::new(id(9), "project", "projects", "Project", "Projects")
        .with_field(Field::new(id(901), "code", FieldType::Text, "Code").required())
        .with_field(
            Field::new(id(902), "score", FieldType::Rating, "Score")
                .required()
                .with_default(DefaultValue::Value(json!("RATING_3"))),
        )
        .with_field(Field::new(id(903), "owner", FieldType::FullName, "Owner").required());
    Schema::new(vec![testing::company(), testing::person(), project]).unwrap()
}

#[test]
fn create_inputs_require_non_null_fields_without_default() {
    let sdl = graphql::sdl(&with_project()).unwrap();
    assert_eq!(
        block(&sdl, "input ProjectCreateInput"),
        [
            "id: UUID",
            "code: String!",
            "score: ProjectScoreEnum",
            // Optional as in every other input: no sub-field of a full name is required.
            "owner: FullNameCreateInput",
            "position: Position",
            "createdBy: ActorCreateInput"
        ]
    );
    assert_eq!(
        block(&sdl, "input ProjectUpdateInput"),
        [
            "code: String",
            "score: ProjectScoreEnum",
            "owner: FullNameUpdateInput",
            "position: Position"
        ]
    );
    assert_eq!(
        members(&sdl, "enum ProjectScoreEnum"),
        ["RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5"]
    );
}

#[test]
fn write_inputs_take_foreign_keys_and_skip_read_only_fields() {
    let sdl = crm_sdl();
    let create = members(&sdl, "input PersonCreateInput");
    assert_eq!(
        create,
        [
            "id",
            "name",
            "emails",
            "jobTitle",
            "birthday",
            "interests",
            "tags",
            "companyId",
            "position",
            "createdBy"
        ]
    );
    assert_eq!(
        members(&sdl, "input ActorCreateInput"),
        ["source", "context"]
    );
}

#[test]
fn model_descriptions_are_printed_and_escaped() {
    let mut company = testing::company();
    company.description = Some("Organisations we sell to.".into());
    company.fields[1].description = Some("Says \"\"\"hi\"\"\"\r\nand\u{7} more".into());
    let schema = Schema::new(vec![company, testing::person()]).unwrap();
    let sdl = graphql::sdl(&schema).unwrap();
    assert!(sdl.contains("\"\"\"\nOrganisations we sell to.\n\"\"\"\ntype Company {"));
    assert!(
        sdl.contains(
            "  \"\"\"\n  Says \\\"\"\"hi\\\"\"\"\n  and more\n  \"\"\"\n  domainName: Links\n"
        ),
        "{sdl}"
    );
    expect_graphql_js(&sdl, true);
}

#[test]
fn two_objects_deriving_the_same_enum_name_are_an_error_naming_both() {
    let options = [(id(71), "ONE", "One", "red")];
    let a = Object::new(id(7), "deal", "deals", "Deal", "Deals").with_field(
        Field::new(id(701), "stageKind", FieldType::Select, "S").with_options(&options),
    );
    let b = Object::new(
        id(8),
        "dealStage",
        "dealStages",
        "Deal stage",
        "Deal stages",
    )
    .with_field(
        Field::new(id(801), "kind", FieldType::Select, "K").with_options(&[(
            id(81),
            "ONE",
            "One",
            "red",
        )]),
    );
    let schema = Schema::new(vec![a, b]).expect("the model itself is valid");
    let err = graphql::sdl(&schema).unwrap_err();
    assert_eq!(
        err,
        GraphqlError::DuplicateType {
            name: "DealStageKindEnum".into(),
            first: "field `deal.stageKind`".into(),
            second: "field `dealStage.kind`".into(),
        }
    );
    assert!(err.to_string().contains("rename one of them"));
}

#[test]
fn an_object_named_like_a_composite_type_is_an_error_naming_both() {
    // The model reserves these names; the emitter does not rely on it.
    let mut schema = testing::crm();
    schema.objects[0].name_singular = "fullName".into();
    schema.objects[0].name_plural = "fullNames".into();
    let err = graphql::build(&schema, NoResolvers).unwrap_err();
    assert_eq!(
        err,
        GraphqlError::DuplicateType {
            name: "FullName".into(),
            first: "composite type FULL_NAME".into(),
            second: "object `fullName`".into(),
        }
    );
}

#[test]
fn a_root_field_produced_twice_is_an_error() {
    let mut schema = testing::crm();
    // `person` is also the plural: `person` the list and `person` the record collide.
    schema.objects[1].name_plural = "person".into();
    let err = graphql::build(&schema, NoResolvers).unwrap_err();
    assert!(
        matches!(&err, GraphqlError::DuplicateField { type_name, field, .. } if type_name == "Query" && field == "person"),
        "{err}"
    );
}

// --- validation by graphql-js -------------------------------------------------------

/// Runs `check-graphql.mjs` on `sdl`; `None` when node or its modules are missing
/// (a failure when `CI=true`).
fn graphql_js(sdl: &str) -> Option<std::process::Output> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/spec-check"));
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let skip = |why: String| {
        assert!(!ci, "graphql-js check unavailable on CI: {why}");
        eprintln!("skipped: {why}");
        None
    };
    if !dir.join("node_modules/graphql").is_dir() {
        return skip(format!(
            "{}/node_modules is missing (run `npm ci --prefix tools/spec-check`)",
            dir.display()
        ));
    }
    // Unique per process and call: `cargo test` runs these tests on parallel threads.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let file = std::env::temp_dir().join(format!(
        "twenty-graphql-{}-{}.graphql",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&file, sdl).unwrap();
    let output = Command::new("node")
        .arg(dir.join("check-graphql.mjs"))
        .arg(&file)
        .output();
    let _ = std::fs::remove_file(&file);
    match output {
        Ok(output) => Some(output),
        Err(e) => skip(format!("node could not be run: {e}")),
    }
}

fn expect_graphql_js(sdl: &str, valid: bool) {
    if let Some(output) = graphql_js(sdl) {
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(output.status.success(), valid, "graphql-js said: {report}");
    }
}

#[test]
fn graphql_js_accepts_the_crm_sdl() {
    expect_graphql_js(&crm_sdl(), true);
    expect_graphql_js(&graphql::sdl(&with_project()).unwrap(), true);
}

#[test]
fn graphql_js_rejects_an_invalid_sdl() {
    let broken = crm_sdl().replace("node: Company!", "node: Compan!");
    expect_graphql_js(&broken, false);
}

// --- the resolver seam ----------------------------------------------------------------

/// Answers `company` and `companies` with one fixed record; the rest is unresolved.
struct FixedRecord;

fn acme() -> Value {
    Value::from_json(json!({
        "id": "00000000-0000-4000-8000-00000000000a",
        "name": "Acme",
        "tier": "LARGE",
        "domainName": { "primaryLinkUrl": "https://acme.test" },
    }))
    .unwrap()
}

impl Resolvers for FixedRecord {
    fn root(&self, _object: &Object, operation: Operation) -> Resolver {
        Box::new(move |_ctx| {
            let value = match operation {
                Operation::FindOne => Some(acme()),
                Operation::FindMany => Some(
                    Value::from_json(json!({
                        "totalCount": 1,
                        "edges": [{ "cursor": "c1", "node": acme().into_json().unwrap() }],
                        "pageInfo": { "hasNextPage": false, "hasPreviousPage": false },
                    }))
                    .unwrap(),
                ),
                _ => None,
            };
            FieldFuture::Value(value.map(FieldValue::value))
        })
    }

    fn relation(&self, _object: &Object, _field: &Field) -> Resolver {
        Box::new(|_ctx| FieldFuture::Value(None))
    }
}

#[tokio::test]
async fn a_query_is_answered_by_the_plugged_in_resolvers() {
    let schema = graphql::build(&testing::crm(), FixedRecord).unwrap();
    let response = schema
        .execute(
            r#"{
              company(filter: { name: { eq: "Acme" } }) { id name tier domainName { primaryLinkUrl } }
              companies(first: 10) { totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } }
            }"#,
        )
        .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    assert_eq!(
        response.data.into_json().unwrap(),
        json!({
            "company": {
                "id": "00000000-0000-4000-8000-00000000000a",
                "name": "Acme",
                "tier": "LARGE",
                "domainName": { "primaryLinkUrl": "https://acme.test" },
            },
            "companies": {
                "totalCount": 1,
                "edges": [{ "cursor": "c1", "node": { "name": "Acme" } }],
                "pageInfo": { "hasNextPage": false, "endCursor": null },
            },
        })
    );
}

#[tokio::test]
async fn arguments_are_validated_against_the_schema() {
    let schema = graphql::build(&testing::crm(), FixedRecord).unwrap();
    for query in [
        r#"{ company(filter: { id: { eq: "not-a-uuid" } }) { id } }"#,
        r#"{ company(filter: { name: { regex: "A.*" } }) { id } }"#,
        r#"{ company(filter: { tier: { eq: HUGE } }) { id } }"#,
    ] {
        let response = schema.execute(query).await;
        assert!(!response.errors.is_empty(), "{query} was accepted");
    }
}

#[tokio::test]
async fn a_schema_built_with_no_resolvers_says_so_when_queried() {
    let schema = graphql::build(&testing::crm(), NoResolvers).unwrap();
    let response = schema.execute("{ person(filter: {}) { id } }").await;
    let message = &response.errors[0].message;
    assert!(message.contains("`person` has no resolver"), "{message}");
}

#[test]
fn a_schema_without_objects_is_refused_rather_than_printed_invalid() {
    let err = graphql::sdl(&Schema::new(vec![]).unwrap()).unwrap_err();
    assert!(
        // `Query` has `currentWorkspace`; `Mutation` has nothing without objects.
        matches!(&err, GraphqlError::Schema(m) if m.contains("Mutation")),
        "{err}"
    );
}
