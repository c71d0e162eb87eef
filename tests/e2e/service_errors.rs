//! One error type per service, which the error of each of its operations converts into
//! (`?`), and one for the errors of any operation of any service (`into_untyped`).

use super::common::*;
use cloud_logs_client::clouddc::operations::ExportServerLogsError;
use cloud_logs_client::clouddc::{self, ClouddcError};
use cloud_logs_client::css::operations::ListLogsJobError;
use cloud_logs_client::css::{self, CssError};
use cloud_logs_client::{Error, ServiceError, UntypedError};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The clouddc operation a test calls.
#[derive(Clone, Copy)]
enum Call {
    Export,
    Status,
}

/// Calls one operation of clouddc, whichever, with `?`: every operation's error converts into
/// the service's error.
async fn call(client: &clouddc::Client, which: Call) -> Result<(), ClouddcError> {
    match which {
        Call::Export => {
            client.export_server_logs("srv-1").send().await?;
        }
        Call::Status => {
            client.show_logs_export_status("srv-1", "1").send().await?;
        }
    }
    Ok(())
}

/// What the one handler of clouddc errors made of an error.
#[derive(Debug, PartialEq)]
enum Handled {
    /// Throttled: try again later.
    Throttled {
        operation: &'static str,
        retryable: bool,
    },
    /// The credentials were refused, with the service's code.
    Unauthorized {
        operation: &'static str,
        code: String,
        retryable: bool,
    },
    Other(String),
}

/// Handles any error of any clouddc operation: one function, one type, the documented error
/// matched in place.
fn handle(error: ClouddcError) -> Handled {
    let retryable = error.is_retryable();
    assert_eq!(error.request_id(), Some(REQUEST_ID));
    match error {
        ClouddcError::ExportServerLogs(Error::Service(ServiceError {
            kind: ExportServerLogsError::TooManyRequests(_),
            operation,
            ..
        })) => Handled::Throttled {
            operation,
            retryable,
        },
        ClouddcError::ExportServerLogs(Error::Service(ServiceError {
            kind: ExportServerLogsError::Unauthorized(body),
            operation,
            raw,
            ..
        })) => {
            assert_eq!(raw.status().as_u16(), 401);
            Handled::Unauthorized {
                operation,
                code: body.error_code.unwrap_or_default(),
                retryable,
            }
        }
        other => Handled::Other(other.to_string()),
    }
}

/// A server answering clouddc's export (POST) with 429 and its export status (GET) with 401.
async fn throttling_and_refusing_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex("/logs/exports$"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-Request-Id", REQUEST_ID)
                .set_body_string("slow down"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("/logs/exports/1$"))
        .respond_with(error(401))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn two_operations_of_a_service_are_handled_by_one_function() {
    let server = throttling_and_refusing_server().await;
    let client = clouddc::Client::new(&config(&server));

    let throttled = call(&client, Call::Export).await.unwrap_err();
    assert_eq!(throttled.status().map(|s| s.as_u16()), Some(429));
    assert!(throttled.is_throttling());
    assert!(throttled.is_retryable());
    assert_eq!(throttled.operation(), Some("ExportServerLogs"));
    // The service's error shows and chains as the operation's error it holds.
    let ClouddcError::ExportServerLogs(inner) = &throttled else {
        panic!("{throttled:?}");
    };
    assert_eq!(throttled.to_string(), inner.to_string());
    assert!(throttled.to_string().contains("TooManyRequests (HTTP 429)"));
    assert!(std::error::Error::source(&throttled).is_some());
    assert_eq!(
        handle(throttled),
        Handled::Throttled {
            operation: "ExportServerLogs",
            retryable: true
        }
    );

    let refused = call(&client, Call::Status).await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
    assert!(!refused.is_throttling());
    assert!(!refused.is_retryable());
    assert_eq!(refused.code(), Some(ERROR_CODE));
    assert_eq!(refused.message(), Some(ERROR_MSG));
    assert_eq!(
        handle(refused),
        Handled::Unauthorized {
            operation: "ShowLogsExportStatus",
            code: ERROR_CODE.to_owned(),
            retryable: false,
        }
    );
    // Retries are off in these configs: one request each.
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_documented_400_and_an_undocumented_503_as_the_service_error() {
    let server = MockServer::start().await;
    let client = &css::Client::new(&config(&server));
    let list = || async move {
        client.list_logs_job("cluster-1").send().await?;
        Ok::<_, CssError>(())
    };

    Mock::given(method("GET"))
        .respond_with(error(400))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let bad = list().await.unwrap_err();
    assert!(matches!(
        &bad,
        CssError::ListLogsJob(Error::Service(ServiceError {
            kind: ListLogsJobError::BadRequest(_),
            ..
        }))
    ));
    assert_eq!(bad.status().map(|s| s.as_u16()), Some(400));
    assert!(!bad.is_retryable());
    assert!(!bad.is_throttling());

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(error(503))
        .mount(&server)
        .await;
    let unavailable = list().await.unwrap_err();
    assert!(matches!(
        &unavailable,
        CssError::ListLogsJob(Error::Response(_))
    ));
    assert_eq!(unavailable.status().map(|s| s.as_u16()), Some(503));
    assert!(unavailable.is_retryable());
    assert!(!unavailable.is_throttling());
    assert_eq!(unavailable.operation(), None);
}

#[tokio::test]
async fn errors_of_two_services_go_into_one_vec_untyped() {
    let server = throttling_and_refusing_server().await;
    Mock::given(method("GET"))
        .and(path_regex("/logs/records$"))
        .respond_with(error(409))
        .mount(&server)
        .await;
    let config = config(&server);
    let clouddc_error = clouddc::Client::new(&config)
        .export_server_logs("srv-1")
        .send()
        .await
        .unwrap_err();
    let css_error = css::Client::new(&config)
        .list_logs_job("cluster-1")
        .send()
        .await
        .unwrap_err();
    let css_text = css_error.to_string();
    let unreachable = css::Client::new(&config_for_closed_port())
        .list_logs_job("cluster-1")
        .send()
        .await
        .unwrap_err();

    let errors: Vec<UntypedError> = vec![
        clouddc_error.into_untyped(),
        // Through the service's error type as well.
        CssError::from(css_error).into_untyped(),
        unreachable.into_untyped(),
    ];
    let seen: Vec<(Option<u16>, bool, bool, Option<&str>)> = errors
        .iter()
        .map(|e| {
            (
                e.status().map(|s| s.as_u16()),
                e.is_retryable(),
                e.is_throttling(),
                e.operation(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Some(429), true, true, Some("ExportServerLogs")),
            (Some(409), false, false, Some("ListLogsJob")),
            // A refused connection: retried, and worth trying again later.
            (None, true, false, None),
        ]
    );
    assert!(matches!(&errors[2], Error::Dispatch(e) if e.is_connect()));
    // What the typed error said is kept: its message, code, request id, and the typed
    // operation error itself.
    assert_eq!(errors[1].to_string(), css_text);
    assert_eq!(errors[1].code(), Some(ERROR_CODE));
    assert_eq!(errors[1].request_id(), Some(REQUEST_ID));
    let Error::Service(ServiceError { kind, .. }) = &errors[1] else {
        panic!("{:?}", errors[1]);
    };
    assert!(matches!(
        kind.downcast_ref::<ListLogsJobError>(),
        Some(ListLogsJobError::Conflict(body)) if body.error_code.as_deref() == Some(ERROR_CODE)
    ));
    assert!(kind.downcast_ref::<ExportServerLogsError>().is_none());
}
