//! The checks generated code makes on arguments before a request is assembled: the bounds a
//! spec documents (`minimum`, `maxLength`, `maxItems`...), so that a call the server would
//! refuse fails at once, naming the argument, with nothing sent.

use super::error::ConstructionError;
use std::fmt::Display;

/// Checks a number against its documented bounds.
#[doc(hidden)]
pub fn check_range<T: PartialOrd + Display>(
    argument: &'static str,
    value: T,
    minimum: Option<(T, bool)>,
    maximum: Option<(T, bool)>,
) -> Result<(), ConstructionError> {
    if let Some((min, exclusive)) = minimum {
        if value < min || (exclusive && value == min) {
            let relation = if exclusive {
                "greater than"
            } else {
                "at least"
            };
            return Err(ConstructionError::new(
                argument,
                format!("must be {relation} {min}, got {value}"),
            ));
        }
    }
    if let Some((max, exclusive)) = maximum {
        if value > max || (exclusive && value == max) {
            let relation = if exclusive { "less than" } else { "at most" };
            return Err(ConstructionError::new(
                argument,
                format!("must be {relation} {max}, got {value}"),
            ));
        }
    }
    Ok(())
}

/// Checks a string's length in characters (as JSON Schema counts) against its bounds.
#[doc(hidden)]
pub fn check_length(
    argument: &'static str,
    value: &str,
    minimum: Option<usize>,
    maximum: Option<usize>,
) -> Result<(), ConstructionError> {
    let length = value.chars().count();
    if let Some(min) = minimum {
        if length < min {
            let reason = if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must have at least {min} characters, got {length}")
            };
            return Err(ConstructionError::new(argument, reason));
        }
    }
    if let Some(max) = maximum {
        if length > max {
            return Err(ConstructionError::new(
                argument,
                format!("must have at most {max} characters, got {length}"),
            ));
        }
    }
    Ok(())
}

/// Checks an array's length against its bounds.
#[doc(hidden)]
pub fn check_items(
    argument: &'static str,
    length: usize,
    minimum: Option<usize>,
    maximum: Option<usize>,
) -> Result<(), ConstructionError> {
    if minimum.is_some_and(|min| length < min) || maximum.is_some_and(|max| length > max) {
        let bounds = match (minimum, maximum) {
            (Some(min), Some(max)) => format!("between {min} and {max}"),
            (Some(min), None) => format!("at least {min}"),
            (None, Some(max)) => format!("at most {max}"),
            (None, None) => unreachable!("checked above"),
        };
        return Err(ConstructionError::new(
            argument,
            format!("must have {bounds} items, got {length}"),
        ));
    }
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_and_length_checks_name_the_argument() {
        let e = check_range("limit", 0, Some((1, false)), Some((1000, false))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid argument `limit`: must be at least 1, got 0; nothing was sent"
        );
        assert!(check_range("limit", 1000, Some((1, false)), Some((1000, false))).is_ok());
        assert!(check_range("x", 5.0, None, Some((5.0, true))).is_err());
        assert_eq!(
            check_length("id", "", Some(1), None).unwrap_err().reason(),
            "must not be empty"
        );
        assert!(check_items("ids", 3, Some(1), Some(2)).is_err());
    }
}
