//! Write input checked per field type on both backends: every class of error with its
//! code and the name of the field, and values of each type stored and read back.

use crate::query::support::{Db, schema};
use crate::query::writes::{actor, all, create_member, create_one, rec};
use serde_json::{Value, json};
use twenty_server::query::{Selector, update};

fn bad_creates() -> Vec<(&'static str, Value, &'static str, &'static str)> {
    vec![
        ("company", json!({"nmae": "x"}), "UNKNOWN_FIELD", "`nmae`"),
        (
            "company",
            json!({"address": {"planet": "Mars"}}),
            "UNKNOWN_SUB_FIELD",
            "`planet`",
        ),
        (
            "company",
            json!({"createdAt": "2024-01-01T00:00:00Z"}),
            "READ_ONLY_FIELD",
            "`createdAt`",
        ),
        (
            "company",
            json!({"updatedAt": "2024-01-01T00:00:00Z"}),
            "READ_ONLY_FIELD",
            "`updatedAt`",
        ),
        (
            "company",
            json!({"deletedAt": null}),
            "READ_ONLY_FIELD",
            "`deletedAt`",
        ),
        (
            "company",
            // A create may give `createdBy.source`, never who created the record.
            json!({"createdBy": {"name": "someone else"}}),
            "READ_ONLY_FIELD",
            "`createdBy.name`",
        ),
        (
            "company",
            json!({"updatedBy": {"name": "me"}}),
            "READ_ONLY_FIELD",
            "`updatedBy`",
        ),
        (
            "company",
            json!({"searchVector": "x"}),
            "READ_ONLY_FIELD",
            "`searchVector`",
        ),
        (
            "company",
            json!({"idealCustomerProfile": null}),
            "REQUIRED_FIELD",
            "`idealCustomerProfile`",
        ),
        (
            "workspaceMember",
            json!({"locale": "fr"}),
            "REQUIRED_FIELD",
            "`userId`",
        ),
        ("company", json!({"id": "nope"}), "INVALID_VALUE", "`id`"),
        ("company", json!({"name": 42}), "INVALID_VALUE", "`name`"),
        (
            "company",
            json!({"employees": "many"}),
            "INVALID_VALUE",
            "`employees`",
        ),
        (
            "company",
            json!({"idealCustomerProfile": "yes"}),
            "INVALID_VALUE",
            "`idealCustomerProfile`",
        ),
        (
            "company",
            json!({"address": "Paris"}),
            "INVALID_VALUE",
            "addressCity",
        ),
        (
            "company",
            json!({"address": {"addressLat": "north"}}),
            "INVALID_VALUE",
            "`address.addressLat`",
        ),
        (
            "company",
            json!({"domainName": {"primaryLinkUrl": "javascript:alert(1)"}}),
            "INVALID_VALUE",
            "`domainName.primaryLinkUrl`",
        ),
        (
            "company",
            json!({"domainName": {"secondaryLinks": [{"url": "ftp://acme.com"}]}}),
            "INVALID_VALUE",
            "`domainName.secondaryLinks`",
        ),
        (
            "company",
            json!({"people": []}),
            "INVALID_VALUE",
            "`companyId`",
        ),
        (
            "opportunity",
            json!({"closeDate": "tomorrow"}),
            "INVALID_VALUE",
            "`closeDate`",
        ),
        (
            "opportunity",
            json!({"stage": "WON?"}),
            "INVALID_VALUE",
            "NEW",
        ),
        (
            "opportunity",
            json!({"amount": {"currencyCode": "usd"}}),
            "INVALID_VALUE",
            "`amount.currencyCode`",
        ),
        (
            "opportunity",
            json!({"amount": {"amountMicros": "lots"}}),
            "INVALID_VALUE",
            "`amount.amountMicros`",
        ),
        (
            "opportunity",
            json!({"company": {"name": "Acme"}}),
            "INVALID_VALUE",
            "`companyId`",
        ),
        (
            "person",
            json!({"emails": {"primaryEmail": "nope"}}),
            "INVALID_VALUE",
            "`emails.primaryEmail`",
        ),
        (
            "person",
            json!({"emails": {"additionalEmails": ["a@b.co", "x"]}}),
            "INVALID_VALUE",
            "`emails.additionalEmails`",
        ),
        (
            "person",
            json!({"emails": "a@b.co"}),
            "INVALID_VALUE",
            "primaryEmail",
        ),
        (
            "person",
            json!({"phones": {"primaryPhoneCallingCode": "33"}}),
            "INVALID_VALUE",
            "`phones.primaryPhoneCallingCode`",
        ),
        (
            "person",
            json!({"phones": {"primaryPhoneNumber": "call me"}}),
            "INVALID_VALUE",
            "`phones.primaryPhoneNumber`",
        ),
        (
            "person",
            json!({"phones": {"primaryPhoneCountryCode": "France"}}),
            "INVALID_VALUE",
            "`phones.primaryPhoneCountryCode`",
        ),
        (
            "person",
            json!({"name": {"firstName": 3}}),
            "INVALID_VALUE",
            "`name.firstName`",
        ),
        (
            "person",
            json!({"companyId": "nope"}),
            "INVALID_VALUE",
            "`companyId`",
        ),
        (
            "workflow",
            json!({"statuses": ["NOPE"]}),
            "INVALID_VALUE",
            "`statuses`",
        ),
        (
            "workflow",
            json!({"statuses": "ACTIVE"}),
            "INVALID_VALUE",
            "`statuses`",
        ),
        (
            "note",
            json!({"bodyV2": {"html": "<p>"}}),
            "UNKNOWN_SUB_FIELD",
            "`html`",
        ),
        ("spaceship", json!({}), "UNKNOWN_OBJECT", "spaceship"),
        (
            "company",
            json!({"name": "a\u{0}b"}),
            "INVALID_VALUE",
            "`name`",
        ),
        (
            "connectedAccount",
            json!({"connectionParameters": {"k": "a\u{0}"}}),
            "INVALID_VALUE",
            "`connectionParameters`",
        ),
    ]
}

