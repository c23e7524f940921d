//! The README's example: run it against a server with
//! `TWENTY_URL=http://127.0.0.1:3000 TWENTY_API_KEY=… cargo run -p twenty-sdk --example readme`.
use futures_util::TryStreamExt;
use twenty_sdk::filters::person;
use twenty_sdk::{
    Client, CompanyCreate, Direction, Emails, Error, FullName, Patch, PersonCreate,
    PersonOrderField, PersonUpdate,
};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let url = std::env::var("TWENTY_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".into());
    // The API key comes from TWENTY_API_KEY; `.api_key(…)` sets one explicitly.
    let client = Client::new(&url)?;

    let acme = client
        .companies()
        .create(CompanyCreate {
            name: Some("Readme Inc".into()),
            ..Default::default()
        })
        .await?;
    let people = client
        .people()
        .create_many(vec![
            PersonCreate {
                name: Some(FullName {
                    first_name: Some("Ada".into()),
                    last_name: Some("Lovelace".into()),
                }),
                emails: Some(Emails {
                    primary_email: Some("ada@readme.test".into()),
                    ..Default::default()
                }),
                company_id: Some(acme.id),
                ..Default::default()
            },
            PersonCreate {
                name: Some(FullName {
                    first_name: Some("Grace".into()),
                    last_name: Some("Hopper".into()),
                }),
                city: Some("Arlington".into()),
                company_id: Some(acme.id),
                ..Default::default()
            },
        ])
        .await?;

    // People of Readme Inc whose email ends with @readme.test or who live in Arlington,
    // by last name descending.
    let page = client
        .people()
        .find_many()
        .filter(
            person::company_id().eq(acme.id).and(
                person::emails()
                    .primary_email()
                    .ends_with("@readme.test")
                    .or(person::city().eq("Arlington")),
            ),
        )
        .order_by(PersonOrderField::NameLastName, Direction::DescNullsLast)
        .await?;
    let names: Vec<String> = page
        .records
        .iter()
        .filter_map(|p| p.name.last_name.clone())
        .collect();
    println!("{} {names:?}", page.total_count); // 2 ["Lovelace", "Hopper"]

    // Set one field, clear another, leave the rest.
    let grace = client
        .people()
        .update(
            people[1].id,
            &PersonUpdate {
                job_title: Patch::Set("Admiral".into()),
                city: Patch::Null,
                ..Default::default()
            },
        )
        .await?;
    println!("{:?} {:?}", grace.job_title, grace.city); // Some("Admiral") None

    // Every matching record, page after page.
    let all: Vec<_> = client
        .people()
        .find_many()
        .filter(person::company_id().eq(acme.id))
        .stream()
        .try_collect()
        .await?;
    println!("{}", all.len()); // 2

    // Errors are typed.
    let bad = client
        .people()
        .find_many()
        .filter(person::created_at().gt("not a date"))
        .await;
    if let Err(error) = bad {
        println!(
            "{} {}",
            error.status().unwrap_or(0),
            error.code().unwrap_or("")
        ); // 400 INVALID_VALUE
    }
    Ok(())
}
