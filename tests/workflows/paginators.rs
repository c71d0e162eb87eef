//! Paginators: CSS ListLogsJob (`offset` counts records from 1, `limit` is the page size,
//! `totalSize` the number of records) against a server that pages like the real one.

use super::common::{bounded, config, json, ok, query, requests, responding};
use cloud_logs_client::css::operations::{ListLogsJob, ListLogsJobError};
use cloud_logs_client::css::types::{ClusterLogRecord, CssTimestamp, ListLogsJobResponse};
use cloud_logs_client::{css, Error, PageError, Pages, ResponseValue};
use futures_util::StreamExt;
use serde_json::Value;
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

const RECORDS_PATH: &str = "/v1.0/proj/clusters/cluster-1/logs/records";
const BAD_REQUEST: &str = r#"{"error_code":"CSS.0015","error_msg":"The cluster is busy"}"#;

/// Whether the server's pages carry `totalSize`.
#[derive(Clone, Copy)]
enum Total {
    Exact,
    Absent,
}

/// A cluster with records `rec-1` to `rec-{count}`, paged as the request's `offset` (1-based,
/// default 1) and `limit` (default 10) say; either outside 1..=1000 is a 400, as the document
/// has it.
struct Records {
    count: i64,
    total: Total,
    /// Answer every request with the first page (a server ignoring `offset`).
    ignore_offset: bool,
    /// Answer the request for this offset with a 400.
    fail_at: Option<i64>,
}

impl Records {
    fn new(count: i64, total: Total) -> Self {
        Records {
            count,
            total,
            ignore_offset: false,
            fail_at: None,
        }
    }
}

fn record(n: i64) -> Value {
    serde_json::json!({
        "id": format!("rec-{n}"),
        "clusterId": "cluster-1",
        "createAt": 1_656_042_837_000_i64 + n,
        "logPath": "css-backup-1610678043608/css/log",
        "status": "SUCCESS",
        "jobTypes": "Manual",
        "jobId": format!("job-{n}"),
    })
}

impl Respond for Records {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let number = |name: &str, default: i64| {
            query(request, name).map_or(default, |v| v.parse().expect("a decimal parameter"))
        };
        let offset = number("offset", 1);
        let limit = number("limit", 10);
        if !(1..=1000).contains(&offset) || !(1..=1000).contains(&limit) {
            return json(400, BAD_REQUEST);
        }
        if self.fail_at == Some(offset) {
            return json(400, BAD_REQUEST);
        }
        let start = if self.ignore_offset { 1 } else { offset };
        let records: Vec<Value> = (start..start + limit)
            .filter(|n| *n <= self.count)
            .map(record)
            .collect();
        let mut body = serde_json::json!({ "clusterLogRecord": records });
        if let Total::Exact = self.total {
            body["totalSize"] = self.count.into();
        }
        ok(body)
    }
}

/// A fresh server paging `records`, and a builder for its cluster.
async fn server(records: Records) -> (MockServer, ListLogsJob) {
    let server = responding(records).await;
    let builder = css::Client::new(&config(&server)).list_logs_job("cluster-1");
    (server, builder)
}

/// The `offset` and `limit` query parameters of every request `server` received, in order
/// (`None` when not sent), after checking each was a GET of the records.
async fn sent(server: &MockServer) -> Vec<(Option<String>, Option<String>)> {
    requests(server)
        .await
        .iter()
        .map(|r| {
            assert_eq!(r.method.as_str(), "GET");
            assert_eq!(r.url.path(), RECORDS_PATH);
            (query(r, "offset"), query(r, "limit"))
        })
        .collect()
}

/// The offsets of every request `server` received.
async fn offsets(server: &MockServer) -> Vec<String> {
    sent(server)
        .await
        .into_iter()
        .map(|(offset, _)| offset.expect("every page names its offset"))
        .collect()
}

fn ids(records: &[ClusterLogRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| r.id.clone().expect("every record has an id"))
        .collect()
}

fn expected_ids(range: std::ops::RangeInclusive<i64>) -> Vec<String> {
    range.map(|n| format!("rec-{n}")).collect()
}

type PageResult = Result<ResponseValue<ListLogsJobResponse>, PageError<ListLogsJobError>>;

/// Every page of `pages` (with `next`, no stream trait), failing the test past 50 pages.
async fn all_pages(
    mut pages: Pages<ListLogsJobResponse, ClusterLogRecord, ListLogsJobError>,
) -> Vec<PageResult> {
    let mut all = Vec::new();
    while let Some(page) = pages.next().await {
        all.push(page);
        assert!(all.len() <= 50, "paging does not end");
    }
    // Ended streams stay ended.
    assert!(pages.next().await.is_none());
    all
}

