//! A feature read into a small tree: what the GML reader builds and the geometry reader walks.

/// A node of a feature's tree.
#[derive(Debug, Default, Clone)]
pub struct Node {
    /// Local name (prefix dropped).
    pub name: String,
    /// Attributes by local name, values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Child elements, in order.
    pub children: Vec<Node>,
    /// Text content, unescaped.
    pub text: String,
    /// Byte offset of the end of its start tag in the document (for messages naming a line).
    pub offset: u64,
}

impl Node {
    /// An attribute by local name.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(name, _)| name == local)
            .map(|(_, value)| value.as_str())
    }

    /// The first child with this local name.
    pub fn child(&self, local: &str) -> Option<&Node> {
        self.children.iter().find(|child| child.name == local)
    }
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_at(text: &[u8], offset: u64) -> usize {
    let end = (offset as usize).min(text.len());
    1 + text[..end].iter().filter(|byte| **byte == b'\n').count()
}
