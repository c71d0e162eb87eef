//! Model: a plain description of the client to generate.
//!
//! Lowering ([`lower()`]) settles every question the spec leaves open: names, `$ref`s, which
//! media type a response uses, which statuses succeed. Emitters read only these types, never
//! the raw spec, and this module never prints code.

pub mod lower;
pub mod naming;

pub use lower::{lower, lower_within};

/// One spec, as a module of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The Rust module (and Cargo feature) name.
    pub module: String,
    /// The spec file it came from, as named by the user.
    pub source: String,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    /// Named types in document order: components first, then inline types as met.
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    /// The ways of proving who sends a request (`components.securitySchemes`), by name.
    pub security_schemes: Vec<SecurityScheme>,
    /// The service's conventions (`x-clientgen-conventions`), or the defaults.
    pub conventions: Conventions,
    /// The one error type of the whole service, which the error of every operation converts
    /// into; `None` when the spec has no operation.
    pub service_error: Option<ServiceErrorType>,
    /// What lowering approximated with a documented fallback, each located in the spec:
    /// generation reports them, and refuses the spec when configured to be strict.
    pub warnings: Vec<crate::Diagnostic>,
}

impl Api {
    /// Whether an operation answers with a stream of items (the crate then carries the
    /// runtime's `stream` module).
    pub fn has_streams(&self) -> bool {
        self.operations.iter().any(|op| {
            op.responses
                .iter()
                .any(|r| matches!(r.body, Body::Stream { .. }))
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// The URL template, e.g. `https://rds.{region}.example.com`.
    pub url: String,
    pub description: Option<String>,
    pub variables: Vec<ServerVariable>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerVariable {
    pub name: String,
    pub default: String,
    pub values: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust type name, unique in the module.
    pub name: String,
    pub doc: Option<String>,
    pub kind: TypeKind,
    /// Which way values of the type travel, hence which of serde's traits it needs.
    pub usage: Usage,
}

/// Whether a type is sent (in a request: `Serialize`) or received (in a response:
/// `Deserialize`). A type no operation uses counts as received: data the API describes
/// arrives somewhere (GitHub's webhook payloads, for example).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub sent: bool,
    pub received: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        /// Members beyond the named ones (`additionalProperties` beside `properties`).
        additional: Option<Additional>,
    },
    /// A string enum; generated forward compatible (known values plus anything else).
    Enum(StringEnum),
    /// A value of one of several shapes: told apart by the `discriminator` property when
    /// there is one (anything else is kept as `Unknown`), else by trying each in order.
    OneOf {
        variants: Vec<Variant>,
        discriminator: Option<String>,
    },
    Alias(Type),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The member's name on the wire.
    pub wire_name: String,
    /// The Rust field name.
    pub name: String,
    pub doc: Option<String>,
    pub ty: Type,
    pub required: bool,
    pub nullable: bool,
    /// Kept out of `Debug` output (pre-signed links, secrets).
    pub sensitive: bool,
    /// Held in a `Box`: the type contains itself through this member.
    pub boxed: bool,
    /// Sent by the service only (`readOnly`) or by clients only (`writeOnly`).
    pub read_only: bool,
    pub write_only: bool,
    /// The value the service assumes when the member is absent.
    pub default: Option<serde_json::Value>,
    /// The member is a pre-signed download link (`x-clientgen-download-link`).
    pub download_link: Option<DownloadLink>,
}

/// What a pre-signed link's siblings say about the file it leads to.
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadLink {
    /// The sibling holding the file's size in bytes, and whether it is sent as text.
    pub size: Option<(String, SizeEncoding)>,
    /// The sibling holding the file's name.
    pub file_name: Option<String>,
}

/// How a size member is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeEncoding {
    /// A string of digits (RDS `file_size`).
    Text,
    Integer,
}

impl Field {
    /// Absent and null both decode to `None`.
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// The map that collects an object's members beyond its named ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Additional {
    /// The Rust field name.
    pub name: String,
    /// The type of each extra member's value.
    pub ty: Type,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StringEnum {
    pub values: Vec<EnumValue>,
    /// Values match regardless of ASCII case (the documents disagree on case).
    pub case_insensitive: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub wire: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub ty: Type,
    /// Held in a `Box`: the type contains itself through this variant.
    pub boxed: bool,
    /// The discriminator values that select this variant.
    pub tags: Vec<String>,
}

/// A Rust type a schema lowers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Bool,
    I32,
    I64,
    F32,
    F64,
    String,
    /// Any JSON value.
    Any,
    Array(Box<Type>),
    /// A JSON object with arbitrary keys.
    Map(Box<Type>),
    Option(Box<Type>),
    /// A type defined in the module's `types`.
    Named(String),
}

impl Type {
    /// Whether values of this type are displayed as-is in a query or header.
    pub fn is_scalar(&self) -> bool {
        self.is_primitive() || matches!(self, Type::Named(_))
    }

