//! Which way each type travels: sent in requests, received in responses, or both.
//!
//! Emission gives a type only the serde traits its direction needs; on large specs most types
//! are only ever received, and writing out `Serialize` for them would be most of the crate's
//! compile time spent on code nothing calls.

use crate::model::{Body, Operation, RequestBodyKind, Type, TypeDef, TypeKind, Usage};
use std::collections::BTreeMap;

pub(super) fn mark_usage(types: &mut [TypeDef], operations: &[Operation]) {
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let mut sent = vec![false; types.len()];
    let mut received = vec![false; types.len()];
    for op in operations {
        for param in &op.params {
            reach(types, &index, &param.ty, &mut sent);
        }
        if let Some(body) = &op.body {
            if let RequestBodyKind::Json(ty) | RequestBodyKind::Form(ty) = &body.kind {
                reach(types, &index, ty, &mut sent);
            }
        }
        for response in &op.responses {
            if let Body::Json(ty) | Body::Stream { item: ty, .. } = &response.body {
                reach(types, &index, ty, &mut received);
            }
        }
    }
    // Unused types describe data that arrives some other way: received, and so is every type
    // they hold (a member may be one that requests only send).
    let unused: Vec<usize> = (0..types.len())
        .filter(|&i| !sent[i] && !received[i])
        .collect();
    for i in unused {
        reach(
            types,
            &index,
            &Type::Named(types[i].name.clone()),
            &mut received,
        );
    }
    for (i, def) in types.iter_mut().enumerate() {
        def.usage = Usage {
            sent: sent[i],
            received: received[i],
        };
    }
}

/// Marks every type `ty` contains, through members, alternatives and aliases.
fn reach(types: &[TypeDef], index: &BTreeMap<String, usize>, ty: &Type, marked: &mut [bool]) {
    let mut stack = vec![ty.clone()];
    while let Some(ty) = stack.pop() {
        match ty {
            Type::Array(inner) | Type::Map(inner) | Type::Option(inner) => stack.push(*inner),
            Type::Named(name) => {
                let Some(&i) = index.get(&name) else { continue };
                if marked[i] {
                    continue;
                }
                marked[i] = true;
                match &types[i].kind {
                    TypeKind::Struct { fields, additional } => {
                        stack.extend(fields.iter().map(|f| f.ty.clone()));
                        stack.extend(additional.iter().map(|a| a.ty.clone()));
                    }
                    TypeKind::OneOf { variants, .. } => {
                        stack.extend(variants.iter().map(|v| v.ty.clone()));
                    }
                    TypeKind::Alias(target) => stack.push(target.clone()),
                    TypeKind::Enum(_) => {}
                }
            }
            _ => {}
        }
    }
}
