//! `GET /rest/{namePlural}` and `GET /rest/{namePlural}/{id}`: envelopes, depth, fields,
//! ordering in every direction, and keyset paging over HTTP (every row exactly once,
//! forwards and backwards, also while rows are inserted).
use super::support::{Api, assert_error, enc, labels, ordered};
use crate::both;
use crate::query::seed::id;
use crate::query::support::{Db, Lit, t};
use crate::support::Backend;
use serde_json::Value;

async fn a_list_has_twentys_envelope(backend: Backend) {
    let Some(api) = Api::start(backend, "restlist").await else {
        return;
    };
    let body = api.ok("/rest/companies").await;
    assert_eq!(labels(&body, "companies"), "c1 c2 c3 c4 c5 c6 c8");
    assert_eq!(body["totalCount"], 7);
    let info = &body["pageInfo"];
    assert_eq!(info["hasNextPage"], false);
    assert_eq!(info["hasPreviousPage"], false);
    assert!(
        info["startCursor"].is_string() && info["endCursor"].is_string(),
        "{info}"
    );
    let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["data", "pageInfo", "totalCount"]);

    let body = api.ok("/rest/companies?filter=name%5Beq%5D%3ANobody").await;
    assert_eq!(body["data"]["companies"], Value::Array(vec![]));
    assert_eq!(body["totalCount"], 0);
    assert_eq!(body["pageInfo"]["startCursor"], Value::Null);
    assert_eq!(body["pageInfo"]["endCursor"], Value::Null);
}
both!(a_list_has_twentys_envelope);

async fn one_record_by_id_or_404(backend: Backend) {
    let Some(api) = Api::start(backend, "restone").await else {
        return;
    };
    let body = api.ok(&format!("/rest/people/{}", id("p1"))).await;
    let person = &body["data"]["person"];
    assert_eq!(person["id"], id("p1"));
    assert_eq!(person["name"]["firstName"], "Ada");
    assert_eq!(
        person["company"]["name"], "Acme",
        "depth 1 is the default: {person}"
    );
    let body = api.ok(&format!("/rest/people/{}?depth=0", id("p1"))).await;
    assert_eq!(body["data"]["person"]["companyId"], id("c1"));
    assert!(body["data"]["person"].get("company").is_none(), "{body}");

    let body = api
        .ok(&format!(
            "/rest/people/{}?fields=name,jobTitle&depth=0",
            id("p1")
        ))
        .await;
    let mut keys: Vec<&String> = body["data"]["person"].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["id", "jobTitle", "name"]);

    // A soft-deleted record, an id of nothing, and an id that is no UUID.
    assert_error(
        &api.get(&format!("/rest/companies/{}", id("c7"))).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &api.get(&format!("/rest/companies/{}", id("c99"))).await,
        404,
        "NOT_FOUND",
    );
    assert_error(&api.get("/rest/companies/42").await, 400, "INVALID_ID");
    assert_error(
        &api.get(&format!("/rest/companies/{}?limit=1", id("c1")))
            .await,
        400,
        "UNKNOWN_PARAMETER",
    );
}
both!(one_record_by_id_or_404);

async fn depth_and_fields_shape_list_records(backend: Backend) {
    let Some(api) = Api::start(backend, "restdepth").await else {
        return;
    };
    let body = api
        .ok(&format!("/rest/companies?filter={}", enc("name[eq]:Acme")))
        .await;
    let acme = &body["data"]["companies"][0];
    let people = acme["people"]
        .as_array()
        .expect("depth 1 embeds one-to-many lists");
    assert_eq!(people.len(), 2, "{acme}");
    let body = api
        .ok(&format!(
            "/rest/companies?depth=0&filter={}",
            enc("name[eq]:Acme")
        ))
        .await;
    assert!(body["data"]["companies"][0].get("people").is_none());

    let body = api
        .ok("/rest/companies?fields=name,employees&depth=0")
        .await;
    for record in body["data"]["companies"].as_array().unwrap() {
        let mut keys: Vec<&String> = record.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["employees", "id", "name"]);
    }
    assert_error(
        &api.get("/rest/companies?fields=name,nope").await,
        400,
        "UNKNOWN_FIELD",
    );
    assert_error(
        &api.get("/rest/companies?fields=name,,id").await,
        400,
        "INVALID_PARAMETER",
    );
}
both!(depth_and_fields_shape_list_records);

