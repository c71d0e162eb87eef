//! A service's conventions, as its spec declares them (`x-clientgen-conventions`): where a
//! response names its request id, where an error body keeps its code and message, the
//! `Content-Type` of a request without a body, and how JSON bodies are written. Each module
//! has one (`<module>::CONVENTIONS`); a spec that declares none has [`Conventions::DEFAULT`],
//! which reads the common shapes and sends plain JSON.

use std::fmt;

/// How a service's requests are written and its responses read, beyond what OpenAPI says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conventions {
    /// The response headers naming the request id, tried in order (case-insensitively).
    pub request_id_headers: &'static [&'static str],
    /// The members of a JSON error body holding the error code, tried in order; a nested
    /// member is written with `.` (`error.code`). A string or a number is taken.
    pub error_code: &'static [&'static str],
    /// The members holding the error message, as [`error_code`](Self::error_code).
    pub error_message: &'static [&'static str],
    /// The `Content-Type` sent on a request without a body (none when `None`).
    pub bodiless_content_type: Option<&'static str>,
    /// How JSON bodies are written.
    pub json_style: JsonStyle,
}

/// How a JSON request body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonStyle {
    /// serde_json's compact form: `{"a":1,"b":"é"}`.
    Compact,
    /// As Python's `json.dumps` writes it by default: `", "` between items, `": "` after keys,
    /// every character outside printable ASCII as `\uXXXX`, floats as Python writes them.
    Python,
}

impl Conventions {
    /// What a spec that declares no conventions gets: the request id from the common headers,
    /// the error code and message from the common body shapes (RFC 9457 problem details,
    /// `{"error": {"code", "message"}}`, `{"code", "message"}`, `{"message"}`,
    /// `{"error": "text"}`), no `Content-Type` without a body, compact JSON.
    pub const DEFAULT: Conventions = Conventions {
        request_id_headers: &[
            "x-request-id",
            "request-id",
            "x-amzn-requestid",
            "x-amz-request-id",
            "x-ms-request-id",
        ],
        error_code: &["code", "error.code", "type"],
        error_message: &["message", "error.message", "detail", "title", "error"],
        bodiless_content_type: None,
        json_style: JsonStyle::Compact,
    };

    /// The request id in `headers`, from the first of
    /// [`request_id_headers`](Self::request_id_headers) present.
    pub fn request_id<'h>(&self, headers: &'h reqwest::header::HeaderMap) -> Option<&'h str> {
        self.request_id_headers
            .iter()
            .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
    }

    /// The top-level members of an error body any of the paths starts with.
    pub(crate) fn error_members(&self) -> impl Iterator<Item = &'static str> {
        self.error_code
            .iter()
            .chain(self.error_message)
            .map(|path| path.split('.').next().unwrap_or(path))
    }

    /// The JSON text of a request body, in [`json_style`](Self::json_style).
    pub(crate) fn json<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
    ) -> Result<Vec<u8>, serde_json::Error> {
        match self.json_style {
            JsonStyle::Compact => serde_json::to_vec(value),
            JsonStyle::Python => super::request::json_in_python_style(value),
        }
    }
}

impl Default for Conventions {
    fn default() -> Self {
        Conventions::DEFAULT
    }
}

impl fmt::Display for JsonStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonStyle::Compact => "compact",
            JsonStyle::Python => "python",
        })
    }
}

/// The conventions of the call a response answers, carried in its extensions from the
/// transport to whatever reads it (request id, error fields).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Of(pub(crate) &'static Conventions);

/// The conventions carried by `response`, or the defaults.
#[doc(hidden)]
pub fn of(response: &reqwest::Response) -> &'static Conventions {
    response
        .extensions()
        .get::<Of>()
        .map_or(&Conventions::DEFAULT, |of| of.0)
}
