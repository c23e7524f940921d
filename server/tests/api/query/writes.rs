//! The write engine's operations on both backends: create (one, batch, upsert), update,
//! soft delete, destroy and restore; server-set fields; caps; all-or-nothing batches.

use crate::query::support::{Db, schema};
use serde_json::{Map, Value, json};
use twenty_server::query::{
    Actor, Comparator, Filter, MAX_MUTATION_RECORDS, Query, QueryError, Selector, create, delete,
    destroy, find_many, find_one, restore, update,
};

pub fn actor() -> Actor {
    Actor::api_key("Zapier key", "6f1c2a4e-0000-4000-8000-000000000001")
}

/// A JSON object literal as an input record.
pub fn rec(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// Records of `object`, soft-deleted ones included when asked.
pub async fn all(db: &Db, object: &str, with_deleted: bool) -> Vec<Value> {
    let mut q = Query::new(object);
    q.with_deleted = with_deleted;
    q.page.first = Some(200);
    find_many(db.target(), &schema(), &q)
        .await
        .expect("list")
        .records
}

/// A new workspace member (a user of its own), e.g. to own a connected account.
pub async fn create_member(db: &Db) -> Value {
    create_one(
        db,
        "workspaceMember",
        json!({"userId": uuid::Uuid::new_v4().to_string()}),
    )
    .await
    .expect("member")
}

pub async fn create_one(db: &Db, object: &str, record: Value) -> Result<Value, QueryError> {
    create(
        db.target(),
        &schema(),
        object,
        vec![rec(record)],
        false,
        &actor(),
    )
    .await
    .map(|mut v| v.remove(0))
}

fn id_of(record: &Value) -> uuid::Uuid {
    uuid::Uuid::parse_str(record["id"].as_str().expect("an id")).expect("a uuid")
}

async fn create_sets_server_fields(db: Db) {
    let s = schema();
    let created = create_one(
        &db,
        "company",
        json!({
            "name": "Acme",
            "employees": 100,
            "domainName": {"primaryLinkUrl": "https://acme.com"},
            "address": {"addressCity": "Paris"},
            "annualRecurringRevenue": {"amountMicros": 1_500_000, "currencyCode": "EUR"},
        }),
    )
    .await
    .expect("create");
    let id = id_of(&created);
    assert_eq!(id.get_version_num(), 4);
    assert_eq!(created["name"], json!("Acme"));
    assert_eq!(created["employees"], json!(100));
    assert_eq!(created["address"]["addressCity"], json!("Paris"));
    assert_eq!(created["address"]["addressStreet1"], Value::Null);
    assert_eq!(
        created["annualRecurringRevenue"],
        json!({"amountMicros": 1_500_000, "currencyCode": "EUR"})
    );
    assert_eq!(
        created["idealCustomerProfile"],
        json!(false),
        "column default"
    );
    let created_by =
        json!({"source": "API", "name": "Zapier key", "workspaceMemberId": null, "context": {}});
    assert_eq!(created["createdBy"], created_by);
    assert_eq!(created["updatedBy"], created_by);
    assert_eq!(created["createdAt"], created["updatedAt"]);
    assert!(created["createdAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(created["deletedAt"], Value::Null);
    assert!(created["position"].is_number());
    let read = find_one(db.target(), &s, "company", &id.to_string(), 0, None)
        .await
        .expect("find")
        .expect("found");
    assert_eq!(read, created, "returned record = find_one at depth 0");
}

async fn create_keeps_a_given_id_and_position(db: Db) {
    let given = "7d9b7c0e-1111-4222-8333-444455556666";
    let created = create_one(
        &db,
        "company",
        json!({"id": given.to_uppercase(), "name": "X", "position": 3.5}),
    )
    .await
    .expect("create");
    assert_eq!(created["id"], json!(given));
    assert_eq!(created["position"], json!(3.5));
    let again = create_one(&db, "company", json!({"id": given, "name": "Y"}))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "UNIQUE_VIOLATION", "{again}");
    assert!(again.to_string().contains("`id`"), "{again}");
}

async fn new_records_go_first_in_batch_order(db: Db) {
    create_one(&db, "company", json!({"name": "old", "position": 0}))
        .await
        .expect("create");
    let batch = create(
        db.target(),
        &schema(),
        "company",
        vec![rec(json!({"name": "a"})), rec(json!({"name": "b"}))],
        false,
        &actor(),
    )
    .await
    .expect("batch");
    let (a, b) = (
        batch[0]["position"].as_f64().unwrap(),
        batch[1]["position"].as_f64().unwrap(),
    );
    assert!(
        a < b && b < 0.0,
        "positions {a} {b} before 0, in batch order"
    );
}

/// A lone record without a position goes before the first live record: its INSERT
/// computes the position (0 in an empty table), and soft-deleted records do not count.
async fn a_lone_record_goes_before_the_first_live_one(db: Db) {
    let s = schema();
    let first = create_one(&db, "company", json!({"name": "a"}))
        .await
        .expect("a");
    assert_eq!(first["position"], json!(0), "{first}");
    let deleted = create_one(&db, "company", json!({"name": "gone", "position": -10}))
        .await
        .expect("gone");
    delete(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&deleted)),
        &actor(),
    )
    .await
    .expect("soft delete");
    let second = create_one(&db, "company", json!({"name": "b"}))
        .await
        .expect("b");
    assert_eq!(second["position"], json!(-1), "{second}");
    let third = create_one(&db, "company", json!({"name": "c"}))
        .await
        .expect("c");
    assert_eq!(third["position"], json!(-2), "{third}");
}

