//! The typed filter, written in the REST grammar: `field[comparator]:value`,
//! `and(…)` / `or(…)` / `not(…)`, `field.subField`. Each field type offers only the
//! comparators the server accepts for it; `Filter<O>` only combines filters of one object.

use crate::object::SelectValue;
use std::fmt::Write;
use std::marker::PhantomData;
use uuid::Uuid;

/// A condition on records of `O` (`Person`, …), built from the generated fields
/// (`filters::person::city().eq("Paris")`) and combined with [`Filter::and`],
/// [`Filter::or`], [`Filter::all`], [`Filter::any`] and `!` (not).
pub struct Filter<O> {
    node: Node,
    object: PhantomData<fn() -> O>,
}

impl<O> Clone for Filter<O> {
    fn clone(&self) -> Self {
        Filter::from_node(self.node.clone())
    }
}

impl<O> PartialEq for Filter<O> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<O> std::fmt::Debug for Filter<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_query() {
            Ok(text) => write!(f, "Filter({text})"),
            Err(error) => write!(f, "Filter(invalid: {error})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// `path[comparator]:operand`, or why the operand cannot be written.
    Predicate(Result<String, String>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

impl<O> Filter<O> {
    fn from_node(node: Node) -> Self {
        Filter {
            node,
            object: PhantomData,
        }
    }

    /// Both this and `other` must hold.
    pub fn and(self, other: Filter<O>) -> Filter<O> {
        let mut nodes = match self.node {
            Node::And(nodes) => nodes,
            node => vec![node],
        };
        nodes.push(other.node);
        Filter::from_node(Node::And(nodes))
    }

    /// This or `other` (or both) must hold.
    pub fn or(self, other: Filter<O>) -> Filter<O> {
        let mut nodes = match self.node {
            Node::Or(nodes) => nodes,
            node => vec![node],
        };
        nodes.push(other.node);
        Filter::from_node(Node::Or(nodes))
    }

    /// Every filter must hold. An empty list is refused when the request is made.
    pub fn all(filters: impl IntoIterator<Item = Filter<O>>) -> Filter<O> {
        Filter::from_node(Node::And(filters.into_iter().map(|f| f.node).collect()))
    }

    /// At least one filter must hold. An empty list is refused when the request is made.
    pub fn any(filters: impl IntoIterator<Item = Filter<O>>) -> Filter<O> {
        Filter::from_node(Node::Or(filters.into_iter().map(|f| f.node).collect()))
    }

    /// The filter in the REST grammar (the `filter` query parameter), or why it cannot be
    /// written (an empty `all` / `any`, a number that is not finite).
    pub fn to_query(&self) -> Result<String, String> {
        let mut out = String::new();
        match &self.node {
            // The top-level list is an implicit `and`.
            Node::And(nodes) if !nodes.is_empty() => {
                for (i, node) in nodes.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_node(&mut out, node)?;
                }
            }
            node => write_node(&mut out, node)?,
        }
        Ok(out)
    }
}

impl<O> std::ops::Not for Filter<O> {
    type Output = Filter<O>;

    /// The filter must not hold.
    fn not(self) -> Filter<O> {
        Filter::from_node(Node::Not(Box::new(self.node)))
    }
}

fn write_node(out: &mut String, node: &Node) -> Result<(), String> {
    let (name, nodes) = match node {
        Node::Predicate(text) => {
            out.push_str(text.as_deref().map_err(Clone::clone)?);
            return Ok(());
        }
        Node::Not(inner) => {
            out.push_str("not(");
            write_node(out, inner)?;
            out.push(')');
            return Ok(());
        }
        Node::And(nodes) => ("and", nodes),
        Node::Or(nodes) => ("or", nodes),
    };
    if nodes.is_empty() {
        return Err(format!(
            "filter: an empty `{name}` has no condition; remove it or give it filters"
        ));
    }
    let _ = write!(out, "{name}(");
    for (i, node) in nodes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_node(out, node)?;
    }
    out.push(')');
    Ok(())
}

/// A string in double quotes, `\` and `"` escaped with a backslash.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn number(value: f64) -> Result<String, String> {
    if value.is_finite() {
        Ok(value.to_string())
    } else {
        Err(format!("filter: {value} is not a finite number"))
    }
}

fn list<T>(
    values: impl IntoIterator<Item = T>,
    one: impl Fn(T) -> Result<String, String>,
) -> Result<String, String> {
    let items: Result<Vec<String>, String> = values.into_iter().map(one).collect();
    Ok(format!("[{}]", items?.join(",")))
}

