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
    #[field(id = "20202020-0000-4000-8000-000000000101", label = "Tier",
        option(id = "20202020-0000-4000-8000-000000001011", value = "SMALL", label = "Small", color = "green"),
        option(id = "20202020-0000-4000-8000-000000000001", value = "LARGE", label = "Large", color = "purple"))]
    pub tier: Option<Select>,
}

fn main() {}