async fn bad_input_names_the_field(db: Db) {
    for (object, record, code, names) in bad_creates() {
        let err = create_one(&db, object, record.clone()).await.unwrap_err();
        assert_eq!(err.code(), code, "{object} {record}: {err}");
        assert_eq!(err.http_status(), 400, "{err}");
        assert!(
            err.to_string().contains(names),
            "{object} {record}: `{err}` should name {names}"
        );
    }
    assert!(
        all(&db, "company", true).await.is_empty(),
        "nothing written"
    );
}

async fn update_refuses_id_and_server_fields(db: Db) {
    let s = schema();
    let acme = create_one(&db, "company", json!({"name": "Acme"}))
        .await
        .expect("create");
    let id = Selector::Id(uuid::Uuid::parse_str(acme["id"].as_str().unwrap()).unwrap());
    for (patch, code, names) in [
        (
            json!({"id": uuid::Uuid::new_v4().to_string()}),
            "READ_ONLY_FIELD",
            "`id`",
        ),
        (
            json!({"createdAt": "2024-01-01T00:00:00Z"}),
            "READ_ONLY_FIELD",
            "`createdAt`",
        ),
        (
            json!({"idealCustomerProfile": null}),
            "REQUIRED_FIELD",
            "`idealCustomerProfile`",
        ),
        (json!({"employees": true}), "INVALID_VALUE", "`employees`"),
        (json!({"nmae": "x"}), "UNKNOWN_FIELD", "`nmae`"),
    ] {
        let err = update(
            db.target(),
            &s,
            "company",
            &id,
            &rec(patch.clone()),
            &actor(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), code, "{patch}: {err}");
        assert!(err.to_string().contains(names), "{patch}: {err}");
    }
    let unchanged = all(&db, "company", false).await;
    assert_eq!(unchanged, vec![acme]);
}

