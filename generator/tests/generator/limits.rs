//! Hostile sizes: a spec beyond the documented [`Limits`] is refused with a located
//! diagnostic before any work that grows with it, a spec just under them generates, and
//! lowering stays linear where it once was quadratic or worse.
//!
//! The documents are built in memory (no text to parse), so even the million-element ones
//! take well under a second in a debug build.

use clientgen::config::Limits;
use clientgen::load::LoadedSpec;
use clientgen::model;
use clientgen::{generate, Config};
use openapiv3::{
    Components, Info, MediaType, ObjectType, OpenAPI, Operation, PathItem, Paths, ReferenceOr,
    Response, Responses, Schema, SchemaData, SchemaKind, StatusCode, StringType, Type,
};
use std::time::{Duration, Instant};

/// What a refusal may take, generously for a loaded debug build; the check itself takes
/// milliseconds.
const REFUSAL: Duration = Duration::from_secs(10);

fn spec(schemas: impl IntoIterator<Item = (String, Schema)>, paths: Paths) -> LoadedSpec {
    let components = Components {
        schemas: schemas
            .into_iter()
            .map(|(name, schema)| (name, ReferenceOr::Item(schema)))
            .collect(),
        ..Components::default()
    };
    LoadedSpec {
        file: "big.yaml".to_owned(),
        stem: "big".to_owned(),
        document: OpenAPI {
            openapi: "3.0.3".to_owned(),
            info: Info {
                title: "t".to_owned(),
                version: "1".to_owned(),
                ..Info::default()
            },
            paths,
            components: Some(components),
            ..OpenAPI::default()
        },
        files_read: Vec::new(),
        origins: Vec::new(),
        warnings: Vec::new(),
    }
}

fn schema(kind: SchemaKind) -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: kind,
    }
}

fn string_enum(values: usize) -> Schema {
    schema(SchemaKind::Type(Type::String(StringType {
        enumeration: (0..values).map(|i| Some(format!("v{i}"))).collect(),
        ..StringType::default()
    })))
}

fn object(properties: impl IntoIterator<Item = (String, ReferenceOr<Box<Schema>>)>) -> Schema {
    schema(SchemaKind::Type(Type::Object(ObjectType {
        properties: properties.into_iter().collect(),
        ..ObjectType::default()
    })))
}

fn string() -> ReferenceOr<Box<Schema>> {
    ReferenceOr::Item(Box::new(schema(SchemaKind::Type(Type::String(
        StringType::default(),
    )))))
}

fn reference(name: &str) -> ReferenceOr<Schema> {
    ReferenceOr::Reference {
        reference: format!("#/components/schemas/{name}"),
    }
}

fn boxed_reference(name: &str) -> ReferenceOr<Box<Schema>> {
    ReferenceOr::Reference {
        reference: format!("#/components/schemas/{name}"),
    }
}

/// Generates with `limits`, returning the diagnostics' text and how long it took.
fn refused(spec: &LoadedSpec, limits: Limits) -> (String, Duration) {
    let config = Config {
        limits,
        ..Config::default()
    };
    let started = Instant::now();
    let result = generate(&config, std::slice::from_ref(spec));
    let took = started.elapsed();
    match result {
        Ok(_) => panic!("a spec beyond the limits generated"),
        Err(problems) => (problems.to_string(), took),
    }
}

const ITEMS_OVER: &str = "big.yaml:#: error: the spec describes more than 500000 items, the limit `items` (schemas, properties, enum values, members, operations, parameters and responses, a shared component counted at each use)\n  help: split the spec into several files (each becomes a module of its own), or raise the limit (`--limit items=N`, `Limits::max_items`) if the machine can afford it (each item costs time and memory)";

#[test]
fn an_enum_of_a_million_values_is_refused_at_once() {
    let spec = spec(
        [("Big".to_owned(), string_enum(1_000_000))],
        Paths::default(),
    );
    let (problems, took) = refused(&spec, Limits::default());
    assert_eq!(
        problems,
        format!(
            "big.yaml:#/components/schemas/Big/enum: error: 1000000 enum values, more than the limit of 10000 (`enum-values`)\n  help: declare a plain `type: string` and list the values in the description, or raise the limit (`--limit enum-values=N`, `Limits`) if the API really needs it\n{ITEMS_OVER}\n2 problems found"
        )
    );
    assert!(took < REFUSAL, "refusal took {took:?}");
}

