//! The direct executor answers exactly as async-graphql's executor over the resolvers:
//! a corpus of queries (aliases, fragments, variables, directives, `__typename`, nested
//! connections, errors) runs through both and must give the same body and statements.
use super::nested::{companies_with_people, execute_on};
use crate::query::support::Db;
use serde_json::{Value, json};
use twenty_server::graphql::Executor;

/// Runs `query` with `variables` through `executor`: (body, statements).
async fn run(
    db: &Db,
    executor: Executor,
    query: &str,
    variables: &Value,
    operation: Option<&str>,
) -> (Value, usize) {
    let mut request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables.clone()));
    if let Some(name) = operation {
        request = request.operation_name(name);
    }
    execute_on(db, executor, request).await
}

/// What a case must answer besides agreeing: data, or an error with this code.
enum Expect {
    Data,
    Error(&'static str),
}

const PERSON: &str = "id name { firstName lastName } emails { primaryEmail additionalEmails } \
    linkedinLink { primaryLinkUrl primaryLinkLabel secondaryLinks } jobTitle \
    phones { primaryPhoneNumber primaryPhoneCountryCode additionalPhones } city avatarUrl \
    companyId createdAt updatedAt deletedAt position \
    createdBy { source workspaceMemberId name context } updatedBy { source name }";

fn corpus() -> Vec<(String, Value, Expect)> {
    let list = format!(
        "{{ people(first: 20, orderBy: {{createdAt: AscNullsFirst}}) {{ totalCount \
         pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} \
         edges {{ cursor node {{ {PERSON} }} }} }} }}"
    );
    let cases: Vec<(&str, Value, Expect)> = vec![
        (
            "{ a: people(first: 2, orderBy: {name: {firstName: DescNullsLast}}) { edges { node { id n: name { f: firstName } } } } \
               b: companies(first: 1) { total: totalCount } }",
            json!({}),
            Expect::Data,
        ),
        (
            "{ people(first: 3) { ...Conn } }
             fragment Conn on PersonConnection { pageInfo { endCursor } edges { node { ...P ... on Person { city } ... { companyId } } } }
             fragment P on Person { id name { firstName } }",
            json!({}),
            Expect::Data,
        ),
        (
            "query($n: Int, $f: PersonFilterInput, $o: [PersonOrderByInput]) { people(first: $n, filter: $f, orderBy: $o) { totalCount edges { node { id name { firstName } } } } }",
            json!({"n": 4, "f": {"name": {"firstName": {"in": ["P01", "P02"]}}}, "o": [{"name": {"firstName": "AscNullsLast"}}]}),
            Expect::Data,
        ),
        (
            "query($n: Int = 2) { people(first: $n) { edges { node { id } } } }",
            json!({}),
            Expect::Data,
        ),
        (
            "query($yes: Boolean!) { people(first: 2) { totalCount @include(if: $yes) edges @skip(if: false) { cursor @skip(if: true) node { id city @include(if: $yes) } } } }",
            json!({"yes": false}),
            Expect::Data,
        ),
        (
            "query($yes: Boolean!) { people(first: 2) { totalCount @include(if: $yes) ... @skip(if: $yes) { pageInfo { hasNextPage } } } }",
            json!({"yes": true}),
            Expect::Data,
        ),
        (
            "{ people(last: 2, orderBy: {city: AscNullsLast}) { pageInfo { hasPreviousPage startCursor } edges { cursor node { id } } } \
               companies(last: 1) { edges { node { people(last: 2, orderBy: {name: {firstName: AscNullsFirst}}) { edges { node { id } } } } } } }",
            json!({}),
            Expect::Data,
        ),
        (
            "{ people(first: 1) { edges { node { id @skip(if: true) } } } }",
            json!({}),
            Expect::Data,
        ),
        (
            "{ __typename people(first: 1) { __typename edges { __typename node { __typename name { __typename firstName } } } } }",
            json!({}),
            Expect::Data,
        ),
        (
            "{ people(first: 2) { edges { node { name { firstName } name { lastName } n: name { firstName } } } } }",
            json!({}),
            Expect::Data,
        ),
        (
            "{ companies(first: 3, orderBy: {name: DescNullsLast}) { totalCount edges { cursor node { id name \
               people(first: 2, orderBy: {name: {firstName: AscNullsFirst}}) { totalCount pageInfo { hasNextPage endCursor } \
                 edges { node { id name { firstName } company { id name people(first: 1) { edges { node { id } } } } } } } \
               few: people(first: 1, filter: {name: {firstName: {eq: \"P02\"}}}) { edges { node { id } } } } } } }",
            json!({}),
            Expect::Data,
        ),
        (
            "query One($name: String) { company(filter: {name: {eq: $name}}) { id name people(first: 2) { edges { node { id company { name } } } } } }
             query Two { people(first: 1) { totalCount } }",
            json!({"name": "C01"}),
            Expect::Data,
        ),
        (
            "{ person(filter: {id: {eq: \"00000000-0000-4000-8000-000000000000\"}}) { id } }",
            json!({}),
            Expect::Data,
        ),
        (
            "{ people(first: 1) { totalCount } company(filter: {name: {eq: \"Nobody\"}}) { id } }",
            json!({}),
            Expect::Data,
        ),
        (
            "{ people(first: 500) { totalCount } }",
            json!({}),
            Expect::Error("BAD_USER_INPUT"),
        ),
        (
            "{ companiesGroupBy(groupBy: [{name: true}], orderBy: [{aggregate: {totalCount: DescNullsLast}}], limit: 3) { \
               groupByDimensionValues totalCount countEmptyEmployees \
               edges { cursor node { id name people(first: 1) { edges { node { id } } } } } pageInfo { hasNextPage endCursor } } \
             companies(first: 2) { totalCount countUniqueValuesName minCreatedAt edges { node { id } } } }",
            json!({}),
            Expect::Data,
        ),
        (
            "{ companiesGroupBy(groupBy: [{name: true, id: true}]) { totalCount } people(first: 1) { totalCount } }",
            json!({}),
            Expect::Error("BAD_USER_INPUT"),
        ),
        (
            "{ companies(first: 2) { edges { node { people(first: 500) { totalCount } } } } }",
            json!({}),
            Expect::Error("BAD_USER_INPUT"),
        ),
        (
            "query($f: PersonFilterInput) { people(filter: $f) { totalCount } }",
            json!({}),
            Expect::Data,
        ),
        (
            "{ people { nope } }",
            json!({}),
            Expect::Error("GRAPHQL_VALIDATION_FAILED"),
        ),
        (
            "query($n: Int!) { people(first: $n) { totalCount } }",
            json!({}),
            Expect::Error("GRAPHQL_VALIDATION_FAILED"),
        ),
        (
            "{ __schema { queryType { name } } people(first: 1) { totalCount } }",
            json!({}),
            Expect::Data,
        ),
    ];
    let mut all = vec![(list, json!({}), Expect::Data)];
    all.extend(cases.into_iter().map(|(q, v, e)| (q.to_owned(), v, e)));
    all
}

async fn the_direct_executor_answers_as_async_graphql_does(db: Db) {
    companies_with_people(&db, 1, 4, 3).await;
    // One person with every kind of value: composites, lists, JSON, a select.
    let (created, _) = run(
        &db,
        Executor::Direct,
        "mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }",
        &json!({"d": [{
            "name": {"firstName": "Ada", "lastName": "Lovelace"},
            "emails": {"primaryEmail": "ada@example.com", "additionalEmails": ["a@b.c", "d@e.f"]},
            "linkedinLink": {"primaryLinkUrl": "https://l.example", "secondaryLinks": [{"url": "https://x", "label": "x"}]},
            "phones": {"primaryPhoneNumber": "123", "additionalPhones": [{"number": "456"}]},
            "jobTitle": "Countess", "city": "London", "position": 2.5,
        }]}),
        None,
    )
    .await;
    assert!(created.get("errors").is_none(), "{created}");
    for (query, variables, expect) in corpus() {
        // A document of several operations runs its first one, by name.
        let operation = query
            .strip_prefix("query ")
            .and_then(|rest| rest.split(['(', ' ', '{']).next());
        let (direct, direct_statements) =
            run(&db, Executor::Direct, &query, &variables, operation).await;
        let (reference, statements) =
            run(&db, Executor::Resolvers, &query, &variables, operation).await;
        assert_eq!(direct, reference, "{query}");
        assert_eq!(direct_statements, statements, "{query}");
        match expect {
            Expect::Data => {
                assert!(direct.get("errors").is_none(), "{query}: {direct}");
                assert!(direct["data"].is_object(), "{query}: {direct}");
            }
            Expect::Error(code) => {
                assert_eq!(
                    direct["errors"][0]["extensions"]["code"], code,
                    "{query}: {direct}"
                );
            }
        }
    }
}
crate::query_on_both!(
    the_direct_executor_answers_as_async_graphql_does,
    direct_sqlite,
    direct_postgres
);

/// The ids of a connection's nodes.
fn ids(connection: &Value) -> Vec<Value> {
    connection["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|e| e["node"]["id"].clone()).collect())
        .unwrap_or_default()
}

async fn a_cursor_on_an_unselected_ordering_field_pages_on(db: Db) {
    companies_with_people(&db, 1, 2, 3).await;
    // Only `id` is selected: the engine reads the ordering key (first name) for cursors.
    let page = |after: Option<&str>, first: u32| {
        let after = after
            .map(|a| format!(", after: \"{a}\""))
            .unwrap_or_default();
        format!(
            "{{ people(first: {first}, orderBy: {{name: {{firstName: DescNullsLast}}}}{after}) \
             {{ pageInfo {{ hasNextPage endCursor }} edges {{ node {{ id }} }} }} }}"
        )
    };
    let (all, _) = run(&db, Executor::Direct, &page(None, 6), &json!({}), None).await;
    let (first, _) = run(&db, Executor::Direct, &page(None, 4), &json!({}), None).await;
    let cursor = first["data"]["people"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("a cursor")
        .to_owned();
    let (rest, _) = run(
        &db,
        Executor::Direct,
        &page(Some(&cursor), 4),
        &json!({}),
        None,
    )
    .await;
    let mut paged = ids(&first["data"]["people"]);
    paged.extend(ids(&rest["data"]["people"]));
    assert_eq!(paged, ids(&all["data"]["people"]));
    assert_eq!(paged.len(), 6);
    assert_eq!(rest["data"]["people"]["pageInfo"]["hasNextPage"], false);
}
crate::query_on_both!(
    a_cursor_on_an_unselected_ordering_field_pages_on,
    unselected_cursor_sqlite,
    unselected_cursor_postgres
);
