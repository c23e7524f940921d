use twenty_codegen::WorkspaceEntity;
use twenty_codegen::entity::types::*;
use twenty_codegen::model::{FieldType, Schema};
use twenty_macros::workspace_entity;

#[workspace_entity(
    id = "20202020-b374-4779-a561-80086cb2e17f",
    name_singular = "company",
    name_plural = "companies",
    label_singular = "Company",
    label_plural = "Companies",
    description = "A company",
    icon = "IconBuildingSkyscraper",
    label_identifier = "name",
    search = ["name", "domainName"],
)]
pub struct Company {
    #[field(id = "20202020-0000-4000-8000-000000000101", label = "Name")]
    pub name: Option<String>,
    #[field(id = "20202020-0000-4000-8000-000000000102", label = "Domain Name", unique)]
    pub domain_name: Option<Links>,
    #[field(id = "20202020-0000-4000-8000-000000000103", label = "ICP", default = false)]
    pub ideal_customer_profile: bool,
    #[field(id = "20202020-0000-4000-8000-000000000104", label = "Stage", default = "NEW", indexed,
        option(id = "20202020-0000-4000-8000-000000001041", value = "NEW", label = "New", color = "red"),
        option(id = "20202020-0000-4000-8000-000000001042", value = "SCREENING", label = "Screening",
            color = "purple"))]
    pub stage: Select,
    #[field(id = "20202020-0000-4000-8000-000000000105", label = "Happens at", default = now)]
    pub happens_at: DateTime,
    #[field(id = "20202020-0000-4000-8000-000000000106", label = "Amount",
        default_json = r#"{"currencyCode":"USD"}"#)]
    pub amount: Option<Currency>,
    #[field(id = "20202020-0000-4000-8000-000000000107", label = "Rating", type = "RATING")]
    pub rating: Option<String>,
    #[relation(id = "20202020-0000-4000-8000-000000000108", label = "People", inverse = "company")]
    pub people: OneToMany<Person>,
    #[relation(id = "20202020-0000-4000-8000-000000000109", label = "Account Owner",
        inverse = "accountOwnerForCompanies", on_delete = "SET_NULL")]
    pub account_owner: Option<ManyToOne<WorkspaceMember>>,
}

#[workspace_entity(
    id = "20202020-0000-4000-8000-000000000002",
    name_singular = "person",
    name_plural = "people",
    label_singular = "Person",
    label_plural = "People",
)]
pub struct Person {
    #[field(id = "20202020-0000-4000-8000-000000000201", label = "Name")]
    pub name: Option<FullName>,
    #[relation(id = "20202020-0000-4000-8000-000000000202", label = "Company", inverse = "people")]
    pub company: Option<ManyToOne<Company>>,
}

#[workspace_entity(
    id = "20202020-0000-4000-8000-000000000003",
    name_singular = "workspaceMember",
    name_plural = "workspaceMembers",
    label_singular = "Workspace Member",
    label_plural = "Workspace Members",
    system,
)]
pub struct WorkspaceMember {
    #[relation(id = "20202020-0000-4000-8000-000000000301", label = "Account Owner For Companies",
        inverse = "accountOwner")]
    pub account_owner_for_companies: OneToMany<Company>,
}

fn main() {
    let company = Company::metadata();
    assert_eq!(company.field("stage").map(|f| f.field_type), Some(FieldType::Select));
    let schema = Schema::new(vec![company, Person::metadata(), WorkspaceMember::metadata()]);
    if let Err(errors) = schema {
        panic!("{errors}");
    }
}
