//! Identical types, generated once.
//!
//! Large specs repeat the same inline shapes many times (GitHub's repeats an enum of
//! `read`/`write` hundreds of times, and whole objects): each would become the same Rust
//! type under another name, and the crate would be twice the size it needs to be. A type
//! whose definition equals an earlier one (documentation aside, references compared after
//! this same merging) becomes an alias of it: every name stays, the code exists once.

use crate::model::{Additional, Field, Type, TypeDef, TypeKind, Variant};
use std::collections::BTreeMap;

/// Turns every type equal to an earlier one into an alias of it, until no more merge.
///
/// Linear in the number of types times the rounds' work, not in types times rounds: a round
/// recomputes the keys of only the types a merge can have changed (their referrers), and the
/// key of every other type stays in `owner`, where each key names its one remaining type.
pub(super) fn merge_identical_types(types: &mut [TypeDef]) {
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    // Who refers to whom, so that a round recomputes only the keys a merge can change.
    let mut referrers: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, def) in types.iter().enumerate() {
        for name in referenced_names(&def.kind) {
            referrers.entry(name).or_default().push(i);
        }
    }
    let mut keys: Vec<Option<String>> = vec![None; types.len()];
    // Each key to the first type that has it; after a round, no two types share a key.
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    let mut dirty: Vec<usize> = (0..types.len()).collect();
    // Each round may make more types equal (two structs whose members used two equal
    // enums); every round merges at least one type, so the number of types bounds them.
    for _ in 0..types.len().max(1) {
        for &i in &dirty {
            if let Some(old) = keys[i].take() {
                if owner.get(&old) == Some(&i) {
                    owner.remove(&old);
                }
            }
        }
        for &i in &dirty {
            keys[i] = match types[i].kind {
                TypeKind::Alias(_) => None,
                _ => Some(key_of(&types[i].kind, &|name| {
                    canonical(types, &index, name)
                })),
            };
        }
        // `dirty` is in ascending order, so the first type with a key keeps it.
        let mut merges: Vec<(usize, usize)> = Vec::new();
        for &i in &dirty {
            let Some(key) = &keys[i] else { continue };
            match owner.get(key).copied() {
                Some(first) if first < i => merges.push((i, first)),
                Some(later) => {
                    merges.push((later, i));
                    owner.insert(key.clone(), i);
                }
                None => {
                    owner.insert(key.clone(), i);
                }
            }
        }
        if merges.is_empty() {
            return;
        }
        let mut next_dirty = std::collections::BTreeSet::new();
        let mut changed: Vec<usize> = Vec::new();
        for (i, first) in merges {
            let target = types[first].name.clone();
            types[i].kind = TypeKind::Alias(Type::Named(target));
            keys[i] = None;
            changed.push(i);
        }
        // Whatever refers to a merged type, directly or through aliases, may now equal
        // something else.
        while let Some(i) = changed.pop() {
            for &referrer in referrers.get(&types[i].name).into_iter().flatten() {
                if next_dirty.insert(referrer) && matches!(types[referrer].kind, TypeKind::Alias(_))
                {
                    changed.push(referrer);
                }
            }
        }
        dirty = next_dirty.into_iter().collect();
    }
}

/// The type an alias name finally stands for (the name itself for a type that is no alias).
fn canonical<'t>(types: &'t [TypeDef], index: &BTreeMap<String, usize>, name: &'t str) -> &'t str {
    let mut at = name;
    // Alias chains are short and acyclic (cycles are reported earlier); bounded anyway.
    for _ in 0..64 {
        match index.get(at).map(|&i| &types[i].kind) {
            Some(TypeKind::Alias(Type::Named(next))) => at = next,
            _ => break,
        }
    }
    at
}

