//! The documents' example response bodies, copied verbatim from the specs' `examples`, and a
//! check that the copies still match the specs.

/// `ExportServerLogs` 202, example `running` (spec/clouddc.yaml), with its stray
/// "Content-Type" member.
pub const EXPORT_SERVER_LOGS_202: &str = r#"{
  "export_id": "1",
  "status": "Running",
  "percentage": "30%",
  "created_at": "2024-07-01T11:32:49Z",
  "Content-Type": "application/json; charset=utf-8"
}"#;

/// `ShowLogsExportStatus` 200, example `running` (spec/clouddc.yaml).
pub const SHOW_LOGS_EXPORT_STATUS_200: &str = r#"{
  "export_id": "1",
  "status": "Running",
  "percentage": "30%",
  "created_at": "2024-07-01T11:32:49Z"
}"#;

/// `CreateRedislogDownloadLink` 200, example `link` (spec/dcs.yaml).
pub const CREATE_REDISLOG_DOWNLOAD_LINK_200: &str = r#"{
  "id": "3ea6ce21-048e-447a-83c3-3fb004b88439",
  "backup_id": "3ea6ce21-048e-447a-83c3-3fb004b88439",
  "link": "https://bucketxxxxx.{obs_endpoint}:443/xxxxx/redis_192.168.x.x_2021-04-16.log?AWSAccessKeyId=xxxxx"
}"#;

/// The pre-signed link of [`CREATE_REDISLOG_DOWNLOAD_LINK_200`].
pub const REDIS_LINK: &str =
    "https://bucketxxxxx.{obs_endpoint}:443/xxxxx/redis_192.168.x.x_2021-04-16.log?AWSAccessKeyId=xxxxx";

/// `DownloadErrorlog` 200, example `finished` (spec/rds.yaml).
pub const DOWNLOAD_ERRORLOG_200: &str = r#"{
  "list": [
    {
      "workflow_id": "44fb1d85-2fcc-4d63-ad3b-c3d1ecd7000e",
      "file_name": "054bc9c1f680d55c1f36c006e5a9f67b_errorlog_download_20200515080614589",
      "status": "success",
      "file_size": "0",
      "file_link": "****.com:443/054bc9c1f680d55c1f36c006e5a9f67b_errorlog_download_20200515080614589?AWSAccessKeyId=1BQ38TBCQHAVQXBUMUTC&Expires=1589530200&response-cache-control=no-cache%2Cno-store&Signature=Fgi4%2BLOJ9frAXyOkz5hRoW5O%2BUM%3D",
      "create_at": 1589529991385,
      "update_at": 1589529991385
    }
  ],
  "status": "finish",
  "count": 1
}"#;

/// The pre-signed link of [`DOWNLOAD_ERRORLOG_200`].
pub const RDS_FILE_LINK: &str = "****.com:443/054bc9c1f680d55c1f36c006e5a9f67b_errorlog_download_20200515080614589?AWSAccessKeyId=1BQ38TBCQHAVQXBUMUTC&Expires=1589530200&response-cache-control=no-cache%2Cno-store&Signature=Fgi4%2BLOJ9frAXyOkz5hRoW5O%2BUM%3D";

/// `ListLogsJob` 200, example `firstTen` (spec/css.yaml).
pub const LIST_LOGS_JOB_200: &str = r#"{
  "clusterLogRecord": [
    {
      "id": "d455a541-597e-4846-a6be-baad0ea361b1",
      "clusterId": "4213d908-f5dc-4633-8401-cfd7175fca0c",
      "createAt": 1656042837000,
      "logPath": "css-backup-1610678043608/css/log",
      "status": "RUNNING",
      "jobTypes": "Manual",
      "jobId": "2c9080df7c171342017c5e0884f8011c"
    }
  ]
}"#;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The example `name` of the `status` response of `method path` in `spec/<file>`.
    fn spec_example(file: &str, path: &str, method: &str, status: &str, name: &str) -> Value {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let spec_path = root.join("spec").join(file);
        let text = std::fs::read_to_string(&spec_path)
            .unwrap_or_else(|e| panic!("read {}: {e}", spec_path.display()));
        let document = clientgen::load::parse_document(file, &text)
            .unwrap_or_else(|e| panic!("parse {file}: {e:?}"));
        document["paths"][path][method]["responses"][status]["content"]["application/json"]
            ["examples"][name]["value"]
            .clone()
    }

    fn parsed(text: &str) -> Value {
        serde_json::from_str(text).expect("the copied example is JSON")
    }

    #[test]
    fn copied_examples_match_the_specs() {
        let cases = [
            (
                "clouddc.yaml",
                "/v1/{project_id}/physicalservers/{id}/logs/exports",
                "post",
                "202",
                "running",
                EXPORT_SERVER_LOGS_202,
            ),
            (
                "clouddc.yaml",
                "/v1/{project_id}/physicalservers/{id}/logs/exports/{export_id}",
                "get",
                "200",
                "running",
                SHOW_LOGS_EXPORT_STATUS_200,
            ),
            (
                "dcs.yaml",
                "/v2/{project_id}/instances/{instance_id}/redislog/{id}/links",
                "post",
                "200",
                "link",
                CREATE_REDISLOG_DOWNLOAD_LINK_200,
            ),
            (
                "rds.yaml",
                "/v3/{project_id}/instances/{instance_id}/errorlog-download",
                "post",
                "200",
                "finished",
                DOWNLOAD_ERRORLOG_200,
            ),
            (
                "css.yaml",
                "/v1.0/{project_id}/clusters/{cluster_id}/logs/records",
                "get",
                "200",
                "firstTen",
                LIST_LOGS_JOB_200,
            ),
        ];
        for (file, path, method, status, name, copy) in cases {
            let expected = spec_example(file, path, method, status, name);
            assert!(expected.is_object(), "{file} {path}: no example `{name}`");
            assert_eq!(parsed(copy), expected, "{file} {path}: example `{name}`");
        }
        assert_eq!(
            parsed(CREATE_REDISLOG_DOWNLOAD_LINK_200)["link"],
            Value::from(REDIS_LINK)
        );
        assert_eq!(
            parsed(DOWNLOAD_ERRORLOG_200)["list"][0]["file_link"],
            Value::from(RDS_FILE_LINK)
        );
    }
}