/// Declares a comparable field type and its comparators.
macro_rules! field_type {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$doc:meta])* $method:ident => $comparator:literal ($param:ident : $ty:ty) $operand:expr; )* }
    ) => {
        $(#[$meta])*
        pub struct $name<O> {
            path: String,
            object: PhantomData<fn() -> O>,
        }

        impl<O> Clone for $name<O> {
            fn clone(&self) -> Self {
                Self { path: self.path.clone(), object: PhantomData }
            }
        }

        impl<O> std::fmt::Debug for $name<O> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.path)
            }
        }

        impl<O> $name<O> {
            /// The comparators this field offers, in the REST grammar's spelling.
            pub const COMPARATORS: &'static [&'static str] = &[$($comparator,)* "is"];

            /// The field with this wire name.
            pub fn new(field: &str) -> Self {
                Self { path: field.to_owned(), object: PhantomData }
            }

            /// A composite field's sub-field (`field.subField`).
            pub fn sub(field: &str, sub_field: &str) -> Self {
                Self { path: format!("{field}.{sub_field}"), object: PhantomData }
            }

            fn predicate(&self, comparator: &str, operand: Result<String, String>) -> Filter<O> {
                Filter::from_node(Node::Predicate(
                    operand.map(|o| format!("{}[{comparator}]:{o}", self.path)),
                ))
            }

            /// Has no value (`is:NULL`).
            pub fn is_null(&self) -> Filter<O> {
                self.predicate("is", Ok("NULL".to_owned()))
            }

            /// Has a value (`is:NOT_NULL`).
            pub fn is_not_null(&self) -> Filter<O> {
                self.predicate("is", Ok("NOT_NULL".to_owned()))
            }

            $(
                $(#[$doc])*
                pub fn $method(&self, $param: $ty) -> Filter<O> {
                    self.predicate($comparator, $operand)
                }
            )*
        }
    };
}

field_type! {
    /// A text field: compared as strings.
    TextField {
        /// Equal to.
        eq => "eq" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Not equal to.
        neq => "neq" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Equal to one of.
        is_in => "in" (values: impl IntoIterator<Item = impl Into<String>>) list(values, |v| Ok(quote(&v.into())));
        /// Greater than.
        gt => "gt" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Greater than or equal to.
        gte => "gte" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Less than.
        lt => "lt" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Less than or equal to.
        lte => "lte" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Starts with (case-sensitive).
        starts_with => "startsWith" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Ends with (case-sensitive).
        ends_with => "endsWith" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Matches a pattern, `%` standing for any text (case-sensitive).
        like => "like" (pattern: impl Into<String>) Ok(quote(&pattern.into()));
        /// Matches a pattern, `%` standing for any text (case-insensitive).
        ilike => "ilike" (pattern: impl Into<String>) Ok(quote(&pattern.into()));
    }
}

field_type! {
    /// An id: a record's `id` or a relation's `<field>Id`.
    UuidField {
        /// Equal to.
        eq => "eq" (value: Uuid) Ok(quote(&value.to_string()));
        /// Not equal to.
        neq => "neq" (value: Uuid) Ok(quote(&value.to_string()));
        /// Equal to one of.
        is_in => "in" (values: impl IntoIterator<Item = Uuid>) list(values, |v| Ok(quote(&v.to_string())));
    }
}

field_type! {
    /// A number.
    NumberField {
        /// Equal to.
        eq => "eq" (value: impl Into<f64>) number(value.into());
        /// Not equal to.
        neq => "neq" (value: impl Into<f64>) number(value.into());
        /// Equal to one of.
        is_in => "in" (values: impl IntoIterator<Item = impl Into<f64>>) list(values, |v| number(v.into()));
        /// Greater than.
        gt => "gt" (value: impl Into<f64>) number(value.into());
        /// Greater than or equal to.
        gte => "gte" (value: impl Into<f64>) number(value.into());
        /// Less than.
        lt => "lt" (value: impl Into<f64>) number(value.into());
        /// Less than or equal to.
        lte => "lte" (value: impl Into<f64>) number(value.into());
    }
}

field_type! {
    /// A boolean.
    BooleanField {
        /// Equal to.
        eq => "eq" (value: bool) Ok(value.to_string());
        /// Not equal to.
        neq => "neq" (value: bool) Ok(value.to_string());
    }
}