async fn position_first_and_last(db: Db) {
    let s = schema();
    let a = create_one(&db, "company", json!({"name": "a", "position": 5}))
        .await
        .expect("a");
    let last = create_one(&db, "company", json!({"name": "b", "position": "last"}))
        .await
        .expect("last");
    assert_eq!(last["position"], json!(6));
    let first = create_one(&db, "company", json!({"name": "c", "position": "first"}))
        .await
        .expect("first");
    assert_eq!(first["position"], json!(4));
    let moved = update(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&a)),
        &rec(json!({"position": "last"})),
        &actor(),
    )
    .await
    .expect("move");
    assert_eq!(moved[0]["position"], json!(7));
    let err = create_one(&db, "company", json!({"position": "middle"}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_VALUE");
    assert!(err.to_string().contains("`position`"), "{err}");
}

async fn batch_is_all_or_nothing(db: Db) {
    let s = schema();
    let records = vec![
        rec(json!({"name": "ok", "domainName": {"primaryLinkUrl": "one.com"}})),
        rec(json!({"name": "bad", "employees": "many"})),
        rec(json!({"name": "ok too"})),
    ];
    let err = create(db.target(), &s, "company", records, false, &actor())
        .await
        .unwrap_err();
    assert_eq!(err.item_index(), Some(1), "{err}");
    assert_eq!(err.code(), "INVALID_VALUE");
    assert!(
        err.to_string().contains("record 1") && err.to_string().contains("employees"),
        "{err}"
    );
    // A failure in the database (the third record's domain is taken by the first) rolls
    // back the records already inserted.
    let records = vec![
        rec(json!({"name": "first", "domainName": {"primaryLinkUrl": "one.com"}})),
        rec(json!({"name": "second"})),
        rec(json!({"name": "third", "domainName": {"primaryLinkUrl": "one.com"}})),
    ];
    let err = create(db.target(), &s, "company", records, false, &actor())
        .await
        .unwrap_err();
    assert_eq!(err.item_index(), Some(2), "{err}");
    assert_eq!(err.code(), "UNIQUE_VIOLATION", "{err}");
    assert_eq!(err.http_status(), 409);
    assert!(
        err.to_string().contains("domainName.primaryLinkUrl"),
        "{err}"
    );
    assert!(
        all(&db, "company", true).await.is_empty(),
        "nothing written"
    );
}

async fn batch_is_capped(db: Db) {
    let records = vec![rec(json!({"name": "x"})); MAX_MUTATION_RECORDS + 1];
    let err = create(db.target(), &schema(), "company", records, false, &actor())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "TOO_MANY_RECORDS");
    assert!(
        err.to_string().contains("101") && err.to_string().contains("100"),
        "{err}"
    );
    let records = vec![rec(json!({"name": "x"})); MAX_MUTATION_RECORDS];
    let created = create(db.target(), &schema(), "company", records, false, &actor())
        .await
        .expect("exactly the cap");
    assert_eq!(created.len(), MAX_MUTATION_RECORDS);
}

