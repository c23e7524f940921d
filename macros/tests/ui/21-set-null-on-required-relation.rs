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
    #[relation(id = "20202020-0000-4000-8000-000000000101", label = "Parent", inverse = "children")]
    pub parent: ManyToOne<Company>,
    #[relation(id = "20202020-0000-4000-8000-000000000102", label = "Children", inverse = "parent")]
    pub children: OneToMany<Company>,
}

fn main() {}
