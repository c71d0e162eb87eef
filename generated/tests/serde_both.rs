//! With the `serde-both` feature every type implements both `Serialize` and `Deserialize`:
//! a response serializes with its wire names into JSON that reads back to an equal value, and
//! values made in code serialize like the service's own. Hand-written (not generated): run
//! with `cargo test -p cloud-logs-client --features serde-both`.
#![cfg(feature = "serde-both")]

use cloud_logs_client::{clouddc, css, dcs, rds};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Debug;

/// Decodes `wire`, writes the value back and checks that the JSON is `wire` again (the same
/// members under the same names) and that it decodes to an equal value.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(wire: Value) -> T {
    let value: T = serde_json::from_value(wire.clone()).expect("the wire JSON decodes");
    let written = serde_json::to_value(&value).expect("the value serializes");
    assert_eq!(written, wire, "{value:?} is written as it was received");
    let again: T = serde_json::from_value(written).expect("the written JSON decodes");
    assert_eq!(again, value);
    value
}

#[test]
fn clouddc_responses_round_trip() {
    for (status, percentage) in [("running", json!("30%")), ("PAUSED", json!(100))] {
        let task: clouddc::types::LogExportTask = round_trip(json!({
            "export_id": "1",
            "status": status,
            "percentage": percentage,
            "created_at": "2024-07-01T11:32:49Z",
        }));
        assert_eq!(task.status.as_ref().map(|s| s.as_str()), Some(status));
    }
    round_trip::<clouddc::types::ErrorResponse>(json!({
        "error_code": "CloudDC.0001",
        "error_msg": "no such server",
    }));
}

#[test]
fn css_responses_round_trip() {
    let page: css::types::ListLogsJobResponse = round_trip(json!({
        "clusterLogRecord": [
            {
                "id": "a",
                "clusterId": "c",
                "createAt": "1656042837000",
                "logPath": "css/log",
                "status": "FAIL",
                "finishedAt": 1656042900000_i64,
                "jobTypes": "Auto",
                "failedMsg": "OBS bucket not found",
                "jobId": "j",
            },
            {"id": "b", "createAt": 1656042837000_i64, "status": "PAUSED", "jobTypes": "Scheduled"},
        ],
        "totalSize": 2,
    }));
    let records = page.cluster_log_record.expect("records");
    assert_eq!(records[0].status, Some(css::types::LogJobStatus::Fail));
    assert_eq!(records[1].status.as_ref().map(|s| s.as_str()), Some("PAUSED"));
    round_trip::<css::types::ErrorResponse>(json!({"error_code": "CSS.0001", "error_msg": "no"}));
}

#[test]
fn dcs_responses_round_trip_and_keep_the_link_out_of_debug() {
    let link: dcs::types::RedisLogLink = round_trip(json!({
        "id": "log-1",
        "backup_id": "task-1",
        "link": "https://obs.example.com/log?X-Amz-Signature=secret",
    }));
    // Serializing is asked for explicitly and writes the link (checked above); `Debug` never does.
    assert!(!format!("{link:?}").contains("secret"), "{link:?}");
    round_trip::<dcs::types::DcsErrorResponse>(json!({
        "error_msg": "no such instance",
        "error_code": "DCS.4039",
        "error_ext_msg": "more",
    }));
}

#[test]
fn rds_responses_round_trip() {
    let links: rds::types::ErrorLogLinks = round_trip(json!({
        "list": [{
            "workflow_id": "w",
            "file_name": "postgresql.log",
            "status": "SUCCESS",
            "file_size": "1024",
            "file_link": "https://obs.example.com/e?sig=secret",
            "create_at": 1,
            "update_at": 2,
        }],
        "status": "FINISH",
        "count": 1,
    }));
    assert!(!format!("{links:?}").contains("secret"), "{links:?}");
    round_trip::<rds::types::ErrorResponse>(json!({"error_code": "DBS.0001", "error_msg": "no"}));
}

#[test]
fn values_made_in_code_serialize_as_the_service_sends_them() {
    // A request parameter's enum, and a response made up for a test.
    let filter: css::types::LogJobStatusFilter = round_trip(json!("NOT_FAIL"));
    assert_eq!(filter, css::types::LogJobStatusFilter::NotFail);
    // Built as code outside the crate must build it (the struct is `#[non_exhaustive]`).
    let record = css::types::ClusterLogRecord::new()
        .with_id("a")
        .with_create_at(css::types::CssTimestamp::Integer(1656042837000))
        .with_status("PAUSED".parse::<css::types::LogJobStatus>().expect("any text is a status"))
        .with_job_types(css::types::LogJobType::Manual);
    let written = serde_json::to_value(&record).expect("serializes");
    assert_eq!(
        written,
        json!({"id": "a", "createAt": 1656042837000_i64, "status": "PAUSED", "jobTypes": "Manual"})
    );
    let again: css::types::ClusterLogRecord = serde_json::from_value(written).expect("decodes");
    assert_eq!(again, record);
}
