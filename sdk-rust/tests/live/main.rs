//! The scenario with the SDK against the real twenty-server, on SQLite and on
//! Postgres — the same as the TypeScript SDK's: create a company and its people, filter
//! (nested or / and on composite sub-fields), order, page through 250 records with the
//! stream, update and clear fields, soft delete and restore, typed errors, and the README's
//! example as written. Under CI=true nothing may be skipped.

mod server;

use futures_util::TryStreamExt;
use server::{Backend, LiveServer};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use twenty_sdk::filters::{
    company, connected_account, opportunity, person, timeline_activity, workflow,
};
use twenty_sdk::{
    ActorSource, Address, Client, Company, CompanyCreate, Depth, Direction, Emails, Error, Filter,
    FullName, Links, Object, OpportunityStage, Patch, Person, PersonCreate, PersonOrderField,
    PersonUpdate, WorkflowStatuses,
};
use twenty_sdk::{OpportunityCreate, OpportunityOrderField, OpportunityUpdate};
use uuid::Uuid;

/// What the README's example prints (its comments say so too).
const README_OUTPUT: &str =
    "2 [\"Lovelace\", \"Hopper\"]\nSome(\"Admiral\") None\n2\n400 INVALID_VALUE\n";

fn skip_or_fail(backend: Backend) -> bool {
    match server::unavailable(backend) {
        None => false,
        Some(why) if server::ci() => {
            panic!("CI=true and the live {backend:?} leg cannot run: {why}")
        }
        Some(why) => {
            println!("skipped: {why}");
            true
        }
    }
}

