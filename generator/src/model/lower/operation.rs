//! Paths and operations to [`Operation`]s: parameters merged and resolved, the path template
//! checked against them, responses sorted and given variant names.

use super::schema::{constraints_of, resolve_schema};
use super::workflow::{self, Pending};
use super::Context;
use crate::diagnostics::pointer;
use crate::media::essence;
use crate::model::naming::{self, Scope};
use crate::model::{
    Body, ConfigValue, Framing, HttpMethod, Operation, Param, ParamLocation, PathPart, RequestBody,
    RequestBodyKind, Response, ResponseHeader, Status, Style, Type, TypeKind, ValueShape,
};
use openapiv3::{MediaType, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

/// Extension declaring a non-idempotent operation safe to send again.
pub const RETRY_SAFE: &str = "x-clientgen-retry-safe";

/// Extension naming the configuration value a parameter defaults to.
pub const FROM_CONFIG: &str = "x-clientgen-from-config";

/// Type names the generated `operations` module holds besides the operations' own: the
/// service client, and the runtime items it imports (`emit::operations` checks its imports
/// against this list). An operation named like one of them gets another name.
pub const OPERATIONS_MODULE_NAMES: &[&str] = &[
    "Client",
    "ConstructionError",
    "Error",
    "Reply",
    "Request",
    "ResponseValue",
    "Transport",
];

/// Client methods the generated service client defines itself.
const CLIENT_METHODS: &[&str] = &["new", "config", "clone", "from_config"];

/// The operations, the workflow declarations found on them (read once every type exists),
/// and the client method names taken so far.
pub(super) fn lower_operations(cx: &mut Context) -> (Vec<Operation>, Vec<Pending>, Scope) {
    let mut pending = Vec::new();
    let mut method_scope = Scope::with_taken(CLIENT_METHODS.iter().copied());
    // `New` too: a request type `New` with its constructor `new` is a self-named constructor.
    let mut type_scope = Scope::with_taken(OPERATIONS_MODULE_NAMES.iter().copied().chain(["New"]));
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
            // Named here, once, as reserved: an earlier operation's builder may already be
            // `<type_name>Error` (operation `fooError` before `foo`).
            let error_type = type_scope.claim(format!("{type_name}Error"));
            let success_type = type_scope.claim(format!("{type_name}Success"));
            let body = op.request_body.as_ref().and_then(|body| {
                lower_request_body(cx, body, &type_name, &format!("{at}/requestBody"))
            });
            let mut params = lower_params(cx, &item.parameters, &op.parameters, &type_name, &at);
            let (path_parts, fixed_query) = parse_path(cx, path, &mut params, &at);
            let responses = lower_responses(cx, &op.responses, &type_name, &at);
            let accept = accept_header(&responses);
            pending.extend(workflow::pending(operations.len(), &op.extensions, &at));
            let schemes = std::mem::take(&mut cx.security_schemes);
            let security = super::security::requirements(cx, &schemes, op.security.as_ref(), &at);
            cx.security_schemes = schemes;
            operations.push(Operation {
                operation_id,
                method_name,
                error_type,
                success_type,
                // Settled once every operation is known (`errors::lower_errors`).
                error_alias_of: None,
                type_name,
                http_method,
                path: path.clone(),
                path_parts,
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                retry_safe: !matches!(http_method, HttpMethod::Post | HttpMethod::Patch)
                    || op.extensions.get(RETRY_SAFE).and_then(|v| v.as_bool()) == Some(true),
                params,
                fixed_query,
                body,
                accept,
                responses,
                waiters: Vec::new(),
                paginator: None,
                security,
            });
        }
    }
    (operations, pending, method_scope)
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
    let mut scope =
        Scope::with_taken(["transport", "send", "call", "new", "build_request", "body"]);
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
    use openapiv3::{PathStyle, QueryStyle};
    let data = param.parameter_data_ref();
    let (location, style) = match param {
        Parameter::Query { style, .. } => (
            ParamLocation::Query,
            match style {
                QueryStyle::Form => Style::Form,
                QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                QueryStyle::PipeDelimited => Style::PipeDelimited,
                QueryStyle::DeepObject => Style::DeepObject,
            },
        ),
        Parameter::Header { .. } => (ParamLocation::Header, Style::Simple),
        Parameter::Path { style, .. } => (
            ParamLocation::Path,
            match style {
                PathStyle::Simple => Style::Simple,
                PathStyle::Label => Style::Label,
                PathStyle::Matrix => Style::Matrix,
            },
        ),
        Parameter::Cookie { .. } => (ParamLocation::Cookie, Style::Form),
    };
    // OpenAPI's default: `form` explodes, every other style does not (deepObject always does).
    let explode = data.explode.unwrap_or(style == Style::Form) || style == Style::DeepObject;
    if matches!(location, ParamLocation::Header | ParamLocation::Cookie) && !is_token(&data.name) {
        cx.warn(
            format!("{at}/name"),
            format!(
                "`{}` is not a valid HTTP {} name; the parameter is left out of the client",
                data.name,
                location_key(param)
            ),
            "use letters, digits and `-` in the name",
        );
        return None;
    }
    let (schema, style) = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => (schema, style),
        ParameterSchemaOrContent::Content(content) => {
            // One media type describes how the value is serialized; JSON is the one in use.
            let Some((media, schema)) = content
                .iter()
                .find_map(|(media, m)| m.schema.as_ref().map(|s| (media, s)))
            else {
                cx.warn(
                    format!("{at}/content"),
                    format!(
                        "parameter `{}` has no schema; it is sent as a string",
                        data.name
                    ),
                    "give the media type a `schema`",
                );
                return None;
            };
            if !is_json(media) && !media.starts_with("text/") {
                cx.warn(
                    format!("{at}/content"),
                    format!("parameter `{}` is described as `{media}`; it is sent as its JSON text", data.name),
                    "describe the parameter with `schema` and a `style`, or with `application/json`",
                );
            }
            (
                schema,
                if media.starts_with("text/") {
                    style
                } else {
                    Style::Json
                },
            )
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
    let shape = match shape_of(cx, &ty) {
        Some(shape)
            if matches!(
                style,
                Style::Form | Style::SpaceDelimited | Style::PipeDelimited | Style::Simple
            ) =>
        {
            shape
        }
        _ => {
            // A dangling reference has its own warning; `{}` is any value, exactly.
            let free_form = match resolve_schema(cx.doc, schema).map(|s| &s.schema_kind) {
                None => true,
                Some(openapiv3::SchemaKind::Any(any)) => *any == openapiv3::AnySchema::default(),
                Some(_) => false,
            };
            if ty == Type::Any && !free_form {
                cx.warn(
                    format!("{at}/schema"),
                    format!(
                        "the type of parameter `{}` cannot be modelled; it takes a `serde_json::Value`, written in the parameter's style",
                        data.name
                    ),
                    "give the schema one `type` and only keywords that apply to it",
                );
            } else if nests(cx, &ty, style) {
                cx.warn(
                    format!("{at}/schema"),
                    format!(
                        "parameter `{}` holds nested objects or arrays, which the `{}` style does not define; they are sent as JSON text",
                        data.name,
                        style_name(style)
                    ),
                    "use `style: deepObject` for nested objects, or flatten the parameter",
                );
            }
            ValueShape::Structured
        }
    };
    let resolved = resolve_schema(cx.doc, schema);
    let constraints = resolved.map(constraints_of).unwrap_or_default();
    let default = resolved.and_then(|s| s.schema_data.default.clone());
    let from_config = config_value(cx, data, at);
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
        style,
        shape,
        from_config,
    })
}