async fn ordering_in_every_direction(backend: Backend) {
    let Some(api) = Api::start(backend, "restorder").await else {
        return;
    };
    // employees: c1 100, c2 50, c3 NULL, c4 10, c5 100, c6 7.5, c8 20 (ties broken by id).
    for (order, expected) in [
        ("employees", "c3 c6 c4 c8 c2 c1 c5"),
        ("employees[AscNullsFirst]", "c3 c6 c4 c8 c2 c1 c5"),
        ("employees[AscNullsLast]", "c6 c4 c8 c2 c1 c5 c3"),
        ("employees[DescNullsFirst]", "c3 c1 c5 c2 c8 c4 c6"),
        ("employees[DescNullsLast]", "c1 c5 c2 c8 c4 c6 c3"),
        (
            "employees[DescNullsLast],position[DescNullsLast]",
            "c5 c1 c2 c8 c4 c6 c3",
        ),
        (
            "annualRecurringRevenue.amountMicros[DescNullsLast],employees",
            "c4 c1 c2 c5 c3 c6 c8",
        ),
        ("createdAt[DescNullsLast]", "c8 c6 c5 c4 c3 c2 c1"),
    ] {
        let body = api
            .ok(&format!("/rest/companies?order_by={}&depth=0", enc(order)))
            .await;
        assert_eq!(ordered(&body, "companies").join(" "), expected, "{order}");
    }
    for (order, code) in [
        ("nope", "UNKNOWN_FIELD"),
        ("employees[Descending]", "INVALID_ORDER"),
        ("employees[DescNullsLast", "INVALID_ORDER"),
        ("employees,", "INVALID_ORDER"),
        ("tags", "UNKNOWN_FIELD"),
        // A related record's full name orders by one of its sub-fields.
        ("accountOwner.name[DescNullsLast]", "INVALID_ORDER"),
        ("people.name.firstName", "INVALID_ORDER"),
    ] {
        let response = api
            .get(&format!("/rest/companies?order_by={}", enc(order)))
            .await;
        assert_error(&response, 400, code);
    }
}
both!(ordering_in_every_direction);

/// Follows `endCursor` (or `startCursor` backwards) to the end; returns the labels in
/// the order seen and the number of pages.
async fn walk(
    api: &Api,
    query: &str,
    backward: bool,
    mut cursor: Option<String>,
) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let mut path = format!("/rest/companies?depth=0&{query}");
        if let Some(c) = &cursor {
            let param = if backward {
                "ending_before"
            } else {
                "starting_after"
            };
            path.push_str(&format!("&{param}={}", enc(c)));
        }
        let body = api.ok(&path).await;
        pages += 1;
        let mut page = ordered(&body, "companies");
        let info = &body["pageInfo"];
        let more = if backward {
            page.reverse();
            info["hasPreviousPage"].as_bool().unwrap()
        } else {
            info["hasNextPage"].as_bool().unwrap()
        };
        seen.extend(page);
        if !more {
            return (seen, pages);
        }
        let key = if backward { "startCursor" } else { "endCursor" };
        cursor = Some(info[key].as_str().expect("a cursor").to_owned());
        assert!(pages < 100, "paging does not end");
    }
}