async fn update_changes_only_given_fields(db: Db) {
    let s = schema();
    let created = create_one(
        &db,
        "company",
        json!({"name": "Acme", "employees": 7.5, "address": {"addressCity": "Paris", "addressStreet1": "1 rue X"}}),
    )
    .await
    .expect("create");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let patch = rec(json!({"address": {"addressCity": "Lyon"}, "employees": null}));
    let updated = update(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&created)),
        &patch,
        &Actor::api_key("Sync job", "6f1c2a4e-0000-4000-8000-000000000002"),
    )
    .await
    .expect("update");
    assert_eq!(updated.len(), 1);
    let u = &updated[0];
    assert_eq!(
        u["updatedBy"]["name"],
        json!("Sync job"),
        "updatedBy is the updater"
    );
    assert_eq!(u["createdBy"], created["createdBy"], "createdBy stays");
    assert_eq!(u["address"]["addressCity"], json!("Lyon"));
    assert_eq!(
        u["address"]["addressStreet1"],
        json!("1 rue X"),
        "other sub-fields kept"
    );
    assert_eq!(u["employees"], Value::Null, "null clears");
    assert_eq!(u["name"], json!("Acme"));
    assert_eq!(u["createdAt"], created["createdAt"]);
    assert!(
        u["updatedAt"].as_str() > created["updatedAt"].as_str(),
        "updatedAt moves"
    );
}

async fn update_of_a_missing_record_is_not_found(db: Db) {
    let s = schema();
    let missing = uuid::Uuid::new_v4();
    for result in [
        update(
            db.target(),
            &s,
            "company",
            &Selector::Id(missing),
            &rec(json!({"name": "x"})),
            &actor(),
        )
        .await,
        delete(db.target(), &s, "company", &Selector::Id(missing), &actor()).await,
        destroy(db.target(), &s, "company", &Selector::Id(missing), &actor()).await,
        restore(db.target(), &s, "company", &Selector::Id(missing), &actor()).await,
    ] {
        let err = result.unwrap_err();
        assert_eq!(err.code(), "NOT_FOUND");
        assert_eq!(err.http_status(), 404);
        assert!(err.to_string().contains(&missing.to_string()), "{err}");
    }
}

