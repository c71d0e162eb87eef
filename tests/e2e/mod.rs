//! End-to-end tests of the generated client `cloud_logs_client`: every operation against a
//! wiremock server on 127.0.0.1.

/// Calls the operations with fixed arguments and applies `$check` (a function generic over
/// the operation's error type) to each call's error, with `$args` after it. `without_rds`
/// leaves DownloadErrorlog out: its `default` response documents every status.
macro_rules! check_each_error {
    (without_rds, $config:expr, $check:ident $(, $arg:expr)*) => {{
        let config = &$config;
        let clouddc = cloud_logs_client::clouddc::Client::new(config);
        $check(&clouddc.export_server_logs("srv-1").send().await.unwrap_err() $(, $arg)*);
        $check(&clouddc.show_logs_export_status("srv-1", "1").send().await.unwrap_err() $(, $arg)*);
        $check(&clouddc.download_server_logs("srv-1", "1").send().await.unwrap_err() $(, $arg)*);
        $check(
            &cloud_logs_client::dcs::Client::new(config)
                .create_redislog_download_link("inst-1", "log-1")
                .send()
                .await
                .unwrap_err()
            $(, $arg)*
        );
        $check(
            &cloud_logs_client::css::Client::new(config)
                .list_logs_job("cluster-1")
                .send()
                .await
                .unwrap_err()
            $(, $arg)*
        );
    }};
    (all, $config:expr, $check:ident $(, $arg:expr)*) => {{
        check_each_error!(without_rds, $config, $check $(, $arg)*);
        $check(
            &cloud_logs_client::rds::Client::new(&$config)
                .download_errorlog("inst-1")
                .send()
                .await
                .unwrap_err()
            $(, $arg)*
        );
    }};
}

pub mod common;
mod decoding;
mod examples;
mod paths;
mod redaction;
mod redirects;
mod requests;
mod service_errors;
mod undocumented;
mod validation;