/// The records of each page, failing on an error.
fn page_ids(pages: &[PageResult]) -> Vec<Vec<String>> {
    pages
        .iter()
        .map(|p| match p {
            Ok(page) => ids(page.cluster_log_record.as_deref().unwrap_or_default()),
            Err(e) => panic!("unexpected page error: {e:?}"),
        })
        .collect()
}

fn sizes(pages: &[PageResult]) -> Vec<usize> {
    page_ids(pages).iter().map(Vec::len).collect()
}

#[tokio::test]
async fn pages_follow_offsets_to_the_exact_total() {
    bounded(async {
        let (server, builder) = server(Records::new(25, Total::Exact)).await;
        let pages = all_pages(builder.limit(10).pages()).await;
        assert_eq!(sizes(&pages), [10, 10, 5]);
        let records: Vec<String> = page_ids(&pages).concat();
        assert_eq!(records, expected_ids(1..=25));
        let first = pages[0].as_ref().unwrap();
        assert_eq!(first.status().as_u16(), 200);
        assert_eq!(first.total_size, Some(25));
        assert_eq!(
            first.cluster_log_record.as_ref().unwrap()[0].create_at,
            Some(CssTimestamp::Integer(1_656_042_837_001))
        );
        assert_eq!(
            sent(&server).await,
            [("1", "10"), ("11", "10"), ("21", "10")]
                .map(|(o, l)| (Some(o.to_owned()), Some(l.to_owned())))
        );
    })
    .await;
}

#[tokio::test]
async fn items_yield_every_record_in_order() {
    bounded(async {
        // No limit on the builder: the page size is the service's default, 10.
        let (server, builder) = server(Records::new(25, Total::Exact)).await;
        let records = builder.items().try_collect().await.expect("three pages");
        assert_eq!(ids(&records), expected_ids(1..=25));
        assert_eq!(offsets(&server).await, ["1", "11", "21"]);
    })
    .await;
}

#[tokio::test]
async fn pages_and_items_are_streams() {
    bounded(async {
        let (server, builder) = server(Records::new(12, Total::Exact)).await;
        let pages: Vec<PageResult> = StreamExt::collect(builder.clone().limit(5).pages()).await;
        assert_eq!(sizes(&pages), [5, 5, 2]);
        let items: Vec<_> = StreamExt::collect(builder.limit(5).items()).await;
        let items: Vec<ClusterLogRecord> = items
            .into_iter()
            .map(|item| item.expect("no error"))
            .collect();
        assert_eq!(ids(&items), expected_ids(1..=12));
        assert_eq!(offsets(&server).await, ["1", "6", "11", "1", "6", "11"]);
    })
    .await;
}

#[tokio::test]
async fn exact_total_on_a_page_boundary_needs_no_extra_request() {
    bounded(async {
        let (server, builder) = server(Records::new(20, Total::Exact)).await;
        let pages = all_pages(builder.limit(10).pages()).await;
        assert_eq!(sizes(&pages), [10, 10]);
        assert_eq!(offsets(&server).await, ["1", "11"]);
    })
    .await;
}

#[tokio::test]
async fn without_total_a_full_last_page_is_followed_by_an_empty_one() {
    bounded(async {
        let (server, builder) = server(Records::new(20, Total::Absent)).await;
        let pages = all_pages(builder.clone().limit(10).pages()).await;
        assert_eq!(sizes(&pages), [10, 10, 0]);
        assert_eq!(pages[2].as_ref().unwrap().total_size, None);
        assert_eq!(offsets(&server).await, ["1", "11", "21"]);
        let records = builder.items().try_collect().await.expect("three pages");
        assert_eq!(ids(&records), expected_ids(1..=20));
        assert_eq!(offsets(&server).await, ["1", "11", "21", "1", "11", "21"]);
    })
    .await;
}

#[tokio::test]
async fn without_total_a_short_page_is_the_last() {
    bounded(async {
        let (server, builder) = server(Records::new(15, Total::Absent)).await;
        let pages = all_pages(builder.limit(10).pages()).await;
        assert_eq!(sizes(&pages), [10, 5]);
        assert_eq!(offsets(&server).await, ["1", "11"]);
    })
    .await;
}

#[tokio::test]
async fn an_empty_listing_is_one_request() {
    bounded(async {
        let (server, builder) = server(Records::new(0, Total::Exact)).await;
        let pages = all_pages(builder.pages()).await;
        assert_eq!(sizes(&pages), [0]);
        assert_eq!(pages[0].as_ref().unwrap().total_size, Some(0));
        assert_eq!(offsets(&server).await, ["1"]);
    })
    .await;
}

