//! Paths and operations to [`Operation`]s: parameters merged and resolved, the path template
//! checked against them, responses sorted and given variant names.

use super::schema::{constraints_of, resolve_schema};
use super::Context;
use crate::diagnostics::pointer;
use crate::model::naming::{self, Scope};
use crate::model::{
    Body, ConfigValue, HttpMethod, Operation, Param, ParamLocation, PathPart, Response,
    ResponseHeader, Status, Type,
};
use openapiv3::{MediaType, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

/// Extension naming the configuration value a parameter defaults to.
pub const FROM_CONFIG: &str = "x-clientgen-from-config";

/// Client methods the generated service client defines itself.
const CLIENT_METHODS: &[&str] = &["new", "config", "clone", "from_config"];

pub(super) fn lower_operations(cx: &mut Context) -> Vec<Operation> {
    let mut method_scope = Scope::with_taken(CLIENT_METHODS.iter().copied());
    let mut type_scope = Scope::with_taken(["Client"]);
    let mut operations = Vec::new();
    let doc = cx.doc;
    for (path, item) in &doc.paths.paths {
        let at_path = pointer(["paths", path.as_str()]);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                cx.error(
                    &at_path,
                    "a `$ref` path item is not supported yet",
                    "write the path item inline",
                );
                continue;
            }
        };
        for (method, op) in item.iter() {
            let at = format!("{at_path}/{method}");
            let http_method = match method {
                "get" => HttpMethod::Get,
                "put" => HttpMethod::Put,
                "post" => HttpMethod::Post,
                "delete" => HttpMethod::Delete,
                "options" => HttpMethod::Options,
                "head" => HttpMethod::Head,
                "patch" => HttpMethod::Patch,
                _ => HttpMethod::Trace,
            };
            let operation_id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method} {path}"));
            let method_name = method_scope.claim(naming::value_name(&operation_id));
            let type_name = type_scope.claim(naming::type_name(&operation_id));
            for suffix in ["Error", "Success"] {
                type_scope.claim(format!("{type_name}{suffix}"));
            }
            if op.request_body.is_some() {
                cx.error(
                    format!("{at}/requestBody"),
                    "request bodies are not supported yet",
                    "this generator version emits clients for operations without a request body",
                );
            }
            let params = lower_params(cx, &item.parameters, &op.parameters, &type_name, &at);
            let path_parts = parse_path(cx, path, &params, &at);
            let responses = lower_responses(cx, &op.responses, &type_name, &at);
            let accept = accept_header(&responses);
            operations.push(Operation {
                operation_id,
                method_name,
                type_name,
                http_method,
                path: path.clone(),
                path_parts,
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                params,
                accept,
                responses,
            });
        }
    }
    operations
}

fn lower_params(
    cx: &mut Context,
    shared: &[ReferenceOr<Parameter>],
    own: &[ReferenceOr<Parameter>],
    owner: &str,
    at: &str,
) -> Vec<Param> {
    // Operation-level parameters replace path-level ones with the same name and location.
    let mut chosen: Vec<(&Parameter, String)> = Vec::new();
    let own_at = |i: usize| format!("{at}/parameters/{i}");
    let shared_at = |i: usize| {
        format!(
            "{}/parameters/{i}",
            at.rsplit_once('/').map_or(at, |(p, _)| p)
        )
    };
    let mut resolved: Vec<(&Parameter, String)> = Vec::new();
    for (i, p) in shared.iter().enumerate() {
        if let Some((param, _)) = cx.resolve(p, "parameters", &shared_at(i), |c| &c.parameters) {
            resolved.push((param, shared_at(i)));
        }
    }
    let mut own_resolved = Vec::new();
    for (i, p) in own.iter().enumerate() {
        if let Some((param, _)) = cx.resolve(p, "parameters", &own_at(i), |c| &c.parameters) {
            own_resolved.push((param, own_at(i)));
        }
    }
    for (param, here) in resolved {
        let key = (location_key(param), &param.parameter_data_ref().name);
        if !own_resolved
            .iter()
            .any(|(p, _)| (location_key(p), &p.parameter_data_ref().name) == key)
        {
            chosen.push((param, here));
        }
    }
    chosen.extend(own_resolved);

    // Names the request builder uses for itself.
    let mut scope = Scope::with_taken(["transport", "send", "new", "build_request"]);
    let mut params = Vec::new();
    for (param, here) in chosen {
        if let Some(p) = lower_param(cx, param, owner, &here, &mut scope) {
            if params
                .iter()
                .any(|q: &Param| q.wire_name == p.wire_name && q.location == p.location)
            {
                cx.error(
                    &here,
                    format!("parameter `{}` is declared twice", p.wire_name),
                    "remove one of the declarations",
                );
                continue;
            }
            params.push(p);
        }
    }
    params
}

