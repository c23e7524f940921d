use twenty_codegen::entity::types::*;
use twenty_macros::workspace_entity;

#[workspace_entity(
    id = "20202020-0000-4000-8000-000000000001",
    name_singular = "company",
    name_plural = "companies",
    label_singular = "Company",
    label_plural = "Companies",
)]
pub struct Company {
    #[field(id = "20202020-0000-4000-8000-000000000101", label = "People")]
    pub people: OneToMany<Person>,
}

#[workspace_entity(
    id = "20202020-0000-4000-8000-000000000002",
    name_singular = "person",
    name_plural = "people",
    label_singular = "Person",
    label_plural = "People",
)]
pub struct Person {
    #[relation(id = "20202020-0000-4000-8000-000000000201", label = "Company", inverse = "people")]
    pub company: Option<ManyToOne<Company>>,
}

fn main() {}
