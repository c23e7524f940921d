//! The `key`, `key = value` and `key(...)` lists inside our attributes, read with typed
//! getters that report wrong keys and wrong value kinds. Knows nothing of objects or fields.

use crate::errors::Errors;
use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Lit, LitBool, LitStr, Token};
use uuid::Uuid;

/// One entry of an attribute list.
pub(crate) struct Entry {
    pub(crate) key: Ident,
    pub(crate) value: Value,
}

/// What follows an entry's key.
pub(crate) enum Value {
    /// `system`
    Flag,
    /// `label = "Name"`
    Expr(Expr),
    /// `option(id = "…", …)`: the tokens inside the parentheses.
    List(TokenStream),
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // `parse_any` so that `type = "…"` works although `type` is a keyword.
        let key = Ident::parse_any(input)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Value::Expr(input.parse()?)
        } else if input.peek(syn::token::Paren) {
            let content;
            syn::parenthesized!(content in input);
            Value::List(content.parse()?)
        } else {
            Value::Flag
        };
        Ok(Entry { key, value })
    }
}

/// The entries of one attribute, checked against the keys it accepts.
pub(crate) struct Args {
    /// How the user wrote the attribute, for messages: `#[field(...)]`.
    context: &'static str,
    /// The tokens to point at when a required key is missing (none: the macro call).
    anchor: TokenStream,
    entries: Vec<Entry>,
    /// The list did not parse: missing keys are then not reported, they may be there.
    broken: bool,
}

impl Args {
    /// Parses `tokens`; reports syntax errors, unknown keys and repeated keys (unless
    /// listed in `repeatable`).
    pub(crate) fn parse(
        context: &'static str,
        anchor: TokenStream,
        tokens: TokenStream,
        allowed: &[&str],
        repeatable: &[&str],
        errors: &mut Errors,
    ) -> Args {
        let parsed = Punctuated::<Entry, Token![,]>::parse_terminated.parse2(tokens);
        let (parsed, broken) = match parsed {
            Ok(parsed) => (parsed.into_iter().collect::<Vec<_>>(), false),
            Err(error) => {
                errors.push(error);
                (Vec::new(), true)
            }
        };
        let mut entries: Vec<Entry> = Vec::new();
        for entry in parsed {
            let key = entry.key.unraw().to_string();
            if !allowed.contains(&key.as_str()) {
                errors.spanned(
                    &entry.key,
                    format!(
                        "unknown key `{key}` in {context}; expected one of: {}",
                        allowed.join(", ")
                    ),
                );
            } else if !repeatable.contains(&key.as_str()) && entries.iter().any(|e| e.key == key) {
                errors.spanned(
                    &entry.key,
                    format!("`{key}` is given twice in {context}; keep one"),
                );
            } else {
                entries.push(entry);
            }
        }
        Args {
            context,
            anchor,
            entries,
            broken,
        }
    }

    fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The entry of `key`, or an error saying it is required (`example` shows how to write it).
    fn require(&self, key: &str, example: &str, errors: &mut Errors) -> Option<&Entry> {
        let entry = self.get(key);
        if entry.is_none() && !self.broken {
            errors.spanned(
                self.anchor.clone(),
                format!("{} is missing `{key} = {example}`", self.context),
            );
        }
        entry
    }

