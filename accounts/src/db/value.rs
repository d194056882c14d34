//! The values that cross the storage interface: parameters going in,
//! rows coming out, the same for SQLite and PostgreSQL.
//!
//! Only five kinds exist (null, integer, real, text, bytes) because that is
//! all the schema uses: booleans are stored as integers 0/1 and times as
//! unix milliseconds, so both engines hold the same values.

use std::borrow::Cow;

use super::DbError;

/// One statement parameter. Build it with `From` (`3_i64.into()`,
/// `"text".into()`, `Some(x).into()`), or all at once with [`params!`].
#[derive(Debug, Clone, PartialEq)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Bytes(Cow<'a, [u8]>),
}

impl Param<'_> {
    /// The same value, owning its text or bytes.
    pub fn to_owned_param(&self) -> Param<'static> {
        match self {
            Param::Null => Param::Null,
            Param::Int(v) => Param::Int(*v),
            Param::Real(v) => Param::Real(*v),
            Param::Text(t) => Param::Text(Cow::Owned(t.clone().into_owned())),
            Param::Bytes(b) => Param::Bytes(Cow::Owned(b.clone().into_owned())),
        }
    }

    /// What kind of value it is, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Param::Null => "null",
            Param::Int(_) => "integer",
            Param::Real(_) => "real",
            Param::Text(_) => "text",
            Param::Bytes(_) => "bytes",
        }
    }
}

/// The parameters of a statement: `params![user_id, now, "free"]`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[$crate::db::Param] };
    ($($p:expr),+ $(,)?) => { &[$($crate::db::Param::from($p)),+] as &[$crate::db::Param] };
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl From<$t> for Param<'_> {
            fn from(v: $t) -> Self {
                Param::Int(v as i64)
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8);

impl From<u64> for Param<'_> {
    /// Values past `i64::MAX` are clamped: no count or time gets there.
    fn from(v: u64) -> Self {
        Param::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Param<'_> {
    fn from(v: usize) -> Self {
        Param::from(v as u64)
    }
}

impl From<bool> for Param<'_> {
    fn from(v: bool) -> Self {
        Param::Int(i64::from(v))
    }
}

impl From<f64> for Param<'_> {
    fn from(v: f64) -> Self {
        Param::Real(v)
    }
}

impl From<f32> for Param<'_> {
    fn from(v: f32) -> Self {
        Param::Real(f64::from(v))
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(Cow::Borrowed(v))
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(Cow::Borrowed(v))
    }
}

impl From<String> for Param<'_> {
    fn from(v: String) -> Self {
        Param::Text(Cow::Owned(v))
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(v: &'a [u8]) -> Self {
        Param::Bytes(Cow::Borrowed(v))
    }
}

impl<'a> From<&'a Vec<u8>> for Param<'a> {
    fn from(v: &'a Vec<u8>) -> Self {
        Param::Bytes(Cow::Borrowed(v))
    }
}

impl<'a, T: Into<Param<'a>>> From<Option<T>> for Param<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Param::Null, Into::into)
    }
}

/// One column of a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Int(_) => "integer",
            Value::Real(_) => "real",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytes",
        }
    }
}

/// A result row, read by column position.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub(crate) Vec<Value>);

impl Row {
    /// Column `index` as `T`; a missing column or another kind of value is
    /// an error naming both.
    pub fn get<T: FromValue>(&self, index: usize) -> Result<T, DbError> {
        let value = self.0.get(index).unwrap_or(&Value::Null);
        T::from_value(value).ok_or_else(|| DbError::Type {
            index,
            wanted: std::any::type_name::<T>(),
            found: value.kind(),
        })
    }
}

/// A Rust type a column converts to.
pub trait FromValue: Sized {
    fn from_value(value: &Value) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }
}

macro_rules! narrow_int {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: &Value) -> Option<Self> {
                i64::from_value(value).and_then(|v| <$t>::try_from(v).ok())
            }
        }
    )*};
}
narrow_int!(i32, u32, u64, u16, u8);

impl FromValue for bool {
    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).map(|v| v != 0)
    }
}

impl FromValue for f64 {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Real(v) => Some(*v),
            Value::Int(v) => Some(*v as f64),
            _ => None,
        }
    }
}

impl FromValue for f32 {
    fn from_value(value: &Value) -> Option<Self> {
        f64::from_value(value).map(|v| v as f32)
    }
}

impl FromValue for String {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Text(v) => Some(v.clone()),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Bytes(v) => Some(v.clone()),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}
