//! `GET /rest/{namePlural}/groupBy` on both backends: Twenty's parameters, dimensions
//! (fields, sub-fields, join columns, dates by granularity in a time zone), aggregates,
//! group ordering, the records' sample, and the refusals.
use super::support::{Api, assert_error, enc};
use crate::both;
use crate::support::Backend;
use reqwest::Method;
use serde_json::{Value, json};

/// Opportunities `GB 1` … `GB 4` (Twenty's REST group-by case): name, stage, close date
/// (UTC), amount in micros.
async fn opportunities(api: &Api) {
    for (name, stage, close, amount) in [
        ("GB 1", "NEW", "2025-01-01T10:00:00Z", 1_000_000_000_000_i64),
        ("GB 2", "NEW", "2025-01-02T10:00:00Z", 2_000_000_000_000),
        ("GB 3", "NEW", "2025-01-02T12:00:00Z", 3_000_000_000_000),
        (
            "GB 4",
            "SCREENING",
            "2025-01-31T23:30:00Z",
            4_000_000_000_000,
        ),
    ] {
        let (status, body) = api
            .send(
                Method::POST,
                "/rest/opportunities",
                &json!({"name": name, "stage": stage, "closeDate": close,
                        "amount": {"amountMicros": amount, "currencyCode": "USD"}}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
}

/// The group-by of the test's opportunities with these parameters.
async fn groups(api: &Api, params: &[(&str, &str)]) -> (u16, Value) {
    let mut query = format!("filter={}", enc("name[startsWith]:\"GB \""));
    for (name, value) in params {
        query.push_str(&format!("&{name}={}", enc(value)));
    }
    api.get(&format!("/rest/opportunities/groupBy?{query}"))
        .await
}

fn dimension_values(body: &Value) -> Vec<Value> {
    body.as_array()
        .expect("a list of groups")
        .iter()
        .map(|g| g["groupByDimensionValues"].clone())
        .collect()
}

async fn groups_by_day_of_week_and_stage_with_a_records_sample(backend: Backend) {
    let Some(api) = Api::start(backend, "restgroupby").await else {
        return;
    };
    opportunities(&api).await;
    let (status, body) = groups(
        &api,
        &[
            (
                "group_by",
                r#"[{"closeDate":{"granularity":"DAY_OF_THE_WEEK"}},{"stage":true}]"#,
            ),
            ("aggregate", r#"["maxAmountAmountMicros","countAll"]"#),
            ("include_records_sample", "true"),
            ("order_by_for_records", "name[DescNullsLast]"),
            ("limit", "10"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // Groups come ordered by their dimensions (day names sort as text).
    assert_eq!(
        dimension_values(&body),
        [
            json!(["Friday", "SCREENING"]),
            json!(["Thursday", "NEW"]),
            json!(["Wednesday", "NEW"])
        ]
    );
    let thursday = &body[1];
    assert_eq!(
        thursday["maxAmountAmountMicros"], 3_000_000_000_000_i64,
        "{body}"
    );
    assert_eq!(thursday["countAll"], 2);
    let names: Vec<&str> = thursday["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["GB 3", "GB 2"]);
    // Records at depth 0: no relation embedded.
    assert!(thursday["records"][0].get("company").is_none(), "{body}");
    assert!(body[0].get("records").is_some());

    // Without the sample, no `records` key; without `aggregate`, only the dimensions.
    let (_, body) = groups(&api, &[("group_by", r#"[{"stage":true}]"#)]).await;
    assert_eq!(
        body,
        json!([{"groupByDimensionValues": ["NEW"]}, {"groupByDimensionValues": ["SCREENING"]}])
    );
}
both!(groups_by_day_of_week_and_stage_with_a_records_sample);

async fn dates_group_by_granularity_in_a_time_zone(backend: Backend) {
    let Some(api) = Api::start(backend, "restgroupbydates").await else {
        return;
    };
    opportunities(&api).await;
    let by = |granularity: &str, zone: Option<&str>, week: Option<&str>| {
        let mut spec = json!({"granularity": granularity});
        if let Some(zone) = zone {
            spec["timeZone"] = json!(zone);
        }
        if let Some(week) = week {
            spec["weekStartDay"] = json!(week);
        }
        json!([{ "closeDate": spec }]).to_string()
    };
    let cases: Vec<(String, Vec<Value>)> = vec![
        (
            by("DAY", Some("UTC"), None),
            vec![
                json!(["2025-01-01"]),
                json!(["2025-01-02"]),
                json!(["2025-01-31"]),
            ],
        ),
        // 23:30 UTC on the 31st is February 1st two hours east.
        (
            by("MONTH", Some("+02:00"), None),
            vec![json!(["2025-01-01"]), json!(["2025-02-01"])],
        ),
        (by("MONTH", Some("UTC"), None), vec![json!(["2025-01-01"])]),
        (
            by("QUARTER", Some("UTC"), None),
            vec![json!(["2025-01-01"])],
        ),
        (by("YEAR", Some("UTC"), None), vec![json!(["2025-01-01"])]),
        // Wednesday the 1st: the week began Monday Dec 30, Sunday Dec 29, Saturday Dec 28.
        (
            by("WEEK", Some("UTC"), None),
            vec![json!(["2024-12-30"]), json!(["2025-01-27"])],
        ),
        (
            by("WEEK", Some("UTC"), Some("SUNDAY")),
            vec![json!(["2024-12-29"]), json!(["2025-01-26"])],
        ),
        (
            by("WEEK", Some("UTC"), Some("SATURDAY")),
            vec![json!(["2024-12-28"]), json!(["2025-01-25"])],
        ),
        (
            by("MONTH_OF_THE_YEAR", None, None),
            vec![json!(["January"])],
        ),
        (by("QUARTER_OF_THE_YEAR", None, None), vec![json!(["Q1"])]),
    ];
    for (group_by, expected) in cases {
        let (status, body) = groups(
            &api,
            &[
                ("group_by", &group_by),
                ("order_by", r#"[{"closeDate":{"orderBy":"AscNullsFirst"}}]"#),
            ],
        )
        .await;
        assert_eq!(status, 200, "{group_by}: {body}");
        assert_eq!(dimension_values(&body), expected, "{group_by}");
    }
    // A period of a date-time needs its time zone (as in Twenty).
    let refused = groups(&api, &[("group_by", &by("DAY", None, None))]).await;
    assert_error(&refused, 400, "INVALID_GROUP_BY");
    assert!(
        refused.1["messages"][0]
            .as_str()
            .unwrap()
            .contains("timeZone"),
        "{}",
        refused.1
    );
    // Named zones: Postgres knows them; SQLite says what it takes instead.
    let (status, body) = groups(
        &api,
        &[("group_by", &by("MONTH", Some("Asia/Tokyo"), None))],
    )
    .await;
    match backend {
        Backend::Postgres => {
            assert_eq!(status, 200, "{body}");
            assert_eq!(
                dimension_values(&body),
                [json!(["2025-01-01"]), json!(["2025-02-01"])]
            );
            let unknown = groups(
                &api,
                &[("group_by", &by("MONTH", Some("Mars/Olympus"), None))],
            )
            .await;
            assert_error(&unknown, 400, "INVALID_GROUP_BY");
        }
        Backend::Sqlite => {
            assert_error(&(status, body.clone()), 400, "INVALID_GROUP_BY");
            assert!(
                body["messages"][0].as_str().unwrap().contains("+02:00"),
                "{body}"
            );
        }
    }
}
both!(dates_group_by_granularity_in_a_time_zone);

async fn aggregates_and_group_ordering(backend: Backend) {
    let Some(api) = Api::start(backend, "restgroupbyagg").await else {
        return;
    };
    for (name, employees, icp, city) in [
        ("Agg A", Some(10), true, Some("Paris")),
        ("Agg B", Some(30), false, Some("Paris")),
        ("Agg C", None, true, Some("Berlin")),
        ("Agg D", Some(5), false, None),
    ] {
        let (status, body) = api
            .send(
                Method::POST,
                "/rest/companies",
                &json!({"name": name, "employees": employees, "idealCustomerProfile": icp,
                        "address": {"addressCity": city}}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let path = |group_by: &str, rest: &str| {
        format!(
            "/rest/companies/groupBy?filter={}&group_by={}{rest}",
            enc("name[startsWith]:\"Agg \""),
            enc(group_by)
        )
    };
    let aggregate = enc(
        r#"["countAll","sumEmployees","avgEmployees","minEmployees","maxEmployees","countEmptyEmployees","countNotEmptyEmployees","percentageEmptyEmployees","countTrueIdealCustomerProfile","countFalseIdealCustomerProfile","countUniqueValuesName","minCreatedAt"]"#,
    );
    // No dimension: one group, the whole selection.
    let (status, body) = api
        .get(&path("[]", &format!("&aggregate={aggregate}")))
        .await;
    assert_eq!(status, 200, "{body}");
    let all = &body[0];
    assert_eq!(all["groupByDimensionValues"], json!([]));
    assert_eq!(all["countAll"], 4);
    assert_eq!(all["sumEmployees"], 45);
    assert_eq!(all["avgEmployees"], 15);
    assert_eq!(
        (all["minEmployees"].clone(), all["maxEmployees"].clone()),
        (json!(5), json!(30))
    );
    assert_eq!(
        (
            all["countEmptyEmployees"].clone(),
            all["countNotEmptyEmployees"].clone()
        ),
        (json!(1), json!(3))
    );
    assert_eq!(all["percentageEmptyEmployees"], 0.25);
    assert_eq!(
        (
            all["countTrueIdealCustomerProfile"].clone(),
            all["countFalseIdealCustomerProfile"].clone()
        ),
        (json!(2), json!(2))
    );
    assert_eq!(all["countUniqueValuesName"], 4);
    assert!(
        all["minCreatedAt"]
            .as_str()
            .is_some_and(|d| d.ends_with('Z')),
        "{body}"
    );

    // By a composite's sub-field, ordered by an aggregate not answered, limited.
    let (status, body) = api
        .get(&path(
            r#"[{"address":{"addressCity":true}}]"#,
            &format!(
                "&aggregate={}&order_by={}&limit=2",
                enc(r#"["countAll"]"#),
                enc(r#"[{"aggregate":{"sumEmployees":"DescNullsLast"}}]"#)
            ),
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!([
            {"countAll": 2, "groupByDimensionValues": ["Paris"]},
            {"countAll": 1, "groupByDimensionValues": [null]},
        ])
    );
    // Null is a group of its own; its place follows the direction.
    let (_, body) = api
        .get(&path(
            r#"[{"address":{"addressCity":true}}]"#,
            &format!(
                "&order_by={}",
                enc(r#"[{"address":{"addressCity":"DescNullsLast"}}]"#)
            ),
        ))
        .await;
    assert_eq!(
        dimension_values(&body),
        [json!(["Paris"]), json!(["Berlin"]), json!([null])]
    );

    for (query, code) in [
        (path(r#"[{"nope":true}]"#, ""), "UNKNOWN_FIELD"),
        (path(r#"[{"address":true}]"#, ""), "INVALID_GROUP_BY"),
        (
            path(r#"[{"name":true,"employees":true}]"#, ""),
            "INVALID_GROUP_BY",
        ),
        (path(r#"[{"people":true}]"#, ""), "INVALID_GROUP_BY"),
        (path("{not json", ""), "INVALID_GROUP_BY"),
        (
            path("[]", &format!("&aggregate={}", enc(r#"["sumName"]"#))),
            "INVALID_GROUP_BY",
        ),
        (
            path(
                r#"[{"name":true}]"#,
                &format!("&order_by={}", enc(r#"[{"employees":"AscNullsFirst"}]"#)),
            ),
            "INVALID_GROUP_BY",
        ),
        (path(r#"[{"name":true}]"#, "&limit=201"), "LIMIT_EXCEEDED"),
        (
            path(r#"[{"name":true}]"#, "&order_by_for_records=name"),
            "INVALID_PARAMETER",
        ),
        (path(r#"[{"name":true}]"#, "&depth=1"), "UNKNOWN_PARAMETER"),
        ("/rest/companies/groupBy".to_owned(), "INVALID_GROUP_BY"),
    ] {
        assert_error(&api.get(&query).await, 400, code);
    }
    // A join column is a dimension too.
    let (status, body) = api
        .get("/rest/people/groupBy?group_by=%5B%7B%22companyId%22%3Atrue%7D%5D&aggregate=%5B%22countAll%22%5D")
        .await;
    assert_eq!(status, 200, "{body}");
    let total: i64 = body
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["countAll"].as_i64().unwrap())
        .sum();
    assert_eq!(
        total,
        api.ok("/rest/people?limit=0").await["totalCount"]
            .as_i64()
            .unwrap()
    );
    let (status, _) = api
        .call(
            Method::GET,
            "/rest/companies/groupBy?group_by=%5B%5D",
            &api.read_only,
            None,
        )
        .await;
    assert_eq!(status, 200, "a read-only key reads groups");
}
both!(aggregates_and_group_ordering);
