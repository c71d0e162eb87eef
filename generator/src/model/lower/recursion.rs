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

/// The strongly connected component of every node (Tarjan's algorithm, iterative so deep
/// graphs cannot overflow the stack): `to` reaches `from` through by-value edges exactly when
/// an edge `from -> to` joins two nodes of one component. Linear in the graph's size.
fn components<'a>(graph: &BTreeMap<&'a str, Vec<&'a str>>) -> BTreeMap<&'a str, usize> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut low: BTreeMap<&str, usize> = BTreeMap::new();
    let mut on_stack: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut component: BTreeMap<&'a str, usize> = BTreeMap::new();
    let mut next = 0usize;
    let no_edges: Vec<&str> = Vec::new();
    for &root in graph.keys() {
        if index.contains_key(root) {
            continue;
        }
        // (node, position of the next edge to follow)
        let mut work: Vec<(&'a str, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && !index.contains_key(node) {
                index.insert(node, next);
                low.insert(node, next);
                next += 1;
                stack.push(node);
                on_stack.insert(node);
            }
            let targets = graph.get(node).unwrap_or(&no_edges);
            if let Some(&target) = targets.get(*edge) {
                *edge += 1;
                if !index.contains_key(target) {
                    work.push((target, 0));
                } else if on_stack.contains(target) {
                    let lowest = low[node].min(index[target]);
                    low.insert(node, lowest);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                let lowest = low[parent].min(low[node]);
                low.insert(parent, lowest);
            }
            if low[node] == index[node] {
                let id = component.len();
                while let Some(member) = stack.pop() {
                    on_stack.remove(member);
                    component.insert(member, id);
                    if member == node {
                        break;
                    }
                }
            }
        }
    }
    component
}

/// Whether the by-value edge `from -> to` lies on a cycle.
fn on_cycle(components: &BTreeMap<&str, usize>, from: &str, to: &str) -> bool {
    match (components.get(from), components.get(to)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

impl Context<'_> {
    /// Boxes every member that closes a by-value cycle, and reports cycles made of aliases
    /// alone (`A: {$ref: B}`, `B: {$ref: A}`), which describe no value at all.
    pub(super) fn break_cycles(&mut self) {
        let graph = edges(&self.types);
        let components = components(&graph);
        let by_name: BTreeMap<&str, &TypeDef> =
            self.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut boxed_fields: Vec<(usize, usize)> = Vec::new();
        let mut boxed_variants: Vec<(usize, usize)> = Vec::new();
        let mut alias_cycles: Vec<String> = Vec::new();
        for (t, def) in self.types.iter().enumerate() {
            match &def.kind {
                TypeKind::Struct { fields, .. } => {
                    for (f, field) in fields.iter().enumerate() {
                        if by_value(&field.ty)
                            .is_some_and(|target| on_cycle(&components, &def.name, target))
                        {
                            boxed_fields.push((t, f));
                        }
                    }
                }
                TypeKind::OneOf { variants, .. } => {
                    for (v, variant) in variants.iter().enumerate() {
                        if by_value(&variant.ty)
                            .is_some_and(|target| on_cycle(&components, &def.name, target))
                        {
                            boxed_variants.push((t, v));
                        }
                    }
                }
                TypeKind::Alias(ty) => {
                    if by_value(ty)
                        .is_some_and(|target| alias_only_cycle(&by_name, target, &def.name))
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
fn alias_only_cycle(types: &BTreeMap<&str, &TypeDef>, from: &str, to: &str) -> bool {
    let mut current = from;
    for _ in 0..=types.len() {
        if current == to {
            return true;
        }
        match types.get(current).map(|d| &d.kind) {
            Some(TypeKind::Alias(ty)) => match by_value(ty) {
                Some(next) => current = next,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}