async fn filter_writes_are_capped(db: Db) {
    let s = schema();
    for _ in 0..2 {
        let records = vec![rec(json!({"name": "many", "employees": 1})); 60];
        create(db.target(), &s, "company", records, false, &actor())
            .await
            .expect("seed");
    }
    let every = Selector::Filter(Filter::cmp("name", Comparator::Eq, json!("many")));
    let err = update(
        db.target(),
        &s,
        "company",
        &every,
        &rec(json!({"employees": 2})),
        &actor(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "TOO_MANY_RECORDS");
    assert!(err.to_string().contains("120"), "{err}");
    let err = delete(db.target(), &s, "company", &every, &actor())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "TOO_MANY_RECORDS");
    let unchanged = all(&db, "company", false).await;
    assert_eq!(unchanged.len(), 120);
    assert!(
        unchanged.iter().all(|r| r["employees"] == json!(1)),
        "nothing changed"
    );
    // A narrower filter works, and one matching nothing is an empty result.
    let few = Selector::Filter(Filter::And(vec![
        Filter::cmp("name", Comparator::Eq, json!("many")),
        Filter::cmp(
            "id",
            Comparator::In,
            Value::from(
                unchanged[..3]
                    .iter()
                    .map(|r| r["id"].clone())
                    .collect::<Vec<_>>(),
            ),
        ),
    ]));
    let updated = update(
        db.target(),
        &s,
        "company",
        &few,
        &rec(json!({"employees": 2})),
        &actor(),
    )
    .await
    .expect("update 3");
    assert_eq!(updated.len(), 3);
    assert!(updated.iter().all(|r| r["employees"] == json!(2)));
    let none = Selector::Filter(Filter::cmp("name", Comparator::Eq, json!("nobody")));
    let updated = update(
        db.target(),
        &s,
        "company",
        &none,
        &rec(json!({"employees": 2})),
        &actor(),
    )
    .await
    .expect("update none");
    assert!(updated.is_empty());
}

async fn delete_destroy_and_restore(db: Db) {
    let s = schema();
    let a = create_one(&db, "company", json!({"name": "A"}))
        .await
        .expect("a");
    let b = create_one(&db, "company", json!({"name": "B"}))
        .await
        .expect("b");
    let deleted = delete(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&a)),
        &actor(),
    )
    .await
    .expect("delete");
    assert!(deleted[0]["deletedAt"].is_string());
    assert_eq!(deleted[0]["name"], json!("A"));
    assert!(
        find_one(
            db.target(),
            &s,
            "company",
            a["id"].as_str().unwrap(),
            0,
            None
        )
        .await
        .unwrap()
        .is_none()
    );
    let again = delete(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&a)),
        &actor(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        again.code(),
        "NOT_FOUND",
        "a soft-deleted record is not live"
    );
    let restored = restore(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&a)),
        &actor(),
    )
    .await
    .expect("restore");
    assert_eq!(restored[0]["deletedAt"], Value::Null);
    let live = restore(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&b)),
        &actor(),
    )
    .await
    .expect("restore of a live record");
    assert_eq!(live, vec![b.clone()], "unchanged");
    delete(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&b)),
        &actor(),
    )
    .await
    .expect("delete b");
    // Destroy also takes soft-deleted records, by id and by filter.
    let gone = destroy(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&b)),
        &actor(),
    )
    .await
    .expect("destroy soft-deleted");
    assert_eq!(gone[0]["name"], json!("B"));
    let by_filter = Selector::Filter(Filter::cmp("name", Comparator::Eq, json!("A")));
    let gone = destroy(db.target(), &s, "company", &by_filter, &actor())
        .await
        .expect("destroy");
    assert_eq!(gone.len(), 1);
    assert!(all(&db, "company", true).await.is_empty());
}

async fn restore_by_filter_takes_only_deleted_records(db: Db) {
    let s = schema();
    let a = create_one(&db, "company", json!({"name": "same"}))
        .await
        .expect("a");
    create_one(&db, "company", json!({"name": "same"}))
        .await
        .expect("b");
    delete(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&a)),
        &actor(),
    )
    .await
    .expect("delete");
    let same = Selector::Filter(Filter::cmp("name", Comparator::Eq, json!("same")));
    let restored = restore(db.target(), &s, "company", &same, &actor())
        .await
        .expect("restore");
    assert_eq!(restored.len(), 1);
    assert_eq!(restored[0]["id"], a["id"]);
}

