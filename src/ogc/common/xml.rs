//! A small XML writer over quick-xml: every text and attribute is escaped.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

/// Builds one XML document.
pub struct Xml {
    writer: Writer<Vec<u8>>,
}

impl Default for Xml {
    fn default() -> Self {
        Self::new()
    }
}

impl Xml {
    /// A document with its XML declaration.
    pub fn new() -> Xml {
        let mut writer = Writer::new_with_indent(Vec::with_capacity(16 << 10), b' ', 1);
        writer
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .expect("writing to memory");
        Xml { writer }
    }

    /// A `<!DOCTYPE ...>` line (`text` is written as is).
    pub fn doctype(&mut self, text: &str) {
        self.writer
            .write_event(Event::DocType(BytesText::from_escaped(text)))
            .expect("writing to memory");
    }

    /// Opens element `name`.
    pub fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let start = BytesStart::new(name).with_attributes(attributes.iter().copied());
        self.writer
            .write_event(Event::Start(start))
            .expect("writing to memory");
    }

    /// Closes element `name`.
    pub fn close(&mut self, name: &str) {
        self.writer
            .write_event(Event::End(BytesEnd::new(name)))
            .expect("writing to memory");
    }

    /// `<name attributes>text</name>`.
    pub fn leaf(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.open(name, attributes);
        self.writer
            .write_event(Event::Text(BytesText::new(text)))
            .expect("writing to memory");
        self.close(name);
    }

    /// `<name attributes/>`.
    pub fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let start = BytesStart::new(name).with_attributes(attributes.iter().copied());
        self.writer
            .write_event(Event::Empty(start))
            .expect("writing to memory");
    }

    /// The document's bytes.
    pub fn finish(self) -> Vec<u8> {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        let mut xml = Xml::new();
        xml.open("a", &[("href", "x?a=1&b=\"2\"")]);
        xml.leaf("t", &[], "Lyon <Métropole> & co");
        xml.empty("e", &[]);
        xml.close("a");
        let text = String::from_utf8(xml.finish()).unwrap();
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(text.contains("href=\"x?a=1&amp;b=&quot;2&quot;\""), "{text}");
        assert!(text.contains("Lyon &lt;Métropole&gt; &amp; co"), "{text}");
    }
}
