//! Line and column of a JSON pointer, for problems found after parsing.
//!
//! Built from the events of the same YAML parser that reads documents (JSON parses as YAML
//! too), only when there is a problem to place, so a spec that generates cleanly never pays
//! for it.

use super::yaml::Source;
use crate::diagnostics::pointer_token;
use saphyr_parser::{Event, Span};
use std::collections::HashMap;

/// Where each node of one document starts.
pub struct Positions {
    starts: HashMap<String, (usize, usize)>,
}

impl Positions {
    /// Indexes `text`; `None` when it does not parse (its syntax error is reported already).
    pub fn index(text: &str) -> Option<Positions> {
        Self::run(text, Receiver::default())
    }

    /// Like [`index`](Positions::index), recording only the nodes on the way to `pointers`:
    /// the rest of the document is parsed but not indexed, so placing a few problems in a
    /// huge spec costs time in proportion to its size, and memory in proportion to the
    /// problems.
    pub fn index_for(text: &str, pointers: &[&str]) -> Option<Positions> {
        let receiver = Receiver {
            wanted: Some(pointers.iter().map(|p| (*p).to_owned()).collect()),
            ..Receiver::default()
        };
        Self::run(text, receiver)
    }

    fn run(text: &str, mut receiver: Receiver) -> Option<Positions> {
        let source = Source::new(text);
        for event in source.parser() {
            let (event, span) = event.ok()?;
            match event {
                Event::StreamEnd => break,
                // One document, as read (a second is an error reported already).
                Event::DocumentEnd => break,
                event => receiver.on_event(event, span),
            }
        }
        let mut starts = receiver.starts;
        for (line, column) in starts.values_mut() {
            *column = source.column(*line, *column);
        }
        Some(Positions { starts })
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
}

enum Frame {
    /// `placed` is false while the mapping's position is only its start event's, which for a
    /// block mapping is its first `:`; its first key then gives the real start.
    Map {
        at: String,
        key: Option<String>,
        placed: bool,
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
    /// When set, only these pointers and their ancestors are recorded.
    wanted: Option<Vec<String>>,
    /// How many collections deep the parser is inside a subtree that is not recorded.
    skipping: usize,
}

impl Receiver {
    /// The pointer of a node starting now, or `None` for a mapping key (which it records).
    fn node_pointer(&mut self, event: &Event<'_>, position: (usize, usize)) -> Option<String> {
        match self.frames.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { at, next }) => {
                let pointer = format!("{at}/{next}");
                *next += 1;
                Some(pointer)
            }
            Some(Frame::Map { at, key, placed }) => match key.take() {
                Some(k) => Some(format!("{at}/{}", pointer_token(&k))),
                None => {
                    if !*placed {
                        self.starts.insert(at.clone(), position);
                        *placed = true;
                    }
                    // A key: the member is placed at its key, where a reader looks for it.
                    let name = match event {
                        Event::Scalar(value, ..) => value.to_string(),
                        _ => String::new(),
                    };
                    let pointer = format!("{at}/{}", pointer_token(&name));
                    if leads_to(&self.wanted, &pointer) {
                        self.starts.entry(pointer).or_insert(position);
                    }
                    *key = Some(name);
                    None
                }
            },
        }
    }
}

/// Whether the node at `pointer` is recorded: always, or when it leads to a wanted one.
fn leads_to(wanted: &Option<Vec<String>>, pointer: &str) -> bool {
    wanted.as_ref().is_none_or(|wanted| {
        wanted.iter().any(|w| {
            w.strip_prefix(pointer)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    })
}

impl Receiver {
    fn on_event(&mut self, event: Event<'_>, span: Span) {
        if self.skipping > 0 {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => self.skipping += 1,
                Event::MappingEnd | Event::SequenceEnd => self.skipping -= 1,
                _ => {}
            }
            return;
        }
        let position = (span.start.line(), span.start.col() + 1);
        match event {
            Event::Scalar(..)
            | Event::Alias(_)
            | Event::MappingStart(..)
            | Event::SequenceStart(..) => {
                let Some(pointer) = self.node_pointer(&event, position) else {
                    return;
                };
                if !leads_to(&self.wanted, &pointer) {
                    if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..)) {
                        self.skipping = 1;
                    }
                    return;
                }
                let placed = self.starts.contains_key(&pointer);
                self.starts.entry(pointer.clone()).or_insert(position);
                match event {
                    Event::MappingStart(..) => self.frames.push(Frame::Map {
                        at: pointer,
                        key: None,
                        placed,
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
    }

    #[test]
    fn indexes_only_the_way_to_wanted_pointers() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{x}:\n    get:\n      parameters:\n        - name: y\n          in: path\n  /b:\n    get: {responses: {}}\ncomponents: {schemas: {A: {type: string}}}\n";
        let full = Positions::index(text).unwrap();
        let wanted = [
            "/paths/~1a~1{x}/get/parameters/0/in",
            "/components/schemas/A",
        ];
        let some = Positions::index_for(text, &wanted).unwrap();
        for pointer in wanted {
            assert_eq!(some.locate(pointer), full.locate(pointer), "{pointer}");
        }
        assert_eq!(some.locate("/paths/~1b/get"), full.locate("/paths"));
        for skipped in [
            "/openapi",
            "/paths/~1b",
            "/paths/~1b/get",
            "/paths/~1a~1{x}/get/parameters/0/name",
        ] {
            assert!(full.starts.contains_key(skipped), "{skipped}");
            assert!(!some.starts.contains_key(skipped), "{skipped}");
        }
    }

    #[test]
    fn indexes_json_too() {
        let text = "{\n  \"paths\": {\n    \"/a\": {\"get\": {}}\n  }\n}";
        let positions = Positions::index(text).unwrap();
        assert_eq!(positions.locate("/paths/~1a/get"), Some((3, 12)));
    }
}
