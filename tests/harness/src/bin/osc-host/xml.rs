//! A small XML reader for the documents a provider returns (capabilities, friends, person,
//! activityFeed): elements with resolved namespaces, attributes and text. No DTDs. The host
//! reads what the DLL answered with it; xmllint then checks each document against the schema.

/// The namespace of OSC 1.1 and 2013 documents.
pub const OSC_NAMESPACE: &str = "http://schemas.microsoft.com/office/outlook/2010/06/socialprovider.xsd";

#[derive(Debug, Default)]
pub struct Element {
    /// The local name (the part after any prefix).
    pub name: String,
    /// The resolved namespace URI, if any.
    pub namespace: Option<String>,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The element's own character data, concatenated.
    pub text: String,
}

impl Element {
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of the first child called `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
}

/// Parses a whole document and returns its root element.
pub fn parse(document: &str) -> Result<Element, String> {
    let mut p = Parser {
        s: document.strip_prefix('\u{FEFF}').unwrap_or(document),
        i: 0,
    };
    p.misc()?;
    if p.rest().starts_with("<!") {
        return Err(p.error("a DOCTYPE is not expected in an OSC document"));
    }
    if !p.rest().starts_with('<') {
        return Err(p.error("no root element"));
    }
    let root = p.element(&[])?;
    p.misc()?;
    if !p.rest().is_empty() {
        return Err(p.error("content after the root element"));
    }
    Ok(root)
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn error(&self, message: &str) -> String {
        format!("{message} at byte {}", self.i)
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.i += rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    /// Skips past `end`, returning what came before it.
    fn until(&mut self, end: &str, what: &str) -> Result<&'a str, String> {
        let rest = self.rest();
        let at = rest
            .find(end)
            .ok_or_else(|| self.error(&format!("unterminated {what}")))?;
        self.i += at + end.len();
        Ok(&rest[..at])
    }

    /// Whitespace, comments and processing instructions (the XML declaration among them).
    fn misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws();
            if self.rest().starts_with("<?") {
                self.until("?>", "processing instruction")?;
            } else if self.rest().starts_with("<!--") {
                self.until("-->", "comment")?;
            } else {
                return Ok(());
            }
        }
    }

    fn name(&mut self) -> Result<&'a str, String> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '>' | '=' | '<' | '"' | '\''))
            .unwrap_or(rest.len());
        if len == 0 {
            return Err(self.error("expected a name"));
        }
        self.i += len;
        Ok(&rest[..len])
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        if self.rest().starts_with(token) {
            self.i += token.len();
            Ok(())
        } else {
            Err(self.error(&format!("expected {token:?}")))
        }
    }

    /// One element, at its `<`. `scope` holds the namespace declarations in force
    /// (prefix, URI), innermost last; "" is the default namespace.
    fn element(&mut self, scope: &[(String, String)]) -> Result<Element, String> {
        self.expect("<")?;
        let qname = self.name()?;
        let mut attributes = Vec::new();
        let empty = loop {
            self.skip_ws();
            if self.rest().starts_with("/>") {
                self.i += 2;
                break true;
            }
            if self.rest().starts_with('>') {
                self.i += 1;
                break false;
            }
            let attr = self.name()?;
            self.skip_ws();
            self.expect("=")?;
            self.skip_ws();
            let quote = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return Err(self.error("expected a quoted attribute value")),
            };
            self.i += 1;
            let raw = self.until(&quote.to_string(), "attribute value")?;
            attributes.push((attr.to_string(), decode(raw).map_err(|e| self.error(&e))?));
        };
        let mut scope = scope.to_vec();
        for (attr, value) in &attributes {
            if attr == "xmlns" {
                scope.push((String::new(), value.clone()));
            } else if let Some(prefix) = attr.strip_prefix("xmlns:") {
                scope.push((prefix.to_string(), value.clone()));
            }
        }
        let (prefix, local) = qname.split_once(':').unwrap_or(("", qname));
        let namespace = scope
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, uri)| uri.clone())
            .filter(|uri| !uri.is_empty());
        if namespace.is_none() && !prefix.is_empty() {
            return Err(self.error(&format!("undeclared prefix {prefix:?}")));
        }
        let mut element = Element {
            name: local.to_string(),
            namespace,
            attributes,
            ..Element::default()
        };
        if empty {
            return Ok(element);
        }
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return Err(self.error(&format!("<{qname}> is not closed")));
            } else if rest.starts_with("</") {
                self.i += 2;
                let end = self.name()?;
                if end != qname {
                    return Err(self.error(&format!("</{end}> closes <{qname}>")));
                }
                self.skip_ws();
                self.expect(">")?;
                return Ok(element);
            } else if rest.starts_with("<!--") {
                self.until("-->", "comment")?;
            } else if rest.starts_with("<![CDATA[") {
                self.i += 9;
                element.text.push_str(self.until("]]>", "CDATA section")?);
            } else if rest.starts_with("<?") {
                self.until("?>", "processing instruction")?;
            } else if rest.starts_with('<') {
                element.children.push(self.element(&scope)?);
            } else {
                let len = rest.find('<').unwrap_or(rest.len());
                self.i += len;
                element
                    .text
                    .push_str(&decode(&rest[..len]).map_err(|e| self.error(&e))?);
            }
        }
    }
}

/// Replaces the predefined entities and character references.
fn decode(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').filter(|&n| n <= 10).ok_or("unterminated entity")?;
        let body = &after[..semi];
        let c = match body {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let number = body
                    .strip_prefix('#')
                    .ok_or_else(|| format!("unknown entity &{body};"))?;
                let code = match number.strip_prefix('x') {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => number.parse(),
                };
                code.ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("bad character reference &{body};"))?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Writes text as XML character data.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An `xs:boolean`.
pub fn boolean(text: &str) -> Option<bool> {
    match text.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// An `xs:dateTime` as an OLE Automation DATE in UTC (days since 1899-12-30). Without a zone
/// the time is taken as UTC.
pub fn date_time_to_ole(text: &str) -> Option<f64> {
    let text = text.trim();
    let (date, time) = text.split_once('T')?;
    let mut d = date.splitn(3, '-');
    let (year, month, day): (i64, i64, i64) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    let (clock, offset_minutes) = if let Some(clock) = time.strip_suffix('Z') {
        (clock, 0)
    } else if let Some(at) = time.rfind(['+', '-']) {
        let (clock, zone) = time.split_at(at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, m) = zone[1..].split_once(':')?;
        (clock, sign * (h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?))
    } else {
        (time, 0)
    };
    let mut c = clock.splitn(3, ':');
    let (hour, minute): (i64, i64) = (c.next()?.parse().ok()?, c.next()?.parse().ok()?);
    let second: f64 = c.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from 1970-01-01 (civil-from-days, Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = (hour * 3600 + minute * 60 - offset_minutes * 60) as f64 + second;
    Some(days as f64 + 25_569.0 + seconds / 86_400.0)
}
