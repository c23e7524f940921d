//! Finding duplicates, as Twenty does: for each given record (a record's values, or an
//! existing record by id), the live records that match any of the object's duplicate
//! criteria (`Object::duplicate_criteria`: each a list of field paths whose values must all
//! be equal). A criterion is used only when every one of its values is a text of at least
//! [`MIN_LENGTH`] characters; an existing record never matches itself. Emails and links
//! compare in their stored spelling (see `write::normalize`).

use super::ast::{Comparator, Direction, Filter, OrderBy, Query};
use super::exec::{PageInfo, RecordPage, Target, find_many};
use super::{QueryError, validate};
use serde_json::{Map, Value};
use twenty_codegen::model::Schema;

/// Shortest text a criterion compares (Twenty's `minLengthOfStringForDuplicateCheck`).
pub const MIN_LENGTH: usize = 3;
/// Most records one request looks for duplicates of.
pub const MAX_INPUTS: usize = 100;

/// What to find duplicates of.
#[derive(Debug, Clone, PartialEq)]
pub enum DuplicatesOf {
    /// Existing records, by id (each excluded from its own matches).
    Ids(Vec<uuid::Uuid>),
    /// Records' values, as a create body gives them (`{"name": {"firstName": …}}`).
    Data(Vec<Map<String, Value>>),
}

impl DuplicatesOf {
    /// What a request asks for: records' values (`data`) or ids (`ids`), exactly one of
    /// them, with Twenty's refusals; `ids: []` asks for nothing.
    pub fn from_arguments(
        data: Option<&Value>,
        ids: Option<&Value>,
    ) -> Result<DuplicatesOf, QueryError> {
        let refuse = |field: &str, reason: String| QueryError::InvalidValue {
            field: field.to_owned(),
            reason,
        };
        match (data.filter(|v| !v.is_null()), ids.filter(|v| !v.is_null())) {
            (None, None) => Err(refuse(
                "data",
                "You have to provide either \"data\" or \"ids\" argument".to_owned(),
            )),
            (Some(_), Some(_)) => Err(refuse(
                "data",
                "You cannot provide both \"data\" and \"ids\" arguments".to_owned(),
            )),
            (Some(Value::Array(items)), None) if items.is_empty() => Err(refuse(
                "data",
                "The \"data\" condition can not be empty when \"ids\" input not provided"
                    .to_owned(),
            )),
            (Some(Value::Array(items)), None) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::Object(map) => Ok(map.clone()),
                    other => Err(refuse(
                        "data",
                        format!("data[{i}] must be a record object, got {other}"),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(DuplicatesOf::Data),
            (None, Some(Value::Array(items))) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .and_then(|s| uuid::Uuid::parse_str(s).ok())
                        .ok_or_else(|| refuse("ids", format!("{item} is not a UUID")))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(DuplicatesOf::Ids),
            (Some(_), None) => Err(refuse("data", "expected a list of records".to_owned())),
            (None, Some(_)) => Err(refuse("ids", "expected a list of record ids".to_owned())),
        }
    }
}

/// The value at a criterion's path (`name.firstName`, `emails.primaryEmail`, `name`) of a
/// record, when it is a long enough text.
fn text_at<'r>(record: &'r Map<String, Value>, path: &str) -> Option<&'r str> {
    let value = match path.split_once('.') {
        Some((field, sub)) => record.get(field)?.get(sub)?,
        None => record.get(path)?,
    };
    value
        .as_str()
        .filter(|s| s.trim().chars().count() >= MIN_LENGTH)
}