fn location_key(param: &Parameter) -> &'static str {
    match param {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

fn lower_param(
    cx: &mut Context,
    param: &Parameter,
    owner: &str,
    at: &str,
    scope: &mut Scope,
) -> Option<Param> {
    let data = param.parameter_data_ref();
    let (location, explode) = match param {
        Parameter::Query { style, .. } => {
            if !matches!(style, openapiv3::QueryStyle::Form) {
                cx.error(
                    format!("{at}/style"),
                    format!("query parameter style `{style:?}` is not supported yet"),
                    "use `style: form` (the default)",
                );
                return None;
            }
            (ParamLocation::Query, data.explode.unwrap_or(true))
        }
        Parameter::Header { .. } => (ParamLocation::Header, data.explode.unwrap_or(false)),
        Parameter::Path { .. } => (ParamLocation::Path, data.explode.unwrap_or(false)),
        Parameter::Cookie { .. } => {
            cx.error(
                at,
                "cookie parameters are not supported yet",
                "send the cookie through a custom HTTP client",
            );
            return None;
        }
    };
    if location == ParamLocation::Header && !is_token(&data.name) {
        cx.error(
            format!("{at}/name"),
            format!("`{}` is not a valid HTTP header name", data.name),
            "use letters, digits and `-` in header names",
        );
        return None;
    }
    let schema = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => schema,
        ParameterSchemaOrContent::Content(_) => {
            cx.error(
                format!("{at}/content"),
                "parameters with `content` are not supported yet",
                "describe the parameter with `schema`",
            );
            return None;
        }
    };
    let name = scope.claim(naming::value_name(&data.name));
    let mut ty = cx.type_of(
        schema,
        &format!("{owner}_{}", data.name),
        &format!("{at}/schema"),
    );
    if let Type::Option(inner) = ty {
        ty = *inner;
    }
    let scalar = ty.is_scalar();
    let allowed = match location {
        ParamLocation::Query => scalar || matches!(&ty, Type::Array(item) if item.is_scalar()),
        _ => scalar,
    };
    if !allowed {
        cx.error(
            format!("{at}/schema"),
            format!(
                "parameter `{}` has a type that cannot be sent in the {}",
                data.name,
                location_key(param)
            ),
            "use a string, number, boolean or enum (or, in a query, an array of them)",
        );
        return None;
    }
    let resolved = resolve_schema(cx.doc, schema);
    let constraints = resolved.map(constraints_of).unwrap_or_default();
    let default = resolved.and_then(|s| s.schema_data.default.clone());
    let from_config = match data.extensions.get(FROM_CONFIG) {
        None => None,
        Some(value) => {
            let found = value
                .as_str()
                .and_then(|v| ConfigValue::ALL.iter().find(|(k, _)| *k == v));
            match found {
                Some((_, config)) => Some(*config),
                None => {
                    let known: Vec<&str> = ConfigValue::ALL.iter().map(|(k, _)| *k).collect();
                    cx.error(
                        format!("{at}/{FROM_CONFIG}"),
                        format!("unknown configuration value {value}"),
                        format!("use one of: {}", known.join(", ")),
                    );
                    None
                }
            }
        }
    };
    let required = data.required || location == ParamLocation::Path;
    Some(Param {
        wire_name: data.name.clone(),
        name,
        location,
        required,
        ty,
        constraints,
        default,
        doc: data.description.clone(),
        deprecated: data.deprecated.unwrap_or(false),
        explode,
        from_config,
    })
}

