//! The fixture records: companies, people, opportunities and workflows with NULLs, ties,
//! mixed case, wildcard characters and one soft-deleted company.

use crate::query::support::{Db, Lit, t};

/// A stable id per label: `c3` → `00000000-0000-4000-8003-000000000003`; the letter picks
/// the group, so ids sort by number within an object.
pub fn id(label: &str) -> String {
    let (kind, n) = label.split_at(1);
    let group = match kind {
        "c" => 1,
        "p" => 2,
        "o" => 3,
        "w" => 4,
        _ => 9,
    };
    let n: u64 = n.parse().unwrap_or(0);
    format!("00000000-0000-4000-800{group}-{n:012}")
}

/// The label of an id made by [`id`].
pub fn label(id: &str) -> String {
    let group = id.as_bytes().get(22).copied().unwrap_or(b'9');
    let kind = match group {
        b'1' => "c",
        b'2' => "p",
        b'3' => "o",
        b'4' => "w",
        _ => "?",
    };
    let n: u64 = id.get(24..).and_then(|s| s.parse().ok()).unwrap_or(0);
    format!("{kind}{n}")
}

fn uuid(label: &str) -> Lit {
    Lit::Uuid(id(label))
}

fn time(s: &str) -> Lit {
    Lit::Time(s.to_owned())
}

fn opt(s: Option<&str>) -> Lit {
    s.map_or(Lit::Null, t)
}

fn num(n: Option<f64>) -> Lit {
    n.map_or(Lit::Null, Lit::Num)
}

type CompanyRow<'a> = (
    &'a str,
    Option<&'a str>,
    Option<f64>,
    bool,
    Option<&'a str>,
    Option<f64>,
    Option<&'a str>,
    Option<&'a str>,
);

/// Companies c1..c8 (c7 soft-deleted), people p1..p5, opportunities o1..o4, workflows
/// w1..w4.
pub async fn standard(db: &Db) {
    let companies: [CompanyRow; 8] = [
        (
            "c1",
            Some("Acme"),
            Some(100.0),
            true,
            Some("Paris"),
            Some(1e9),
            Some("USD"),
            Some("https://acme.com"),
        ),
        (
            "c2",
            Some("Beta"),
            Some(50.0),
            false,
            Some("London"),
            Some(5e8),
            Some("EUR"),
            Some("https://beta.io"),
        ),
        (
            "c3",
            Some("acme labs"),
            None,
            false,
            Some("Paris"),
            None,
            None,
            None,
        ),
        (
            "c4",
            Some("Gamma_X"),
            Some(10.0),
            true,
            None,
            Some(2e9),
            Some("USD"),
            Some("https://gamma.com"),
        ),
        (
            "c5",
            None,
            Some(100.0),
            false,
            Some("Berlin"),
            Some(0.0),
            Some("USD"),
            None,
        ),
        (
            "c6",
            Some("Delta%"),
            Some(7.5),
            true,
            Some("berlin"),
            None,
            None,
            None,
        ),
        (
            "c7",
            Some("Zeta"),
            Some(1000.0),
            false,
            Some("Paris"),
            None,
            None,
            None,
        ),
        (
            "c8",
            Some("Épée"),
            Some(20.0),
            false,
            Some("Paris"),
            None,
            None,
            None,
        ),
    ];
    for (i, (l, name, employees, icp, city, arr, code, domain)) in companies.into_iter().enumerate()
    {
        let month = i + 1;
        let mut row = vec![
            ("id", uuid(l)),
            ("name", opt(name)),
            ("employees", num(employees)),
            ("idealCustomerProfile", Lit::Bool(icp)),
            ("addressAddressCity", opt(city)),
            ("annualRecurringRevenueAmountMicros", num(arr)),
            ("annualRecurringRevenueCurrencyCode", opt(code)),
            ("domainNamePrimaryLinkUrl", opt(domain)),
            (
                "createdAt",
                time(&format!("2024-{month:02}-01T10:00:00.000Z")),
            ),
            ("position", Lit::Num(month as f64)),
        ];
        if l == "c7" {
            row.push(("deletedAt", time("2024-07-02T10:00:00.000Z")));
        }
        db.insert("company", &row).await;
    }
    let people = [
        (
            "p1",
            Some("Ada"),
            Some("Lovelace"),
            Some("ada@acme.com"),
            Some("CEO"),
            Some("c1"),
        ),
        (
            "p2",
            Some("Alan"),
            Some("Turing"),
            Some("alan@acme.com"),
            Some("CTO"),
            Some("c1"),
        ),
        (
            "p3",
            Some("Grace"),
            Some("Hopper"),
            Some("grace@beta.io"),
            None,
            Some("c2"),
        ),
        ("p4", Some("ada"), None, None, Some("ceo"), None),
        (
            "p5",
            Some("Linus"),
            Some("Torvalds"),
            Some("linus@gamma.com"),
            Some("Dev"),
            Some("c4"),
        ),
    ];
    for (l, first, last, email, job, company) in people {
        db.insert(
            "person",
            &[
                ("id", uuid(l)),
                ("nameFirstName", opt(first)),
                ("nameLastName", opt(last)),
                ("emailsPrimaryEmail", opt(email)),
                ("jobTitle", opt(job)),
                ("companyId", company.map_or(Lit::Null, uuid)),
            ],
        )
        .await;
    }
    let opportunities = [
        ("o1", "NEW", Some("c1")),
        ("o2", "MEETING", Some("c1")),
        ("o3", "CUSTOMER", Some("c2")),
        ("o4", "CUSTOMER", None),
    ];
    for (l, stage, company) in opportunities {
        db.insert(
            "opportunity",
            &[
                ("id", uuid(l)),
                ("stage", t(stage)),
                ("companyId", company.map_or(Lit::Null, uuid)),
            ],
        )
        .await;
    }
    let workflows: [(&str, Option<&[&str]>); 4] = [
        ("w1", Some(&["DRAFT"])),
        ("w2", Some(&["ACTIVE", "DEACTIVATED"])),
        ("w3", None),
        ("w4", Some(&["ACTIVE"])),
    ];
    for (l, statuses) in workflows {
        let list = statuses.map_or(Lit::Null, |s| {
            Lit::List(s.iter().map(|x| (*x).to_owned()).collect())
        });
        db.insert("workflow", &[("id", uuid(l)), ("statuses", list)])
            .await;
    }
}