field_type! {
    /// A date and time, as an ISO 8601 string (`2024-05-01T12:00:00Z`).
    DateTimeField {
        /// At.
        eq => "eq" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Not at.
        neq => "neq" (value: impl Into<String>) Ok(quote(&value.into()));
        /// At one of.
        is_in => "in" (values: impl IntoIterator<Item = impl Into<String>>) list(values, |v| Ok(quote(&v.into())));
        /// After.
        gt => "gt" (value: impl Into<String>) Ok(quote(&value.into()));
        /// At or after.
        gte => "gte" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Before.
        lt => "lt" (value: impl Into<String>) Ok(quote(&value.into()));
        /// At or before.
        lte => "lte" (value: impl Into<String>) Ok(quote(&value.into()));
    }
}

field_type! {
    /// A date, as `YYYY-MM-DD`.
    DateField {
        /// On.
        eq => "eq" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Not on.
        neq => "neq" (value: impl Into<String>) Ok(quote(&value.into()));
        /// On one of.
        is_in => "in" (values: impl IntoIterator<Item = impl Into<String>>) list(values, |v| Ok(quote(&v.into())));
        /// After.
        gt => "gt" (value: impl Into<String>) Ok(quote(&value.into()));
        /// On or after.
        gte => "gte" (value: impl Into<String>) Ok(quote(&value.into()));
        /// Before.
        lt => "lt" (value: impl Into<String>) Ok(quote(&value.into()));
        /// On or before.
        lte => "lte" (value: impl Into<String>) Ok(quote(&value.into()));
    }
}

/// A select (or rating) field with values `V` (the generated enum of its options).
pub struct SelectField<O, V> {
    path: String,
    object: PhantomData<fn() -> (O, V)>,
}

/// A multi-select field: a list of values `V` (the generated enum of its options).
pub struct MultiSelectField<O, V> {
    path: String,
    object: PhantomData<fn() -> (O, V)>,
}

macro_rules! select_common {
    ($name:ident) => {
        impl<O, V: SelectValue> $name<O, V> {
            /// The field with this wire name.
            pub fn new(field: &str) -> Self {
                Self {
                    path: field.to_owned(),
                    object: PhantomData,
                }
            }

            /// A composite field's sub-field (`field.subField`).
            pub fn sub(field: &str, sub_field: &str) -> Self {
                Self {
                    path: format!("{field}.{sub_field}"),
                    object: PhantomData,
                }
            }

            fn predicate(&self, comparator: &str, operand: String) -> Filter<O> {
                Filter::from_node(Node::Predicate(Ok(format!(
                    "{}[{comparator}]:{operand}",
                    self.path
                ))))
            }

            fn values(values: impl IntoIterator<Item = V>) -> String {
                let quoted: Vec<String> = values.into_iter().map(|v| quote(v.as_str())).collect();
                format!("[{}]", quoted.join(","))
            }

            /// Has no value (`is:NULL`).
            pub fn is_null(&self) -> Filter<O> {
                self.predicate("is", "NULL".to_owned())
            }

            /// Has a value (`is:NOT_NULL`).
            pub fn is_not_null(&self) -> Filter<O> {
                self.predicate("is", "NOT_NULL".to_owned())
            }
        }

        impl<O, V> Clone for $name<O, V> {
            fn clone(&self) -> Self {
                Self {
                    path: self.path.clone(),
                    object: PhantomData,
                }
            }
        }

        impl<O, V> std::fmt::Debug for $name<O, V> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.path)
            }
        }
    };
}

select_common!(SelectField);
select_common!(MultiSelectField);

impl<O, V: SelectValue> SelectField<O, V> {
    /// The comparators this field offers, in the REST grammar's spelling.
    pub const COMPARATORS: &'static [&'static str] = &["eq", "neq", "in", "is"];

    /// Equal to.
    pub fn eq(&self, value: V) -> Filter<O> {
        self.predicate("eq", quote(value.as_str()))
    }

    /// Not equal to.
    pub fn neq(&self, value: V) -> Filter<O> {
        self.predicate("neq", quote(value.as_str()))
    }

    /// Equal to one of.
    pub fn is_in(&self, values: impl IntoIterator<Item = V>) -> Filter<O> {
        self.predicate("in", Self::values(values))
    }
}

impl<O, V: SelectValue> MultiSelectField<O, V> {
    /// The comparators this field offers, in the REST grammar's spelling.
    pub const COMPARATORS: &'static [&'static str] = &["containsAny", "is"];

    /// Holds at least one of.
    pub fn contains_any(&self, values: impl IntoIterator<Item = V>) -> Filter<O> {
        self.predicate("containsAny", Self::values(values))
    }
}