async fn values_of_each_type_round_trip(db: Db) {
    let opportunity = create_one(
        &db,
        "opportunity",
        json!({
            "name": "Deal",
            "closeDate": "2024-05-01T14:30:00.123456+02:00",
            "amount": {"amountMicros": 1_500_000_000_i64, "currencyCode": "EUR"},
            "stage": "MEETING",
        }),
    )
    .await
    .expect("opportunity");
    assert_eq!(opportunity["closeDate"], json!("2024-05-01T12:30:00.123Z"));
    assert_eq!(
        opportunity["amount"],
        json!({"amountMicros": 1_500_000_000_i64, "currencyCode": "EUR"})
    );
    assert_eq!(opportunity["stage"], json!("MEETING"));

    let person = create_one(
        &db,
        "person",
        json!({
            "name": {"firstName": "Ada", "lastName": "Lovelace"},
            "emails": {"primaryEmail": "ada@acme.com", "additionalEmails": ["ada@home.org"]},
            "linkedinLink": {"primaryLinkUrl": "linkedin.com/in/ada", "secondaryLinks": [{"url": "https://ada.dev", "label": "site"}]},
            "phones": {"primaryPhoneNumber": "6 12 34 56 78", "primaryPhoneCountryCode": "FR", "primaryPhoneCallingCode": "+33"},
        }),
    )
    .await
    .expect("person");
    assert_eq!(
        person["name"],
        json!({"firstName": "Ada", "lastName": "Lovelace"})
    );
    assert_eq!(
        person["emails"]["additionalEmails"],
        json!(["ada@home.org"])
    );
    assert_eq!(
        person["linkedinLink"]["primaryLinkUrl"],
        json!("linkedin.com/in/ada")
    );
    assert_eq!(
        person["linkedinLink"]["secondaryLinks"],
        json!([{"url": "https://ada.dev", "label": "site"}])
    );
    assert_eq!(person["phones"]["primaryPhoneCallingCode"], json!("+33"));

    let workflow = create_one(
        &db,
        "workflow",
        json!({"name": "W", "statuses": ["ACTIVE", "DRAFT"]}),
    )
    .await
    .expect("workflow");
    assert_eq!(workflow["statuses"], json!(["ACTIVE", "DRAFT"]));

    let note = create_one(
        &db,
        "note",
        json!({"title": "N", "bodyV2": {"markdown": "# Hi", "blocknote": "[]"}}),
    )
    .await
    .expect("note");
    assert_eq!(
        note["bodyV2"],
        json!({"markdown": "# Hi", "blocknote": "[]"})
    );

    let member = create_member(&db).await;
    let account = create_one(
        &db,
        "connectedAccount",
        json!({
            "provider": "google",
            "accountOwnerId": member["id"],
            "scopes": ["mail", "calendar"],
            "connectionParameters": {"imap": {"port": 993, "secure": true}},
        }),
    )
    .await
    .expect("connected account");
    assert_eq!(account["scopes"], json!(["mail", "calendar"]));
    assert_eq!(
        account["connectionParameters"],
        json!({"imap": {"port": 993, "secure": true}})
    );

    let company = create_one(
        &db,
        "company",
        json!({"employees": 7.5, "address": {"addressLat": 48.85, "addressLng": 2}, "idealCustomerProfile": true}),
    )
    .await
    .expect("company");
    assert_eq!(company["employees"], json!(7.5), "floats stay floats");
    assert_eq!(company["address"]["addressLat"], json!(48.85));
    assert_eq!(company["address"]["addressLng"], json!(2));
    assert_eq!(company["idealCustomerProfile"], json!(true));
}

async fn a_composite_set_to_null_is_cleared(db: Db) {
    let s = schema();
    let acme = create_one(
        &db,
        "company",
        json!({"address": {"addressCity": "Paris", "addressStreet1": "1 rue X"}}),
    )
    .await
    .expect("create");
    let id = Selector::Id(uuid::Uuid::parse_str(acme["id"].as_str().unwrap()).unwrap());
    let cleared = update(
        db.target(),
        &s,
        "company",
        &id,
        &rec(json!({"address": null})),
        &actor(),
    )
    .await
    .expect("clear");
    assert!(
        cleared[0]["address"]
            .as_object()
            .unwrap()
            .values()
            .all(Value::is_null),
        "{}",
        cleared[0]["address"]
    );
}

crate::query_on_both!(
    bad_input_names_the_field,
    bad_input_names_the_field_sqlite,
    bad_input_names_the_field_postgres
);
crate::query_on_both!(
    update_refuses_id_and_server_fields,
    update_refuses_server_fields_sqlite,
    update_refuses_server_fields_postgres
);
crate::query_on_both!(
    values_of_each_type_round_trip,
    values_round_trip_sqlite,
    values_round_trip_postgres
);
crate::query_on_both!(
    a_composite_set_to_null_is_cleared,
    composite_null_sqlite,
    composite_null_postgres
);
