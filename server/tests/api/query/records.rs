//! Record shape: composites re-nested, values decoded alike on both backends (booleans,
//! numbers, timestamps, arrays), `fields` selection, find_one.

use crate::query::seed::{self, id};
use crate::query::support::{Db, schema};
use serde_json::{Value, json};
use twenty_server::query::{Query, find_many, find_one};

pub async fn shape(db: Db) {
    seed::standard(&db).await;
    let s = schema();
    let acme = find_one(db.target(), &s, "company", &id("c1"), 0, None)
        .await
        .expect("find")
        .expect("found");
    assert_eq!(acme["id"], json!(id("c1")));
    assert_eq!(acme["name"], json!("Acme"));
    assert_eq!(
        acme["employees"],
        json!(100),
        "integral numbers read back as integers"
    );
    assert_eq!(acme["idealCustomerProfile"], json!(true));
    assert_eq!(acme["createdAt"], json!("2024-01-01T10:00:00.000Z"));
    assert_eq!(acme["deletedAt"], Value::Null);
    assert_eq!(acme["accountOwnerId"], Value::Null);
    assert_eq!(acme["address"]["addressCity"], json!("Paris"));
    assert_eq!(acme["address"]["addressStreet1"], Value::Null);
    assert_eq!(
        acme["annualRecurringRevenue"],
        json!({"amountMicros": 1_000_000_000, "currencyCode": "USD"})
    );
    assert_eq!(
        acme["domainName"]["primaryLinkUrl"],
        json!("https://acme.com")
    );
    assert_eq!(acme["createdBy"]["source"], json!("MANUAL"));
    assert!(
        acme.get("addressAddressCity").is_none(),
        "flat column leaked"
    );

    let w2 = find_one(db.target(), &s, "workflow", &id("w2"), 0, None)
        .await
        .expect("find")
        .expect("found");
    assert_eq!(w2["statuses"], json!(["ACTIVE", "DEACTIVATED"]));
    let ada = find_one(db.target(), &s, "person", &id("p1"), 0, None)
        .await
        .expect("find")
        .expect("found");
    assert_eq!(
        ada["name"],
        json!({"firstName": "Ada", "lastName": "Lovelace"})
    );
    assert_eq!(ada["companyId"], json!(id("c1")));

    // Soft-deleted and unknown ids are not found.
    for missing in [id("c7"), id("c99")] {
        let found = find_one(db.target(), &s, "company", &missing, 0, None).await;
        assert!(found.expect("query").is_none());
    }
}

pub async fn fields(db: Db) {
    seed::standard(&db).await;
    let mut q = Query::new("company");
    q.fields = Some(vec!["name".to_owned(), "address".to_owned()]);
    let page = find_many(db.target(), &schema(), &q).await.expect("list");
    for record in &page.records {
        let mut keys: Vec<&str> = record
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort();
        assert_eq!(keys, ["address", "id", "name"]);
    }
    let mut q = Query::new("person");
    q.fields = Some(vec!["companyId".to_owned()]);
    let page = find_many(db.target(), &schema(), &q).await.expect("list");
    assert_eq!(
        page.records[0],
        json!({"id": id("p1"), "companyId": id("c1")})
    );
}

crate::query_on_both!(shape, shape_sqlite, shape_postgres);
crate::query_on_both!(fields, fields_sqlite, fields_postgres);
