//! Streaming GML reader: one feature at a time from a file of any size. Each feature element is
//! read into a small tree (bounded in depth, nodes and text), then turned into a [`GmlFeature`];
//! the document as a whole is never held. Hostile XML is refused: no DOCTYPE (so no entity
//! expansion, no external entity), only the five predefined entities, bounded nesting and
//! bounded text runs, checked on the bytes before the parser buffers them.

use std::io::{BufReader, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::geometry::Geometry;
use super::gml_geometry::{parse_envelope, parse_geometry, srid_of, Context, GEOMETRY_NAMES};
use super::node::Node;
use super::VectorError;

/// What a GML document may hold before it is refused.
#[derive(Debug, Clone, Copy)]
pub struct XmlLimits {
    /// Deepest element nesting.
    pub max_depth: usize,
    /// Longest run of bytes without markup (a text node or an attribute value).
    pub max_text: usize,
    /// Most elements in one feature.
    pub max_feature_nodes: usize,
}

impl XmlLimits {
    /// The limits `[limits]` sets (`max_xml_depth`, `max_xml_text`).
    pub fn from_config(limits: &crate::config::LimitsConfig) -> XmlLimits {
        XmlLimits {
            max_depth: limits.max_xml_depth as usize,
            max_text: usize::try_from(limits.max_xml_text.0).unwrap_or(usize::MAX),
            ..Default::default()
        }
    }
}

impl Default for XmlLimits {
    fn default() -> Self {
        XmlLimits {
            max_depth: 64,
            max_text: 64 << 20,
            max_feature_nodes: 1 << 20,
        }
    }
}

/// One feature read from GML.
#[derive(Debug, Clone, PartialEq)]
pub struct GmlFeature {
    /// Its class: the element's local name (`FacadePCRS`).
    pub class: String,
    /// Its `gml:id` (or `fid`).
    pub id: Option<String>,
    /// Its properties in document order: text, `xlink:href` targets, nested records; a repeated
    /// property is an array.
    pub properties: Map<String, Value>,
    /// Its geometry, in its own CRS.
    pub geometry: Option<Geometry>,
    /// The property that held the geometry (`geometrie`).
    pub geometry_property: Option<String>,
    /// EPSG code of the geometry.
    pub srid: Option<u32>,
    /// Whether the geometry has a z.
    pub has_z: bool,
}

/// Something the reader repaired or could not keep, for the import report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Notice {
    /// The feature concerned (`gml:id`, else class and rank).
    pub feature: String,
    /// What was found and done.
    pub message: String,
}

/// Byte source that refuses runs of text longer than the limit before the parser buffers them,
/// and hashes what it reads (an unchanged file is not imported twice).
struct Guarded<R> {
    inner: R,
    run: usize,
    max_run: usize,
    read: u64,
    digest: Sha256,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let count = self.inner.read(out)?;
        let bytes = &out[..count];
        self.digest.update(bytes);
        self.read += count as u64;
        match bytes.iter().rposition(|b| *b == b'<') {
            Some(last) => {
                let first = bytes.iter().position(|b| *b == b'<').unwrap_or(last);
                if self.run + first > self.max_run {
                    return Err(too_long(self.max_run));
                }
                // Runs between two '<' inside this chunk.
                let mut previous = first;
                for (index, byte) in bytes.iter().enumerate().skip(first + 1) {
                    if *byte == b'<' {
                        if index - previous > self.max_run {
                            return Err(too_long(self.max_run));
                        }
                        previous = index;
                    }
                }
                self.run = count - last;
            }
            None => self.run += count,
        }
        if self.run > self.max_run {
            return Err(too_long(self.max_run));
        }
        Ok(count)
    }
}

fn too_long(limit: usize) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("a text or attribute value is longer than the {limit} bytes allowed (limits.max_xml_text)"),
    )
}

/// A small XML document (a filter, a request body) read whole into a tree, held to the same
/// rules as GML: no DOCTYPE, only the predefined entities, bounded depth, text and elements.
pub fn read_tree(input: &[u8], limits: XmlLimits) -> Result<Node, VectorError> {
    let mut reader = GmlReader::new(input, limits, None);
    loop {
        let event = match reader.reader.read_event_into(&mut reader.buf) {
            Ok(event) => event.into_owned(),
            Err(err) => return Err(reader.syntax(err)),
        };
        reader.buf.clear();
        match event {
            Event::DocType(_) => return Err(reader.syntax("a DOCTYPE declaration is refused")),
            Event::Start(start) => {
                reader.depth = 1;
                return reader.read_node(start);
            }
            Event::Empty(start) => return node_of(&start, reader.reader.buffer_position()),
            Event::Text(text) if !text.as_ref().chars().all(char::is_whitespace) => {
                return Err(reader.syntax("text before the root element"))
            }
            Event::Eof => return Err(reader.syntax("the document is empty")),
            _ => {}
        }
    }
}

