//! Server responses through the runtime's decoders: any status, `X-Request-Id` and body are
//! read (`RawResponse::read`, with its size limits) and decoded as the generated decoders do
//! (`raw.json()` into each body type of this repository's client, `raw.text()`), then turned
//! into the errors an operation returns.
//!
//!     cargo fuzz run responses -- -max_total_time=60 -rss_limit_mb=2048
//!
//! Asserted beyond "no panic": a decoded value equals its clone and formats with `Debug`;
//! no error's `Display` holds a control character or a bidirectional override (the server's
//! words are escaped: they must not forge log lines), nor a string value of the body (decode
//! messages never quote what was sent: it may be a secret).
//!
//! Input: [decoder, status high, status low, flags, request id.. 0x00] body.
#![no_main]

use clientgen_fuzz::client::conventions::Conventions;
use clientgen_fuzz::client::hooks;
use clientgen_fuzz::client::{clouddc, css, dcs, rds, Error, RawResponse};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use std::convert::Infallible;
use std::fmt::{Debug, Display};

fuzz_target!(|data: &[u8]| {
    let [decoder, high, low, flags, rest @ ..] = data else {
        return;
    };
    let status = 100 + u16::from_be_bytes([*high, *low]) % 500;
    let (request_id, body) = if flags & 1 == 1 {
        match rest.iter().position(|&b| b == 0) {
            Some(end) => (Some(&rest[..end]), &rest[end + 1..]),
            None => (Some(rest), &[][..]),
        }
    } else {
        (None, rest)
    };
    // Small limits half of the time, so the fuzzer reaches both sides of them.
    let (success_limit, error_prefix) = if flags & 2 == 2 {
        (64, 16)
    } else {
        (32 << 20, 8 << 10)
    };

    let mut response = http::Response::builder().status(status);
    if let Some(id) = request_id {
        if let Ok(value) = http::HeaderValue::from_bytes(id) {
            response = response.header("x-request-id", value);
        }
    }
    let Ok(response) = response.body(body.to_vec()) else {
        return;
    };
    let sent = Sent {
        body,
        request_id: request_id
            .map(String::from_utf8_lossy)
            .unwrap_or_default()
            .into_owned(),
    };
    let raw = match hooks::read(
        reqwest::Response::from(response),
        success_limit,
        error_prefix,
    ) {
        Ok(raw) => raw,
        Err(e) => {
            check_message(&e, &sent);
            return;
        }
    };
    let decoders: &[fn(RawResponse, &Sent)] = &[
        |raw, sent| success::<clouddc::types::LogExportTask>(raw, sent),
        |raw, sent| success::<css::types::ListLogsJobResponse>(raw, sent),
        |raw, sent| success::<css::types::ClusterLogRecord>(raw, sent),
        |raw, sent| success::<css::types::CssTimestamp>(raw, sent),
        |raw, sent| success::<css::types::LogJobStatus>(raw, sent),
        |raw, sent| success::<dcs::types::RedisLogLink>(raw, sent),
        |raw, sent| success::<rds::types::ErrorLogLinks>(raw, sent),
        |raw, sent| success::<rds::types::ErrorLogLink>(raw, sent),
        |raw, sent| {
            service(
                raw,
                sent,
                "ExportServerLogs",
                clouddc::operations::ExportServerLogsError::Unauthorized,
            )
        },
        |raw, sent| match hooks::text(&raw) {
            Ok(text) => {
                let kind = clouddc::operations::ExportServerLogsError::TooManyRequests(text);
                check_message(&hooks::service(kind, raw, "ExportServerLogs"), sent);
            }
            Err(e) => check_message(&Error::<Infallible>::Response(e), sent),
        },
        |raw, sent| {
            service(
                raw,
                sent,
                "ListLogsJob",
                css::operations::ListLogsJobError::Conflict,
            )
        },
        |raw, sent| {
            service(
                raw,
                sent,
                "CreateRedislogDownloadLink",
                dcs::operations::CreateRedislogDownloadLinkError::NotFound,
            )
        },
        |raw, sent| {
            service(
                raw,
                sent,
                "DownloadErrorlog",
                rds::operations::DownloadErrorlogError::Default,
            )
        },
        |raw, sent| check_message(&hooks::undocumented::<Infallible>(raw), sent),
    ];
    decoders[usize::from(*decoder) % decoders.len()](raw, &sent);
});

/// What the server sent that a message may show only escaped or not at all.
struct Sent<'a> {
    body: &'a [u8],
    /// Shown on purpose (escaped) in every message.
    request_id: String,
}

/// A success body: decoded, or a decode error.
fn success<T: DeserializeOwned + Clone + PartialEq + Debug>(raw: RawResponse, sent: &Sent) {
    match hooks::json::<T>(&raw) {
        Ok(value) => {
            assert!(
                value.clone() == value,
                "a decoded value differs from its clone: {value:?}"
            );
            let _ = format!("{value:?}");
        }
        Err(e) => check_message(&Error::<Infallible>::Response(e), sent),
    }
}

/// A documented error status: decoded into the operation's error type, or a decode error.
fn service<T: DeserializeOwned + Debug, E: Display + Debug>(
    raw: RawResponse,
    sent: &Sent,
    operation: &'static str,
    kind: fn(T) -> E,
) {
    let error = match hooks::json::<T>(&raw) {
        Ok(value) => hooks::service(kind(value), raw, operation),
        Err(e) => Error::Response(e),
    };
    check_message(&error, sent);
    let _ = format!("{error:?}");
}

/// What a caller prints or logs: one line, no terminal escapes, no value of the body.
fn check_message(error: &dyn Display, sent: &Sent) {
    let message = error.to_string();
    if let Some(c) = message
        .chars()
        .find(|&c| c.is_control() || clientgen_fuzz::invariants::is_bidi_control(c))
    {
        panic!("an error's Display holds {c:?}: {message:?}");
    }
    // Decode messages never quote a string of the body. (Only distinctive strings: a short
    // or plain word may be a member name or a word of the message itself.)
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(sent.body) {
        let mut strings = Vec::new();
        string_values(&value, &mut strings);
        for s in strings {
            let distinctive = s.chars().count() >= 6
                && s.chars()
                    .any(|c| !c.is_ascii_alphanumeric() && c != '_' && c != '-' && c != ' ');
            if distinctive
                && message.contains(s)
                && !is_reported_field(&value, s)
                && !sent.request_id.contains(s)
            {
                panic!("an error's Display quotes the body's value {s:?}: {message:?}");
            }
        }
    }
}

/// Strings that are values (not member names) in `value`.
fn string_values<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| string_values(v, out)),
        serde_json::Value::Object(members) => members.values().for_each(|v| string_values(v, out)),
        _ => {}
    }
}

/// The error code and message of an error body are shown on purpose (escaped): whether `s`
/// is part of one of them. The fields are the runtime's own: a response read outside a call
/// carries no service's conventions, so the defaults' paths are the ones read.
fn is_reported_field(value: &serde_json::Value, s: &str) -> bool {
    let defaults = Conventions::DEFAULT;
    defaults
        .error_code
        .iter()
        .chain(defaults.error_message)
        .any(|path| {
            path.split('.')
                .try_fold(value, |node, member| node.get(member))
                .and_then(|v| v.as_str())
                .is_some_and(|v| v.contains(s))
        })
}
