//! Support for the generated string enums: the opaque text of a value the client does not
//! know.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// The text of a value that the enum `E` does not list: what its `Unknown` variant holds.
///
/// It can be read ([`as_str`](Self::as_str), `Display`) and compared with text
/// (`unknown == "PAUSED"`), but not built: the only way to make an enum value from text is the
/// enum's `From<&str>`, `FromStr` or `Deserialize`, which give the variant for every value the
/// enum lists (so `Status::from("FAIL") == Status::Fail` whenever `FAIL` is known), and an
/// `UnknownValue` only for the others. It is tied to its enum, so the unknown value of one enum
/// cannot stand in for a known value of another.
///
/// To act on a value this client does not know yet, match on the enum's `as_str()`
/// (`match status.as_str() { "PAUSED" => .., _ => .. }`), never on `Unknown`: the arm keeps
/// matching when a later spec adds the value and it decodes as a variant of its own.
pub struct UnknownValue<E> {
    text: String,
    of: PhantomData<fn() -> E>,
}

/// Implemented by each generated string enum, naming the type of the proof that a call of
/// [`UnknownValue::new`] comes from the enum's own generated code. That type is declared in a
/// private module of the generated code, with a private field: no other code can make one, so
/// no other code can make an `UnknownValue` (a crate with the runtime inline and a crate on the
/// shared runtime alike).
#[doc(hidden)]
pub trait OpaqueEnum {
    type Proof;
}

impl<E: OpaqueEnum> UnknownValue<E> {
    /// Only the generated code makes one, for a text its enum does not list: it alone can
    /// give the proof.
    #[doc(hidden)]
    pub fn new(text: impl Into<String>, _proof: E::Proof) -> Self {
        UnknownValue {
            text: text.into(),
            of: PhantomData,
        }
    }
}

impl<E> UnknownValue<E> {
    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

// Written out: derives would require `E` itself to implement each trait.

impl<E> Clone for UnknownValue<E> {
    fn clone(&self) -> Self {
        UnknownValue {
            text: self.text.clone(),
            of: PhantomData,
        }
    }
}

impl<E> fmt::Debug for UnknownValue<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl<E> fmt::Display for UnknownValue<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<E> AsRef<str> for UnknownValue<E> {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl<E> PartialEq for UnknownValue<E> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<E> Eq for UnknownValue<E> {}

impl<E> PartialOrd for UnknownValue<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for UnknownValue<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl<E> Hash for UnknownValue<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl<E> PartialEq<str> for UnknownValue<E> {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl<E> PartialEq<&str> for UnknownValue<E> {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl<E> PartialEq<String> for UnknownValue<E> {
    fn eq(&self, other: &String) -> bool {
        self.text == *other
    }
}

impl<E> PartialEq<UnknownValue<E>> for str {
    fn eq(&self, other: &UnknownValue<E>) -> bool {
        self == other.text
    }
}

impl<E> PartialEq<UnknownValue<E>> for &str {
    fn eq(&self, other: &UnknownValue<E>) -> bool {
        *self == other.text
    }
}

impl<E> PartialEq<UnknownValue<E>> for String {
    fn eq(&self, other: &UnknownValue<E>) -> bool {
        *self == other.text
    }
}

#[cfg(test)]
mod tests {
    use super::{OpaqueEnum, UnknownValue};
    use std::collections::BTreeSet;

    /// Stands for the enum.
    struct Status;
    impl OpaqueEnum for Status {
        type Proof = ();
    }

    #[test]
    fn reads_and_compares_as_its_text() {
        let value = UnknownValue::<Status>::new("PAUSED", ());
        assert_eq!(value.as_str(), "PAUSED");
        assert_eq!(value.to_string(), "PAUSED");
        assert_eq!(format!("{value:?}"), "\"PAUSED\"");
        let (text, owned) = ("PAUSED", String::from("PAUSED"));
        assert_eq!(value, text);
        assert_eq!(text, value);
        assert_eq!(value, *text);
        assert_eq!(*text, value);
        assert_eq!(value, owned);
        assert_eq!(owned, value);
        assert_ne!(value, "paused");
        assert_eq!(value.clone(), value);
        let set: BTreeSet<_> = ["b", "a", "b"]
            .map(|t| UnknownValue::<Status>::new(t, ()))
            .into();
        let texts: Vec<&str> = set.iter().map(UnknownValue::as_str).collect();
        assert_eq!(texts, ["a", "b"]);
    }
}