    /// Booleans, numbers and strings.
    pub fn is_primitive(&self) -> bool {
        matches!(
            self,
            Type::Bool | Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::String
        )
    }
}

/// Limits a value must respect before it is sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub minimum: Option<f64>,
    pub exclusive_minimum: bool,
    pub maximum: Option<f64>,
    pub exclusive_maximum: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// As in the spec (or derived from method and path when the spec has none).
    pub operation_id: String,
    /// The client method, snake case.
    pub method_name: String,
    /// The request builder type; other per-operation types start with it.
    pub type_name: String,
    /// The operation's error type (`<type_name>Error`), in the `operations` module.
    pub error_type: String,
    /// The enum of the operation's successes (`<type_name>Success`), emitted only when it
    /// has several; its name is reserved either way, so a success added later takes no name
    /// from another operation.
    pub success_type: String,
    /// The error type of an earlier operation documenting the same errors (statuses,
    /// variants and bodies): this operation's error type is an alias of it.
    pub error_alias_of: Option<String>,
    pub http_method: HttpMethod,
    /// The path template, as in the spec.
    pub path: String,
    pub path_parts: Vec<PathPart>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Safe to send again after it may have reached the server: the method is idempotent or
    /// the spec says so (`x-clientgen-retry-safe`).
    pub retry_safe: bool,
    pub params: Vec<Param>,
    /// Query pairs always sent, from a query part of the path (`/rest?method=x.y`).
    pub fixed_query: Vec<(String, String)>,
    pub body: Option<RequestBody>,
    /// The `Accept` header: the media types of the documented successful responses.
    pub accept: String,
    /// Documented statuses in ascending order, the `default` response last.
    pub responses: Vec<Response>,
    /// `wait_until_...` methods polling this operation (`x-clientgen-waiters`).
    pub waiters: Vec<Waiter>,
    /// Offset/limit paging of this operation (`x-clientgen-paginator`).
    pub paginator: Option<Paginator>,
    /// The credentials the operation accepts, alternatives in the spec's order (its own
    /// `security`, else the document's); empty when the spec asks for none.
    pub security: Vec<SecurityRequirement>,
}

/// How a service writes and reads what OpenAPI leaves open (`x-clientgen-conventions` at the
/// document's root): each the declared value, or else the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conventions {
    /// Response headers naming the request id, tried in order.
    pub request_id_headers: Vec<String>,
    /// Member paths (`.` between nested names) of a JSON error body holding the code.
    pub error_code: Vec<String>,
    /// Member paths holding the message.
    pub error_message: Vec<String>,
    /// The `Content-Type` of a request without a body.
    pub bodiless_content_type: Option<String>,
    pub json_style: JsonStyle,
}

/// How JSON request bodies are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonStyle {
    /// serde_json's compact form.
    Compact,
    /// Python's `json.dumps` defaults (`", "`, `": "`, `\uXXXX`).
    Python,
}

impl Default for Conventions {
    /// The runtime's `Conventions::DEFAULT`: the common headers and body shapes, no
    /// `Content-Type` without a body, compact JSON.
    fn default() -> Self {
        let texts = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        Conventions {
            request_id_headers: texts(&[
                "x-request-id",
                "request-id",
                "x-amzn-requestid",
                "x-amz-request-id",
                "x-ms-request-id",
            ]),
            error_code: texts(&["code", "error.code", "type"]),
            error_message: texts(&["message", "error.message", "detail", "title", "error"]),
            bodiless_content_type: None,
            json_style: JsonStyle::Compact,
        }
    }
}

