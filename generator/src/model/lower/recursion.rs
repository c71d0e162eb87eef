//! Recursive schemas: a type that contains itself by value has infinite size in Rust, so the
//! members through which it does are boxed. Arrays and maps already hold their items on the
//! heap and break the cycle by themselves.

use super::Context;
use crate::model::{Type, TypeDef, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

/// The named types `ty` holds by value (through `Option`, not through `Vec` or maps).
fn by_value(ty: &Type) -> Option<&str> {
    match ty {
        Type::Named(name) => Some(name),
        Type::Option(inner) => by_value(inner),
        _ => None,
    }
}

/// For each type, the types it holds by value.
fn edges(types: &[TypeDef]) -> BTreeMap<&str, Vec<&str>> {
    types
        .iter()
        .map(|def| {
            let targets = match &def.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().filter_map(|f| by_value(&f.ty)).collect()
                }
                TypeKind::OneOf { variants, .. } => {
                    variants.iter().filter_map(|v| by_value(&v.ty)).collect()
                }
                TypeKind::Alias(ty) => by_value(ty).into_iter().collect(),
                TypeKind::Enum(_) => Vec::new(),
            };
            (def.name.as_str(), targets)
        })
        .collect()
}

/// Whether `to` can be reached from `from` by following by-value edges.
fn reaches(graph: &BTreeMap<&str, Vec<&str>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if seen.insert(node) {
            stack.extend(graph.get(node).into_iter().flatten().copied());
        }
    }
    false
}

impl Context<'_> {
    /// Boxes every member that closes a by-value cycle, and reports cycles made of aliases
    /// alone (`A: {$ref: B}`, `B: {$ref: A}`), which describe no value at all.
    pub(super) fn break_cycles(&mut self) {
        let graph = edges(&self.types);
        let mut boxed_fields: Vec<(usize, usize)> = Vec::new();
        let mut boxed_variants: Vec<(usize, usize)> = Vec::new();
        let mut alias_cycles: Vec<String> = Vec::new();
        for (t, def) in self.types.iter().enumerate() {
            match &def.kind {
                TypeKind::Struct { fields, .. } => {
                    for (f, field) in fields.iter().enumerate() {
                        if by_value(&field.ty)
                            .is_some_and(|target| reaches(&graph, target, &def.name))
                        {
                            boxed_fields.push((t, f));
                        }
                    }
                }
                TypeKind::OneOf { variants, .. } => {
                    for (v, variant) in variants.iter().enumerate() {
                        if by_value(&variant.ty)
                            .is_some_and(|target| reaches(&graph, target, &def.name))
                        {
                            boxed_variants.push((t, v));
                        }
                    }
                }
                TypeKind::Alias(ty) => {
                    if by_value(ty)
                        .is_some_and(|target| alias_only_cycle(&self.types, target, &def.name))
                    {
                        alias_cycles.push(def.name.clone());
                    }
                }
                TypeKind::Enum(_) => {}
            }
        }
        for (t, f) in boxed_fields {
            if let TypeKind::Struct { fields, .. } = &mut self.types[t].kind {
                fields[f].boxed = true;
            }
        }
        for (t, v) in boxed_variants {
            if let TypeKind::OneOf { variants, .. } = &mut self.types[t].kind {
                variants[v].boxed = true;
            }
        }
        for name in alias_cycles {
            let schema = self
                .schema_names
                .iter()
                .find(|(_, rust)| **rust == name)
                .map(|(s, _)| s.clone());
            let at = crate::diagnostics::pointer([
                "components",
                "schemas",
                schema.as_deref().unwrap_or(&name),
            ]);
            self.error(
                at,
                format!("schema `{name}` is defined only by references that lead back to it"),
                "give one schema in the cycle a definition of its own",
            );
        }
    }
}

/// Whether following aliases from `from` leads back to `to` without passing a struct or enum.
fn alias_only_cycle(types: &[TypeDef], from: &str, to: &str) -> bool {
    let mut current = from;
    for _ in 0..=types.len() {
        if current == to {
            return true;
        }
        match types.iter().find(|d| d.name == current).map(|d| &d.kind) {
            Some(TypeKind::Alias(ty)) => match by_value(ty) {
                Some(next) => current = next,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}
