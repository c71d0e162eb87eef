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

impl<E> UnknownValue<E> {
    /// Only the generated code makes one, for a text its enum does not list. (Code that
    /// `include!`s a generated client shares its crate, and so could call this too: it must
    /// not, or `Unknown` could hold a known value.)
    #[doc(hidden)]
    pub fn new(text: impl Into<String>) -> Self {
        UnknownValue {
            text: text.into(),
            of: PhantomData,
        }
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

// Written out: derives would require `E` itself to implement each trait.

impl<E> Clone for UnknownValue<E> {
    fn clone(&self) -> Self {
        UnknownValue::new(self.text.clone())
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
    use super::UnknownValue;
    use std::collections::BTreeSet;

    /// Stands for the enum.
    type Status = ();

    #[test]
    fn reads_and_compares_as_its_text() {
        let value = UnknownValue::<Status>::new("PAUSED");
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
        let set: BTreeSet<_> = ["b", "a", "b"].map(UnknownValue::<Status>::new).into();
        let texts: Vec<&str> = set.iter().map(UnknownValue::as_str).collect();
        assert_eq!(texts, ["a", "b"]);
    }
}
