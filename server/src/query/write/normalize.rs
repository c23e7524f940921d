//! How written emails and links are normalised before they are checked and stored (and so
//! before unique checks and upsert matching), as Twenty does: one address or URL has one
//! spelling in the database.
//!
//! - An email is trimmed and lower-cased; the ideographic and fullwidth dots (`。` `．`
//!   `｡`) become `.`, trailing dots of the domain go, and an internationalised domain is
//!   stored in its ASCII (punycode) form: `X@Bücher。DE.` is `x@xn--bcher-kva.de`.
//! - A link's scheme and host are lower-cased (the path, query and fragment keep their
//!   case) and one trailing `/` is removed: `HTTPS://Acme.COM/About/` is
//!   `https://acme.com/About`; a bare domain likewise: `Acme.com/` is `acme.com`.

use super::input::Val;
use serde_json::Value;
use twenty_codegen::model::{Field, FieldType, SubField};

/// The dots some keyboards type in place of `.` (ideographic, fullwidth, halfwidth).
const DOTS: [char; 3] = ['\u{3002}', '\u{FF0E}', '\u{FF61}'];

/// The stored spelling of an email address (see the module's rules). Something that is
/// not an address is returned trimmed and lower-cased, for the checks to refuse.
pub fn email(raw: &str) -> String {
    let folded: String = raw
        .trim()
        .chars()
        .map(|c| if DOTS.contains(&c) { '.' } else { c })
        .collect::<String>()
        .to_lowercase();
    let Some((local, domain)) = folded.rsplit_once('@') else {
        return folded;
    };
    let domain = domain.trim_end_matches('.');
    let domain = if domain.is_ascii() {
        domain.to_owned()
    } else {
        match url::Host::parse(domain) {
            Ok(url::Host::Domain(ascii)) => ascii,
            _ => domain.to_owned(),
        }
    };
    format!("{local}@{domain}")
}

/// The stored spelling of a link (see the module's rules).
pub fn link(raw: &str) -> String {
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
        None => (None, raw),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    // The user-info, if any, keeps its case; the host (and port) is lower-cased.
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => format!("{user}@{}", host.to_lowercase()),
        None => authority.to_lowercase(),
    };
    let mut out = match scheme {
        Some(scheme) => format!("{scheme}://{authority}{tail}"),
        None => format!("{authority}{tail}"),
    };
    if out.ends_with('/') && !out.ends_with("://") {
        out.pop();
    }
    out
}

/// Normalises a written sub-field value of `field` in place: the emails of an EMAILS
/// field, the URLs of a LINKS field; anything else is left as it is.
pub fn sub_field(field: &Field, sub: &SubField, value: &mut Val) {
    match (field.field_type, sub.name, value) {
        (FieldType::Emails, "primaryEmail", Val::Text(s)) => *s = email(s),
        (FieldType::Emails, "additionalEmails", Val::Json(Value::Array(items))) => {
            for item in items {
                if let Value::String(s) = item {
                    *s = email(s);
                }
            }
        }
        (FieldType::Links, "primaryLinkUrl", Val::Text(s)) => *s = link(s),
        (FieldType::Links, "secondaryLinks", Val::Json(Value::Array(items))) => {
            for item in items {
                if let Some(Value::String(url)) = item.get_mut("url") {
                    *url = link(url);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_have_one_spelling() {
        for (raw, stored) in [
            ("TEST@EXAMPLE.COM", "test@example.com"),
            ("  Ada@Example.com ", "ada@example.com"),
            ("ExAmPlE@Example.COM.", "example@example.com"),
            ("x@München\u{3002}DE.", "x@xn--mnchen-3ya.de"),
            ("UPPER@💩\u{FF0E}LA.", "upper@xn--ls8h.la"),
            ("a@b\u{FF61}co", "a@b.co"),
            ("X@XN--LS8H.LA", "x@xn--ls8h.la"),
            ("not an email", "not an email"),
        ] {
            assert_eq!(email(raw), stored, "{raw}");
        }
    }

    #[test]
    fn links_lower_case_their_scheme_and_host_only() {
        for (raw, stored) in [
            (
                "htTps://wwW.exAmple.coM/TEST?Param=Value",
                "https://www.example.com/TEST?Param=Value",
            ),
            ("https://www.example.com/", "https://www.example.com"),
            ("HTTPS://Acme.COM/About/", "https://acme.com/About"),
            (
                "http://User:Pw@Host.COM:8080/x",
                "http://User:Pw@host.com:8080/x",
            ),
            ("Acme.com/", "acme.com"),
            ("WWW.Acme.com/Team#Top", "www.acme.com/Team#Top"),
            ("https://acme.com", "https://acme.com"),
            ("", ""),
        ] {
            assert_eq!(link(raw), stored, "{raw}");
        }
    }
}
