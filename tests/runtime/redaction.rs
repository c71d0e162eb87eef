//! Secrets stay out of logs, `Debug` and `Display`; CR/LF never reach a header.

use super::common::*;
use cloud_logs_client::{clouddc, css, dcs, rds, Config, ConfigError, Credentials, Error, Secret};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::{Request, ResponseTemplate};

/// A pre-signed DCS link, as the service returns it.
const REDIS_LINK: &str = "https://bucket-rt.obs.example.com/redis.log?AWSAccessKeyId=AKLINK0001&Expires=1&Signature=dcsLinkSig5ecret";
/// A pre-signed RDS link, as the service returns it.
const RDS_LINK: &str = "https://bucket-rt.obs.example.com/pg.log?AWSAccessKeyId=AKLINK0002&Expires=2&Signature=rdsLinkSig5ecret";

/// Log output captured in memory.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).expect("UTF-8 logs")
    }
}

/// Captures everything logged on this thread (TRACE and up, span closes included) until the
/// guard is dropped. Tests run on a current-thread runtime, so the default covers every poll.
fn capture_logs() -> (Capture, tracing::subscriber::DefaultGuard) {
    // tracing caches per call site whether anyone listens. With a single scoped subscriber
    // registered, a call site first reached on another test's thread (where nothing listens)
    // is cached as "never" and our spans vanish. A second, permanent dispatcher makes tracing
    // ask every live subscriber instead of the current thread's.
    static KEEP_ALIVE: OnceLock<tracing::Dispatch> = OnceLock::new();
    KEEP_ALIVE.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    (capture, guard)
}

