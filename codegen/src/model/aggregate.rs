//! Twenty's aggregates of an object's records: which exist for which field, their names
//! (`countEmptyName`, `sumAnnualRecurringRevenueAmountMicros`), what they compute and over
//! which columns. One table, read by the server's group-by (REST and GraphQL) and by the
//! emitters that describe them, so custom fields get the same aggregates as standard ones.

use super::{Field, FieldType, Object, RelationKind, SubField, composite_column_name, upper_first};

/// What an aggregate computes over a group of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggregateOp {
    /// The records of the group.
    CountAll,
    /// Records whose field is empty (null, `""`, an empty list; a composite all of whose
    /// counted sub-fields are).
    CountEmpty,
    /// Records whose field is not empty.
    CountNotEmpty,
    /// Distinct non-empty values.
    CountUniqueValues,
    /// The share (0 to 1) of records whose field is empty; null for an empty group.
    PercentageEmpty,
    /// The share (0 to 1) of records whose field is not empty; null for an empty group.
    PercentageNotEmpty,
    /// Records whose boolean is true.
    CountTrue,
    /// Records whose boolean is false.
    CountFalse,
    Min,
    Max,
    Avg,
    Sum,
}

impl AggregateOp {
    /// The name's prefix (`countEmpty`); `countAll` is a whole name.
    pub fn prefix(self) -> &'static str {
        match self {
            AggregateOp::CountAll => "countAll",
            AggregateOp::CountEmpty => "countEmpty",
            AggregateOp::CountNotEmpty => "countNotEmpty",
            AggregateOp::CountUniqueValues => "countUniqueValues",
            AggregateOp::PercentageEmpty => "percentageEmpty",
            AggregateOp::PercentageNotEmpty => "percentageNotEmpty",
            AggregateOp::CountTrue => "countTrue",
            AggregateOp::CountFalse => "countFalse",
            AggregateOp::Min => "min",
            AggregateOp::Max => "max",
            AggregateOp::Avg => "avg",
            AggregateOp::Sum => "sum",
        }
    }
}

/// The type of an aggregate's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateValue {
    /// A count.
    Int,
    /// A share, an average, a sum, or the minimum / maximum of a number.
    Float,
    /// The minimum / maximum of a DATE_TIME field.
    DateTime,
    /// The minimum / maximum of a DATE field.
    Date,
}

/// One aggregate of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    /// Its name in requests and answers (`countEmptyName`).
    pub name: String,
    pub op: AggregateOp,
    /// The field it is computed over (`None` for `countAll`).
    pub field: Option<String>,
    /// The columns it reads: the field's column, or the composite's sub-field columns
    /// whose emptiness counts (a currency's amount and code, an address's eight), or the
    /// one column a number aggregate reads (`amountAmountMicros`).
    pub columns: Vec<String>,
    pub value: AggregateValue,
}

/// The sub-fields of a composite whose values decide whether it is empty, as Twenty
/// counts them.
fn counted_sub_fields(field_type: FieldType) -> &'static [&'static str] {
    match field_type {
        FieldType::Currency => &["amountMicros", "currencyCode"],
        FieldType::FullName => &["firstName", "lastName"],
        FieldType::Address => &[
            "addressStreet1",
            "addressStreet2",
            "addressCity",
            "addressPostcode",
            "addressState",
            "addressCountry",
            "addressLat",
            "addressLng",
        ],
        FieldType::Links => &["primaryLinkUrl"],
        FieldType::Actor => &["workspaceMemberId", "source"],
        FieldType::Emails => &["primaryEmail"],
        FieldType::Phones => &[
            "primaryPhoneNumber",
            "primaryPhoneCountryCode",
            "primaryPhoneCallingCode",
        ],
        FieldType::RichTextV2 => &["markdown"],
        _ => &[],
    }
}

