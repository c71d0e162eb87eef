//! Error types: which operations share one (those documenting the same errors), and the
//! service's error type, which takes the error of any of its operations.

use crate::model::naming;
use crate::model::{Operation, ServiceErrorType, ServiceErrorVariant};
use std::collections::BTreeMap;

/// Settles each operation's error type (its own, or an alias of an earlier operation's that
/// documents the same errors: statuses, variants and bodies), and the service's error type,
/// with a variant per distinct operation error type. `None` without operations.
pub(super) fn lower_errors(module: &str, operations: &mut [Operation]) -> Option<ServiceErrorType> {
    // The documented errors, as a key, to the variant holding them.
    let mut owners: BTreeMap<String, usize> = BTreeMap::new();
    let mut variants: Vec<ServiceErrorVariant> = Vec::new();
    for op in operations.iter_mut() {
        let key: Vec<String> = op
            .error_responses()
            .map(|r| format!("{}|{:?}|{:?}", r.variant, r.status, r.body))
            .collect();
        match owners.get(&key.join(";")) {
            Some(&owner) => {
                let variant = &mut variants[owner];
                op.error_alias_of = Some(variant.error_type.clone());
                variant.operations.push(op.operation_id.clone());
            }
            None => {
                owners.insert(key.join(";"), variants.len());
                op.error_alias_of = None;
                variants.push(ServiceErrorVariant {
                    name: op.type_name.clone(),
                    error_type: op.error_type.clone(),
                    operations: vec![op.operation_id.clone()],
                });
            }
        }
    }
    if variants.is_empty() {
        return None;
    }
    Some(ServiceErrorType {
        name: service_error_name(module),
        variants,
    })
}

/// `<Module>Error`: `css` -> `CssError`, `my_api` -> `MyApiError`.
pub(crate) fn service_error_name(module: &str) -> String {
    format!("{}Error", naming::type_name(module))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower(text: &str) -> crate::model::Api {
        let spec = crate::load::load_spec_with(std::path::Path::new("t.yaml"), &mut |_| {
            Ok(text.to_owned())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        crate::model::lower(&spec, "my_api").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn operations_documenting_the_same_errors_share_a_type_and_a_variant() {
        let api = lower(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses: {'200': {description: ok}, '404': {description: gone}}\n  /b:\n    get:\n      operationId: getB\n      responses: {'200': {description: ok}, '404': {description: missing}}\n  /c:\n    get:\n      operationId: getC\n      responses: {'200': {description: ok}, '409': {description: clash}}\n",
        );
        let errors: Vec<(&str, Option<&str>)> = api
            .operations
            .iter()
            .map(|op| (op.error_type.as_str(), op.error_alias_of.as_deref()))
            .collect();
        assert_eq!(
            errors,
            [
                ("GetAError", None),
                ("GetBError", Some("GetAError")),
                ("GetCError", None)
            ]
        );
        let service = api.service_error.expect("operations make a service error");
        assert_eq!(service.name, "MyApiError");
        let variants: Vec<(&str, &str, Vec<&str>)> = service
            .variants
            .iter()
            .map(|v| {
                let ops = v.operations.iter().map(String::as_str).collect();
                (v.name.as_str(), v.error_type.as_str(), ops)
            })
            .collect();
        assert_eq!(
            variants,
            [
                ("GetA", "GetAError", vec!["getA", "getB"]),
                ("GetC", "GetCError", vec!["getC"])
            ]
        );
    }

    /// An operation named like a later one's error or success type keeps its name; the later
    /// one's outcome types get others, so no two items of the module share a name.
    #[test]
    fn outcome_types_never_take_an_operations_name() {
        let api = lower(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: fooError\n      responses: {'200': {description: ok}}\n  /b:\n    get:\n      operationId: fooSuccess\n      responses: {'200': {description: ok}}\n  /c:\n    get:\n      operationId: foo\n      responses: {'200': {description: ok}, '201': {description: made}, '409': {description: clash}}\n",
        );
        let names: Vec<[&str; 3]> = api
            .operations
            .iter()
            .map(|op| [&op.type_name, &op.error_type, &op.success_type].map(String::as_str))
            .collect();
        assert_eq!(
            names,
            [
                ["FooError", "FooErrorError", "FooErrorSuccess"],
                ["FooSuccess", "FooSuccessError", "FooSuccessSuccess"],
                ["Foo", "FooError2", "FooSuccess2"],
            ]
        );
    }

    #[test]
    fn a_spec_without_operations_has_no_service_error() {
        let api = lower("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n");
        assert_eq!(api.service_error, None);
    }

    #[test]
    fn service_error_names_follow_the_module() {
        assert_eq!(service_error_name("css"), "CssError");
        assert_eq!(service_error_name("clouddc"), "ClouddcError");
        assert_eq!(service_error_name("v2"), "V2Error");
    }
}