fn style_name(style: Style) -> &'static str {
    match style {
        Style::Form => "form",
        Style::SpaceDelimited => "spaceDelimited",
        Style::PipeDelimited => "pipeDelimited",
        Style::DeepObject => "deepObject",
        Style::Simple => "simple",
        Style::Label => "label",
        Style::Matrix => "matrix",
        Style::Json => "JSON",
    }
}

/// Whether values of `ty` hold objects or arrays below the top level, which no style but
/// deepObject (and JSON) defines: an array of objects, or an object with such members.
fn nests(cx: &Context, ty: &Type, style: Style) -> bool {
    if matches!(style, Style::DeepObject | Style::Json) {
        return false;
    }
    let compound = |ty: &Type| {
        !matches!(
            resolved_shape(cx, ty, 0),
            Some(ValueShape::One) | Some(ValueShape::Many) | Some(ValueShape::Either)
        )
    };
    match ty {
        Type::Array(item) => compound(item),
        Type::Named(name) => match cx.type_named(name).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, additional }) => {
                fields.iter().any(|f| compound(&f.ty))
                    || additional.as_ref().is_some_and(|a| compound(&a.ty))
            }
            Some(TypeKind::Alias(inner)) => nests(cx, inner, style),
            _ => false,
        },
        Type::Map(value) => compound(value),
        _ => false,
    }
}