#[test]
fn a_million_schemas_are_refused_at_once() {
    let schemas = (0..1_000_000).map(|i| (format!("S{i}"), object([("a".to_owned(), string())])));
    let spec = spec(schemas, Paths::default());
    let (problems, took) = refused(&spec, Limits::default());
    assert_eq!(
        problems,
        format!(
            "big.yaml:#/components/schemas: error: 1000000 component schemas, more than the limit of 50000 (`schemas`)\n  help: split the spec into several files (each is a module of its own), or raise the limit (`--limit schemas=N`, `Limits`) if the API really needs it\n{ITEMS_OVER}\n2 problems found"
        )
    );
    assert!(took < REFUSAL, "refusal took {took:?}");
}

#[test]
fn each_limit_is_located_and_named() {
    let limits = Limits {
        max_properties: 3,
        max_members: 2,
        ..Limits::default()
    };
    let wide = object((0..4).map(|i| (format!("p{i}"), string())));
    let choice = schema(SchemaKind::OneOf {
        one_of: vec![reference("Wide"), reference("Wide"), reference("Wide")],
    });
    let spec = spec(
        [("Wide".to_owned(), wide), ("Choice".to_owned(), choice)],
        Paths::default(),
    );
    let (problems, _) = refused(&spec, limits);
    assert_eq!(
        problems,
        "big.yaml:#/components/schemas/Wide/properties: error: 4 properties, more than the limit of 3 (`properties`)\n  help: group the properties into nested objects, or declare a map (`additionalProperties`), or raise the limit (`--limit properties=N`, `Limits`) if the API really needs it\nbig.yaml:#/components/schemas/Choice/oneOf: error: 3 `oneOf` members, more than the limit of 2 (`members`)\n  help: group the members into nested schemas, or raise the limit (`--limit members=N`, `Limits`) if the API really needs it\n2 problems found"
    );
}

fn operation_returning(schema: ReferenceOr<Schema>) -> Operation {
    let mut content = indexmap::IndexMap::new();
    content.insert(
        "application/json".to_owned(),
        MediaType {
            schema: Some(schema),
            ..MediaType::default()
        },
    );
    let mut responses = Responses::default();
    responses.responses.insert(
        StatusCode::Code(200),
        ReferenceOr::Item(Response {
            description: "ok".to_owned(),
            content,
            ..Response::default()
        }),
    );
    Operation {
        responses,
        ..Operation::default()
    }
}

#[test]
fn operations_and_shared_components_count_at_each_use() {
    // One operation per path: 11 operations over a limit of 10.
    let mut paths = Paths::default();
    for i in 0..11 {
        let item = PathItem {
            get: Some(operation_returning(reference("Small"))),
            ..PathItem::default()
        };
        paths
            .paths
            .insert(format!("/x{i}"), ReferenceOr::Item(item));
    }
    let small = spec([("Small".to_owned(), string_enum(2))], paths);
    let (problems, _) = refused(
        &small,
        Limits {
            max_operations: 10,
            ..Limits::default()
        },
    );
    assert_eq!(
        problems,
        "big.yaml:#/paths: error: 11 operations, more than the limit of 10 (`operations`)\n  help: split the spec into several files (each is a module of its own), or raise the limit (`--limit operations=N`, `Limits`) if the API really needs it"
    );
    // An `allOf` of two of the one before, forty levels deep: two to the fortieth merged
    // members if expanded; refused once the walk passes the limit.
    let levels = (0..40).map(|i| {
        let next = format!("L{}", i + 1);
        let merged = schema(SchemaKind::AllOf {
            all_of: vec![reference(&next), reference(&next)],
        });
        (format!("L{i}"), merged)
    });
    let last = [(
        "L40".to_owned(),
        object([("a".to_owned(), boxed_reference("L40"))]),
    )];
    let doubling = spec(levels.chain(last), Paths::default());
    let (problems, took) = refused(&doubling, Limits::default());
    assert_eq!(problems, ITEMS_OVER);
    assert!(took < REFUSAL, "refusal took {took:?}");
}

