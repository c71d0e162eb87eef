//! Line and column of a JSON pointer, for problems found after parsing.
//!
//! Built from a YAML event stream (JSON parses as YAML too), only when there is a problem to
//! place, so a spec that generates cleanly never pays for it.

use crate::diagnostics::pointer_token;
use std::collections::{HashMap, HashSet};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Where each node of one document starts.
pub struct Positions {
    starts: HashMap<String, (usize, usize)>,
    /// The first key that repeats in its mapping: its pointer and position.
    duplicate: Option<(String, (usize, usize))>,
}

impl Positions {
    /// Indexes `text`; `None` when it does not parse (its syntax error is reported already).
    pub fn index(text: &str) -> Option<Positions> {
        let mut receiver = Receiver::default();
        Parser::new_from_str(text).load(&mut receiver, false).ok()?;
        Some(Positions {
            starts: receiver.starts,
            duplicate: receiver.duplicate,
        })
    }

    /// The 1-based line and column of the node at `pointer`, or of its nearest ancestor
    /// present in the document.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut current = pointer;
        loop {
            if let Some(position) = self.starts.get(current) {
                return Some(*position);
            }
            let cut = current.rfind('/')?;
            current = &current[..cut];
        }
    }

    /// The first key that appears twice in one mapping: its pointer and position.
    pub fn duplicate_key(&self) -> Option<(&str, (usize, usize))> {
        self.duplicate
            .as_ref()
            .map(|(pointer, position)| (pointer.as_str(), *position))
    }
}

enum Frame {
    /// `placed` is false while the mapping's position is only its start event's, which for a
    /// block mapping is its first `:`; its first key then gives the real start.
    Map {
        at: String,
        key: Option<String>,
        placed: bool,
        keys: HashSet<String>,
    },
    Seq {
        at: String,
        next: usize,
    },
}

#[derive(Default)]
struct Receiver {
    starts: HashMap<String, (usize, usize)>,
    frames: Vec<Frame>,
    duplicate: Option<(String, (usize, usize))>,
}

impl Receiver {
    /// The pointer of a node starting now, or `None` for a mapping key (which it records).
    fn node_pointer(&mut self, event: &Event, position: (usize, usize)) -> Option<String> {
        match self.frames.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { at, next }) => {
                let pointer = format!("{at}/{next}");
                *next += 1;
                Some(pointer)
            }
            Some(Frame::Map {
                at,
                key,
                placed,
                keys,
            }) => match key.take() {
                Some(k) => Some(format!("{at}/{}", pointer_token(&k))),
                None => {
                    if !*placed {
                        self.starts.insert(at.clone(), position);
                        *placed = true;
                    }
                    // A key: the member is placed at its key, where a reader looks for it.
                    let name = match event {
                        Event::Scalar(value, ..) => value.clone(),
                        _ => String::new(),
                    };
                    let pointer = format!("{at}/{}", pointer_token(&name));
                    if !keys.insert(name.clone()) && self.duplicate.is_none() {
                        self.duplicate = Some((pointer.clone(), position));
                    }
                    self.starts.entry(pointer).or_insert(position);
                    *key = Some(name);
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Receiver {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let position = (mark.line(), mark.col() + 1);
        match event {
            Event::Scalar(..)
            | Event::Alias(_)
            | Event::MappingStart(..)
            | Event::SequenceStart(..) => {
                let Some(pointer) = self.node_pointer(&event, position) else {
                    return;
                };
                let placed = self.starts.contains_key(&pointer);
                self.starts.entry(pointer.clone()).or_insert(position);
                match event {
                    Event::MappingStart(..) => self.frames.push(Frame::Map {
                        at: pointer,
                        key: None,
                        placed,
                        keys: HashSet::new(),
                    }),
                    Event::SequenceStart(..) => self.frames.push(Frame::Seq {
                        at: pointer,
                        next: 0,
                    }),
                    _ => {}
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_members_at_their_keys() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{x}:\n    get:\n      parameters:\n        - name: y\n          in: path\n";
        let positions = Positions::index(text).unwrap();
        assert_eq!(positions.locate("/paths/~1a~1{x}/get"), Some((4, 5)));
        assert_eq!(
            positions.locate("/paths/~1a~1{x}/get/parameters/0"),
            Some((6, 11))
        );
        assert_eq!(
            positions.locate("/paths/~1a~1{x}/get/parameters/0/in"),
            Some((7, 11))
        );
        // A pointer below an existing node falls back to that node.
        assert_eq!(
            positions.locate("/paths/~1a~1{x}/get/responses/200"),
            Some((4, 5))
        );
        assert_eq!(positions.duplicate_key(), None);
    }

    #[test]
    fn indexes_json_too() {
        let text = "{\n  \"paths\": {\n    \"/a\": {\"get\": {}}\n  }\n}";
        let positions = Positions::index(text).unwrap();
        assert_eq!(positions.locate("/paths/~1a/get"), Some((3, 12)));
    }

    #[test]
    fn finds_the_first_repeated_key() {
        let positions = Positions::index("a: 1\nb:\n  c: 1\n  c: 2\n").unwrap();
        assert_eq!(positions.duplicate_key(), Some(("/b/c", (4, 3))));
    }
}