#[tokio::test]
async fn a_server_repeating_its_page_ends_paging_with_not_advancing() {
    bounded(async {
        let mut records = Records::new(100, Total::Exact);
        records.ignore_offset = true;
        let (server, builder) = server(records).await;
        let mut pages = builder.limit(10).pages();
        let first = pages.next().await.expect("a first page").expect("no error");
        assert_eq!(
            ids(first.cluster_log_record.as_deref().unwrap()),
            expected_ids(1..=10)
        );
        match pages.next().await {
            Some(Err(PageError::NotAdvancing { offset, pages })) => {
                assert_eq!(offset, 11);
                assert_eq!(pages, 2);
            }
            other => panic!("expected NotAdvancing, got {other:?}"),
        }
        assert!(
            pages.next().await.is_none(),
            "the stream ends after the error"
        );
        assert!(pages.next().await.is_none());
        assert_eq!(pages.pages_fetched(), 2);
        assert_eq!(offsets(&server).await, ["1", "11"]);
    })
    .await;
}

#[tokio::test]
async fn items_report_not_advancing_after_the_first_page() {
    bounded(async {
        let mut records = Records::new(100, Total::Exact);
        records.ignore_offset = true;
        let (server, builder) = server(records).await;
        let mut items = builder.items();
        for n in 1..=10 {
            let item = items.next().await.expect("an item").expect("no error");
            assert_eq!(item.id, Some(format!("rec-{n}")));
        }
        let err = items
            .next()
            .await
            .expect("an error")
            .expect_err("not advancing");
        assert!(
            matches!(err, PageError::NotAdvancing { offset: 11, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("offset 11"), "{err}");
        assert!(items.next().await.is_none());
        assert_eq!(offsets(&server).await, ["1", "11"]);
    })
    .await;
}

#[tokio::test]
async fn builder_offset_limit_and_filters_are_respected() {
    bounded(async {
        let (server, builder) = server(Records::new(13, Total::Exact)).await;
        let records = builder
            .offset(5)
            .limit(3)
            .status("FAIL")
            .items()
            .try_collect()
            .await
            .expect("three pages");
        assert_eq!(ids(&records), expected_ids(5..=13));
        let all = requests(&server).await;
        assert_eq!(
            all.len(),
            3,
            "records 5-7, 8-10, 11-13 reach the total of 13"
        );
        for request in &all {
            assert_eq!(query(request, "limit").as_deref(), Some("3"));
            assert_eq!(query(request, "status").as_deref(), Some("FAIL"));
            assert_eq!(
                super::common::header(request, "x-auth-token"),
                Some(super::common::TOKEN)
            );
        }
        assert_eq!(offsets(&server).await, ["5", "8", "11"]);
    })
    .await;
}

#[tokio::test]
async fn a_failed_page_ends_paging_with_its_offset() {
    bounded(async {
        let mut records = Records::new(30, Total::Exact);
        records.fail_at = Some(11);
        let (server, builder) = server(records).await;
        let mut pages = builder.clone().limit(10).pages();
        let first = pages.next().await.expect("a first page").expect("no error");
        assert_eq!(first.cluster_log_record.as_ref().unwrap().len(), 10);
        match pages.next().await {
            Some(Err(PageError::Operation { error, offset })) => {
                assert_eq!(offset, 11);
                assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
                assert_eq!(error.code(), Some("CSS.0015"));
                assert!(
                    matches!(
                        error.as_service_error(),
                        Some(ListLogsJobError::BadRequest(_))
                    ),
                    "{error:?}"
                );
            }
            other => panic!("expected an operation error, got {other:?}"),
        }
        assert!(
            pages.next().await.is_none(),
            "the stream ends after the error"
        );
        assert_eq!(offsets(&server).await, ["1", "11"]);

        // Collecting the items gives the error, not a partial list.
        let err = builder
            .limit(10)
            .items()
            .try_collect()
            .await
            .expect_err("page 2 fails");
        assert!(
            matches!(err, PageError::Operation { offset: 11, .. }),
            "{err:?}"
        );
        assert!(std::error::Error::source(&err).is_some());
        assert!(err.to_string().contains("offset 11"), "{err}");
        assert_eq!(offsets(&server).await, ["1", "11", "1", "11"]);
    })
    .await;
}

#[tokio::test]
async fn an_offset_past_1000_is_refused_before_sending() {
    bounded(async {
        let (server, builder) = server(Records::new(1100, Total::Exact)).await;
        let mut pages = builder.offset(999).limit(2).pages();
        let first = pages.next().await.expect("a first page").expect("no error");
        assert_eq!(
            ids(first.cluster_log_record.as_deref().unwrap()),
            expected_ids(999..=1000)
        );
        match pages.next().await {
            Some(Err(PageError::Operation {
                error: Error::Construction(e),
                offset,
            })) => {
                assert_eq!(offset, 1001);
                assert_eq!(e.argument(), "offset");
            }
            other => panic!("expected a construction error, got {other:?}"),
        }
        assert!(pages.next().await.is_none());
        // Only the first page was requested: offset 1001 was never sent.
        assert_eq!(
            sent(&server).await,
            [(Some("999".to_owned()), Some("2".to_owned()))]
        );
    })
    .await;
}
