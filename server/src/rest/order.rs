//! The `order_by` query parameter: `field[Direction]`, `field.subField[Direction]` or a
//! path through relations (`company.name[Direction]`), comma separated, parsed into the
//! engine's [`OrderBy`] (names are checked by the engine).
use crate::error::ApiError;
use crate::query::{Direction, OrderBy};

fn invalid(message: String) -> ApiError {
    ApiError::bad_request("INVALID_ORDER", format!("invalid order_by: {message}"))
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses `a,b[DescNullsLast],name.lastName[AscNullsLast]` (the default is AscNullsFirst).
pub fn parse(input: &str) -> Result<Vec<OrderBy>, ApiError> {
    let mut keys = Vec::new();
    for raw in input.split(',') {
        let item = raw.trim();
        if item.is_empty() {
            return Err(invalid(
                "an empty entry (expected `field` or `field[Direction]`)".into(),
            ));
        }
        let (path, direction) = match item.split_once('[') {
            None => (item, Direction::AscNullsFirst),
            Some((path, rest)) => {
                let name = rest.strip_suffix(']').ok_or_else(|| {
                    invalid(format!("`{item}`: expected `]` after the direction"))
                })?;
                let direction = Direction::from_name(name.trim()).ok_or_else(|| {
                    invalid(format!(
                        "unknown direction `{name}` (expected {})",
                        Direction::EXPECTED
                    ))
                })?;
                (path.trim(), direction)
            }
        };
        // `field`, `field.subField`, or a path through many-to-one relations
        // (`company.name`, `pointOfContact.company.address.addressCity`).
        let (field, sub_field) = match path.split_once('.') {
            Some((f, s)) => (f, Some(s)),
            None => (path, None),
        };
        let segments_ok =
            sub_field.is_none_or(|s| s.split('.').count() <= 4 && s.split('.').all(is_name));
        if !is_name(field) || !segments_ok {
            return Err(invalid(format!(
                "`{path}` is not a field name (expected `field`, `field.subField` or `relation.field`)"
            )));
        }
        keys.push(OrderBy {
            field: field.to_owned(),
            sub_field: sub_field.map(str::to_owned),
            direction,
        });
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_and_without_directions_parse() {
        let keys = parse("name.lastName[DescNullsLast], createdAt").unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].field, "name");
        assert_eq!(keys[0].sub_field.as_deref(), Some("lastName"));
        assert_eq!(keys[0].direction, Direction::DescNullsLast);
        assert_eq!(keys[1].direction, Direction::AscNullsFirst);
    }

    #[test]
    fn malformed_orderings_are_refused() {
        for bad in [
            "",
            "a,",
            "a[Desc]",
            "a[AscNullsLast",
            "a b",
            "a..b",
            "a.b.c.d.e.f",
        ] {
            let e = parse(bad).expect_err(bad);
            assert_eq!(e.code, "INVALID_ORDER", "{bad}");
        }
    }

    const TOKENS: &[&str] = &[
        "name",
        ".",
        "lastName",
        "[",
        "]",
        "AscNullsFirst",
        "DescNullsLast",
        "Desc",
        ",",
        "createdAt",
        "address",
        "x",
        " ",
        "id",
        "\u{0}",
        "(",
        "é",
    ];

    proptest::proptest! {
        #![proptest_config(crate::properties::config())]

        /// Any text is an ordering or a 400 `INVALID_ORDER`.
        #[test]
        fn any_text_is_an_ordering_or_a_client_error(
            text in crate::properties::from_tokens(TOKENS, 20)
        ) {
            if let Err(e) = parse(&text) {
                proptest::prop_assert_eq!(e.code, "INVALID_ORDER");
            }
        }
    }
}
