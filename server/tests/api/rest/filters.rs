//! The `filter` grammar over HTTP on the query fixtures: every comparator on scalar fields
//! and composite sub-fields, nested and / or / not, quoting and escaping, dates, numbers,
//! NULL checks; and malformed filters, each answered by a 400 with its code.
use super::support::{Api, assert_error, enc, labels};
use crate::both;
use crate::query::seed::id;
use crate::support::Backend;

/// (namePlural, filter, expected live records).
fn cases() -> Vec<(&'static str, String, &'static str)> {
    let c2 = id("c2");
    let all = "c1 c2 c3 c4 c5 c6 c8";
    let mut cases: Vec<(&str, String, &str)> = [
        ("companies", r#"name[eq]:"Acme""#, "c1"),
        ("companies", "name[eq]:'Acme'", "c1"),
        ("companies", "name[eq]:Acme", "c1"),
        ("companies", r#"name[neq]:"Acme""#, "c2 c3 c4 c6 c8"),
        ("companies", r#"name[in]:["Acme","Beta","Nope"]"#, "c1 c2"),
        ("companies", "name[in]:[Acme, 'Beta']", "c1 c2"),
        ("companies", "name[in]:[]", ""),
        ("companies", "name[is]:NULL", "c5"),
        ("companies", "name[is]:NOT_NULL", "c1 c2 c3 c4 c6 c8"),
        ("companies", r#"name[gt]:"Beta""#, "c3 c4 c6 c8"),
        ("companies", r#"name[gte]:"Beta""#, "c2 c3 c4 c6 c8"),
        ("companies", r#"name[lt]:"Beta""#, "c1"),
        ("companies", r#"name[lte]:"Beta""#, "c1 c2"),
        ("companies", r#"name[startsWith]:"Ac""#, "c1"),
        ("companies", r#"name[startsWith]:"Gamma_""#, "c4"),
        ("companies", r#"name[startsWith]:"Delta%""#, "c6"),
        ("companies", r#"name[endsWith]:"labs""#, "c3"),
        ("companies", r#"name[like]:"%cme%""#, "c1 c3"),
        ("companies", r#"name[like]:"Gamma\\_X""#, "c4"),
        ("companies", r#"name[ilike]:"acme%""#, "c1 c3"),
        ("companies", r#"name[ilike]:"%Pée""#, "c8"),
        ("companies", "employees[eq]:100", "c1 c5"),
        ("companies", r#"employees[eq]:"100""#, "c1 c5"),
        ("companies", "employees[neq]:100", "c2 c4 c6 c8"),
        ("companies", "employees[gt]:50", "c1 c5"),
        ("companies", "employees[gte]:50", "c1 c2 c5"),
        ("companies", "employees[lt]:10", "c6"),
        ("companies", "employees[lte]:10", "c4 c6"),
        ("companies", "employees[in]:[10,7.5]", "c4 c6"),
        ("companies", "employees[is]:NULL", "c3"),
        ("companies", "idealCustomerProfile[eq]:true", "c1 c4 c6"),
        ("companies", "idealCustomerProfile[neq]:true", "c2 c3 c5 c8"),
        ("companies", r#"createdAt[gt]:"2024-04-01T10:00:00Z""#, "c5 c6 c8"),
        ("companies", "createdAt[gte]:'2024-04-01T10:00:00.000Z'", "c4 c5 c6 c8"),
        ("companies", r#"createdAt[lte]:"2024-02-01""#, "c1"),
        ("companies", "createdAt[lt]:2024-03-01T10:00:00.000Z", "c1 c2"),
        ("companies", r#"createdAt[eq]:"2024-02-01T10:00:00+00:00""#, "c2"),
        (
            "companies",
            r#"createdAt[in]:["2024-01-01T10:00:00Z","2024-08-01T10:00:00Z"]"#,
            "c1 c8",
        ),
        ("companies", "position[gte]:6", "c6 c8"),
        ("companies", r#"address.addressCity[eq]:"Paris""#, "c1 c3 c8"),
        ("companies", r#"address.addressCity[in]:["London","Berlin"]"#, "c2 c5"),
        ("companies", "address.addressCity[is]:NULL", "c4"),
        ("companies", r#"address.addressCity[ilike]:"berlin""#, "c5 c6"),
        ("companies", r#"address.addressCity[like]:"berlin""#, "c6"),
        ("companies", "annualRecurringRevenue.amountMicros[gt]:500000000", "c1 c4"),
        ("companies", "annualRecurringRevenue.amountMicros[in]:[0,2000000000]", "c4 c5"),
        ("companies", r#"annualRecurringRevenue.currencyCode[eq]:"USD""#, "c1 c4 c5"),
        ("companies", r#"domainName.primaryLinkUrl[endsWith]:".com""#, "c1 c4"),
        ("companies", r#"domainName.primaryLinkUrl[startsWith]:"https://beta""#, "c2"),
        ("companies", r#"createdBy.source[eq]:"MANUAL""#, all),
        (
            "companies",
            r#"address.addressCity[eq]:"Paris",employees[gte]:100"#,
            "c1",
        ),
        (
            "companies",
            r#"and(address.addressCity[eq]:"Paris", employees[gte]:100)"#,
            "c1",
        ),
        ("companies", r#"or(name[eq]:"Beta",employees[lt]:10)"#, "c2 c6"),
        ("companies", r#"not(address.addressCity[eq]:"Paris")"#, "c2 c5 c6"),
        (
            "companies",
            "not(or(idealCustomerProfile[eq]:true,name[is]:NULL))",
            "c2 c3 c8",
        ),
        (
            "companies",
            r#"and(or(address.addressCity[eq]:"Paris",address.addressCity[eq]:'London'),not(name[like]:"%labs"))"#,
            "c1 c2 c8",
        ),
        ("companies", "accountOwnerId[is]:NULL", all),
        ("companies", r#"name[eq]:"Zeta""#, ""),
        ("companies", r#"and(name[eq]:"Zeta",deletedAt[is]:NOT_NULL)"#, "c7"),
        ("companies", "not(deletedAt[is]:NULL)", "c7"),
        ("people", r#"name.firstName[eq]:"Ada""#, "p1"),
        ("people", "name.firstName[ilike]:'ada'", "p1 p4"),
        ("people", "name.lastName[is]:NULL", "p4"),
        ("people", "name.lastName[startsWith]:T", "p2 p5"),
        ("people", "companyId[is]:NULL", "p4"),
        ("people", r#"emails.primaryEmail[like]:"%@acme.com""#, "p1 p2"),
        ("people", "jobTitle[in]:[CEO, CTO]", "p1 p2"),
        ("opportunities", r#"stage[eq]:"CUSTOMER""#, "o3 o4"),
        ("opportunities", "stage[in]:[NEW,MEETING]", "o1 o2"),
        ("opportunities", "stage[neq]:NEW", "o2 o3 o4"),
        ("workflows", r#"statuses[containsAny]:["ACTIVE"]"#, "w2 w4"),
        ("workflows", "statuses[containsAny]:[DRAFT, 'DEACTIVATED']", "w1 w2"),
        ("workflows", "statuses[containsAny]:[]", ""),
        ("workflows", "statuses[is]:NULL", "w3"),
    ]
    .into_iter()
    .map(|(o, f, e)| (o, f.to_owned(), e))
    .collect();
    cases.push(("companies", format!("id[eq]:{c2}"), "c2"));
    cases.push((
        "companies",
        format!(r#"id[neq]:"{c2}""#),
        "c1 c3 c4 c5 c6 c8",
    ));
    cases.push((
        "companies",
        format!(r#"id[in]:["{}",'{}',{}]"#, id("c1"), id("c3"), id("c7")),
        "c1 c3",
    ));
    cases.push(("people", format!("companyId[eq]:{}", id("c1")), "p1 p2"));
    cases.push(("people", format!(r#"company[eq]:"{}""#, id("c1")), "p1 p2"));
    cases
}

async fn every_case_over_http(backend: Backend) {
    let Some(api) = Api::start(backend, "restfilters").await else {
        return;
    };
    let cases = cases();
    assert!(cases.len() >= 40);
    let mut failures = Vec::new();
    for (plural, filter, expected) in cases {
        let path = format!("/rest/{plural}?filter={}", enc(&filter));
        let (status, body) = api.get(&path).await;
        if status != 200 {
            failures.push(format!("{plural} {filter}: {status} {body}"));
            continue;
        }
        let got = labels(&body, plural);
        let count = body["totalCount"].as_u64().unwrap_or(u64::MAX);
        let n = expected.split_whitespace().count() as u64;
        if got != expected || count != n {
            failures.push(format!(
                "{plural} {filter}: expected [{expected}] ({n}), got [{got}] (totalCount {count})"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
both!(every_case_over_http);

async fn quoted_values_keep_separators_and_escapes(backend: Backend) {
    let Some(api) = Api::start(backend, "restquoting").await else {
        return;
    };
    // Values with the grammar's own characters are stored first, then found by quoting.
    let db = api
        .server
        .state
        .store
        .workspace_db(api.workspace)
        .await
        .unwrap();
    let db = crate::query::support::Db::of_workspace(db);
    for (label, name) in [
        ("c21", "a,b(c)"),
        ("c22", r#"say "hi""#),
        ("c23", "it's"),
        ("c24", r"back\slash"),
        ("c25", "[x]:y"),
    ] {
        db.insert(
            "company",
            &[
                ("id", crate::query::support::Lit::Uuid(id(label))),
                ("name", crate::query::support::t(name)),
            ],
        )
        .await;
    }
    for (filter, expected) in [
        (r#"name[eq]:"a,b(c)""#, "c21"),
        ("name[eq]:'a,b(c)'", "c21"),
        (r#"name[eq]:"say \"hi\"""#, "c22"),
        (r#"name[eq]:'say "hi"'"#, "c22"),
        (r"name[eq]:'it\'s'", "c23"),
        (r#"name[eq]:"it's""#, "c23"),
        (r#"name[eq]:"back\\slash""#, "c24"),
        (r#"name[eq]:"[x]:y""#, "c25"),
        (r#"name[in]:["a,b(c)","it's"]"#, "c21 c23"),
        (r#"or(name[eq]:"a,b(c)",name[eq]:'[x]:y')"#, "c21 c25"),
    ] {
        let body = api
            .ok(&format!("/rest/companies?filter={}", enc(filter)))
            .await;
        assert_eq!(labels(&body, "companies"), expected, "{filter}");
    }
}
both!(quoted_values_keep_separators_and_escapes);

async fn malformed_filters_are_400_with_their_code(backend: Backend) {
    let Some(api) = Api::start(backend, "restbadfilters").await else {
        return;
    };
    let cases = [
        ("", "INVALID_FILTER"),
        ("name", "INVALID_FILTER"),
        ("name[eq]", "INVALID_FILTER"),
        ("name[equals]:1", "INVALID_FILTER"),
        ("name[eq]:", "INVALID_FILTER"),
        (r#"name[eq]:"open"#, "INVALID_FILTER"),
        ("xor(name[eq]:1)", "INVALID_FILTER"),
        ("not(name[eq]:a,name[eq]:b)", "INVALID_FILTER"),
        ("and()", "INVALID_FILTER"),
        ("and(name[eq]:a", "INVALID_FILTER"),
        ("name[eq]:a)", "INVALID_FILTER"),
        ("name[in]:[a,b", "INVALID_FILTER"),
        ("name[in]:a", "INVALID_VALUE"),
        ("nope[eq]:1", "UNKNOWN_FIELD"),
        ("address.nope[eq]:1", "UNKNOWN_SUB_FIELD"),
        ("address[eq]:Paris", "INVALID_FILTER"),
        ("employees[eq]:many", "INVALID_VALUE"),
        ("employees[startsWith]:1", "INVALID_FILTER"),
        ("idealCustomerProfile[eq]:maybe", "INVALID_VALUE"),
        ("createdAt[gt]:yesterday", "INVALID_VALUE"),
        ("id[eq]:42", "INVALID_VALUE"),
        ("name[is]:EMPTY", "INVALID_VALUE"),
    ];
    for (filter, code) in cases {
        let response = api
            .get(&format!("/rest/companies?filter={}", enc(filter)))
            .await;
        assert_error(&response, 400, code);
        assert!(
            response.1["messages"][0].as_str().unwrap_or("").len() > 10,
            "{filter}: {}",
            response.1
        );
    }
    let (_, body) = api
        .get(&format!("/rest/companies?filter={}", enc("nope[eq]:1")))
        .await;
    assert!(
        body["messages"][0].as_str().unwrap().contains("`nope`"),
        "{body}"
    );
    let (_, body) = api
        .get(&format!("/rest/companies?filter={}", enc("name[equals]:1")))
        .await;
    assert!(
        body["messages"][0].as_str().unwrap().contains("`equals`"),
        "{body}"
    );
}
both!(malformed_filters_are_400_with_their_code);
