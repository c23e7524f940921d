use twenty_macros::workspace_entity;

#[workspace_entity(
    id = "20202020-0000-4000-8000-000000000001",
    name_singular = "company",
    name_plural = "companies",
    label_singular = "Company",
    label_plural = "Companies",
    system = "yes",
)]
pub struct Company {
    #[field(id = "20202020-0000-4000-8000-000000000101", label = "Name", colour = "red")]
    pub name: Option<String>,
    #[field(id = "20202020-0000-4000-8000-000000000102", label = "Size", type = "SIZE")]
    pub size: Option<String>,
    pub employees: Option<f64>,
}

fn main() {}