/// Reads features one by one from a GML document.
pub struct GmlReader<R: Read> {
    reader: Reader<BufReader<Guarded<R>>>,
    buf: Vec<u8>,
    limits: XmlLimits,
    depth: usize,
    /// Depth of the member element (`featureMember`, `member`) being read, if any.
    member_depth: Option<usize>,
    /// CRS of the collection's own envelope, for geometries that name none.
    collection_srid: Option<u32>,
    default_srid: Option<u32>,
    notices: Vec<Notice>,
    count: u64,
    finished: bool,
}

/// Elements whose children are features.
const MEMBER_NAMES: &[&str] = &["featureMember", "featureMembers", "member", "members"];

impl<R: Read> GmlReader<R> {
    /// A reader over `input`; `default_srid` is the deliverable's declared CRS, used for
    /// geometries that name none (and reported).
    pub fn new(input: R, limits: XmlLimits, default_srid: Option<u32>) -> GmlReader<R> {
        let guarded = Guarded {
            inner: input,
            run: 0,
            max_run: limits.max_text,
            read: 0,
            digest: Sha256::new(),
        };
        let mut reader = Reader::from_reader(BufReader::with_capacity(64 << 10, guarded));
        reader.config_mut().check_end_names = true;
        GmlReader {
            reader,
            buf: Vec::with_capacity(64 << 10),
            limits,
            depth: 0,
            member_depth: None,
            collection_srid: None,
            default_srid,
            notices: Vec::new(),
            count: 0,
            finished: false,
        }
    }

