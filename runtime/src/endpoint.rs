//! Where a client's requests go: the configured endpoint, or else the spec's server with the
//! configured region.

use super::config::Config;

/// A server of a spec: a URL template and the defaults of its variables.
#[derive(Debug, Clone, Copy)]
pub struct Server {
    pub url: &'static str,
    pub defaults: &'static [(&'static str, &'static str)],
}

impl Server {
    /// The URL with `{region}` from `region` (when given) and other variables at their defaults.
    pub fn resolve(&self, region: Option<&str>) -> String {
        let mut url = self.url.to_owned();
        for (name, default) in self.defaults {
            let value = match (*name, region) {
                ("region", Some(region)) => region,
                _ => default,
            };
            url = url.replace(&format!("{{{name}}}"), value);
        }
        url
    }
}
/// A client's endpoint. A client is built even without one (building a client never fails):
/// the reason is kept, and each call reports it before sending anything.
pub(crate) fn resolve(config: &Config, server: Option<Server>) -> Result<reqwest::Url, String> {
    match (config.endpoint(), server) {
        (Some(endpoint), _) => Ok(endpoint.clone()),
        (None, Some(server)) => {
            let url = server.resolve(config.region());
            super::config::parse_endpoint(&url).map_err(|e| e.to_string())
        }
        (None, None) => Err("no endpoint configured and the spec lists no server: set `Config::builder().endpoint(..)`".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_resolve_their_region() {
        let server = Server {
            url: "https://css.{region}.example.com",
            defaults: &[("region", "eu-de")],
        };
        assert_eq!(server.resolve(None), "https://css.eu-de.example.com");
        assert_eq!(
            server.resolve(Some("eu-nl")),
            "https://css.eu-nl.example.com"
        );
    }
}
