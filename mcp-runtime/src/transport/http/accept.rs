//! Request headers and bodies both HTTP transports check.

use actix_web::http::{header, StatusCode};
use actix_web::HttpRequest;

/// `true` when the `Accept` header admits every one of `mimes` (`*/*` and `type/*` count).
///
/// One pass over the header's bytes, however many types are asked for: every Streamable HTTP
/// POST checks two, and scanning the header once per type showed in the profile.
pub(crate) fn accepts(req: &HttpRequest, mimes: &[&str]) -> bool {
    assert!(mimes.len() < 32, "at most 31 media types at once");
    let all = (1u32 << mimes.len()) - 1;
    let mut admitted = 0u32;
    for value in req.headers().get_all(header::ACCEPT) {
        for item in value.as_bytes().split(|&byte| byte == b',') {
            let media = item
                .split(|&byte| byte == b';')
                .next()
                .unwrap_or_default()
                .trim_ascii();
            for (i, mime) in mimes.iter().enumerate() {
                if admits(media, mime.as_bytes()) {
                    admitted |= 1 << i;
                }
            }
        }
    }
    admitted == all
}

/// `true` when the media range `range` (from `Accept`) covers the media type `mime`.
fn admits(range: &[u8], mime: &[u8]) -> bool {
    if range == b"*/*" || range.eq_ignore_ascii_case(mime) {
        return true;
    }
    match (
        range.strip_suffix(b"/*"),
        mime.iter().position(|&byte| byte == b'/'),
    ) {
        (Some(kind), Some(slash)) => kind.eq_ignore_ascii_case(&mime[..slash]),
        _ => false,
    }
}

/// The status and message answering a request body that could not be read: `413` with the
/// limit and how to raise it when the body is too large, the extractor's own answer otherwise.
pub(crate) fn body_error(err: &actix_web::Error, limit: usize) -> (StatusCode, String) {
    let status = err.as_response_error().status_code();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!(
            "message too large: a request body may hold at most {limit} bytes \
             (HttpOptions::max_body_bytes)"
        )
    } else {
        format!("cannot read the request body: {err}")
    };
    (status, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_accepting(values: &[&str]) -> HttpRequest {
        let mut req = actix_web::test::TestRequest::default();
        for value in values {
            req = req.append_header((header::ACCEPT, *value));
        }
        req.to_http_request()
    }

    #[test]
    fn accept_admits_every_type_asked_for_or_fails() {
        let both = ["application/json", "text/event-stream"];
        for accept in [
            &["application/json, text/event-stream"][..],
            &["text/event-stream;q=0.9 ,APPLICATION/JSON"],
            &["application/json", "text/event-stream"],
            &["*/*"],
            &["application/*, text/*"],
            &["application/json, */*;q=0.1"],
        ] {
            assert!(accepts(&request_accepting(accept), &both), "{accept:?}");
        }
        for accept in [
            &["application/json"][..],
            &["text/event-stream"],
            &["application/json-seq, text/event-stream"],
            &["application/jsonx, text/*"],
            &["image/*, text/event-stream"],
            &[],
        ] {
            assert!(!accepts(&request_accepting(accept), &both), "{accept:?}");
        }
        assert!(accepts(
            &request_accepting(&["text/*"]),
            &["text/event-stream"]
        ));
        assert!(accepts(&request_accepting(&[]), &[]));
    }
}
