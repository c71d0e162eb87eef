//! Request bodies a caller assembles: multipart forms.

use bytes::Bytes;
use std::fmt;

/// A `multipart/form-data` body: text fields and files, sent in the order added.
///
/// `Debug` shows the parts' names and sizes, never their content.
#[derive(Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Clone)]
struct Part {
    name: String,
    data: Bytes,
    is_text: bool,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl Multipart {
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            data: Bytes::from(value.into()),
            is_text: true,
            file_name: None,
            content_type: None,
        });
        self
    }

    /// Adds a file: its bytes, the file name to announce and its media type.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            data: data.into(),
            is_text: false,
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
        });
        self
    }

    #[doc(hidden)]
    pub fn to_form(&self) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        for part in &self.parts {
            let mut body = if part.is_text {
                let text = String::from_utf8_lossy(&part.data).into_owned();
                reqwest::multipart::Part::text(text)
            } else {
                reqwest::multipart::Part::stream_with_length(
                    part.data.clone(),
                    part.data.len() as u64,
                )
            };
            if let Some(file_name) = &part.file_name {
                body = body.file_name(file_name.clone());
            }
            if let Some(content_type) = &part.content_type {
                body = body.mime_str(content_type).map_err(|_| {
                    format!(
                        "part `{}` has an invalid media type `{content_type}`",
                        part.name
                    )
                })?;
            }
            form = form.part(part.name.clone(), body);
        }
        Ok(form)
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.parts.iter().map(|p| (&p.name, p.data.len())))
            .finish()
    }
}