    /// The value of `key = <expr>`, or an error when written as a flag or a list.
    fn expr<'a>(&self, entry: &'a Entry, example: &str, errors: &mut Errors) -> Option<&'a Expr> {
        match &entry.value {
            Value::Expr(expr) => Some(strip_groups(expr)),
            Value::Flag | Value::List(_) => {
                errors.spanned(
                    &entry.key,
                    format!(
                        "`{0}` needs a value in {1}: write `{0} = {example}`",
                        entry.key, self.context
                    ),
                );
                None
            }
        }
    }

    /// A string literal value.
    pub(crate) fn str(&self, key: &str, errors: &mut Errors) -> Option<LitStr> {
        let entry = self.get(key)?;
        self.str_of(entry, errors)
    }

    /// A required string literal value.
    pub(crate) fn required_str(&self, key: &str, errors: &mut Errors) -> Option<LitStr> {
        let entry = self.require(key, "\"…\"", errors)?;
        self.str_of(entry, errors)
    }

    fn str_of(&self, entry: &Entry, errors: &mut Errors) -> Option<LitStr> {
        match self.expr(entry, "\"…\"", errors)? {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => Some(s.clone()),
            other => {
                errors.spanned(
                    other,
                    format!("`{0}` expects a string literal: `{0} = \"…\"`", entry.key),
                );
                None
            }
        }
    }

    /// A required UUID, written as a string literal.
    pub(crate) fn required_uuid(&self, key: &str, errors: &mut Errors) -> Option<(Uuid, LitStr)> {
        let entry = self.require(key, "\"<uuid>\"", errors)?;
        let lit = match self.expr(entry, "\"<uuid>\"", errors)? {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => s.clone(),
            other => {
                errors.spanned(
                    other,
                    format!(
                        "`{0}` expects a UUID string literal: `{0} = \"20202020-…\"`",
                        entry.key
                    ),
                );
                return None;
            }
        };
        match Uuid::parse_str(&lit.value()) {
            Ok(uuid) => Some((uuid, lit)),
            Err(error) => {
                errors.spanned(
                    &lit,
                    format!("`{}` is not a valid UUID: {error}", lit.value()),
                );
                None
            }
        }
    }

    /// A boolean: `key = true|false`, or the bare `key` meaning true. `None` when absent.
    pub(crate) fn bool(&self, key: &str, errors: &mut Errors) -> Option<bool> {
        let entry = self.get(key)?;
        match &entry.value {
            Value::Flag => Some(true),
            Value::Expr(expr) => match strip_groups(expr) {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Bool(LitBool { value, .. }),
                    ..
                }) => Some(*value),
                other => {
                    errors.spanned(
                        other,
                        format!(
                            "`{0}` expects `true` or `false` (or the bare flag `{0}`)",
                            entry.key
                        ),
                    );
                    None
                }
            },
            Value::List(_) => {
                errors.spanned(
                    &entry.key,
                    format!("`{0}` is a flag: write `{0}` or `{0} = true`", entry.key),
                );
                None
            }
        }
    }

    /// A list of string literals: `key = ["a", "b"]`. Empty when absent.
    pub(crate) fn str_list(&self, key: &str, errors: &mut Errors) -> Vec<LitStr> {
        let Some(entry) = self.get(key) else {
            return Vec::new();
        };
        let example = "[\"…\", \"…\"]";
        let Some(expr) = self.expr(entry, example, errors) else {
            return Vec::new();
        };
        let Expr::Array(array) = expr else {
            errors.spanned(
                expr,
                format!(
                    "`{}` expects a list of strings: `{} = {example}`",
                    entry.key, entry.key
                ),
            );
            return Vec::new();
        };
        let mut items = Vec::new();
        for item in &array.elems {
            match strip_groups(item) {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) => items.push(s.clone()),
                other => errors.spanned(other, "expected a string literal"),
            }
        }
        items
    }

    /// The expression of `key = <expr>`, left to the caller to interpret.
    pub(crate) fn raw_expr(
        &self,
        key: &str,
        example: &str,
        errors: &mut Errors,
    ) -> Option<(Ident, Expr)> {
        let entry = self.get(key)?;
        let expr = self.expr(entry, example, errors)?;
        Some((entry.key.clone(), expr.clone()))
    }

    /// Every `key(...)` entry, with the key (for spans) and the tokens inside.
    pub(crate) fn lists(
        &self,
        key: &str,
        example: &str,
        errors: &mut Errors,
    ) -> Vec<(Ident, TokenStream)> {
        let mut lists = Vec::new();
        for entry in self.entries.iter().filter(|e| e.key == key) {
            match &entry.value {
                Value::List(tokens) => lists.push((entry.key.clone(), tokens.clone())),
                Value::Flag | Value::Expr(_) => errors.spanned(
                    &entry.key,
                    format!("`{key}` takes a parenthesized list: `{key}({example})`"),
                ),
            }
        }
        lists
    }

    /// The key token of `key`, when present (to point errors at it).
    pub(crate) fn key(&self, key: &str) -> Option<&Ident> {
        self.get(key).map(|e| &e.key)
    }
}

/// Macro-expanded tokens may wrap an expression in invisible groups; look through them.
pub(crate) fn strip_groups(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => strip_groups(&group.expr),
        other => other,
    }
}