async fn pages_visit_every_row_once_both_ways(backend: Backend) {
    let Some(api) = Api::start(backend, "restpages").await else {
        return;
    };
    for order in [
        "employees[AscNullsFirst]",
        "employees[AscNullsLast]",
        "employees[DescNullsFirst]",
        "employees[DescNullsLast]",
        "name[AscNullsLast],createdAt",
    ] {
        let body = api
            .ok(&format!("/rest/companies?depth=0&order_by={}", enc(order)))
            .await;
        let all = ordered(&body, "companies");
        let query = format!("limit=2&order_by={}", enc(order));
        let (forward, pages) = walk(&api, &query, false, None).await;
        assert_eq!(forward, all, "{order}");
        assert_eq!(pages, 4, "{order}");
        // Backwards from the last row: every row before it, in reverse order.
        let last = body["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
        let (backward, pages) = walk(&api, &query, true, Some(last)).await;
        let mut expected = all[..all.len() - 1].to_vec();
        expected.reverse();
        assert_eq!(backward, expected, "{order}");
        assert_eq!(pages, 3, "{order}");
    }
}
both!(pages_visit_every_row_once_both_ways);

async fn pages_stay_exact_while_rows_are_inserted(backend: Backend) {
    let Some(api) = Api::start(backend, "restinsert").await else {
        return;
    };
    let db = Db::of_workspace(
        api.server
            .state
            .store
            .workspace_db(api.workspace)
            .await
            .unwrap(),
    );
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut n = 30;
    loop {
        let mut path = "/rest/companies?depth=0&limit=2&order_by=createdAt".to_owned();
        if let Some(c) = &cursor {
            path.push_str(&format!("&starting_after={}", enc(c)));
        }
        let body = api.ok(&path).await;
        seen.extend(ordered(&body, "companies"));
        // A row before the cursor (never seen) and one far after it (seen exactly once).
        for created in ["2023-01-01T00:00:00.000Z", "2030-01-01T00:00:00.000Z"] {
            n += 1;
            db.insert(
                "company",
                &[
                    ("id", Lit::Uuid(id(&format!("c{n}")))),
                    ("name", t("new")),
                    ("createdAt", Lit::Time(created.to_owned())),
                ],
            )
            .await;
        }
        if body["pageInfo"]["hasNextPage"] != true || seen.len() > 200 {
            break;
        }
        cursor = Some(body["pageInfo"]["endCursor"].as_str().unwrap().to_owned());
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        seen.len(),
        "a row was visited twice: {seen:?}"
    );
    for label in ["c1", "c2", "c3", "c4", "c5", "c6", "c8"] {
        assert!(seen.contains(&label.to_owned()), "{label} missed: {seen:?}");
    }
}
both!(pages_stay_exact_while_rows_are_inserted);

async fn paging_parameters_are_checked(backend: Backend) {
    let Some(api) = Api::start(backend, "restpageparams").await else {
        return;
    };
    let body = api.ok("/rest/companies?limit=0").await;
    assert_eq!(labels(&body, "companies"), "");
    assert_eq!(body["totalCount"], 7);
    let body = api.ok("/rest/companies?limit=200").await;
    assert_eq!(body["totalCount"], 7);
    assert_error(
        &api.get("/rest/companies?limit=201").await,
        400,
        "LIMIT_EXCEEDED",
    );
    assert_error(
        &api.get("/rest/companies?limit=ten").await,
        400,
        "INVALID_PARAMETER",
    );
    assert_error(
        &api.get("/rest/companies?limit=-1").await,
        400,
        "INVALID_PARAMETER",
    );
    assert_error(
        &api.get("/rest/companies?depth=2").await,
        400,
        "INVALID_PARAMETER",
    );
    assert_error(
        &api.get("/rest/companies?starting_after=a&ending_before=b")
            .await,
        400,
        "INVALID_PARAMETER",
    );
    assert_error(
        &api.get("/rest/companies?starting_after=%21%21").await,
        400,
        "INVALID_CURSOR",
    );
    // A cursor of another ordering.
    let body = api.ok("/rest/companies?limit=1&order_by=name").await;
    let cursor = body["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    assert_error(
        &api.get(&format!(
            "/rest/companies?order_by=employees&starting_after={}",
            enc(&cursor)
        ))
        .await,
        400,
        "INVALID_CURSOR",
    );
    assert_error(
        &api.get("/rest/companies?limit=1&limit=2").await,
        400,
        "INVALID_PARAMETER",
    );
    let response = api.get("/rest/companies?sort=name").await;
    assert_error(&response, 400, "UNKNOWN_PARAMETER");
    assert!(
        response.1["messages"][0]
            .as_str()
            .unwrap()
            .contains("`sort`")
    );
    assert_error(
        &api.get("/rest/companies?soft_delete=true").await,
        400,
        "UNKNOWN_PARAMETER",
    );
}
both!(paging_parameters_are_checked);

async fn backward_pages_stay_exact_while_rows_are_inserted(backend: Backend) {
    let Some(api) = Api::start(backend, "restinsertback").await else {
        return;
    };
    let db = Db::of_workspace(
        api.server
            .state
            .store
            .workspace_db(api.workspace)
            .await
            .unwrap(),
    );
    let insert = |label: String, created: &'static str| {
        let db = &db;
        async move {
            db.insert(
                "company",
                &[
                    ("id", Lit::Uuid(id(&label))),
                    ("name", t("new")),
                    ("createdAt", Lit::Time(created.to_owned())),
                ],
            )
            .await;
        }
    };
    // A last row to start from: every other row comes before it.
    insert("c90".to_owned(), "2099-01-01T00:00:00.000Z").await;
    let all = api
        .ok("/rest/companies?depth=0&limit=200&order_by=createdAt")
        .await;
    let mut cursor = all["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let mut seen: Vec<String> = Vec::new();
    let mut n = 30;
    loop {
        let body = api
            .ok(&format!(
                "/rest/companies?depth=0&limit=2&order_by=createdAt&ending_before={}",
                enc(&cursor)
            ))
            .await;
        let mut page = ordered(&body, "companies");
        page.reverse();
        seen.extend(page);
        // One row ahead of the walk (seen exactly once), one behind it (never seen).
        for created in ["2020-01-01T00:00:00.000Z", "2098-01-01T00:00:00.000Z"] {
            n += 1;
            insert(format!("c{n}"), created).await;
        }
        if body["pageInfo"]["hasPreviousPage"] != true || seen.len() > 200 {
            break;
        }
        cursor = body["pageInfo"]["startCursor"].as_str().unwrap().to_owned();
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        seen.len(),
        "a row was visited twice: {seen:?}"
    );
    for label in ["c1", "c2", "c3", "c4", "c5", "c6", "c8"] {
        assert!(seen.contains(&label.to_owned()), "{label} missed: {seen:?}");
    }
    assert!(
        !seen.contains(&"c90".to_owned()),
        "the cursor's own row: {seen:?}"
    );
    // Rows inserted behind the walk (2098) were never reached; those ahead (2020) were.
    let inserted: Vec<u32> = seen
        .iter()
        .filter_map(|l| l[1..].parse::<u32>().ok())
        .filter(|&n| n > 30)
        .collect();
    assert!(!inserted.is_empty(), "{seen:?}");
    // Odd labels were inserted at 2020 (ahead), even ones at 2098 (behind).
    assert!(inserted.iter().all(|n| n % 2 == 1), "{seen:?}");
}
both!(backward_pages_stay_exact_while_rows_are_inserted);