fn expect_api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> Error {
    match result {
        Err(error @ Error::Api(_)) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn person(
    first: &str,
    last: &str,
    email: Option<&str>,
    city: Option<&str>,
    company: Option<Uuid>,
) -> PersonCreate {
    PersonCreate {
        name: Some(FullName {
            first_name: Some(first.into()),
            last_name: Some(last.into()),
        }),
        emails: email.map(|e| Emails {
            primary_email: Some(e.into()),
            ..Default::default()
        }),
        city: city.map(Into::into),
        company_id: company,
        ..Default::default()
    }
}

fn last_names(people: &[Person]) -> Vec<String> {
    people
        .iter()
        .map(|p| p.name.last_name.clone().unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_on_sqlite() {
    if skip_or_fail(Backend::Sqlite) {
        return;
    }
    scenario(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_on_postgres() {
    if skip_or_fail(Backend::Postgres) {
        return;
    }
    scenario(Backend::Postgres).await;
}

async fn scenario(backend: Backend) {
    let server = LiveServer::start(backend).await;
    let client = Client::new(&server.url).unwrap().api_key(&server.api_key);

    readme_example(&server).await;
    let (acme, people) = create_company_and_people(&client).await;
    filter_nested(&client, &acme).await;
    order_by_several_keys(&client, &acme).await;
    page_through_250(&client).await;
    update_and_clear(&client, &people).await;
    soft_delete_and_restore(&client, &people).await;
    bad_input(&client).await;
    comparators_are_accepted(&client).await;
    select_values_are_enums(&client, &acme).await;
    select_fields(&client, &acme).await;
    graphql(&server, &client, &acme).await;
    keys(&server, &acme).await;
}

/// `select` asks the server for some fields only and reads them into the caller's type.
async fn select_fields(client: &Client, acme: &Company) {
    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct NameOnly {
        id: Uuid,
        name: Option<String>,
    }
    let one: NameOnly = client
        .companies()
        .find_one(acme.id)
        .select(&["name"])
        .await
        .expect("one record, two fields");
    assert_eq!(one.id, acme.id);
    assert_eq!(one.name, acme.name);
    let page = client
        .companies()
        .find_many()
        .limit(2)
        .select::<NameOnly>(&["name"])
        .await
        .expect("a page of two fields");
    assert!(!page.records.is_empty());
}

/// The raw GraphQL call reads the records REST wrote, and its errors are typed.
async fn graphql(server: &LiveServer, client: &Client, acme: &Company) {
    let data = client
        .graphql(
            "query($id: UUID!) { company(filter: {id: {eq: $id}}) { id name } }",
            Some(serde_json::json!({ "id": acme.id })),
        )
        .await
        .unwrap();
    assert_eq!(data["company"]["id"], acme.id.to_string());
    assert_eq!(data["company"]["name"], serde_json::json!(acme.name));

    let bad = expect_api_error(client.graphql("{ companies { nope } }", None).await);
    assert_eq!(bad.code(), Some("INVALID_QUERY"), "{bad}");
    assert_eq!(
        bad.error_code(),
        Some(twenty_sdk::ErrorCode::InvalidQuery),
        "{bad}"
    );
    let twenty_sdk::Error::Api(api) = &bad else {
        panic!("{bad}")
    };
    assert_eq!(
        api.graphql_code.as_deref(),
        Some("GRAPHQL_VALIDATION_FAILED")
    );
    assert!(bad.messages()[0].contains("nope"), "{bad}");

    let read_only = Client::new(&server.url)
        .unwrap()
        .api_key(&server.read_only_key);
    let forbidden = expect_api_error(
        read_only
            .graphql(
                "mutation { createCompany(data: {name: \"Nope\"}) { id } }",
                None,
            )
            .await,
    );
    assert_eq!(forbidden.code(), Some("FORBIDDEN"), "{forbidden}");

    let anonymous = Client::new(&server.url).unwrap();
    let unauthenticated = expect_api_error(
        anonymous
            .graphql("{ companies { totalCount } }", None)
            .await,
    );
    assert_eq!(unauthenticated.status(), Some(401));
    assert_eq!(
        unauthenticated.code(),
        Some("UNAUTHENTICATED"),
        "{unauthenticated}"
    );
}

/// The README's example (`examples/readme.rs`, the same text) runs as written.
async fn readme_example(server: &LiveServer) {
    let example = server::target_file(&format!("examples/readme{}", std::env::consts::EXE_SUFFIX))
        .expect("the README example is built by cargo test");
    let out = tokio::process::Command::new(example)
        .env("TWENTY_URL", &server.url)
        .env("TWENTY_API_KEY", &server.api_key)
        .output()
        .await
        .expect("run the example");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), README_OUTPUT);
}

async fn create_company_and_people(client: &Client) -> (Company, Vec<Person>) {
    let acme = client
        .companies()
        .create(CompanyCreate {
            name: Some("Acme".into()),
            domain_name: Some(Links {
                primary_link_url: Some("https://acme.test".into()),
                ..Default::default()
            }),
            employees: Some(120.0),
            address: Some(Address {
                address_city: Some("Lyon".into()),
                address_country: Some("France".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(acme.name.as_deref(), Some("Acme"));
    assert_eq!(
        acme.domain_name.primary_link_url.as_deref(),
        Some("https://acme.test")
    );
    assert_eq!(acme.address.address_city.as_deref(), Some("Lyon"));
    assert_eq!(acme.employees, Some(120.0));
    let people = client
        .people()
        .create_many(vec![
            person(
                "Ada",
                "Lovelace",
                Some("ada@acme.test"),
                Some("London"),
                Some(acme.id),
            ),
            person(
                "Grace",
                "Hopper",
                Some("grace@navy.test"),
                Some("Arlington"),
                Some(acme.id),
            ),
            person(
                "Alan",
                "Turing",
                Some("alan@acme.test"),
                Some("Manchester"),
                Some(acme.id),
            ),
            person(
                "Ada",
                "Byron",
                Some("byron@other.test"),
                Some("Paris"),
                Some(acme.id),
            ),
        ])
        .await
        .unwrap();
    assert_eq!(people.len(), 4);
    assert!(people.iter().all(|p| p.company_id == Some(acme.id)));
    let with_people = client
        .companies()
        .find_one(acme.id)
        .depth(Depth::One)
        .await
        .unwrap();
    let mut related: Vec<Uuid> = with_people
        .people
        .unwrap_or_default()
        .iter()
        .map(|p| p.id)
        .collect();
    let mut created: Vec<Uuid> = people.iter().map(|p| p.id).collect();
    related.sort();
    created.sort();
    assert_eq!(related, created);
    let own = client
        .people()
        .find_one(people[0].id)
        .depth(Depth::Zero)
        .await
        .unwrap();
    assert!(own.company.is_none());
    assert_eq!(own.name.first_name.as_deref(), Some("Ada"));
    (acme, people)
}

async fn filter_nested(client: &Client, acme: &Company) {
    let filter = person::company_id().eq(acme.id).and(Filter::any([
        person::name()
            .first_name()
            .eq("Ada")
            .and(person::emails().primary_email().ends_with("@acme.test")),
        person::name().last_name().ilike("%HOPP%"),
        (!person::city().is_in(["London", "Arlington", "Paris"]))
            .and(person::name().first_name().starts_with("Al")),
    ]));
    let page = client
        .people()
        .find_many()
        .filter(filter)
        .order_by(PersonOrderField::NameLastName, Direction::DescNullsLast)
        .depth(Depth::Zero)
        .await
        .unwrap();
    assert_eq!(last_names(&page.records), ["Turing", "Lovelace", "Hopper"]);
    assert_eq!(page.total_count, 3);
}

async fn order_by_several_keys(client: &Client, acme: &Company) {
    let page = client
        .people()
        .find_many()
        .filter(person::company_id().eq(acme.id))
        .order_by(PersonOrderField::NameFirstName, Direction::AscNullsFirst)
        .order_by(PersonOrderField::City, Direction::DescNullsLast)
        .await
        .unwrap();
    let seen: Vec<String> = page
        .records
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p.name.first_name.as_deref().unwrap_or_default(),
                p.city.as_deref().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            "Ada Paris",
            "Ada London",
            "Alan Manchester",
            "Grace Arlington"
        ]
    );
}

async fn page_through_250(client: &Client) {
    let mut created = Vec::new();
    for batch in 0..5 {
        let records = client
            .people()
            .create_many(
                (0..50)
                    .map(|i| PersonCreate {
                        name: Some(FullName {
                            first_name: Some("Bulk".into()),
                            last_name: Some(format!("P{:03}", batch * 50 + i)),
                        }),
                        job_title: Some("bulk".into()),
                        // Ties on the sort key: the id tiebreaker must keep pages stable.
                        city: Some(format!("City {}", i % 7)),
                        ..Default::default()
                    })
                    .collect(),
            )
            .await
            .unwrap();
        created.extend(records.iter().map(|r| r.id));
    }
    assert_eq!(created.iter().collect::<HashSet<_>>().len(), 250);
    let seen: Vec<Person> = client
        .people()
        .find_many()
        .filter(person::job_title().eq("bulk"))
        .order_by(PersonOrderField::City, Direction::AscNullsFirst)
        .limit(33)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let mut seen: Vec<Uuid> = seen.iter().map(|p| p.id).collect();
    assert_eq!(seen.len(), 250);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 250);
    seen.sort();
    created.sort();
    assert_eq!(seen, created);
    let first = client
        .people()
        .find_many()
        .filter(person::job_title().eq("bulk"))
        .limit(10)
        .await
        .unwrap();
    assert_eq!(first.total_count, 250);
    assert_eq!(first.records.len(), 10);
    assert!(first.page_info.has_next_page);
}

async fn update_and_clear(client: &Client, people: &[Person]) {
    let ada = &people[0];
    let updated = client
        .people()
        .update(
            ada.id,
            &PersonUpdate {
                job_title: Patch::Set("Analyst".into()),
                city: Patch::Null,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.job_title.as_deref(), Some("Analyst"));
    assert_eq!(updated.city, None);
    let read = client.people().find_one(ada.id).await.unwrap();
    assert_eq!(read.job_title.as_deref(), Some("Analyst"));
    assert_eq!(read.city, None);
    assert_eq!(
        read.name.last_name.as_deref(),
        Some("Lovelace"),
        "fields not sent are left as they are"
    );
    let mut many = client
        .people()
        .update_many(
            &person::job_title()
                .eq("bulk")
                .and(person::name().last_name().is_in(["P000", "P001"])),
            &PersonUpdate {
                job_title: Patch::Set("bulk-updated".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    many.sort_by(|a, b| a.name.last_name.cmp(&b.name.last_name));
    assert_eq!(last_names(&many), ["P000", "P001"]);
    assert!(
        many.iter().all(|p| p.city.is_some()),
        "unset fields are not cleared"
    );
}

async fn soft_delete_and_restore(client: &Client, people: &[Person]) {
    let grace = &people[1];
    let deleted = client.people().delete(grace.id).await.unwrap();
    assert_eq!(deleted.id, grace.id);
    let gone = expect_api_error(client.people().find_one(grace.id).await);
    assert_eq!(gone.status(), Some(404));
    assert_eq!(gone.code(), Some("NOT_FOUND"));
    let trash = client
        .people()
        .find_many()
        .filter(person::deleted_at().is_not_null())
        .await
        .unwrap();
    assert_eq!(
        trash.records.iter().map(|p| p.id).collect::<Vec<_>>(),
        [grace.id]
    );
    let restored = client.people().restore(grace.id).await.unwrap();
    assert_eq!(restored.deleted_at, None);
    let back = client.people().find_one(grace.id).await.unwrap();
    assert_eq!(back.name.first_name.as_deref(), Some("Grace"));
    let destroyed = client.people().destroy(people[3].id).await.unwrap();
    assert_eq!(destroyed.id, people[3].id);
    let gone = expect_api_error(client.people().find_one(people[3].id).await);
    assert_eq!(gone.status(), Some(404));
}

async fn bad_input(client: &Client) {
    let bad_value = expect_api_error(
        client
            .people()
            .find_many()
            .filter(person::created_at().gt("not a date"))
            .await,
    );
    assert_eq!(bad_value.status(), Some(400));
    assert!(
        bad_value.messages().join(" ").contains("createdAt"),
        "{bad_value}"
    );
    let too_many = expect_api_error(client.people().find_many().limit(500).await);
    assert_eq!(too_many.status(), Some(400));
    // A value the grammar cannot carry is refused before sending.
    let not_finite = client
        .companies()
        .find_many()
        .filter(twenty_sdk::filters::company::employees().gt(f64::NAN))
        .await;
    assert!(
        matches!(not_finite, Err(Error::InvalidInput(_))),
        "{not_finite:?}"
    );
}

async fn keys(server: &LiveServer, acme: &Company) {
    let read_only = Client::new(&server.url)
        .unwrap()
        .api_key(&server.read_only_key);
    assert_eq!(
        read_only
            .people()
            .find_many()
            .limit(1)
            .await
            .unwrap()
            .records
            .len(),
        1
    );
    let forbidden = expect_api_error(
        read_only
            .companies()
            .create(CompanyCreate {
                name: Some("Nope".into()),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(forbidden.status(), Some(403));
    assert_eq!(forbidden.code(), Some("FORBIDDEN"));

    let key = server.create_key("to revoke");
    let soon_revoked = Client::new(&server.url).unwrap().api_key(&key.secret);
    assert_eq!(
        soon_revoked.companies().find_one(acme.id).await.unwrap().id,
        acme.id
    );
    server.revoke_key(&key.id);
    // Revoked by another process (the CLI): the server may trust its 2 s key cache until then.
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && soon_revoked.companies().find_one(acme.id).await.is_ok() {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let revoked = expect_api_error(soon_revoked.companies().find_one(acme.id).await);
    assert_eq!(revoked.status(), Some(401));
    assert_eq!(revoked.code(), Some("UNAUTHENTICATED"));
}

/// Sends each filter and expects the server to accept it (a 2xx page).
async fn accepted<O: Object + std::fmt::Debug>(client: &Client, filters: Vec<Filter<O>>) {
    for filter in filters {
        let text = filter.to_query().unwrap();
        let result = client
            .object::<O>()
            .find_many()
            .filter(filter)
            .limit(1)
            .depth(Depth::Zero)
            .await;
        assert!(
            result.is_ok(),
            "{} refused `{text}`: {:?}",
            O::NAME_PLURAL,
            result.err()
        );
    }
}

/// Every comparator the typed fields offer, one field (or sub-field) of each kind of value
/// (the TypeScript SDK's comparator cases): the server accepts them all.
async fn comparators_are_accepted(client: &Client) {
    let id = Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0000);
    let uuid = |f: twenty_sdk::filter::UuidField<Company>| {
        vec![
            f.eq(id),
            f.neq(id),
            f.is_in([id]),
            f.is_null(),
            f.is_not_null(),
        ]
    };
    let text = |f: twenty_sdk::filter::TextField<Company>| {
        vec![
            f.eq("x"),
            f.neq("x"),
            f.is_in(["x"]),
            f.is_null(),
            f.is_not_null(),
            f.gt("x"),
            f.gte("x"),
            f.lt("x"),
            f.lte("x"),
            f.starts_with("x"),
            f.ends_with("x"),
            f.like("%x%"),
            f.ilike("%x%"),
        ]
    };
    let number = |f: twenty_sdk::filter::NumberField<Company>| {
        vec![
            f.eq(1),
            f.neq(1),
            f.is_in([1]),
            f.is_null(),
            f.gt(1),
            f.gte(1),
            f.lt(1),
            f.lte(1.5),
        ]
    };
    accepted(client, uuid(company::id())).await;
    accepted(client, uuid(company::account_owner_id())).await;
    accepted(client, uuid(company::created_by().workspace_member_id())).await;
    accepted(client, text(company::name())).await;
    accepted(client, text(company::domain_name().primary_link_label())).await;
    accepted(client, number(company::employees())).await;
    accepted(
        client,
        number(company::annual_recurring_revenue().amount_micros()),
    )
    .await;
    let json = company::domain_name().secondary_links();
    accepted(client, vec![json.is_null(), json.is_not_null()]).await;
    let boolean = company::ideal_customer_profile();
    accepted(
        client,
        vec![boolean.eq(true), boolean.neq(false), boolean.is_null()],
    )
    .await;
    let at = company::created_at();
    let t = "2025-01-01T00:00:00.000Z";
    accepted(
        client,
        vec![
            at.eq(t),
            at.neq(t),
            at.is_in([t]),
            at.is_null(),
            at.gt(t),
            at.gte(t),
            at.lt(t),
            at.lte(t),
        ],
    )
    .await;
    let source = company::created_by().source();
    accepted(
        client,
        vec![
            source.eq(ActorSource::Email),
            source.neq(ActorSource::Email),
            source.is_in([ActorSource::Email]),
            source.is_null(),
        ],
    )
    .await;
    let stage = opportunity::stage();
    accepted(
        client,
        vec![
            stage.eq(OpportunityStage::New),
            stage.neq(OpportunityStage::New),
            stage.is_in([OpportunityStage::New]),
            stage.is_not_null(),
        ],
    )
    .await;
    let properties = timeline_activity::properties();
    accepted(client, vec![properties.is_null(), properties.is_not_null()]).await;
    let scopes = connected_account::scopes();
    accepted(client, vec![scopes.contains_any(["x"]), scopes.is_null()]).await;
    let statuses = workflow::statuses();
    accepted(
        client,
        vec![
            statuses.contains_any([WorkflowStatuses::Draft]),
            statuses.is_not_null(),
        ],
    )
    .await;
}

/// A select field's values are an enum both ways: written, read back, filtered on.
async fn select_values_are_enums(client: &Client, acme: &Company) {
    let deal = client
        .opportunities()
        .create(OpportunityCreate {
            name: Some("Big deal".into()),
            stage: Some(OpportunityStage::Meeting),
            company_id: Some(acme.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(deal.stage, OpportunityStage::Meeting);
    let updated = client
        .opportunities()
        .update(
            deal.id,
            &OpportunityUpdate {
                stage: Some(OpportunityStage::Proposal),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.stage, OpportunityStage::Proposal);
    let page = client
        .opportunities()
        .find_many()
        .filter(
            opportunity::stage().is_in([OpportunityStage::Proposal, OpportunityStage::Customer]),
        )
        .order_by(OpportunityOrderField::Stage, Direction::AscNullsFirst)
        .await
        .unwrap();
    assert_eq!(
        page.records.iter().map(|o| o.id).collect::<Vec<_>>(),
        [deal.id]
    );
    let none = client
        .opportunities()
        .find_many()
        .filter(opportunity::stage().eq(OpportunityStage::Meeting))
        .await
        .unwrap();
    assert_eq!(none.total_count, 0);
}