/// Answers each operation; DCS and RDS with their pre-signed links, ExportServerLogs with an
/// error whose body carries a link too.
fn answer(request: &Request) -> ResponseTemplate {
    let path = request.url.path();
    if path.ends_with("/links") {
        json(
            200,
            &format!(r#"{{"id":"log-1","backup_id":"b-1","link":"{REDIS_LINK}"}}"#),
        )
    } else if path.ends_with("/errorlog-download") {
        json(
            200,
            &format!(
                r#"{{"list":[{{"workflow_id":"wf-1","file_name":"pg.log","status":"SUCCESS","file_size":"12","file_link":"{RDS_LINK}","create_at":1,"update_at":2}}],"status":"FINISH","count":1}}"#
            ),
        )
    } else if path.ends_with("/logs/exports") {
        json(
            500,
            &format!(r#"{{"error_code":"SVC.500","error_msg":"failed","link":"{REDIS_LINK}"}}"#),
        )
    } else {
        json(200, r#"{"clusterLogRecord":[],"totalSize":0}"#)
    }
}

fn assert_no_secret(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{what} leaks {secret:?}:\n{text}"
        );
    }
}

#[tokio::test]
async fn no_secret_reaches_logs_debug_or_display() {
    let (capture, guard) = capture_logs();

    let server = server_responding(answer).await;
    let with_token = token_builder(&server);
    let with_sts = sts_builder(&server).retry(fast_retry(3));
    let token_config = with_token.clone().build().unwrap();
    let sts_config = with_sts.clone().build().unwrap();
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut note = |what: &str, text: String| texts.push((what.to_owned(), text));

    for config in [&token_config, &sts_config] {
        let css = css::Client::new(config);
        let list = css.list_logs_job("cl-1").limit(10).status("FAIL");
        note("ListLogsJob builder", format!("{list:?}"));
        let response = list.send().await.expect("ListLogsJob");
        note("ListLogsJob response", format!("{response:?}"));

        let rds = rds::Client::new(config);
        let download = rds.download_errorlog("inst-1").x_language("en-us");
        note("DownloadErrorlog builder", format!("{download:?}"));
        let response = download.send().await.expect("DownloadErrorlog");
        let list = response.list.as_deref().expect("a list");
        assert_eq!(list[0].file_link.as_deref(), Some(RDS_LINK));
        note("DownloadErrorlog response", format!("{response:?}"));
        note("DownloadErrorlog response", format!("{response:#?}"));
        note("ErrorLogLinks", format!("{:?}", response.into_inner()));

        let dcs = dcs::Client::new(config);
        let link = dcs.create_redislog_download_link("inst-1", "log-1");
        note("CreateRedislogDownloadLink builder", format!("{link:?}"));
        let response = link.send().await.expect("CreateRedislogDownloadLink");
        assert_eq!(response.link.as_deref(), Some(REDIS_LINK));
        note(
            "CreateRedislogDownloadLink response",
            format!("{response:?}"),
        );
        note("RedisLogLink", format!("{:#?}", response.into_inner()));

        let clouddc = clouddc::Client::new(config);
        let export = clouddc.export_server_logs("srv-1");
        note("ExportServerLogs builder", format!("{export:?}"));
        let error = export.send().await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
        note("error", format!("{error:?}"));
        note("error", format!("{error:#?}"));
        note("error", error.to_string());
        note("raw response", format!("{:?}", error.raw_response()));
        note(
            "error source",
            format!("{:?}", std::error::Error::source(&error)),
        );

        for (what, client) in [
            ("clouddc client", format!("{clouddc:?}")),
            ("css client", format!("{css:?}")),
            ("dcs client", format!("{dcs:?}")),
            ("rds client", format!("{rds:?}")),
        ] {
            note(what, client);
        }
        note("Config", format!("{config:?}"));
        note("Config", format!("{config:#?}"));
    }
    // A construction error and a dispatch error.
    let error = css::Client::new(&sts_config)
        .list_logs_job("cl-1")
        .limit(0)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Construction(_)), "{error:?}");
    note("construction error", format!("{error:?} {error}"));
    let closed = with_sts
        .clone()
        .endpoint(format!("http://127.0.0.1:{}", closed_port()))
        .retry(cloud_logs_client::RetryConfig::disabled())
        .build()
        .unwrap();
    let error = css::Client::new(&closed)
        .list_logs_job("cl-1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Dispatch(_)), "{error:?}");
    note("dispatch error", format!("{error:?} {error}"));

    note("token ConfigBuilder", format!("{with_token:?}"));
    note("AK/SK ConfigBuilder", format!("{with_sts:?}"));
    let credentials = [
        Credentials::token(TOKEN),
        Credentials::aksk(AK, SK),
        Credentials::aksk(AK, SK).with_security_token(SECURITY_TOKEN),
    ];
    note("Credentials", format!("{credentials:?} {credentials:#?}"));
    note("Secret", format!("{:?}", Secret::new(SK)));
    drop(guard);

    // Every signature the server received is a secret too.
    let received = requests(&server).await;
    assert_eq!(received.len(), 8);
    let signatures: Vec<String> = received
        .iter()
        .filter(|r| r.headers.contains_key("authorization"))
        .map(signature_of)
        .collect();
    assert_eq!(signatures.len(), 4);
    let mut secrets: Vec<String> = [TOKEN, SK, SECURITY_TOKEN, REDIS_LINK, RDS_LINK]
        .iter()
        .map(|s| s.to_string())
        .collect();
    secrets.extend(["dcsLinkSig5ecret", "rdsLinkSig5ecret"].map(str::to_owned));
    secrets.extend(signatures);
    assert!(secrets.iter().all(|s| s.len() >= 16), "{secrets:?}");

    let logs = capture.text();
    assert_no_secret("the log output", &logs, &secrets);
    for (what, text) in &texts {
        assert_no_secret(what, text, &secrets);
    }
    // Where a secret was, a marker stands.
    let must_mark = [
        "Config",
        "token ConfigBuilder",
        "AK/SK ConfigBuilder",
        "Credentials",
        "Secret",
        "DownloadErrorlog response",
        "ErrorLogLinks",
        "CreateRedislogDownloadLink response",
        "RedisLogLink",
    ];
    let mut marked = 0;
    for (what, text) in texts
        .iter()
        .filter(|(w, _)| must_mark.contains(&w.as_str()))
    {
        assert!(
            text.contains("** redacted **"),
            "no redaction marker in {what}: {text}"
        );
        marked += 1;
    }
    assert_eq!(marked, 18);

    // The logs are not empty: the call spans carry their fields.
    for expected in [
        r#"operation="ListLogsJob""#,
        r#"operation="DownloadErrorlog""#,
        r#"operation="CreateRedislogDownloadLink""#,
        r#"operation="ExportServerLogs""#,
        "method=GET",
        "method=POST",
        r#"path="/v1.0/{project_id}/clusters/{cluster_id}/logs/records""#,
        r#"path="/v3/{project_id}/instances/{instance_id}/errorlog-download""#,
        "status=200",
        "status=500",
        "attempts=1",
        "duration_ms=",
    ] {
        assert!(logs.contains(expected), "{expected} not logged:\n{logs}");
    }
}

