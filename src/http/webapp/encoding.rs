//! Content negotiation for the precompressed files: which body an
//! `Accept-Encoding` header asks for, and whether an `If-None-Match` header
//! names the body the client already has.

/// The encodings the app's files are kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }

    /// What an entity tag of this encoding's body ends with: each encoding
    /// is a body of its own and gets a tag of its own.
    pub fn tag_suffix(self) -> &'static str {
        match self {
            Coding::Brotli => "-br",
            Coding::Gzip => "-gz",
            Coding::Identity => "",
        }
    }
}

/// The encoding to answer with, of those available: the one the client
/// weighs highest (`q`), brotli before gzip before none on a tie. A client
/// that sends no header, or accepts none of them, gets the file as it is.
pub fn choose(accept_encoding: Option<&str>, brotli: bool, gzip: bool) -> Coding {
    let Some(header) = accept_encoding else {
        return Coding::Identity;
    };
    let (mut br_q, mut gz_q, mut star_q) = (None, None, None);
    for item in header.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .next()
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
            .unwrap_or(0.0);
        match name.as_str() {
            "br" => br_q = Some(q),
            "gzip" | "x-gzip" => gz_q = Some(q),
            "*" => star_q = Some(q),
            _ => {}
        }
    }
    let br_q = br_q.or(star_q).unwrap_or(0.0);
    let gz_q = gz_q.or(star_q).unwrap_or(0.0);
    match (brotli && br_q > 0.0, gzip && gz_q > 0.0) {
        (true, true) if gz_q > br_q => Coding::Gzip,
        (true, _) => Coding::Brotli,
        (false, true) => Coding::Gzip,
        (false, false) => Coding::Identity,
    }
}

/// True if `if_none_match` names the body tagged `tag` in any encoding
/// (weak comparison, as `If-None-Match` asks).
pub fn matches(if_none_match: &str, tag: &str) -> bool {
    if_none_match.split(',').any(|candidate| {
        let candidate = candidate.trim();
        if candidate == "*" {
            return true;
        }
        let opaque = candidate
            .strip_prefix("W/")
            .unwrap_or(candidate)
            .trim_matches('"');
        let base = opaque
            .strip_suffix(Coding::Brotli.tag_suffix())
            .or_else(|| opaque.strip_suffix(Coding::Gzip.tag_suffix()))
            .unwrap_or(opaque);
        base == tag
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_weighted_encoding_available_is_chosen() {
        let c = |h: &str| choose(Some(h), true, true);
        assert_eq!(c("gzip, deflate, br, zstd"), Coding::Brotli);
        assert_eq!(c("gzip"), Coding::Gzip);
        assert_eq!(c("br;q=0.5, gzip;q=0.8"), Coding::Gzip);
        assert_eq!(c("br;q=0, gzip"), Coding::Gzip);
        assert_eq!(c("*"), Coding::Brotli);
        assert_eq!(c("*;q=0.1, br;q=0"), Coding::Gzip);
        assert_eq!(c("identity"), Coding::Identity);
        assert_eq!(c("GZIP"), Coding::Gzip);
        assert_eq!(c("br;q=nonsense, gzip"), Coding::Gzip);
        assert_eq!(choose(None, true, true), Coding::Identity);
        assert_eq!(choose(Some("br"), false, true), Coding::Identity);
        assert_eq!(choose(Some("br, gzip"), false, true), Coding::Gzip);
    }

    #[test]
    fn a_tag_matches_in_any_encoding() {
        assert!(matches("\"abc\"", "abc"));
        assert!(matches("\"abc-br\"", "abc"));
        assert!(matches("W/\"abc-gz\"", "abc"));
        assert!(matches("\"x\", \"abc\"", "abc"));
        assert!(matches("*", "abc"));
        assert!(!matches("\"abd\"", "abc"));
        assert!(!matches("", "abc"));
    }
}