/// A way of proving who sends a request: an entry of `components.securitySchemes`.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The scheme's name in the spec, which requirements and users' configurations name.
    pub name: String,
    /// The constant describing it in the module's `security` module (`SCREAMING_CASE`).
    pub const_name: String,
    pub description: Option<String>,
    pub kind: SchemeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SchemeKind {
    /// A key sent as a header, query parameter or cookie named `name`.
    ApiKey {
        location: ApiKeyLocation,
        name: String,
    },
    /// `Authorization: Basic base64(user:password)`.
    Basic,
    /// `Authorization: Bearer <token>`.
    Bearer { format: Option<String> },
    /// Any other HTTP authentication scheme, as the spec names it: `Authorization: <scheme>
    /// <credential>`, unless a signer is declared for it.
    Http { scheme: String },
    /// OAuth 2.0: a bearer token; the client-credentials flow's token URL and the scopes
    /// when the spec gives them.
    OAuth2 {
        client_credentials_token_url: Option<String>,
        scopes: Vec<String>,
    },
    /// OpenID Connect: a bearer token, discovered at `url`.
    OpenIdConnect { url: String },
    /// A client certificate presented in the TLS handshake (3.1's `mutualTLS`).
    MutualTls,
    /// Requests signed by a signer the runtime knows, declared by `x-clientgen-signer` on
    /// the scheme (`SDK-HMAC-SHA256`: an access key and secret key).
    Signed { algorithm: Signer },
}

/// The request signers the runtime implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    SdkHmacSha256,
}

impl Signer {
    pub const ALL: &'static [(&'static str, Signer)] =
        &[("SDK-HMAC-SHA256", Signer::SdkHmacSha256)];

    pub fn name(self) -> &'static str {
        match self {
            Signer::SdkHmacSha256 => "SDK-HMAC-SHA256",
        }
    }
}

impl SchemeKind {
    /// What the scheme sends, in words, for documentation and `diff`.
    pub fn describe(&self) -> String {
        let code = |text: &str| format!("`{}`", text.replace('`', "'"));
        match self {
            SchemeKind::ApiKey { location, name } => {
                let place = match location {
                    ApiKeyLocation::Header => "header",
                    ApiKeyLocation::Query => "query parameter",
                    ApiKeyLocation::Cookie => "cookie",
                };
                format!("an API key in the {place} {}", code(name))
            }
            SchemeKind::Basic => "HTTP basic authentication, a user and a password".into(),
            SchemeKind::Bearer { .. } => "a bearer token".into(),
            SchemeKind::Http { scheme } => format!("HTTP authentication {}", code(scheme)),
            SchemeKind::OAuth2 { .. } => "an OAuth 2.0 bearer token".into(),
            SchemeKind::OpenIdConnect { .. } => "an OpenID Connect bearer token".into(),
            SchemeKind::MutualTls => "a TLS client certificate".into(),
            SchemeKind::Signed { algorithm } => format!(
                "requests signed with an access key and secret key, `{}`",
                algorithm.name()
            ),
        }
    }
}