#[tokio::test]
async fn retries_are_logged_in_the_call_span() {
    let (capture, _guard) = capture_logs();
    let server = server_answering(vec![error(503), json(200, r#"{"totalSize":1}"#)]).await;
    let config = sts_builder(&server).retry(fast_retry(3)).build().unwrap();
    css::Client::new(&config)
        .list_logs_job("cl-1")
        .send()
        .await
        .expect("503 then 200");
    let logs = capture.text();
    let signatures: Vec<String> = requests(&server).await.iter().map(signature_of).collect();
    assert_eq!(signatures.len(), 2);
    let mut secrets = vec![SK.to_owned(), SECURITY_TOKEN.to_owned()];
    secrets.extend(signatures);
    assert_no_secret("the log output", &logs, &secrets);
    for expected in ["retrying", "attempt=1", "attempts=2", "status=200"] {
        assert!(logs.contains(expected), "{expected} not logged:\n{logs}");
    }
}

fn assert_invalid_credentials(result: Result<Config, ConfigError>, injected: &str) {
    match result {
        Err(e @ ConfigError::InvalidCredentials(_)) => {
            let text = format!("{e} {e:?}");
            assert!(!text.contains(injected), "{text}");
        }
        other => panic!("expected InvalidCredentials, got {other:?}"),
    }
}

#[tokio::test]
async fn cr_and_lf_never_reach_a_header() {
    let server = server_responding(answer).await;
    let injected = "X-Injected: 1";

    for bad in [
        format!("tok\r\n{injected}"),
        format!("tok\n{injected}"),
        format!("tok\r{injected}"),
    ] {
        assert_invalid_credentials(token_builder(&server).token(bad.as_str()).build(), injected);
        assert_invalid_credentials(
            aksk_builder(&server).aksk(format!("AK{bad}"), SK).build(),
            injected,
        );
        assert_invalid_credentials(
            aksk_builder(&server)
                .credentials(Credentials::aksk(AK, SK).with_security_token(bad.clone()))
                .build(),
            injected,
        );

        // A header parameter.
        for config in [
            token_builder(&server).build().unwrap(),
            aksk_builder(&server).build().unwrap(),
        ] {
            let error = rds::Client::new(&config)
                .download_errorlog("inst-1")
                .x_language(format!("en-us{bad}"))
                .send()
                .await
                .unwrap_err();
            match &error {
                Error::Construction(e) => assert_eq!(e.argument(), "x_language"),
                other => panic!("expected Error::Construction, got {other:?}"),
            }
            assert!(!format!("{error} {error:?}").contains(injected));
        }

        // The project id, which AK/SK sends in the signed X-Project-Id header.
        let config = aksk_builder(&server)
            .project_id(format!("p{bad}"))
            .build()
            .unwrap();
        let error = css::Client::new(&config)
            .list_logs_job("cl-1")
            .send()
            .await
            .unwrap_err();
        match &error {
            Error::Construction(e) => assert_eq!(e.argument(), "project_id"),
            other => panic!("expected Error::Construction, got {other:?}"),
        }
    }
    let received = requests(&server).await;
    assert!(received.is_empty(), "sent: {received:?}");
}

/// The `close` lines of the `call` spans in `logs`.
fn call_span_closes(logs: &str) -> Vec<&str> {
    logs.lines()
        .filter(|l| l.contains(" call{") && l.contains(": close "))
        .collect()
}

#[tokio::test]
async fn every_call_has_one_span_recording_its_outcome() {
    let (capture, _guard) = capture_logs();
    // Success after retries.
    let server = server_answering(vec![error(503), error(503), json(200, "{}")]).await;
    let config = token_builder(&server).retry(fast_retry(3)).build().unwrap();
    css::Client::new(&config)
        .list_logs_job("cl-1")
        .send()
        .await
        .expect("third attempt");
    // An attempt timeout.
    let slow = server_answering(vec![json(200, "{}").set_delay(ms(1000))]).await;
    let config = token_builder(&slow)
        .attempt_timeout(Some(ms(50)))
        .build()
        .unwrap();
    rds::Client::new(&config)
        .download_errorlog("inst-1")
        .send()
        .await
        .unwrap_err();
    // A refused connection.
    let config = token_builder(&server)
        .endpoint(format!("http://127.0.0.1:{}", closed_port()))
        .build()
        .unwrap();
    clouddc::Client::new(&config)
        .export_server_logs("srv-1")
        .send()
        .await
        .unwrap_err();

    let logs = capture.text();
    let closes = call_span_closes(&logs);
    assert_eq!(closes.len(), 3, "one span per call:\n{logs}");
    for (close, expected) in closes.iter().zip([
        [
            r#"operation="ListLogsJob""#,
            "method=GET",
            "attempts=3",
            "status=200",
        ],
        [
            r#"operation="DownloadErrorlog""#,
            "method=POST",
            "attempts=1",
            "duration_ms=",
        ],
        [
            r#"operation="ExportServerLogs""#,
            "method=POST",
            "attempts=1",
            "duration_ms=",
        ],
    ]) {
        for field in expected {
            assert!(close.contains(field), "{field} missing in {close}");
        }
    }
    assert!(closes[0].contains("duration_ms="), "{}", closes[0]);
    assert!(!closes[1].contains("status="), "{}", closes[1]);
}

#[tokio::test]
async fn an_operation_timeout_is_recorded_in_the_call_span() {
    let (capture, _guard) = capture_logs();
    let slow = server_answering(vec![json(200, "{}").set_delay(ms(1000))]).await;
    let config = token_builder(&slow)
        .operation_timeout(Some(ms(100)))
        .build()
        .unwrap();
    let error = css::Client::new(&config)
        .list_logs_job("cl-1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    let logs = capture.text();
    let closes = call_span_closes(&logs);
    assert_eq!(closes.len(), 1, "one span per call:\n{logs}");
    for field in [r#"operation="ListLogsJob""#, "attempts=1", "duration_ms="] {
        assert!(
            closes[0].contains(field),
            "{field} missing in {}",
            closes[0]
        );
    }
}