    /// What was repaired or not kept so far (drained).
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.get_ref().get_ref().read
    }

    /// SHA-256 of every byte read (the whole file once [`GmlReader::next_feature`] returned
    /// `None`).
    pub fn digest(&self) -> String {
        let digest = self.reader.get_ref().get_ref().digest.clone().finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn syntax(&self, message: impl std::fmt::Display) -> VectorError {
        VectorError::Xml {
            position: self.reader.buffer_position(),
            message: message.to_string(),
        }
    }

    /// The next feature, `None` at the end of the document.
    pub fn next_feature(&mut self) -> Result<Option<GmlFeature>, VectorError> {
        while !self.finished {
            let event = self.reader.read_event_into(&mut self.buf);
            let event = match event {
                Ok(event) => event.into_owned(),
                Err(err) => return Err(self.syntax(err)),
            };
            self.buf.clear();
            match event {
                Event::DocType(_) => {
                    return Err(self.syntax(
                        "a DOCTYPE declaration is refused (no entity is ever expanded, no external resource read)",
                    ))
                }
                Event::GeneralRef(reference) => {
                    check_reference(&reference).map_err(|m| self.syntax(m))?;
                }
                Event::Start(start) => {
                    self.depth += 1;
                    if self.depth > self.limits.max_depth {
                        return Err(self.too_deep());
                    }
                    if let Some(feature) = self.start(start)? {
                        return Ok(Some(feature));
                    }
                }
                Event::Empty(start) => {
                    let (name, depth) = (local(&start), self.depth + 1);
                    if depth == 2 && MEMBER_NAMES.contains(&name.as_str()) {
                        let node = node_of(&start, self.reader.buffer_position())?;
                        if let Some(href) = node.attr("href") {
                            let message = format!("a member refers to {href} elsewhere; not followed");
                            self.notice(None, message);
                        }
                    } else if self.is_feature_position(depth, &name) {
                        return Ok(Some(self.feature(node_of(&start, self.reader.buffer_position())?)));
                    }
                }
                Event::End(_) => {
                    if self.member_depth == Some(self.depth) {
                        self.member_depth = None;
                    }
                    self.depth = self.depth.saturating_sub(1);
                }
                Event::Eof => {
                    if self.depth != 0 {
                        return Err(self.syntax("the document ends before its elements are closed (truncated file?)"));
                    }
                    self.finished = true;
                }
                _ => {}
            }
        }
        Ok(None)
    }

    fn too_deep(&self) -> VectorError {
        self.syntax(format!(
            "elements are nested deeper than the {} levels allowed (limits.max_xml_depth)",
            self.limits.max_depth
        ))
    }

    /// Whether an element at `depth` named `name` is a feature: a child of a member element,
    /// or a child of the root that is neither a member nor its envelope.
    fn is_feature_position(&self, depth: usize, name: &str) -> bool {
        match self.member_depth {
            Some(member) => depth == member + 1,
            None => depth == 2 && !MEMBER_NAMES.contains(&name) && name != "boundedBy",
        }
    }

    fn start(&mut self, start: BytesStart<'static>) -> Result<Option<GmlFeature>, VectorError> {
        let name = local(&start);
        if self.depth == 2 && self.member_depth.is_none() && MEMBER_NAMES.contains(&name.as_str()) {
            self.member_depth = Some(2);
            return Ok(None);
        }
        if self.depth == 2 && name == "boundedBy" {
            let node = self.read_node(start)?;
            self.collection_srid = node.children.first().and_then(srid_of);
            return Ok(None);
        }
        if self.is_feature_position(self.depth, &name) {
            let node = self.read_node(start)?;
            return Ok(Some(self.feature(node)));
        }
        Ok(None)
    }

    /// Reads the element just started, with everything inside it, into a tree.
    fn read_node(&mut self, start: BytesStart<'static>) -> Result<Node, VectorError> {
        let start_depth = self.depth;
        let mut stack = vec![node_of(&start, self.reader.buffer_position())?];
        let mut nodes = 1usize;
        loop {
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event.into_owned(),
                Err(err) => return Err(self.syntax(err)),
            };
            self.buf.clear();
            match event {
                Event::Start(start) => {
                    self.depth += 1;
                    nodes += 1;
                    if self.depth > self.limits.max_depth {
                        return Err(self.too_deep());
                    }
                    if nodes > self.limits.max_feature_nodes {
                        return Err(self.syntax(format!(
                            "a feature holds more than {} elements",
                            self.limits.max_feature_nodes
                        )));
                    }
                    stack.push(node_of(&start, self.reader.buffer_position())?);
                }
                Event::Empty(start) => {
                    nodes += 1;
                    let node = node_of(&start, self.reader.buffer_position())?;
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push(node);
                    }
                }
                Event::Text(text) => {
                    if let Some(node) = stack.last_mut() {
                        node.text.push_str(&text.xml_content(XmlVersion::Implicit1_0));
                    }
                }
                Event::CData(data) => {
                    if let Some(node) = stack.last_mut() {
                        node.text.push_str(&data.xml_content(XmlVersion::Implicit1_0));
                    }
                }
                Event::GeneralRef(reference) => {
                    let resolved = check_reference(&reference).map_err(|m| self.syntax(m))?;
                    if let (Some(node), Some(c)) = (stack.last_mut(), resolved) {
                        node.text.push(c);
                    }
                }
                Event::End(_) => {
                    self.depth -= 1;
                    let node = stack.pop().unwrap_or_default();
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => {
                            debug_assert_eq!(self.depth + 1, start_depth);
                            return Ok(node);
                        }
                    }
                }
                Event::Eof => {
                    return Err(self.syntax("the document ends inside a feature (truncated file?)"));
                }
                Event::DocType(_) => return Err(self.syntax("a DOCTYPE declaration is refused")),
                _ => {}
            }
        }
    }

    fn notice(&mut self, feature: Option<&str>, message: String) {
        let feature = feature
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{}", self.count));
        self.notices.push(Notice { feature, message });
    }

    /// Turns a feature's tree into a feature, noting what had to be repaired.
    fn feature(&mut self, node: Node) -> GmlFeature {
        self.count += 1;
        let id = node.attr("id").or_else(|| node.attr("fid")).map(str::to_string);
        let label = id
            .clone()
            .unwrap_or_else(|| format!("{} #{}", node.name, self.count));
        let mut feature = GmlFeature {
            class: node.name.clone(),
            id,
            properties: Map::new(),
            geometry: None,
            geometry_property: None,
            srid: None,
            has_z: false,
        };
        let mut envelope = None;
        for child in node.children {
            if child.name == "boundedBy" {
                envelope = child.children.first().and_then(parse_envelope);
                continue;
            }
            let geometry_node = child
                .children
                .iter()
                .find(|grand| GEOMETRY_NAMES.contains(&grand.name.as_str()));
            if let Some(geometry_node) = geometry_node {
                let mut context = Context::default();
                match parse_geometry(geometry_node, &mut context) {
                    Ok(geometry) if feature.geometry.is_none() => {
                        feature.has_z = context.has_z;
                        feature.srid = context.srid;
                        feature.geometry = Some(geometry);
                        feature.geometry_property = Some(child.name.clone());
                    }
                    Ok(_) => self.notice(
                        Some(&label),
                        format!(
                            "a second geometry ({}) is not kept: one geometry per feature",
                            child.name
                        ),
                    ),
                    Err(message) => self.notice(
                        Some(&label),
                        format!("geometry {} not kept: {message}", child.name),
                    ),
                }
                for repair in context.repairs {
                    self.notice(Some(&label), repair);
                }
                continue;
            }
            let value = property_value(&child);
            let key = child.name;
            match feature.properties.get_mut(&key) {
                Some(Value::Array(values)) => values.push(value),
                Some(previous) => {
                    let first = previous.take();
                    *previous = Value::Array(vec![first, value]);
                }
                None => {
                    feature.properties.insert(key, value);
                }
            }
        }
        if feature.geometry.is_some() && feature.srid.is_none() {
            let inherited = envelope
                .as_ref()
                .and_then(|(_, srid)| *srid)
                .map(|srid| (srid, "its envelope"))
                .or(self
                    .collection_srid
                    .map(|srid| (srid, "the collection's envelope")))
                .or(self
                    .default_srid
                    .map(|srid| (srid, "the deliverable's declared CRS")));
            match inherited {
                Some((srid, from)) => {
                    feature.srid = Some(srid);
                    self.notice(
                        Some(&label),
                        format!("geometry without srsName: EPSG:{srid} taken from {from}"),
                    );
                }
                None => self.notice(
                    Some(&label),
                    "geometry without srsName and no CRS to inherit".into(),
                ),
            }
        }
        if let (Some((bounds, _)), Some(bbox)) =
            (envelope, feature.geometry.as_ref().and_then(Geometry::bbox))
        {
            let inside = |b: [f64; 4]| {
                let margin = 1e-6 * (b[2] - b[0]).abs().max((b[3] - b[1]).abs()).max(1.0);
                bbox[0] >= b[0] - margin
                    && bbox[1] >= b[1] - margin
                    && bbox[2] <= b[2] + margin
                    && bbox[3] <= b[3] + margin
            };
            if !inside(bounds) {
                let swapped = [bounds[1], bounds[0], bounds[3], bounds[2]];
                let message = if inside(swapped) {
                    "its boundedBy envelope has x and y swapped; the envelope is ignored, the geometry's own box is used"
                } else {
                    "its boundedBy envelope does not contain its geometry; the geometry's own box is used"
                };
                self.notice(Some(&label), message.into());
            }
        }
        feature
    }
}

