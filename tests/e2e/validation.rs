//! Arguments checked before anything is sent: each rejection is an `Error::Construction`
//! naming the argument, and the server sees nothing.

use super::common::*;
use cloud_logs_client::{clouddc, css, dcs, rds, Config, ConfigError, ConstructionError};
use wiremock::MockServer;

/// A server that would accept anything, to prove nothing reaches it.
async fn idle_server() -> MockServer {
    server_answering(json(200, "{}")).await
}

fn assert_rejected(error: &ConstructionError, argument: &str, reason_contains: &str) {
    assert_eq!(error.argument(), argument, "{error}");
    assert!(
        error.reason().contains(reason_contains),
        "reason of `{argument}` should mention {reason_contains:?}: {error}"
    );
    assert!(error.to_string().contains("nothing was sent"), "{error}");
}

#[tokio::test]
async fn list_logs_job_limit_and_offset_bounds() {
    let server = idle_server().await;
    let client = css::Client::new(&config(&server));
    let cases = [
        (
            client.list_logs_job("c").limit(0),
            "limit",
            "at least 1, got 0",
        ),
        (
            client.list_logs_job("c").limit(1001),
            "limit",
            "at most 1000, got 1001",
        ),
        (
            client.list_logs_job("c").limit(-5),
            "limit",
            "at least 1, got -5",
        ),
        (
            client.list_logs_job("c").offset(0),
            "offset",
            "at least 1, got 0",
        ),
        (
            client.list_logs_job("c").offset(1001),
            "offset",
            "at most 1000, got 1001",
        ),
        (
            client.list_logs_job("c").offset(0).limit(10),
            "offset",
            "at least 1",
        ),
    ];
    for (call, argument, reason) in cases {
        let error = construction_error(call.send().await.unwrap_err());
        assert_rejected(&error, argument, reason);
    }
    assert_eq!(
        construction_error(client.list_logs_job("c").limit(0).send().await.unwrap_err())
            .to_string(),
        "invalid argument `limit`: must be at least 1, got 0; nothing was sent"
    );
    assert_no_request(&server).await;
}