/// [`shape_within`] seen through options: a member's `Option` still writes as its inner type.
fn resolved_shape(cx: &Context, ty: &Type, depth: usize) -> Option<ValueShape> {
    match ty {
        Type::Option(inner) => resolved_shape(cx, inner, depth + 1),
        other => shape_within(cx, other, depth),
    }
}

/// How values of `ty` are written as text, or `None` when they cannot be: scalars and string
/// enums are one text, arrays of them several, and a `oneOf` of both either.
fn shape_of(cx: &Context, ty: &Type) -> Option<ValueShape> {
    shape_within(cx, ty, 0)
}

/// `depth` bounds the aliases followed: a cycle of aliases is reported elsewhere.
fn shape_within(cx: &Context, ty: &Type, depth: usize) -> Option<ValueShape> {
    if depth > 32 {
        return None;
    }
    let one = |ty: &Type| shape_within(cx, ty, depth + 1) == Some(ValueShape::One);
    match ty {
        Type::Bool | Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::String => {
            Some(ValueShape::One)
        }
        Type::Array(item) if one(item) => Some(ValueShape::Many),
        Type::Named(name) => match cx.type_named(name).map(|t| &t.kind) {
            Some(TypeKind::Enum(_)) => Some(ValueShape::One),
            Some(TypeKind::Alias(inner)) => shape_within(cx, inner, depth + 1),
            Some(TypeKind::OneOf {
                variants,
                discriminator: None,
            }) => {
                let shapes: Vec<Option<ValueShape>> = variants
                    .iter()
                    .map(|v| match &v.ty {
                        Type::Array(item) if one(item) => Some(ValueShape::Many),
                        other if one(other) => Some(ValueShape::One),
                        _ => None,
                    })
                    .collect();
                if shapes.iter().any(Option::is_none) {
                    None
                } else if shapes.contains(&Some(ValueShape::Many)) {
                    Some(ValueShape::Either)
                } else {
                    Some(ValueShape::One)
                }
            }
            _ => None,
        },
        _ => None,
    }
}

fn config_value(
    cx: &mut Context,
    data: &openapiv3::ParameterData,
    at: &str,
) -> Option<ConfigValue> {
    let value = data.extensions.get(FROM_CONFIG)?;
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

/// Picks the media type a client sends: JSON first, then a form, multipart, text, and
/// anything else as raw bytes.
fn lower_request_body(
    cx: &mut Context,
    body: &ReferenceOr<openapiv3::RequestBody>,
    owner: &str,
    at: &str,
) -> Option<RequestBody> {
    let (body, _) = cx.resolve(body, "requestBodies", at, |c| &c.request_bodies)?;
    let content = &body.content;
    let rank = |media_type: &str| {
        let essence = essence(media_type);
        if is_json(&essence) {
            0
        } else if essence == "application/x-www-form-urlencoded" {
            1
        } else if essence == "multipart/form-data" {
            2
        } else if essence.starts_with("text/") {
            3
        } else {
            4
        }
    };
    let Some((media_type, media)) = content.iter().min_by_key(|(m, _)| rank(m)) else {
        cx.warn(
            at,
            "a request body without any media type; the operation is generated without a body",
            "list at least one media type under `content`",
        );
        return None;
    };
    let here = format!(
        "{at}/content/{}/schema",
        crate::diagnostics::pointer_token(media_type)
    );
    let hint = format!("{owner}_body");
    let kind = match rank(media_type) {
        0 => RequestBodyKind::Json(match &media.schema {
            Some(schema) => cx.type_of(schema, &hint, &here),
            None => Type::Any,
        }),
        1 => {
            let ty = match &media.schema {
                Some(schema) => cx.type_of(schema, &hint, &here),
                None => Type::Map(Box::new(Type::String)),
            };
            let ty = match ty {
                Type::Option(inner) => *inner,
                other => other,
            };
            let is_object = match &ty {
                // A free-form value: the runtime refuses one that is not an object.
                Type::Map(_) | Type::Any => true,
                Type::Named(name) => {
                    matches!(
                        cx.type_named(name).map(|t| &t.kind),
                        Some(TypeKind::Struct { .. })
                    )
                }
                _ => false,
            };
            if !is_object {
                cx.warn(
                    here,
                    "a form body that is not an object has no fields to send; it is sent as text",
                    "describe the form's fields as object properties",
                );
                return Some(RequestBody {
                    required: body.required,
                    media_type: essence(media_type),
                    kind: RequestBodyKind::Text,
                    doc: body.description.clone(),
                });
            }
            RequestBodyKind::Form(ty)
        }
        2 => {
            let parts = media
                .schema
                .as_ref()
                .and_then(|schema| resolve_schema(cx.doc, schema))
                .map(|schema| match &schema.schema_kind {
                    openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) => {
                        o.properties.keys().cloned().collect()
                    }
                    openapiv3::SchemaKind::Any(a) => a.properties.keys().cloned().collect(),
                    _ => Vec::new(),
                })
                .unwrap_or_default();
            RequestBodyKind::Multipart { parts }
        }
        3 => RequestBodyKind::Text,
        _ => RequestBodyKind::Binary,
    };
    Some(RequestBody {
        required: body.required,
        media_type: essence(media_type),
        kind,
        doc: body.description.clone(),
    })
}

