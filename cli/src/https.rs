//! The CLI's `Date` header client: ureq with rustls, certificates checked against the Mozilla
//! roots (webpki-roots), so an `https://` answer is an authenticated time source. Plain `http://`
//! URLs work too (local test servers) and are never authenticated. Phones use their own TLS
//! stack behind the same `HttpsDate` trait.

use kunci::{HttpsDate, PlatformError};
use std::time::Duration;

/// One agent for all requests of a sync; `HEAD`, no redirects followed (any status carries a
/// `Date`), bounded in time so that a silent host cannot hold a sync.
pub struct UreqDate {
    agent: ureq::Agent,
}

impl UreqDate {
    pub fn new(timeout_ms: u64) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_millis(timeout_ms.max(1))))
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent("kunci")
            .build();
        UreqDate {
            agent: config.new_agent(),
        }
    }
}

impl Default for UreqDate {
    fn default() -> Self {
        // Under the 2 s an NTP server gets, so a sync with everything silent ends in time.
        UreqDate::new(1_800)
    }
}

impl HttpsDate for UreqDate {
    fn fetch_date(&self, url: String) -> Result<String, PlatformError> {
        let fail = |reason: String| PlatformError::Failed { reason };
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(fail(format!("not an http(s) URL: {url}")));
        }
        let response = self
            .agent
            .head(&url)
            .call()
            .map_err(|e| fail(e.to_string()))?;
        let date = response
            .headers()
            .get("date")
            .ok_or_else(|| fail("the response has no Date header".into()))?;
        date.to_str()
            .map(str::to_string)
            .map_err(|_| fail("the Date header is not text".into()))
    }

    fn is_authenticated(&self, url: String) -> bool {
        // ureq verifies the certificate chain and host name for every https:// request; an
        // answer that arrived at all over https:// was authenticated.
        url.starts_with("https://")
    }
}