field_type! {
    /// A list of strings.
    ArrayField {
        /// Holds at least one of.
        contains_any => "containsAny" (values: impl IntoIterator<Item = impl Into<String>>) list(values, |v| Ok(quote(&v.into())));
    }
}

field_type! {
    /// A JSON value: only whether it is null can be compared.
    JsonField {}
}

#[cfg(test)]
mod tests {
    use super::*;

    struct P;

    #[derive(Clone, Copy)]
    enum Tag {
        X,
        Y,
    }

    impl SelectValue for Tag {
        fn as_str(&self) -> &'static str {
            match self {
                Tag::X => "x",
                Tag::Y => "y",
            }
        }
    }

    fn text(path: &str) -> TextField<P> {
        TextField::new(path)
    }

    #[test]
    fn each_field_type_offers_exactly_the_comparators_the_server_accepts() {
        let offered: [(&str, &[&str]); 10] = [
            ("TextField", TextField::<P>::COMPARATORS),
            ("UuidField", UuidField::<P>::COMPARATORS),
            ("NumberField", NumberField::<P>::COMPARATORS),
            ("BooleanField", BooleanField::<P>::COMPARATORS),
            ("DateTimeField", DateTimeField::<P>::COMPARATORS),
            ("DateField", DateField::<P>::COMPARATORS),
            ("SelectField", SelectField::<P, Tag>::COMPARATORS),
            ("MultiSelectField", MultiSelectField::<P, Tag>::COMPARATORS),
            ("ArrayField", ArrayField::<P>::COMPARATORS),
            ("JsonField", JsonField::<P>::COMPARATORS),
        ];
        fn sorted<'a>(names: &[&'a str]) -> Vec<&'a str> {
            let mut names = names.to_vec();
            names.sort_unstable();
            names
        }
        for (field_type, accepted) in crate::generated::FILTER_COMPARATORS {
            let Some((_, mine)) = offered.iter().find(|(name, _)| name == field_type) else {
                panic!("no filter field type {field_type}");
            };
            assert_eq!(sorted(mine), sorted(accepted), "{field_type}");
        }
    }

    #[test]
    fn strings_are_quoted_with_backslash_and_quote_escaped() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        let f = text("city").eq(r#"Pa"ris\, (x)"#);
        assert_eq!(f.to_query().unwrap(), r#"city[eq]:"Pa\"ris\\, (x)""#);
    }

    #[test]
    fn comparators_and_lists_use_the_rest_grammar() {
        let id = Uuid::from_u128(1);
        let f = Filter::all([
            UuidField::<P>::new("companyId").is_in([id]),
            NumberField::new("employees").gte(10),
            BooleanField::new("done").eq(false),
            TextField::sub("name", "firstName").starts_with("A"),
            MultiSelectField::<P, Tag>::new("tags").contains_any([Tag::X, Tag::Y]),
            JsonField::new("data").is_not_null(),
        ]);
        assert_eq!(
            f.to_query().unwrap(),
            "companyId[in]:[\"00000000-0000-0000-0000-000000000001\"],employees[gte]:10,done[eq]:false,\
             name.firstName[startsWith]:\"A\",tags[containsAny]:[\"x\",\"y\"],data[is]:NOT_NULL"
        );
        assert_eq!(
            NumberField::<P>::new("n").lt(1.5).to_query().unwrap(),
            "n[lt]:1.5"
        );
    }

    #[test]
    fn and_or_not_nest() {
        let f = text("a").eq("1").and(
            text("b")
                .eq("2")
                .or(!text("c").is_null())
                .or(text("d").eq("4").and(text("e").eq("5"))),
        );
        assert_eq!(
            f.to_query().unwrap(),
            r#"a[eq]:"1",or(b[eq]:"2",not(c[is]:NULL),and(d[eq]:"4",e[eq]:"5"))"#
        );
        // A lone `or` at the top stays an `or`.
        assert_eq!(
            Filter::any([text("a").eq("1"), text("b").eq("2")])
                .to_query()
                .unwrap(),
            r#"or(a[eq]:"1",b[eq]:"2")"#
        );
    }

    #[test]
    fn what_the_grammar_cannot_carry_is_refused() {
        let empty = text("a").eq("1").and(Filter::any([]));
        assert!(empty.to_query().unwrap_err().contains("empty `or`"));
        assert!(Filter::<P>::all([]).to_query().is_err());
        let nan = NumberField::<P>::new("n").eq(f64::NAN);
        assert!(nan.to_query().unwrap_err().contains("not a finite number"));
        let infinite = NumberField::<P>::new("n").is_in([1.0, f64::INFINITY]);
        assert!(infinite.to_query().is_err());
    }
}