async fn soft_delete_frees_a_unique_value(db: Db) {
    let s = schema();
    let first = create_one(
        &db,
        "person",
        json!({"emails": {"primaryEmail": "ada@acme.com"}}),
    )
    .await
    .expect("first");
    let err = create_one(
        &db,
        "person",
        json!({"emails": {"primaryEmail": "ada@acme.com"}}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "UNIQUE_VIOLATION");
    assert!(err.to_string().contains("emails.primaryEmail"), "{err}");
    delete(
        db.target(),
        &s,
        "person",
        &Selector::Id(id_of(&first)),
        &actor(),
    )
    .await
    .expect("delete");
    create_one(
        &db,
        "person",
        json!({"emails": {"primaryEmail": "ada@acme.com"}}),
    )
    .await
    .expect("the value is free once the holder is soft-deleted");
    let err = restore(
        db.target(),
        &s,
        "person",
        &Selector::Id(id_of(&first)),
        &actor(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.code(),
        "UNIQUE_VIOLATION",
        "restoring would duplicate: {err}"
    );
}

/// Upserts of one unique value sent at once all succeed: the first creates the record,
/// the others update it (on Postgres, where writes run side by side, upserts of an object
/// take turns, so none misses a record another one has just created).
async fn concurrent_upserts_of_one_value_make_one_record(db: Db) {
    let db = std::sync::Arc::new(db);
    let upserts: Vec<_> = (0..8)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                create(
                    db.target(),
                    &schema(),
                    "person",
                    vec![rec(
                        json!({"emails": {"primaryEmail": "same@acme.com"}, "city": format!("c{i}")}),
                    )],
                    true,
                    &actor(),
                )
                .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for upsert in upserts {
        let written = upsert
            .await
            .expect("the task")
            .expect("every upsert succeeds");
        ids.push(written[0]["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one record: {ids:?}");
    assert_eq!(all(&db, "person", true).await.len(), 1);
}

async fn upsert_matches_on_id_and_on_unique_fields(db: Db) {
    let s = schema();
    let ada = create_one(
        &db,
        "person",
        json!({"emails": {"primaryEmail": "ada@acme.com"}, "jobTitle": "CEO", "city": "London"}),
    )
    .await
    .expect("create");
    let by_email = create(
        db.target(),
        &s,
        "person",
        vec![rec(
            json!({"emails": {"primaryEmail": "ada@acme.com"}, "jobTitle": "CTO"}),
        )],
        true,
        &actor(),
    )
    .await
    .expect("upsert by email");
    assert_eq!(by_email[0]["id"], ada["id"]);
    assert_eq!(by_email[0]["jobTitle"], json!("CTO"));
    assert_eq!(
        by_email[0]["city"],
        json!("London"),
        "fields not given are kept"
    );
    assert_eq!(by_email[0]["createdAt"], ada["createdAt"]);
    let by_id = create(
        db.target(),
        &s,
        "person",
        vec![
            rec(json!({"id": ada["id"], "city": "Paris"})),
            rec(json!({"city": "Rome"})),
        ],
        true,
        &actor(),
    )
    .await
    .expect("upsert by id, and a new one");
    assert_eq!(by_id[0]["id"], ada["id"]);
    assert_eq!(by_id[0]["city"], json!("Paris"));
    assert_ne!(by_id[1]["id"], ada["id"]);
    assert_eq!(all(&db, "person", true).await.len(), 2);
    // An id and a unique value pointing at two different records is refused.
    let other = uuid::Uuid::new_v4().to_string();
    let err = create(
        db.target(),
        &s,
        "person",
        vec![rec(
            json!({"id": other, "emails": {"primaryEmail": "ada@acme.com"}}),
        )],
        true,
        &actor(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "INVALID_VALUE", "{err}");
    assert!(
        err.to_string().contains(ada["id"].as_str().unwrap()),
        "{err}"
    );
    // A soft-deleted record never matches: the upsert creates a new record.
    delete(
        db.target(),
        &s,
        "person",
        &Selector::Id(id_of(&ada)),
        &actor(),
    )
    .await
    .expect("delete");
    let fresh = create(
        db.target(),
        &s,
        "person",
        vec![rec(json!({"emails": {"primaryEmail": "ada@acme.com"}}))],
        true,
        &actor(),
    )
    .await
    .expect("upsert after delete");
    assert_ne!(fresh[0]["id"], ada["id"]);
}

async fn references_must_be_live_records(db: Db) {
    let s = schema();
    let acme = create_one(&db, "company", json!({"name": "Acme"}))
        .await
        .expect("company");
    let ada = create_one(&db, "person", json!({"companyId": acme["id"]}))
        .await
        .expect("person");
    assert_eq!(ada["companyId"], acme["id"]);
    let nowhere = uuid::Uuid::new_v4().to_string();
    let err = create_one(&db, "person", json!({"companyId": nowhere}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_RELATION");
    assert!(
        err.to_string().contains("companyId") && err.to_string().contains(&nowhere),
        "{err}"
    );
    delete(
        db.target(),
        &s,
        "company",
        &Selector::Id(id_of(&acme)),
        &actor(),
    )
    .await
    .expect("delete");
    let err = update(
        db.target(),
        &s,
        "person",
        &Selector::Id(id_of(&ada)),
        &rec(json!({"companyId": acme["id"]})),
        &actor(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.code(),
        "INVALID_RELATION",
        "a soft-deleted target: {err}"
    );
    let cleared = update(
        db.target(),
        &s,
        "person",
        &Selector::Id(id_of(&ada)),
        &rec(json!({"companyId": null})),
        &actor(),
    )
    .await
    .expect("null clears");
    assert_eq!(cleared[0]["companyId"], Value::Null);
}

crate::query_on_both!(
    create_sets_server_fields,
    create_sets_server_fields_sqlite,
    create_sets_server_fields_postgres
);
crate::query_on_both!(
    create_keeps_a_given_id_and_position,
    create_keeps_a_given_id_sqlite,
    create_keeps_a_given_id_postgres
);
crate::query_on_both!(
    new_records_go_first_in_batch_order,
    new_records_go_first_sqlite,
    new_records_go_first_postgres
);
crate::query_on_both!(
    batch_is_all_or_nothing,
    batch_is_all_or_nothing_sqlite,
    batch_is_all_or_nothing_postgres
);
crate::query_on_both!(
    batch_is_capped,
    batch_is_capped_sqlite,
    batch_is_capped_postgres
);
crate::query_on_both!(
    update_changes_only_given_fields,
    update_changes_only_given_fields_sqlite,
    update_changes_only_given_fields_postgres
);
crate::query_on_both!(
    update_of_a_missing_record_is_not_found,
    missing_record_is_not_found_sqlite,
    missing_record_is_not_found_postgres
);
crate::query_on_both!(
    filter_writes_are_capped,
    filter_writes_are_capped_sqlite,
    filter_writes_are_capped_postgres
);
crate::query_on_both!(
    delete_destroy_and_restore,
    delete_destroy_and_restore_sqlite,
    delete_destroy_and_restore_postgres
);
crate::query_on_both!(
    restore_by_filter_takes_only_deleted_records,
    restore_by_filter_sqlite,
    restore_by_filter_postgres
);
crate::query_on_both!(
    soft_delete_frees_a_unique_value,
    soft_delete_frees_a_unique_value_sqlite,
    soft_delete_frees_a_unique_value_postgres
);
crate::query_on_both!(
    concurrent_upserts_of_one_value_make_one_record,
    concurrent_upserts_sqlite,
    concurrent_upserts_postgres
);
crate::query_on_both!(
    upsert_matches_on_id_and_on_unique_fields,
    upsert_sqlite,
    upsert_postgres
);
crate::query_on_both!(
    references_must_be_live_records,
    references_must_be_live_records_sqlite,
    references_must_be_live_records_postgres
);
crate::query_on_both!(
    a_lone_record_goes_before_the_first_live_one,
    a_lone_record_goes_first_sqlite,
    a_lone_record_goes_first_postgres
);
crate::query_on_both!(
    position_first_and_last,
    position_first_and_last_sqlite,
    position_first_and_last_postgres
);
