//! Support for the generated `Deserialize` impls: object keys read without copying when the
//! input allows it.

use std::borrow::Cow;
use std::fmt;

/// A member name of a JSON object, borrowed from the input when possible.
#[doc(hidden)]
#[derive(Debug)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    #[doc(hidden)]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// A JSON object being turned into a generated struct: members are taken out one by one,
/// each decoded into its field's type.
///
/// The generated `Deserialize` impls read the object once into a map and build the struct
/// from it with one call per member: far less code per type than a streaming visitor, which
/// is what keeps crates of thousands of types quick to compile.
#[doc(hidden)]
#[derive(Debug)]
pub struct Object {
    members: serde_json::Map<String, serde_json::Value>,
}

/// A member that is missing or does not decode, with its name.
#[doc(hidden)]
#[derive(Debug)]
pub struct Invalid(String);

impl Object {
    /// A member that must be present (and not `null`, unless `T` accepts it).
    #[doc(hidden)]
    pub fn required<T: serde::de::DeserializeOwned>(
        &mut self,
        name: &'static str,
    ) -> Result<T, Invalid> {
        match self.members.remove(name) {
            Some(value) => {
                T::deserialize(value).map_err(|e| Invalid(format!("member `{name}`: {e}")))
            }
            None => Err(Invalid(format!("missing member `{name}`"))),
        }
    }

    /// A member that may be absent or `null`.
    #[doc(hidden)]
    pub fn optional<T: serde::de::DeserializeOwned>(
        &mut self,
        name: &'static str,
    ) -> Result<Option<T>, Invalid> {
        match self.members.remove(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value) => T::deserialize(value)
                .map(Some)
                .map_err(|e| Invalid(format!("member `{name}`: {e}"))),
        }
    }

    /// The members not taken yet (for schemas that allow extra members).
    #[doc(hidden)]
    pub fn rest<T: serde::de::DeserializeOwned>(
        &mut self,
    ) -> Result<std::collections::BTreeMap<String, T>, Invalid> {
        std::mem::take(&mut self.members)
            .into_iter()
            .map(|(name, value)| match T::deserialize(value) {
                Ok(value) => Ok((name, value)),
                Err(e) => Err(Invalid(format!("member `{name}`: {e}"))),
            })
            .collect()
    }
}

/// Reads an object and builds `T` from its members with `build`.
#[doc(hidden)]
pub fn object<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    build: fn(&mut Object) -> Result<T, Invalid>,
) -> Result<T, D::Error> {
    use serde::Deserialize as _;
    let members = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
    build(&mut Object { members }).map_err(|Invalid(message)| serde::de::Error::custom(message))
}
