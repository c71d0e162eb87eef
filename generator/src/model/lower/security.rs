//! Security: the schemes of `components.securitySchemes`, and which of them each operation
//! accepts. Decided here once; emission documents the requirements and the runtime applies
//! the credentials the user configured for them.

use super::Context;
use crate::diagnostics::pointer_token;
use crate::model::{ApiKeyLocation, SchemeKind, SchemeUse, SecurityRequirement, SecurityScheme};
use openapiv3::{ReferenceOr, SecurityScheme as Spec};

/// How far a chain of references between schemes is followed.
const MAX_REFERENCES: usize = 8;

/// The document's schemes, in its order. A reference is followed within
/// `components.securitySchemes`; one that leads nowhere is left out with a warning.
pub(super) fn lower_schemes(cx: &mut Context) -> Vec<SecurityScheme> {
    let Some(components) = cx.doc.components.as_ref() else {
        return Vec::new();
    };
    let mut schemes = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = format!("/components/securitySchemes/{}", pointer_token(name));
        match resolve(cx, scheme) {
            Some(spec) => schemes.push(SecurityScheme {
                name: name.clone(),
                description: description(spec).cloned(),
                kind: kind(spec),
            }),
            None => cx.warn(
                at,
                format!("security scheme `{name}` is a reference to no scheme; it is left out"),
                "point `$ref` at an entry of `components.securitySchemes`",
            ),
        }
    }
    schemes
}

fn resolve<'d>(cx: &Context<'d>, mut scheme: &'d ReferenceOr<Spec>) -> Option<&'d Spec> {
    let components = cx.doc.components.as_ref()?;
    for _ in 0..MAX_REFERENCES {
        match scheme {
            ReferenceOr::Item(spec) => return Some(spec),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/securitySchemes/")?;
                scheme = components
                    .security_schemes
                    .get(&crate::diagnostics::unescape_pointer_token(name))?;
            }
        }
    }
    None
}

fn description(spec: &Spec) -> Option<&String> {
    match spec {
        Spec::APIKey { description, .. }
        | Spec::HTTP { description, .. }
        | Spec::OAuth2 { description, .. }
        | Spec::OpenIDConnect { description, .. } => description.as_ref(),
    }
}

fn kind(spec: &Spec) -> SchemeKind {
    match spec {
        Spec::APIKey { location, name, .. } => SchemeKind::ApiKey {
            location: match location {
                openapiv3::APIKeyLocation::Header => ApiKeyLocation::Header,
                openapiv3::APIKeyLocation::Query => ApiKeyLocation::Query,
                openapiv3::APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
            },
            name: name.clone(),
        },
        // The 3.1 reader marks 3.1's `mutualTLS`, which 3.0 has no type for.
        Spec::HTTP { extensions, .. } if extensions.contains_key(MUTUAL_TLS) => {
            SchemeKind::MutualTls
        }
        // Scheme names are case-insensitive (RFC 9110).
        Spec::HTTP {
            scheme,
            bearer_format,
            ..
        } => match scheme.to_ascii_lowercase().as_str() {
            "basic" => SchemeKind::Basic,
            "bearer" => SchemeKind::Bearer {
                format: bearer_format.clone(),
            },
            _ => SchemeKind::Http {
                scheme: scheme.clone(),
            },
        },
        Spec::OAuth2 { flows, .. } => {
            let mut scopes: Vec<String> = [
                flows.implicit.as_ref().map(|f| &f.scopes),
                flows.password.as_ref().map(|f| &f.scopes),
                flows.client_credentials.as_ref().map(|f| &f.scopes),
                flows.authorization_code.as_ref().map(|f| &f.scopes),
            ]
            .into_iter()
            .flatten()
            .flat_map(|s| s.keys().cloned())
            .collect();
            scopes.sort();
            scopes.dedup();
            SchemeKind::OAuth2 {
                client_credentials_token_url: flows
                    .client_credentials
                    .as_ref()
                    .map(|f| f.token_url.clone()),
                scopes,
            }
        }
        Spec::OpenIDConnect {
            open_id_connect_url,
            ..
        } => SchemeKind::OpenIdConnect {
            url: open_id_connect_url.clone(),
        },
    }
}

/// The extension the 3.1 reader puts on an `http` scheme standing for `mutualTLS`.
pub const MUTUAL_TLS: &str = "x-clientgen-mutual-tls";

/// The requirements of an operation: its own `security` when it has one (`[]` asks for
/// none), else the document's. A requirement naming a scheme the document does not define
/// cannot be met: it is left out, with a warning.
pub(super) fn requirements(
    cx: &mut Context,
    schemes: &[SecurityScheme],
    own: Option<&Vec<openapiv3::SecurityRequirement>>,
    at: &str,
) -> Vec<SecurityRequirement> {
    let (written, at) = match own {
        Some(own) => (own, format!("{at}/security")),
        None => match cx.doc.security.as_ref() {
            Some(default) => (default, "/security".to_owned()),
            None => return Vec::new(),
        },
    };
    let mut out = Vec::new();
    for (index, requirement) in written.iter().enumerate() {
        let unknown: Vec<&String> = requirement
            .keys()
            .filter(|name| !schemes.iter().any(|s| &s.name == *name))
            .collect();
        if let Some(name) = unknown.first() {
            cx.warn(
                format!("{at}/{index}/{}", pointer_token(name)),
                format!("the security requirement names `{name}`, which `components.securitySchemes` does not define; this alternative is left out"),
                "define the scheme, or correct its name",
            );
            continue;
        }
        out.push(SecurityRequirement {
            schemes: requirement
                .iter()
                .map(|(scheme, scopes)| SchemeUse {
                    scheme: scheme.clone(),
                    scopes: scopes.clone(),
                })
                .collect(),
        });
    }
    out
}