/// The path template's parts, and the pairs of a query part (`/rest?method=x.y`) that are
/// always sent. A query part's `name={param}` makes `param` a query parameter sent as `name`:
/// specs write query parameters that way and declare them `in: path`.
fn parse_path(
    cx: &mut Context,
    path: &str,
    params: &mut Vec<Param>,
    at: &str,
) -> (Vec<PathPart>, Vec<(String, String)>) {
    // A fragment is never sent (RFC 3986, section 3.5); specs use one to tell apart operations
    // that share a path (AWS: `/#X-Amz-Target=Service.Action`, the target sent as a header).
    // A `#` followed by more path (`/send/#env/v1/{id}`) is not a fragment but text the
    // author meant to send: it goes out encoded.
    let sent = match path.split_once('#') {
        Some((before, after)) if !after.contains(['/', '{']) => before.to_owned(),
        Some(_) => {
            cx.warn(
                at,
                format!("`#` in the path `{path}` would end the URL; it is sent as `%23`"),
                "remove the `#` from the path, or write it as `%23`",
            );
            path.replace('#', "%23")
        }
        None => path.to_owned(),
    };
    let (sent, query) = sent.split_once('?').unwrap_or((&sent, ""));
    if !sent.starts_with('/') {
        cx.error(
            at,
            format!("path `{path}` must start with `/`"),
            "write the path template from its first `/`",
        );
        return (Vec::new(), Vec::new());
    }
    let fixed_query = query_part(cx, path, query, params, at);
    let mut parts = Vec::new();
    let mut used = Vec::new();
    let mut rest = sent;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            cx.error(
                at,
                format!("unclosed `{{` in path `{path}`"),
                "close the parameter name with `}`",
            );
            return (parts, fixed_query);
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
    // A declared path parameter the template does not hold cannot be sent anywhere.
    for param in params.iter().filter(|p| p.location == ParamLocation::Path) {
        if !used.contains(&param.wire_name) {
            cx.warn(
                at,
                format!(
                    "path parameter `{}` does not appear in `{path}`; it is left out of the client",
                    param.wire_name
                ),
                "add `{name}` to the path template or remove the parameter",
            );
        }
    }
    params.retain(|p| p.location != ParamLocation::Path || used.contains(&p.wire_name));
    (parts, fixed_query)
}

/// Reads a path's query part: literal pairs are returned to be sent as they are, and a
/// `name={param}` pair moves `param` to the query under `name`.
fn query_part(
    cx: &mut Context,
    path: &str,
    query: &str,
    params: &mut [Param],
    at: &str,
) -> Vec<(String, String)> {
    let mut fixed = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let template = value
            .strip_prefix('{')
            .and_then(|v| v.strip_suffix('}'))
            .filter(|name| !name.contains(['{', '}']));
        match template {
            None if !key.contains(['{', '}']) && !value.contains(['{', '}']) => {
                fixed.push((decode(key), decode(value)));
            }
            Some(name) if !key.contains(['{', '}']) => {
                let found = params.iter_mut().find(|p| {
                    p.wire_name == name
                        && matches!(p.location, ParamLocation::Path | ParamLocation::Query)
                });
                match found {
                    Some(param) => {
                        if param.location == ParamLocation::Path {
                            param.location = ParamLocation::Query;
                            param.style = Style::Form;
                            param.explode = false;
                        }
                        param.wire_name = decode(key);
                    }
                    None => cx.warn(
                        at,
                        format!("parameter `{name}` in the query part of `{path}` is not declared; it is not sent"),
                        format!("add a parameter `{{name: {name}, in: query}}` to the operation or path item"),
                    ),
                }
            }
            _ => cx.warn(
                at,
                format!("`{pair}` in the query part of `{path}` is neither `name=value` nor `name={{parameter}}`; it is not sent"),
                "move the query parameters to `parameters` with `in: query`",
            ),
        }
    }
    fixed
}