impl SecurityRequirement {
    /// The alternative in words: its schemes (with scopes), joined by "and"; "no
    /// credentials" when it has none.
    pub fn describe(&self, schemes: &[SecurityScheme]) -> String {
        if self.schemes.is_empty() {
            return "no credentials (anonymous calls are allowed)".into();
        }
        let parts: Vec<String> = self
            .schemes
            .iter()
            .map(|used| {
                let kind = schemes
                    .iter()
                    .find(|s| s.name == used.scheme)
                    .map(|s| s.kind.describe())
                    .unwrap_or_default();
                let scopes = if used.scopes.is_empty() {
                    String::new()
                } else {
                    let listed: Vec<String> = used
                        .scopes
                        .iter()
                        .map(|s| format!("`{}`", s.replace('`', "'")))
                        .collect();
                    format!(", scopes {}", listed.join(", "))
                };
                format!("`{}` ({kind}{scopes})", used.scheme.replace('`', "'"))
            })
            .collect();
        parts.join(" and ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

/// One alternative of an operation's `security`: every scheme listed, together. No schemes:
/// the operation may be called without credentials.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SecurityRequirement {
    pub schemes: Vec<SchemeUse>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchemeUse {
    /// The name of a scheme of [`Api::security_schemes`].
    pub scheme: String,
    /// That scheme's [`SecurityScheme::const_name`].
    pub const_name: String,
    /// OAuth 2.0 / OpenID Connect scopes (role names for other schemes in 3.1).
    pub scopes: Vec<String>,
}

/// The service's error type, at the module's root: one variant per distinct operation error
/// type, holding the runtime's `Error` of it, with `From` of each, so that one function can
/// take the error of any operation of the service (`?`).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceErrorType {
    /// `<Module>Error` (`CssError` for the module `css`): unlike the runtime's `Error` at the
    /// crate's root and every other service's, so any of them can be imported together.
    pub name: String,
    /// In the order of the operations owning the error types.
    pub variants: Vec<ServiceErrorVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceErrorVariant {
    /// The type name of the operation owning the error type (`ListLogsJob`).
    pub name: String,
    /// The operation error type it holds (`ListLogsJobError`), never an alias.
    pub error_type: String,
    /// The `operationId`s of the operations whose errors it holds: the owner first, then
    /// those whose error type is an alias of the owner's.
    pub operations: Vec<String>,
}

/// Polls an operation until a member of its response reaches a declared value.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiter {
    /// The method name, `wait_until_<name>`.
    pub method_name: String,
    pub doc: Option<String>,
    /// The decoded success body the acceptors look at.
    pub body: Type,
    /// Checked in order; the first that matches decides.
    pub acceptors: Vec<Acceptor>,
    pub case_insensitive: bool,
    pub min_delay_ms: u64,
    pub max_delay_ms: u64,
    pub max_wait_ms: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Acceptor {
    pub state: WaitState,
    pub path: FieldPath,
    /// The member's text (a number's digits, an enum's wire value) that matches.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitState {
    Success,
    Failure,
}

/// A member reached from a response body through nested objects.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPath {
    /// As written in the spec, with wire names (`status`, `task.state`).
    pub wire: String,
    /// Rust field names, outermost first, and whether each is an `Option`.
    pub steps: Vec<(String, bool)>,
    /// The type at the end of the path (without the `Option`).
    pub ty: Type,
}

/// Offset/limit paging: which parameters move, which member lists the items.
#[derive(Debug, Clone, PartialEq)]
pub struct Paginator {
    /// The builder field of the offset parameter, and its type.
    pub offset: String,
    pub offset_ty: Type,
    /// The builder field of the limit parameter (the page size), its type and default.
    pub limit: Option<String>,
    pub limit_ty: Type,
    pub limit_default: Option<i64>,
    /// The offset of the very first record or page.
    pub first: i64,
    pub unit: OffsetUnit,
    pub body: Type,
    /// The array member holding a page's items, and the item type.
    pub items: FieldPath,
    pub item_ty: Type,
    /// The integer member counting all items, when the response has one.
    pub total: Option<FieldPath>,
}

/// What the offset counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetUnit {
    /// Records: the next offset is the previous one plus the items received.
    Items,
    /// Pages: the next offset is the previous one plus one.
    Pages,
}

impl Operation {
    pub fn success_responses(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.status.is_success())
    }

    pub fn error_responses(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| !r.status.is_success())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text of the template, sent as written.
    Literal(String),
    /// A path parameter (its Rust name), percent-encoded as one segment.
    Param(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub wire_name: String,
    /// Rust name of the argument or setter.
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: Type,
    pub constraints: Constraints,
    pub default: Option<serde_json::Value>,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// One `key=value` pair per item or member (true) or one joined value.
    pub explode: bool,
    pub style: Style,
    /// Whether the value is one text, several, or either (a `oneOf` of both).
    pub shape: ValueShape,
    /// Filled from the client configuration unless set on the call.
    pub from_config: Option<ConfigValue>,
}

impl Param {
    /// Whether the client method takes it (else the builder has a setter for it): the
    /// generated signatures, and so what `diff` calls breaking, follow this one rule. A value
    /// the configuration fills is optional on the call even when the spec requires it.
    pub fn is_argument(&self) -> bool {
        self.required && self.from_config.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// How many texts a parameter's value is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueShape {
    /// A scalar or string enum: one text.
    One,
    /// An array: one text per item.
    Many,
    /// A `oneOf` of scalars and arrays: its `to_values()` lists the texts.
    Either,
    /// Anything else (an object, an array of objects, a free-form value), or a style only
    /// the runtime's serializer writes (deepObject, label, matrix, JSON): serialized with
    /// serde and written in the parameter's style at run time.
    Structured,
}

/// How a parameter's value is written (OpenAPI's `style`, with [`Param::explode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `name=a,b` or `name=a&name=b` (queries and cookies).
    Form,
    /// `name=a b` (queries).
    SpaceDelimited,
    /// `name=a|b` (queries).
    PipeDelimited,
    /// `name[key]=value` (queries), nested keys in brackets.
    DeepObject,
    /// `a,b` (paths and headers).
    Simple,
    /// `.a.b` (paths).
    Label,
    /// `;name=a,b` (paths).
    Matrix,
    /// The value's JSON text: a parameter described by `content: application/json`.
    Json,
}

impl Style {
    /// How a non-exploded array is joined.
    pub fn separator(self) -> &'static str {
        match self {
            Style::SpaceDelimited => " ",
            Style::PipeDelimited => "|",
            _ => ",",
        }
    }