/// A property's value: its `xlink:href`, its text, or a record of its children.
fn property_value(node: &Node) -> Value {
    if let Some(href) = node.attr("href") {
        return Value::String(href.to_string());
    }
    if node.children.is_empty() {
        let text = node.text.trim();
        return if text.is_empty() {
            Value::Null
        } else {
            Value::String(text.to_string())
        };
    }
    let mut record = Map::new();
    for child in &node.children {
        record.insert(child.name.clone(), property_value(child));
    }
    Value::Object(record)
}

/// A predefined entity or a character reference as a character; anything else refused.
fn check_reference(reference: &quick_xml::events::BytesRef) -> Result<Option<char>, String> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Ok(Some(c));
    }
    let name = reference.xml_content(XmlVersion::Implicit1_0);
    match name.as_ref() {
        "lt" => Ok(Some('<')),
        "gt" => Ok(Some('>')),
        "amp" => Ok(Some('&')),
        "apos" => Ok(Some('\'')),
        "quot" => Ok(Some('"')),
        other => Err(format!(
            "the entity &{other}; is refused: only XML's five predefined entities are read"
        )),
    }
}

fn local(start: &BytesStart) -> String {
    start.local_name().as_ref().to_string()
}

/// A node of a start tag read up to byte `offset`.
fn node_of(start: &BytesStart, offset: u64) -> Result<Node, VectorError> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|err| VectorError::Xml {
            position: 0,
            message: err.to_string(),
        })?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| VectorError::Xml {
                position: 0,
                message: err.to_string(),
            })?;
        attrs.push((attr.key.local_name().as_ref().to_string(), value.into_owned()));
    }
    Ok(Node {
        name: local(start),
        attrs,
        children: Vec::new(),
        text: String::new(),
        offset,
    })
}

/// Reads every feature of a document (for tests and small files).
pub fn read_all(input: impl Read, limits: XmlLimits) -> Result<(Vec<GmlFeature>, Vec<Notice>), VectorError> {
    let mut reader = GmlReader::new(input, limits, None);
    let mut features = Vec::new();
    while let Some(feature) = reader.next_feature()? {
        features.push(feature);
    }
    let notices = reader.take_notices();
    Ok((features, notices))
}