/// Percent-decodes a query part's text (it is encoded again when sent).
fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn lower_responses(
    cx: &mut Context,
    responses: &openapiv3::Responses,
    owner: &str,
    at: &str,
) -> Vec<Response> {
    let mut entries: Vec<(Status, &ReferenceOr<openapiv3::Response>)> = responses
        .responses
        .iter()
        .map(|(code, response)| match code {
            StatusCode::Code(c) => (Status::Code(*c), response),
            StatusCode::Range(r) => (Status::Range(*r), response),
        })
        .chain(responses.default.iter().map(|d| (Status::Default, d)))
        .collect();
    entries.sort_by_key(|(status, _)| *status);
    // A body is streamed only as the one success of its operation: several successes make an
    // enum of buffered values, and an error is read whole, within its size limit.
    let one_success = entries.iter().filter(|(s, _)| s.is_success()).count() == 1;
    let mut scope = Scope::new();
    let mut out = Vec::new();
    for (status, response) in entries {
        let here = format!("{at}/responses/{}", status.spec_key());
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
            one_success && status.is_success(),
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

/// A response's body: JSON first, then (when `may_stream`) a sequential media type, then
/// text, then anything else as bytes.
fn lower_body(
    cx: &mut Context,
    content: &indexmap::IndexMap<String, MediaType>,
    hint: &str,
    at: &str,
    may_stream: bool,
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
    let sequential = content
        .iter()
        .find_map(|(m, media)| Framing::of_media_type(&essence(m)).map(|f| (m, media, f)));
    if let (true, Some((media_type, media, framing))) = (may_stream, sequential) {
        let here = format!(
            "{at}/{}/schema",
            crate::diagnostics::pointer_token(media_type)
        );
        let item = stream_item(cx, media, framing, hint, &here);
        return (Some(essence(media_type)), Body::Stream { framing, item });
    }
    if let Some(text) = content.keys().find(|m| essence(m).starts_with("text/")) {
        return (Some(essence(text)), Body::Text);
    }
    match content.keys().next() {
        Some(other) => (Some(essence(other)), Body::Binary),
        None => (None, Body::Empty),
    }
}

/// The type of one item of a streamed body.
///
/// An item schema (OpenAPI 3.2's `itemSchema`, which the loader leaves as the media type's
/// `schema`, marked [`ITEM_SCHEMA`](crate::load::streams::ITEM_SCHEMA)) is the item's. A plain
/// `schema` (OpenAPI 3.0 and 3.1) describes one event's data for server-sent events, and
/// the whole sequence for JSON lines and sequences: an array's items are the item type, any
/// other schema is one item's. Without a schema an event's data is text, a line or record
/// any JSON value.
fn stream_item(
    cx: &mut Context,
    media: &MediaType,
    framing: Framing,
    hint: &str,
    here: &str,
) -> Type {
    let Some(schema) = &media.schema else {
        return match framing {
            Framing::EventStream => Type::String,
            Framing::JsonLines | Framing::JsonSeq => Type::Any,
        };
    };
    let per_item = media
        .extensions
        .get(crate::load::streams::ITEM_SCHEMA)
        .and_then(|v| v.as_bool())
        == Some(true);
    let items = match resolve_schema(cx.doc, schema).map(|s| &s.schema_kind) {
        Some(openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)))
            if !per_item && framing != Framing::EventStream =>
        {
            array.items.as_ref().map(|items| match items {
                ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                    reference: reference.clone(),
                },
                ReferenceOr::Item(item) => ReferenceOr::Item((**item).clone()),
            })
        }
        _ => None,
    };
    let item = match &items {
        Some(items) => cx.type_of(items, &format!("{hint}_item"), &format!("{here}/items")),
        None => cx.type_of(schema, hint, here),
    };
    match (framing, item) {
        // An event always has data: a nullable schema does not make it optional.
        (Framing::EventStream, Type::Option(inner)) => *inner,
        (_, item) => item,
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
