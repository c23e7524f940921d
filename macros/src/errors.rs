//! Collects every `syn::Error` found while expanding one item, so the user sees all
//! their mistakes at once. Owns no message wording: callers say what to fix.

use proc_macro2::Span;
use quote::ToTokens;
use std::fmt::Display;

/// The errors found so far, combined into one `syn::Error`.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Records an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Records an error spanning `tokens` (all of them, not only the first).
    pub(crate) fn spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error at `span`.
    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// The combined error, if any was recorded.
    pub(crate) fn finish(self) -> Option<syn::Error> {
        self.0
    }
}