    /// The runtime's name for the style (`crate::params::Style::<name>`).
    pub fn runtime_name(self) -> &'static str {
        match self {
            Style::Form => "Form",
            Style::SpaceDelimited => "SpaceDelimited",
            Style::PipeDelimited => "PipeDelimited",
            Style::DeepObject => "DeepObject",
            Style::Simple => "Simple",
            Style::Label => "Label",
            Style::Matrix => "Matrix",
            Style::Json => "Json",
        }
    }
}

/// The request body an operation sends.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub required: bool,
    /// Sent as `Content-Type`.
    pub media_type: String,
    pub kind: RequestBodyKind,
    pub doc: Option<String>,
}

impl RequestBody {
    /// Whether the client method takes it (else the builder has a setter for it), as for a
    /// parameter ([`Param::is_argument`]).
    pub fn is_argument(&self) -> bool {
        self.required
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RequestBodyKind {
    Json(Type),
    /// `application/x-www-form-urlencoded`, from a value's top-level members.
    Form(Type),
    /// `multipart/form-data`, assembled by the caller; `parts` are the documented ones.
    Multipart {
        parts: Vec<String>,
    },
    Text,
    Binary,
}

/// Values a parameter can take from the client configuration (`x-clientgen-from-config`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigValue {
    ProjectId,
}

impl ConfigValue {
    pub const ALL: &'static [(&'static str, ConfigValue)] =
        &[("project_id", ConfigValue::ProjectId)];
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: Status,
    /// The media type chosen for the body, when there is one.
    pub media_type: Option<String>,
    /// The Rust variant name for this status (`Unauthorized`, `Status499`, `Default`).
    pub variant: String,
    pub description: String,
    pub body: Body,
    pub headers: Vec<ResponseHeader>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Code(u16),
    /// `4XX` and the like: the hundreds digit.
    Range(u16),
    Default,
}

impl Status {
    /// 2xx are successes; `default` is taken to describe errors, as it does in practice.
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(c) => (200..300).contains(&c),
            Status::Range(r) => r == 2,
            Status::Default => false,
        }
    }

    /// The status as the generated docs name it: `404`, `4xx`. `None` for `default`, which
    /// is no status: each text words that case its own way.
    pub fn label(self) -> Option<String> {
        match self {
            Status::Code(c) => Some(c.to_string()),
            Status::Range(h) => Some(format!("{h}xx")),
            Status::Default => None,
        }
    }

    /// The key of the response in the spec's `responses` (`404`, `4XX`, `default`): what
    /// diagnostics point at and the diff report names, so a reader finds it as written.
    pub fn spec_key(self) -> String {
        match self {
            Status::Code(c) => c.to_string(),
            Status::Range(h) => format!("{h}XX"),
            Status::Default => "default".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Empty,
    Json(Type),
    Text,
    /// Streamed, never buffered by the client.
    Binary,
    /// A sequence of items decoded one by one as they arrive (server-sent events, JSON
    /// lines, JSON text sequences), never buffered whole. Only ever the body of an
    /// operation's only success response: lowering reads any other sequential response whole.
    Stream {
        framing: Framing,
        /// One item's type: for server-sent events the type of an event's `data` (a
        /// `String` is the data's text as it is, any other type its JSON decoded), else the
        /// JSON value of one line or record.
        item: Type,
    },
}

/// How the items of a streamed body are told apart on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream` (WHATWG HTML, server-sent events).
    EventStream,
    /// `application/jsonl`, `application/x-ndjson`, `application/x-jsonlines`: one JSON value
    /// per line.
    JsonLines,
    /// `application/json-seq` (RFC 7464): each JSON value after an RS (0x1E) byte.
    JsonSeq,
}

impl Framing {
    /// The framing of a sequential media type (its essence, lower case), if it is one.
    pub fn of_media_type(essence: &str) -> Option<Framing> {
        match essence {
            "text/event-stream" => Some(Framing::EventStream),
            "application/jsonl"
            | "application/x-ndjson"
            | "application/x-jsonlines"
            | "application/jsonlines" => Some(Framing::JsonLines),
            "application/json-seq" => Some(Framing::JsonSeq),
            _ => None,
        }
    }

    /// How the framing is named in documentation.
    pub fn describe(self) -> &'static str {
        match self {
            Framing::EventStream => "server-sent events",
            Framing::JsonLines => "JSON lines",
            Framing::JsonSeq => "a JSON text sequence",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    pub name: String,
    pub doc: Option<String>,
}
