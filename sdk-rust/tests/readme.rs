//! The README examples are the example the live test runs (`examples/readme.rs`), verbatim:
//! the crate's README (doc-tested) and the repository README's "Rust SDK" section.

const EXAMPLE: &str = include_str!("../examples/readme.rs");

fn rust_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.starts_with("```rust") => current = Some(String::new()),
            Some(block) if line == "```" => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn the_crate_readme_shows_the_example() {
    let readme = include_str!("../README.md");
    assert_eq!(rust_blocks(readme), [EXAMPLE]);
}

#[test]
fn the_repository_readme_shows_the_example() {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("\n## Rust SDK")
        .nth(1)
        .expect("the README has a `## Rust SDK` section");
    let section = section.split("\n## ").next().unwrap_or(section);
    assert_eq!(rust_blocks(section), [EXAMPLE]);
}
