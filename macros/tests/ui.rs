//! Compile-time behaviour of `#[workspace_entity]`: each fixture in `tests/ui/` makes one
//! mistake and checks the error (message and span) in its `.stderr`; `tests/ui/pass/` compiles.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
