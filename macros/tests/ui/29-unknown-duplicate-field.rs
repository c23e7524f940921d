use twenty_macros::workspace_entity;

#[workspace_entity(
    id = "20202020-0000-4000-8000-000000000001",
    name_singular = "company",
    name_plural = "companies",
    label_singular = "Company",
    label_plural = "Companies",
    duplicates = ["name", "nmae + domain"],
)]
pub struct Company {
    #[field(id = "20202020-0000-4000-8000-000000000101", label = "Name")]
    pub name: Option<String>,
}

fn main() {}