/// Splits the template into literal text and parameters, checking both sides match.
fn parse_path(cx: &mut Context, path: &str, params: &[Param], at: &str) -> Vec<PathPart> {
    if !path.starts_with('/') || path.contains(['?', '#']) {
        cx.error(
            at,
            format!("path `{path}` must start with `/` and contain no `?` or `#`"),
            "write the path template alone; query parameters go in `parameters` with `in: query`",
        );
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut used = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            cx.error(
                at,
                format!("unclosed `{{` in path `{path}`"),
                "close the parameter name with `}`",
            );
            return parts;
        };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        let wire = &rest[open + 1..close];
        match params.iter().find(|p| p.location == ParamLocation::Path && p.wire_name == wire) {
            Some(param) => {
                parts.push(PathPart::Param(param.name.clone()));
                used.push(wire.to_owned());
            }
            None => cx.error(
                at,
                format!("path parameter `{wire}` in `{path}` is not declared"),
                format!("add a parameter `{{name: {wire}, in: path, required: true}}` to the operation or path item"),
            ),
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    for param in params.iter().filter(|p| p.location == ParamLocation::Path) {
        if !used.contains(&param.wire_name) {
            cx.error(
                at,
                format!(
                    "path parameter `{}` does not appear in `{path}`",
                    param.wire_name
                ),
                "add `{name}` to the path template or remove the parameter",
            );
        }
    }
    parts
}

fn lower_responses(
    cx: &mut Context,
    responses: &openapiv3::Responses,
    owner: &str,
    at: &str,
) -> Vec<Response> {
    let mut entries: Vec<(Status, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
    for (code, response) in &responses.responses {
        let (status, key) = match code {
            StatusCode::Code(c) => (Status::Code(*c), c.to_string()),
            StatusCode::Range(r) => (Status::Range(*r), format!("{r}XX")),
        };
        entries.push((status, response, format!("{at}/responses/{key}")));
    }
    if let Some(default) = &responses.default {
        entries.push((Status::Default, default, format!("{at}/responses/default")));
    }
    entries.sort_by_key(|(status, _, _)| *status);
    let mut scope = Scope::new();
    let mut out = Vec::new();
    for (status, response, here) in entries {
        let Some((response, _)) = cx.resolve(response, "responses", &here, |c| &c.responses) else {
            continue;
        };
        let variant = scope.claim(match status {
            Status::Code(c) => naming::status_variant(c),
            Status::Range(r) => format!("Status{r}xx"),
            Status::Default => "Default".to_owned(),
        });
        let (media_type, body) = lower_body(
            cx,
            &response.content,
            &format!("{owner}_{variant}_body"),
            &format!("{here}/content"),
        );
        let mut headers = Vec::new();
        for (name, header) in &response.headers {
            let header_at = format!("{here}/headers/{}", crate::diagnostics::pointer_token(name));
            if let Some((header, _)) = cx.resolve(header, "headers", &header_at, |c| &c.headers) {
                headers.push(ResponseHeader {
                    name: name.clone(),
                    doc: header.description.clone(),
                });
            }
        }
        out.push(Response {
            status,
            media_type,
            variant,
            description: response.description.clone(),
            body,
            headers,
        });
    }
    out
}

fn lower_body(
    cx: &mut Context,
    content: &indexmap::IndexMap<String, MediaType>,
    hint: &str,
    at: &str,
) -> (Option<String>, Body) {
    if let Some((media_type, media)) = content.iter().find(|(m, _)| is_json(m)) {
        let here = format!(
            "{at}/{}/schema",
            crate::diagnostics::pointer_token(media_type)
        );
        let ty = match &media.schema {
            Some(schema) => cx.type_of(schema, hint, &here),
            None => Type::Any,
        };
        return (Some(essence(media_type)), Body::Json(ty));
    }
    if let Some(text) = content.keys().find(|m| essence(m).starts_with("text/")) {
        return (Some(essence(text)), Body::Text);
    }
    match content.keys().next() {
        Some(other) => (Some(essence(other)), Body::Binary),
        None => (None, Body::Empty),
    }
}

/// The media types of the successful responses, or anything when none is documented.
fn accept_header(responses: &[Response]) -> String {
    let mut types: Vec<&str> = Vec::new();
    for r in responses.iter().filter(|r| r.status.is_success()) {
        if let Some(m) = &r.media_type {
            if !types.contains(&m.as_str()) {
                types.push(m);
            }
        }
    }
    if types.is_empty() {
        "*/*".to_owned()
    } else {
        types.join(", ")
    }
}

/// An HTTP token (RFC 9110), as header names must be.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `application/json`, `application/problem+json` and the like.
pub fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("application/octet-stream"));
        assert!(!is_json("text/plain"));
    }
}