#[test]
fn just_under_the_limits_generates() {
    let limits = Limits::default();
    let spec = spec(
        [
            ("Big".to_owned(), string_enum(limits.max_enum_values)),
            (
                "Wide".to_owned(),
                object((0..1_000).map(|i| (format!("p{i}"), string()))),
            ),
        ],
        Paths::default(),
    );
    let files =
        generate(&Config::default(), std::slice::from_ref(&spec)).unwrap_or_else(|e| panic!("{e}"));
    let types = files
        .iter()
        .find(|f| f.path.ends_with("big/types.rs"))
        .expect("the module's types");
    assert!(
        types.contents.contains("V9999"),
        "the last value is generated"
    );
}

#[test]
fn limits_are_set_by_name() {
    let mut limits = Limits::default();
    limits.set_from("enum-values=20000").unwrap();
    limits.set_from("items = 5").unwrap();
    assert_eq!(limits.max_enum_values, 20_000);
    assert_eq!(limits.max_items, 5);
    assert_eq!(
        limits.set_from("colors=3").unwrap_err(),
        "unknown limit \"colors\": use one of items, schemas, operations, enum-values, properties, members, parameters"
    );
    assert!(limits.set_from("items").is_err());
    assert!(limits.set_from("items=many").is_err());
}

/// The least of three timings of `f`, the steadiest measure on a busy machine.
fn fastest(f: impl Fn()) -> Duration {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .min()
        .unwrap()
}

/// Lowering `make(n)` four times as large must not take sixteen times as long: linear work
/// grows four times, the quadratic work these shapes once caused sixteen times.
fn assert_linear(what: &str, n: usize, make: impl Fn(usize) -> LoadedSpec) {
    let small = make(n);
    let large = make(4 * n);
    let lower = |spec: &LoadedSpec| {
        model::lower(spec, "big").unwrap_or_else(|e| panic!("{e}"));
    };
    // A busy machine (other tests, other builds) inflates one measurement now and then; a
    // quadratic cost shows in every one. So the ratio must fall under the bound in one of
    // five measurements (each the fastest of three runs), a bounded number of tries.
    let mut seen = Vec::new();
    for _ in 0..5 {
        let small_time = fastest(|| lower(&small));
        let large_time = fastest(|| lower(&large));
        let ratio = large_time.as_secs_f64() / small_time.as_secs_f64().max(1e-6);
        if ratio < 10.0 {
            return;
        }
        seen.push(format!("{small_time:?} -> {large_time:?} (x{ratio:.1})"));
    }
    panic!("{what}: {n} then {} items: {}", 4 * n, seen.join(", "));
}

#[test]
fn lowering_scales_linearly() {
    // A chain of aliases: each was followed to its end to look for cycles.
    assert_linear("alias chain", 2_000, |n| {
        let aliases = (0..n).map(|i| {
            let alias = schema(SchemaKind::AllOf {
                all_of: vec![reference(&format!("A{}", i + 1))],
            });
            (format!("A{i}"), alias)
        });
        let end = [(format!("A{n}"), object([("a".to_owned(), string())]))];
        spec(aliases.chain(end), Paths::default())
    });
    // Two identical chains of objects: merging them took one round over every type per
    // level.
    assert_linear("identical chains", 500, |n| {
        let chains = ["P", "Q"].into_iter().flat_map(move |c| {
            (0..n)
                .map(move |i| {
                    let next = boxed_reference(&format!("{c}{}", i + 1));
                    (format!("{c}{i}"), object([("n".to_owned(), next)]))
                })
                .chain([(format!("{c}{n}"), string_enum(2))])
        });
        spec(chains, Paths::default())
    });
    // Members whose names convert to the same identifier.
    assert_linear("colliding names", 2_000, |n| {
        // `a` followed by the digits of `i` in base four, written `_-.~`: all become `a`.
        let members = (0..n).map(|i| {
            let name: String = (0..8)
                .map(|d| ['_', '-', '.', '~'][(i >> (2 * d)) & 3])
                .collect();
            (format!("a{name}"), string())
        });
        spec([("Wide".to_owned(), object(members))], Paths::default())
    });
}