/// The type names a definition mentions.
fn referenced_names(kind: &TypeKind) -> Vec<String> {
    fn walk(ty: &Type, out: &mut Vec<String>) {
        match ty {
            Type::Named(name) => out.push(name.clone()),
            Type::Array(inner) | Type::Map(inner) | Type::Option(inner) => walk(inner, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    match kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter().for_each(|f| walk(&f.ty, &mut out));
            additional.iter().for_each(|a| walk(&a.ty, &mut out));
        }
        TypeKind::OneOf { variants, .. } => variants.iter().for_each(|v| walk(&v.ty, &mut out)),
        TypeKind::Alias(ty) => walk(ty, &mut out),
        TypeKind::Enum(_) => {}
    }
    out
}

/// The definition without documentation, with names resolved, as a comparable text.
fn key_of<'t>(kind: &'t TypeKind, canonical: &dyn Fn(&'t str) -> &'t str) -> String {
    let resolve = |ty: &'t Type| resolve_type(ty, canonical);
    let normalized = match kind {
        TypeKind::Struct { fields, additional } => TypeKind::Struct {
            fields: fields
                .iter()
                .map(|f| Field {
                    doc: None,
                    ty: resolve(&f.ty),
                    ..f.clone()
                })
                .collect(),
            additional: additional.as_ref().map(|a| Additional {
                name: a.name.clone(),
                ty: resolve(&a.ty),
            }),
        },
        TypeKind::OneOf {
            variants,
            discriminator,
        } => TypeKind::OneOf {
            variants: variants
                .iter()
                .map(|v| Variant {
                    ty: resolve(&v.ty),
                    ..v.clone()
                })
                .collect(),
            discriminator: discriminator.clone(),
        },
        TypeKind::Enum(e) => TypeKind::Enum(e.clone()),
        TypeKind::Alias(ty) => TypeKind::Alias(resolve(ty)),
    };
    format!("{normalized:?}")
}

fn resolve_type<'t>(ty: &'t Type, canonical: &dyn Fn(&'t str) -> &'t str) -> Type {
    match ty {
        Type::Named(name) => Type::Named(canonical(name).to_owned()),
        Type::Array(inner) => Type::Array(Box::new(resolve_type(inner, canonical))),
        Type::Map(inner) => Type::Map(Box::new(resolve_type(inner, canonical))),
        Type::Option(inner) => Type::Option(Box::new(resolve_type(inner, canonical))),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EnumValue, StringEnum};

    fn enumeration(name: &str, values: &[&str]) -> TypeDef {
        TypeDef {
            usage: Default::default(),
            name: name.into(),
            doc: Some(format!("{name}'s own words")),
            kind: TypeKind::Enum(StringEnum {
                values: values
                    .iter()
                    .map(|v| EnumValue {
                        wire: (*v).into(),
                        name: v.to_uppercase(),
                    })
                    .collect(),
                case_insensitive: false,
            }),
        }
    }

    fn holder(name: &str, member: &str) -> TypeDef {
        TypeDef {
            usage: Default::default(),
            name: name.into(),
            doc: None,
            kind: TypeKind::Struct {
                fields: vec![Field {
                    wire_name: "level".into(),
                    name: "level".into(),
                    doc: Some(name.into()),
                    ty: Type::Named(member.into()),
                    required: false,
                    nullable: false,
                    sensitive: false,
                    boxed: false,
                    read_only: false,
                    write_only: false,
                    default: None,
                    download_link: None,
                }],
                additional: None,
            },
        }
    }

    #[test]
    fn equal_types_become_aliases_of_the_first_and_merging_propagates() {
        let mut types = vec![
            enumeration("A", &["read", "write"]),
            enumeration("B", &["read", "write"]),
            enumeration("C", &["read"]),
            holder("HoldsA", "A"),
            holder("HoldsB", "B"),
            holder("HoldsC", "C"),
        ];
        merge_identical_types(&mut types);
        let kinds: Vec<String> = types
            .iter()
            .map(|t| match &t.kind {
                TypeKind::Alias(Type::Named(n)) => format!("{} = {n}", t.name),
                _ => t.name.clone(),
            })
            .collect();
        assert_eq!(
            kinds,
            ["A", "B = A", "C", "HoldsA", "HoldsB = HoldsA", "HoldsC"]
        );
        // The alias keeps its own documentation.
        assert_eq!(types[1].doc.as_deref(), Some("B's own words"));
    }
}
