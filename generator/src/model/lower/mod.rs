//! Lowering: a loaded OpenAPI document to the [`Api`] model.
//!
//! Problems are collected, not returned at the first one, so a user sees everything wrong
//! with a spec in one run. A construct the generator cannot represent faithfully is reported,
//! never approximated into code that would misbehave.

mod conventions;
mod dedupe;
mod errors;
mod limits;
mod operation;
mod recursion;
mod schema;
mod security;
mod usage;
mod workflow;

pub use operation::OPERATIONS_MODULE_NAMES;

use super::naming::{self, Scope};
use super::{Api, Server, ServerVariable, TypeDef};
use crate::config::Limits;
use crate::diagnostics::{pointer, Diagnostic, Diagnostics};
use crate::load::LoadedSpec;
use openapiv3::{OpenAPI, ReferenceOr};
use std::collections::BTreeMap;

/// Lowers one loaded spec into the model of the module `module`, within the default
/// [`Limits`].
pub fn lower(spec: &LoadedSpec, module: &str) -> Result<Api, Diagnostics> {
    lower_within(spec, module, &Limits::default())
}

/// Lowers one loaded spec into the model of the module `module`, refusing a spec beyond
/// `limits` before any work that grows with it.
pub fn lower_within(spec: &LoadedSpec, module: &str, limits: &Limits) -> Result<Api, Diagnostics> {
    let problems = limits::check(&spec.file, &spec.document, limits);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let mut cx = Context::new(spec);
    cx.security_schemes = security::lower_schemes(&mut cx);
    let conventions = conventions::lower_conventions(&mut cx);
    cx.name_component_schemas();
    cx.lower_component_schemas();
    let (mut operations, pending, mut methods) = operation::lower_operations(&mut cx);
    dedupe::merge_identical_types(&mut cx.types);
    cx.break_cycles();
    workflow::lower_workflows(&mut cx, &mut operations, pending, &mut methods);
    usage::mark_usage(&mut cx.types, &operations);
    let service_error = errors::lower_errors(module, &mut operations);
    let (mut warnings, errors): (Vec<Diagnostic>, Vec<Diagnostic>) =
        cx.diagnostics.into_iter().partition(Diagnostic::is_warning);
    warnings.splice(0..0, spec.warnings.iter().cloned());
    if !errors.is_empty() {
        // The warnings too: the whole picture of the spec in one run.
        return Err(Diagnostics(errors.into_iter().chain(warnings).collect()));
    }
    let doc = &spec.document;
    Ok(Api {
        module: module.to_owned(),
        source: spec.file.clone(),
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        servers: lower_servers(doc),
        types: cx.types,
        operations,
        security_schemes: cx.security_schemes,
        conventions,
        service_error,
        warnings,
    })
}

/// What lowering one document needs at hand.
pub(crate) struct Context<'a> {
    pub file: &'a str,
    pub doc: &'a OpenAPI,
    /// Component schema name to its Rust type name.
    pub schema_names: BTreeMap<String, String>,
    pub type_scope: Scope,
    pub types: Vec<TypeDef>,
    /// Type name to its place in `types`: lookups stay cheap on specs with thousands of types.
    pub type_index: BTreeMap<String, usize>,
    pub diagnostics: Vec<Diagnostic>,
    pub security_schemes: Vec<super::SecurityScheme>,
}

impl<'a> Context<'a> {
    fn new(spec: &'a LoadedSpec) -> Self {
        Context {
            file: &spec.file,
            doc: &spec.document,
            schema_names: BTreeMap::new(),
            type_scope: Scope::new(),
            types: Vec::new(),
            type_index: BTreeMap::new(),
            diagnostics: Vec::new(),
            security_schemes: Vec::new(),
        }
    }

    /// The type named `name`.
    pub fn type_named(&self, name: &str) -> Option<&TypeDef> {
        self.type_index.get(name).map(|&i| &self.types[i])
    }

    pub fn error(
        &mut self,
        at: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::at(self.file, at, message).help(help));
    }

    /// Reports what lowering approximates: generation goes on with the fallback the message
    /// names (and the README documents).
    pub fn warn(
        &mut self,
        at: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.error(at, message, help);
        if let Some(last) = self.diagnostics.last_mut() {
            last.severity = crate::diagnostics::Severity::Warning;
        }
    }

    /// Component schemas are named before any is lowered, so references resolve in any order.
    fn name_component_schemas(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        for name in components.schemas.keys() {
            let rust = self.type_scope.claim(naming::type_name(name));
            self.schema_names.insert(name.clone(), rust);
        }
    }

    fn lower_component_schemas(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        for (name, schema) in &components.schemas {
            let rust = self.schema_names[name].clone();
            let at = pointer(["components", "schemas", name.as_str()]);
            self.define_named(rust, schema, &at);
        }
    }

    /// Follows `#/components/<kind>/<name>` references through `lookup`, reporting dangling
    /// ones and cycles.
    pub fn resolve<'d, T>(
        &mut self,
        item: &'d ReferenceOr<T>,
        kind: &str,
        at: &str,
        lookup: impl Fn(&'d openapiv3::Components) -> &'d indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'d T, String)>
    where
        'a: 'd,
    {
        let mut current = item;
        let mut here = at.to_owned();
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(value) => return Some((value, here)),
                ReferenceOr::Reference { reference } => {
                    let prefix = format!("#/components/{kind}/");
                    let found = reference.strip_prefix(&prefix).and_then(|name| {
                        let name = name.replace("~1", "/").replace("~0", "~");
                        let components = self.doc.components.as_ref()?;
                        lookup(components).get(&name).map(|v| (v, name))
                    });
                    match found {
                        Some((next, name)) => {
                            current = next;
                            here = pointer(["components", kind, name.as_str()]);
                        }
                        None => {
                            // The part is left out; the rest of the spec still generates.
                            self.warn(
                                at,
                                format!("unresolved reference `{reference}`; what it refers to is left out of the client"),
                                format!("define the component under `#/components/{kind}` or fix the reference"),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        self.error(
            at,
            "reference chain is too long or circular",
            "make the reference point at a definition",
        );
        None
    }
}

fn lower_servers(doc: &OpenAPI) -> Vec<Server> {
    doc.servers
        .iter()
        .map(|server| Server {
            url: server.url.clone(),
            description: server.description.clone(),
            variables: server
                .variables
                .iter()
                .flatten()
                .map(|(name, variable)| ServerVariable {
                    name: name.clone(),
                    default: variable.default.clone(),
                    values: variable.enumeration.clone(),
                    description: variable.description.clone(),
                })
                .collect(),
        })
        .collect()
}
