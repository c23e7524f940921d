//! Documents the server answers whole — the OpenAPI documents, the GraphQL SDLs, the
//! vendored GraphiQL and API reference files — each with a weak `ETag` computed once, so
//! a client that has it already gets `304 Not Modified` and no body. Weak: the same
//! document compressed or not is the same entity for a cache.
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// A document and its ETag.
#[derive(Debug, Clone)]
pub struct Document {
    pub bytes: Bytes,
    pub etag: HeaderValue,
    content_type: &'static str,
    cache_control: &'static str,
}

/// How long a document may be used without asking again: `no-cache` (always revalidated
/// with its ETag), the default for documents that follow the workspace's model.
pub const REVALIDATE: &str = "no-cache";

impl Document {
    /// `bytes` served as `content_type`, revalidated on each use.
    pub fn new(bytes: impl Into<Bytes>, content_type: &'static str) -> Document {
        let bytes = bytes.into();
        let digest = Sha256::digest(&bytes);
        let etag = format!("W/\"{}\"", hex::encode(&digest[..16]));
        Document {
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("W/\"0\"")),
            bytes,
            content_type,
            cache_control: REVALIDATE,
        }
    }

    /// The same document, cacheable as `cache_control` says.
    pub fn cached(mut self, cache_control: &'static str) -> Document {
        self.cache_control = cache_control;
        self
    }

    /// The answer to a GET with `headers`: 304 when its `If-None-Match` names this
    /// document's ETag (or is `*`), the document otherwise.
    pub fn respond(&self, headers: &HeaderMap) -> Response {
        let headers_out = [
            (header::ETAG, self.etag.clone()),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(self.cache_control),
            ),
        ];
        let fresh = headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| matches(v, self.etag.to_str().unwrap_or("")));
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers_out).into_response();
        }
        (
            headers_out,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            )],
            self.bytes.clone(),
        )
            .into_response()
    }
}

/// A set of vendored files served from the binary (name, content type, bytes), each
/// cacheable for a day and revalidated by its ETag.
#[derive(Debug)]
pub struct Assets {
    what: &'static str,
    files: &'static [(&'static str, &'static str, &'static [u8])],
    documents: std::sync::OnceLock<Vec<Document>>,
}

impl Assets {
    /// The files of `what` (named in the 404 for another name).
    pub const fn new(
        what: &'static str,
        files: &'static [(&'static str, &'static str, &'static [u8])],
    ) -> Assets {
        Assets {
            what,
            files,
            documents: std::sync::OnceLock::new(),
        }
    }

    /// The answer to `GET …/assets/{file}`.
    pub fn respond(&self, file: &str, headers: &HeaderMap) -> Response {
        let documents = self.documents.get_or_init(|| {
            self.files
                .iter()
                .map(|(_, content_type, bytes)| {
                    Document::new(Bytes::from_static(bytes), content_type)
                        .cached("public, max-age=86400")
                })
                .collect()
        });
        match self.files.iter().position(|(name, _, _)| *name == file) {
            Some(i) => documents[i].respond(headers),
            None => crate::error::ApiError::new(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                format!("no {} asset named `{file}`", self.what),
            )
            .into_response(),
        }
    }
}

/// Whether an `If-None-Match` value (a comma list of entity tags, or `*`) names `etag`,
/// compared weakly (RFC 9110 §13.1.2).
fn matches(if_none_match: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let ours = opaque(etag);
    if_none_match
        .split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_star() {
        let etag = "W/\"abc\"";
        assert!(matches("W/\"abc\"", etag));
        assert!(matches("\"abc\"", etag));
        assert!(matches("\"x\", W/\"abc\"", etag));
        assert!(matches("*", etag));
        assert!(!matches("\"abcd\"", etag));
        assert!(!matches("", etag));
    }

    #[test]
    fn a_known_etag_answers_304_without_a_body() {
        let document = Document::new("hello", "text/plain");
        let mut headers = HeaderMap::new();
        assert_eq!(document.respond(&headers).status(), StatusCode::OK);
        headers.insert(header::IF_NONE_MATCH, document.etag.clone());
        let response = document.respond(&headers);
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(response.headers()[header::ETAG], document.etag);
        assert_ne!(
            Document::new("hello!", "text/plain").etag,
            document.etag,
            "another document, another tag"
        );
    }
}