/// The filter of `record`'s duplicates: any usable criterion, all its paths equal; `None`
/// when no criterion is usable.
fn criteria_filter(criteria: &[Vec<String>], record: &Map<String, Value>) -> Option<Filter> {
    let mut any = Vec::new();
    for criterion in criteria {
        let all: Option<Vec<Filter>> = criterion
            .iter()
            .map(|path| {
                let text = text_at(record, path)?;
                let value = Value::String(text.to_owned());
                Some(match path.split_once('.') {
                    Some((field, sub)) => Filter::sub(field, sub, Comparator::Eq, value),
                    None => Filter::cmp(path, Comparator::Eq, value),
                })
            })
            .collect();
        if let Some(all) = all.filter(|all| !all.is_empty()) {
            any.push(Filter::And(all));
        }
    }
    (!any.is_empty()).then_some(Filter::Or(any))
}

/// One page of each given record's duplicates (the first [`super::DEFAULT_LIMIT`], by
/// id, with their total), in the order given; `fields` and `depth` as in a list.
pub async fn find_duplicates(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    of: &DuplicatesOf,
    depth: u8,
    fields: Option<&[String]>,
) -> Result<(Vec<RecordPage>, usize), QueryError> {
    let model = validate::object(schema, object)?;
    let mut statements = 0;
    let inputs: Vec<(Option<String>, Map<String, Value>)> = match of {
        DuplicatesOf::Data(records) => records.iter().map(|r| (None, r.clone())).collect(),
        DuplicatesOf::Ids(ids) => {
            let wanted: Vec<String> = ids.iter().map(ToString::to_string).collect();
            let (found, issued) = super::find_by_ids(target, schema, object, &wanted, None).await?;
            statements += issued;
            let mut out = Vec::with_capacity(wanted.len());
            for id in wanted {
                match found.get(&id) {
                    Some(Value::Object(record)) => out.push((Some(id), record.clone())),
                    _ => {
                        return Err(QueryError::NotFound {
                            object: object.to_owned(),
                            id,
                        });
                    }
                }
            }
            out
        }
    };
    if inputs.len() > MAX_INPUTS {
        return Err(QueryError::TooManyRecords {
            given: inputs.len(),
            max: MAX_INPUTS,
        });
    }
    let mut pages = Vec::with_capacity(inputs.len());
    for (id, record) in &inputs {
        let Some(mut filter) = criteria_filter(&model.duplicate_criteria, record) else {
            pages.push(RecordPage {
                records: Vec::new(),
                cursors: Vec::new(),
                page_info: PageInfo::default(),
                total_count: Some(0),
                statements: 0,
            });
            continue;
        };
        if let Some(id) = id {
            filter = Filter::And(vec![
                filter,
                Filter::cmp("id", Comparator::Neq, Value::String(id.clone())),
            ]);
        }
        let mut query = Query::new(object);
        query.set_filter(Some(filter));
        query.order_by = vec![OrderBy::new("id", Direction::AscNullsFirst)];
        query.page.first = Some(super::DEFAULT_LIMIT);
        query.depth = depth;
        query.fields = fields.map(<[String]>::to_vec);
        query.count = true;
        let page = find_many(target, schema, &query).await?;
        statements += page.statements;
        pages.push(page);
    }
    Ok((pages, statements))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn criteria() -> Vec<Vec<String>> {
        vec![
            vec!["name.firstName".to_owned(), "name.lastName".to_owned()],
            vec!["emails.primaryEmail".to_owned()],
        ]
    }

    #[test]
    fn a_criterion_needs_every_value_three_characters_long() {
        let record = |v: Value| v.as_object().cloned().unwrap();
        assert_eq!(
            criteria_filter(
                &criteria(),
                &record(json!({"name": {"firstName": "Jo", "lastName": "Doe"}}))
            ),
            None
        );
        let both = criteria_filter(
            &criteria(),
            &record(
                json!({"name": {"firstName": "John", "lastName": "Doe"}, "emails": {"primaryEmail": "j@d.co"}}),
            ),
        );
        let Some(Filter::Or(any)) = both else {
            panic!("{both:?}");
        };
        assert_eq!(any.len(), 2);
        assert_eq!(
            any[1],
            Filter::And(vec![Filter::sub(
                "emails",
                "primaryEmail",
                Comparator::Eq,
                json!("j@d.co")
            )])
        );
    }
}
