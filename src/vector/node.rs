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
