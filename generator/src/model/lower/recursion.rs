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
        let alias_cycles_at = alias_only_cycles(&self.types);
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
                TypeKind::Alias(_) => {
                    if alias_cycles_at.contains(&t) {
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
        let schema_of: BTreeMap<&str, &str> = if alias_cycles.is_empty() {
            BTreeMap::new()
        } else {
            let mut map = BTreeMap::new();
            for (schema, rust) in &self.schema_names {
                map.entry(rust.as_str()).or_insert(schema.as_str());
            }
            map
        };
        let alias_cycles: Vec<(String, Option<String>)> = alias_cycles
            .into_iter()
            .map(|name| {
                let schema = schema_of.get(name.as_str()).map(|s| s.to_string());
                (name, schema)
            })
            .collect();
        for (name, schema) in alias_cycles {
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

/// The types (by position) that are aliases on a cycle made of aliases alone (each alias
/// holds at most one type by value, so following them is a walk without branches). Linear:
/// every alias is walked once.
fn alias_only_cycles(types: &[TypeDef]) -> BTreeSet<usize> {
    let index: BTreeMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let next = |i: usize| match &types[i].kind {
        TypeKind::Alias(ty) => by_value(ty).and_then(|name| index.get(name).copied()),
        _ => None,
    };
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; types.len()];
    let mut on_cycle = BTreeSet::new();
    for start in 0..types.len() {
        if state[start] != NEW || !matches!(types[start].kind, TypeKind::Alias(_)) {
            continue;
        }
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            if !matches!(types[i].kind, TypeKind::Alias(_)) || state[i] == DONE {
                break;
            }
            if state[i] == ON_PATH {
                // The path from `i`'s first visit on is a cycle of aliases.
                let from = path.iter().position(|&p| p == i).unwrap_or(path.len());
                on_cycle.extend(path[from..].iter().copied());
                break;
            }
            state[i] = ON_PATH;
            path.push(i);
            at = next(i);
        }
        for i in path {
            state[i] = DONE;
        }
    }
    on_cycle
}
