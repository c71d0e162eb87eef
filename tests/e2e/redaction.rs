//! Secrets stay out of `Debug`: the token, and the pre-signed links the services return.

use super::common::*;
use super::examples::*;
use cloud_logs_client::{clouddc, css, dcs, rds, Config};

fn assert_redacted(debug: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!debug.contains(secret), "{secret:?} leaked into {debug}");
    }
    assert!(debug.contains("redacted"), "no redaction marker in {debug}");
}

#[tokio::test]
async fn config_clients_and_builders_hide_the_token() {
    let server = server_answering(json(200, "{}")).await;
    let config = config(&server);
    let debug = format!("{config:?}");
    assert_redacted(&debug, &[TOKEN]);
    assert!(debug.contains(PROJECT), "{debug}");
    assert!(debug.contains(&server.uri()), "{debug}");

    let builder = Config::builder().endpoint(server.uri()).token(TOKEN);
    assert_redacted(&format!("{builder:?}"), &[TOKEN]);
    assert_redacted(&format!("{:#?}", config.clone()), &[TOKEN]);

    let clouddc = clouddc::Client::new(&config);
    for debug in [
        format!("{clouddc:?}"),
        format!("{:?}", clouddc.export_server_logs("srv-1")),
        format!("{:?}", clouddc.show_logs_export_status("srv-1", "1")),
        format!("{:?}", clouddc.download_server_logs("srv-1", "1")),
        format!("{:?}", dcs::Client::new(&config)),
        format!(
            "{:?}",
            dcs::Client::new(&config).create_redislog_download_link("i", "l")
        ),
        format!("{:?}", rds::Client::new(&config).download_errorlog("i")),
        format!("{:?}", css::Client::new(&config).list_logs_job("c")),
    ] {
        assert_redacted(&debug, &[TOKEN]);
    }
    assert_no_request(&server).await;
}

#[tokio::test]
async fn redis_log_link_debug_hides_the_link() {
    let server = server_answering(json(200, CREATE_REDISLOG_DOWNLOAD_LINK_200)).await;
    let response = dcs::Client::new(&config(&server))
        .create_redislog_download_link("inst-1", "log-1")
        .send()
        .await
        .expect("the example decodes");
    assert_eq!(response.link.as_deref(), Some(REDIS_LINK));
    let secrets = [REDIS_LINK, "AWSAccessKeyId", "bucketxxxxx", TOKEN];
    let debug = format!("{response:?}");
    assert_redacted(&debug, &secrets);
    assert!(
        debug.contains("3ea6ce21-048e-447a-83c3-3fb004b88439"),
        "{debug}"
    );
    assert_redacted(&format!("{:#?}", response.into_inner()), &secrets);
}

#[tokio::test]
async fn error_log_link_debug_hides_the_file_link() {
    let server = server_answering(json(200, DOWNLOAD_ERRORLOG_200)).await;
    let response = rds::Client::new(&config(&server))
        .download_errorlog("inst-1")
        .send()
        .await
        .expect("the example decodes");
    let secrets = [
        RDS_FILE_LINK,
        "AWSAccessKeyId",
        "1BQ38TBCQHAVQXBUMUTC",
        "Signature",
        "Fgi4",
        TOKEN,
    ];
    let debug = format!("{response:?}");
    assert_redacted(&debug, &secrets);
    assert!(
        debug.contains("44fb1d85-2fcc-4d63-ad3b-c3d1ecd7000e"),
        "{debug}"
    );
    let links = response.into_inner();
    let list = links.list.as_deref().expect("a list");
    assert_eq!(list[0].file_link.as_deref(), Some(RDS_FILE_LINK));
    assert_redacted(&format!("{list:?}"), &secrets);
}

#[tokio::test]
async fn error_debug_shows_no_response_body() {
    let body = format!(r#"{{"error_code":"X.1","error_msg":"denied","link":"{REDIS_LINK}"}}"#);
    let server = server_answering(json(418, &body)).await;
    let error = dcs::Client::new(&config(&server))
        .create_redislog_download_link("inst-1", "log-1")
        .send()
        .await
        .unwrap_err();
    for text in [format!("{error:?}"), error.to_string()] {
        assert!(!text.contains("AWSAccessKeyId"), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }
    assert_eq!(
        error.raw_response().map(|r| r.body().len()),
        Some(body.len())
    );
}

#[tokio::test]
async fn dispatch_error_does_not_carry_the_url() {
    let error = clouddc::Client::new(&config_for_closed_port())
        .show_logs_export_status("srv-secret-path", "1")
        .send()
        .await
        .unwrap_err();
    for text in [format!("{error:?}"), error.to_string()] {
        assert!(!text.contains("srv-secret-path"), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }
}