#[tokio::test]
async fn empty_path_arguments_are_rejected_by_name() {
    let server = idle_server().await;
    let config = config(&server);
    let clouddc = clouddc::Client::new(&config);
    let dcs = dcs::Client::new(&config);
    let cases = [
        (
            construction_error(clouddc.export_server_logs("").send().await.unwrap_err()),
            "id",
        ),
        (
            construction_error(
                clouddc
                    .show_logs_export_status("", "1")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "id",
        ),
        (
            construction_error(
                clouddc
                    .show_logs_export_status("srv-1", "")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "export_id",
        ),
        (
            construction_error(
                clouddc
                    .download_server_logs("", "1")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "id",
        ),
        (
            construction_error(
                clouddc
                    .download_server_logs("srv-1", "")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "export_id",
        ),
        (
            construction_error(
                dcs.create_redislog_download_link("", "log-1")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "instance_id",
        ),
        (
            construction_error(
                dcs.create_redislog_download_link("inst-1", "")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "id",
        ),
        (
            construction_error(
                rds::Client::new(&config)
                    .download_errorlog("")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "instance_id",
        ),
        (
            construction_error(
                css::Client::new(&config)
                    .list_logs_job("")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            "cluster_id",
        ),
    ];
    for (error, argument) in &cases {
        assert_rejected(error, argument, "must not be empty");
    }
    assert_no_request(&server).await;
}

#[tokio::test]
async fn dot_segments_are_rejected() {
    let server = idle_server().await;
    let config = config(&server);
    let clouddc = clouddc::Client::new(&config);
    for value in [".", ".."] {
        let cases = [
            (
                construction_error(clouddc.export_server_logs(value).send().await.unwrap_err()),
                "id",
            ),
            (
                construction_error(
                    clouddc
                        .show_logs_export_status("srv-1", value)
                        .send()
                        .await
                        .unwrap_err(),
                ),
                "export_id",
            ),
            (
                construction_error(
                    clouddc
                        .download_server_logs(value, "1")
                        .send()
                        .await
                        .unwrap_err(),
                ),
                "id",
            ),
            (
                construction_error(
                    dcs::Client::new(&config)
                        .create_redislog_download_link("inst-1", value)
                        .send()
                        .await
                        .unwrap_err(),
                ),
                "id",
            ),
            (
                construction_error(
                    rds::Client::new(&config)
                        .download_errorlog(value)
                        .send()
                        .await
                        .unwrap_err(),
                ),
                "instance_id",
            ),
            (
                construction_error(
                    css::Client::new(&config)
                        .list_logs_job(value)
                        .send()
                        .await
                        .unwrap_err(),
                ),
                "cluster_id",
            ),
            (
                construction_error(
                    css::Client::new(&config)
                        .list_logs_job("c")
                        .project_id(value)
                        .send()
                        .await
                        .unwrap_err(),
                ),
                "project_id",
            ),
        ];
        for (error, argument) in &cases {
            assert_rejected(
                error,
                argument,
                &format!("`{value}` cannot be a path segment"),
            );
        }
    }
    assert_no_request(&server).await;
}

#[tokio::test]
async fn missing_project_id_is_rejected_by_every_operation() {
    let server = idle_server().await;
    let config = config_without_project(&server);
    assert_eq!(config.project_id(), None);
    let clouddc = clouddc::Client::new(&config);
    let errors = [
        construction_error(
            clouddc
                .export_server_logs("srv-1")
                .send()
                .await
                .unwrap_err(),
        ),
        construction_error(
            clouddc
                .show_logs_export_status("srv-1", "1")
                .send()
                .await
                .unwrap_err(),
        ),
        construction_error(
            clouddc
                .download_server_logs("srv-1", "1")
                .send()
                .await
                .unwrap_err(),
        ),
        construction_error(
            dcs::Client::new(&config)
                .create_redislog_download_link("inst-1", "log-1")
                .send()
                .await
                .unwrap_err(),
        ),
        construction_error(
            rds::Client::new(&config)
                .download_errorlog("inst-1")
                .send()
                .await
                .unwrap_err(),
        ),
        construction_error(
            css::Client::new(&config)
                .list_logs_job("cluster-1")
                .send()
                .await
                .unwrap_err(),
        ),
    ];
    for error in &errors {
        assert_rejected(error, "project_id", "not set");
    }
    assert_no_request(&server).await;
}

#[tokio::test]
async fn empty_per_call_project_id_is_rejected() {
    let server = idle_server().await;
    let error = construction_error(
        css::Client::new(&config(&server))
            .list_logs_job("cluster-1")
            .project_id("")
            .send()
            .await
            .unwrap_err(),
    );
    assert_rejected(&error, "project_id", "must not be empty");
    assert_no_request(&server).await;
}

#[tokio::test]
async fn language_header_with_control_characters_is_rejected() {
    let server = idle_server().await;
    let client = rds::Client::new(&config(&server));
    for value in ["en-us\r\nX-Injected: 1", "en\nus", "en\rus", "en\0us"] {
        let error = construction_error(
            client
                .download_errorlog("inst-1")
                .x_language(value)
                .send()
                .await
                .unwrap_err(),
        );
        assert_rejected(&error, "x_language", "cannot be sent in a header");
    }
    assert_no_request(&server).await;
}

fn build_error(builder: cloud_logs_client::ConfigBuilder) -> ConfigError {
    builder.build().expect_err("the config must be rejected")
}

#[test]
fn config_rejects_unusable_tokens() {
    for token in ["a\r\nb", "a\nb", "a\0b", ""] {
        let error = build_error(
            Config::builder()
                .endpoint("http://127.0.0.1:9")
                .token(token),
        );
        assert!(
            matches!(error, ConfigError::InvalidCredentials(_)),
            "{token:?}: {error:?}"
        );
        if !token.is_empty() {
            assert!(
                !error.to_string().contains(token),
                "the message echoes the token"
            );
        }
    }
}

#[test]
fn config_rejects_unusable_endpoints() {
    for endpoint in [
        "ftp://x",
        "not a url",
        "127.0.0.1:8080",
        "",
        "file:///etc/passwd",
        "http://user:pass@127.0.0.1:1",
        "http://127.0.0.1:1/?a=b",
        "http://127.0.0.1:1/#frag",
    ] {
        let error = build_error(Config::builder().endpoint(endpoint).token("t"));
        match &error {
            // The message repeats the endpoint with any `user:password@` hidden.
            ConfigError::InvalidEndpoint { endpoint: e, .. } => {
                assert_eq!(e, &endpoint.replace("user:pass@", "***@"))
            }
            other => panic!("{endpoint:?}: expected InvalidEndpoint, got {other:?}"),
        }
    }
    // Without an endpoint, each service uses its spec's server for the configured region.
    let config = Config::builder()
        .token("t")
        .region("eu-nl")
        .build()
        .unwrap();
    assert_eq!(config.endpoint(), None);
    assert_eq!(config.region(), Some("eu-nl"));
    assert_eq!(
        cloud_logs_client::css::endpoint_for_region("eu-nl"),
        "https://css.eu-nl.otc.t-systems.com"
    );
}

#[test]
fn config_rejects_empty_project_id_and_bad_user_agent() {
    assert!(matches!(
        build_error(
            Config::builder()
                .endpoint("http://127.0.0.1:1")
                .project_id("")
        ),
        ConfigError::Invalid {
            what: "project id",
            ..
        }
    ));
    assert!(matches!(
        build_error(
            Config::builder()
                .endpoint("http://127.0.0.1:1")
                .user_agent("agent\r\nX-Injected: 1")
        ),
        ConfigError::Invalid {
            what: "user agent",
            ..
        }
    ));
}

#[test]
fn config_accepts_http_and_https_endpoints() {
    for endpoint in [
        "http://127.0.0.1:8080",
        "https://css.eu-de.otc.t-systems.com",
        "http://127.0.0.1:8080/prefix/",
    ] {
        let config = Config::builder()
            .endpoint(endpoint)
            .token(TOKEN)
            .project_id(PROJECT)
            .build()
            .unwrap_or_else(|e| panic!("{endpoint}: {e}"));
        assert_eq!(config.project_id(), Some(PROJECT));
    }
}