/// Every aggregate of `object`: `countAll`, then per field (relations and the search
/// vector have none) its counts and shares, `countTrue` / `countFalse` for a boolean,
/// `min` / `max` for a date, `min` / `max` / `avg` / `sum` for a number and for a
/// currency's amount (`sumAmountAmountMicros`).
pub fn aggregates(object: &Object) -> Vec<Aggregate> {
    let mut out = vec![Aggregate {
        name: AggregateOp::CountAll.prefix().to_owned(),
        op: AggregateOp::CountAll,
        field: None,
        columns: Vec::new(),
        value: AggregateValue::Int,
    }];
    for field in &object.fields {
        let relation = field.relation.as_ref().map(|r| r.kind);
        if relation == Some(RelationKind::OneToMany)
            || relation == Some(RelationKind::ManyToOne)
            || field.field_type == FieldType::TsVector
        {
            continue;
        }
        let columns: Vec<String> = match field.field_type.composite() {
            Some(_) => counted_sub_fields(field.field_type)
                .iter()
                .map(|sub| composite_column_name(&field.name, sub))
                .collect(),
            None => vec![field.name.clone()],
        };
        if columns.is_empty() {
            continue;
        }
        let title = upper_first(&field.name);
        let mut push = |op: AggregateOp, suffix: &str, columns: Vec<String>, value| {
            out.push(Aggregate {
                name: format!("{}{title}{suffix}", op.prefix()),
                op,
                field: Some(field.name.clone()),
                columns,
                value,
            });
        };
        for op in [
            AggregateOp::CountUniqueValues,
            AggregateOp::CountEmpty,
            AggregateOp::CountNotEmpty,
        ] {
            push(op, "", columns.clone(), AggregateValue::Int);
        }
        for op in [
            AggregateOp::PercentageEmpty,
            AggregateOp::PercentageNotEmpty,
        ] {
            push(op, "", columns.clone(), AggregateValue::Float);
        }
        let extremes = [AggregateOp::Min, AggregateOp::Max];
        let numbers = [
            AggregateOp::Min,
            AggregateOp::Max,
            AggregateOp::Avg,
            AggregateOp::Sum,
        ];
        match field.field_type {
            FieldType::Boolean => {
                for op in [AggregateOp::CountTrue, AggregateOp::CountFalse] {
                    push(op, "", columns.clone(), AggregateValue::Int);
                }
            }
            FieldType::DateTime | FieldType::Date => {
                let value = if field.field_type == FieldType::Date {
                    AggregateValue::Date
                } else {
                    AggregateValue::DateTime
                };
                for op in extremes {
                    push(op, "", columns.clone(), value);
                }
            }
            FieldType::Number | FieldType::Numeric => {
                for op in numbers {
                    push(op, "", columns.clone(), AggregateValue::Float);
                }
            }
            FieldType::Currency => {
                let amount = vec![composite_column_name(&field.name, "amountMicros")];
                for op in numbers {
                    push(op, "AmountMicros", amount.clone(), AggregateValue::Float);
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether records can be grouped by `field`'s value (a composite: by one of its
/// [`is_groupable_sub_field`]s; a many-to-one relation: by its join column, not here).
pub fn is_groupable(field: &Field) -> bool {
    field.relation.is_none()
        && !matches!(
            field.field_type,
            FieldType::TsVector | FieldType::RawJson | FieldType::Position
        )
}

/// Whether records can be grouped by this sub-field of a composite (not its JSON lists).
pub fn is_groupable_sub_field(sub: &SubField) -> bool {
    sub.field_type != FieldType::RawJson
}

/// The aggregate of `object` named `name`, if it has one.
pub fn aggregate(object: &Object, name: &str) -> Option<Aggregate> {
    aggregates(object).into_iter().find(|a| a.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn names_follow_twentys_spelling() {
        let schema = testing::crm();
        let company = schema.object("company").unwrap();
        let names: Vec<String> = aggregates(company).into_iter().map(|a| a.name).collect();
        for name in [
            "countAll",
            "countEmptyName",
            "countNotEmptyName",
            "countUniqueValuesName",
            "percentageEmptyName",
            "percentageNotEmptyName",
            "sumEmployees",
            "avgEmployees",
            "minCreatedAt",
            "maxCreatedAt",
            "countEmptyDomainName",
            "countTrueIdealCustomerProfile",
            "countFalseIdealCustomerProfile",
        ] {
            assert!(names.contains(&name.to_owned()), "{name} in {names:?}");
        }
        // Relations have none; names are unique.
        assert!(!names.iter().any(|n| n.ends_with("People")), "{names:?}");
        let unique: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        let domain = aggregate(company, "countEmptyDomainName").unwrap();
        assert_eq!(domain.columns, ["domainNamePrimaryLinkUrl"]);
        let person = schema.object("person").unwrap();
        let name = aggregate(person, "countUniqueValuesName").unwrap();
        assert_eq!(name.columns, ["nameFirstName", "nameLastName"]);
    }
}
