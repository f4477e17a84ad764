//! Map styles: SLD 1.0 / 1.1 with Symbology Encoding, read into [`Style`]s (rules with filters
//! and scale ranges, line, polygon, point and text symbolisers) and kept per feature class in a
//! [`Styles`] set. The project ships one SLD per PCRS theme in `styles/` (built into the binary);
//! a folder given in the configuration adds to them, and a livrable or an upload may bring its
//! own.

mod expr;
mod maplibre;
mod sld;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

pub use expr::{ArithOp, Expr};
pub use maplibre::{maplibre_layers, zoom_of_scale};
pub use sld::parse_sld;

use super::{line_at, Filter, GeometryKind, Node};

/// A style refused: where and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}line {line}: {message}", file.as_ref().map(|f| format!("{f}: ")).unwrap_or_default())]
pub struct StyleError {
    /// The file, when the style came from one.
    pub file: Option<String>,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// Byte offset (turned into `line` once the text is known).
    offset: u64,
}

impl StyleError {
    /// An error at an element (its line is filled in by [`parse_sld`]).
    pub(crate) fn at(node: &Node, message: impl Into<String>) -> StyleError {
        StyleError {
            file: None,
            line: 0,
            message: message.into(),
            offset: node.offset,
        }
    }

    /// An error at a byte offset.
    pub(crate) fn at_offset(offset: u64, message: impl Into<String>) -> StyleError {
        StyleError {
            file: None,
            line: 0,
            message: message.into(),
            offset,
        }
    }

    /// The same error, its line read from the document and its file named.
    fn located(mut self, text: &[u8], file: Option<&str>) -> StyleError {
        self.line = line_at(text, self.offset);
        self.file = file.map(str::to_string);
        self
    }
}

/// An RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Reads `#RRGGBB` or `#RGB`.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        let digit = |at: usize, len: usize| u8::from_str_radix(hex.get(at..at + len)?, 16).ok();
        match hex.len() {
            6 => Some(Rgb(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
            3 => Some(Rgb(digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
            _ => None,
        }
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The unit of a symboliser's sizes (SE 1.1 `uom`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    /// Screen pixels (0.28 mm).
    #[default]
    Pixel,
    /// Metres on the ground: sizes follow the scale.
    Metre,
}

/// How a line is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Stroke {
    /// Colour.
    pub color: Rgb,
    /// 0 to 1.
    pub opacity: f32,
    /// Width in the symboliser's unit.
    pub width: Expr,
    /// Dash pattern (lengths in the symboliser's unit), empty for a solid line.
    pub dashes: Vec<f32>,
    /// Where the dash pattern starts.
    pub dash_offset: f32,
    /// `butt`, `round` or `square`.
    pub cap: LineCap,
    /// `mitre`, `round` or `bevel`.
    pub join: LineJoin,
}

/// Line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineCap {
    /// Flat at the end point.
    #[default]
    Butt,
    /// Round.
    Round,
    /// Square past the end point.
    Square,
}

/// Line joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineJoin {
    /// Sharp.
    #[default]
    Mitre,
    /// Round.
    Round,
    /// Cut.
    Bevel,
}

/// How an area is filled.
#[derive(Debug, Clone, PartialEq)]
pub struct Fill {
    /// Colour.
    pub color: Rgb,
    /// 0 to 1.
    pub opacity: f32,
}

/// A well-known mark shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkShape {
    /// Square.
    Square,
    /// Circle.
    Circle,
    /// Triangle pointing up.
    Triangle,
    /// Five-pointed star.
    Star,
    /// `+`.
    Cross,
    /// `×`.
    X,
}

impl MarkShape {
    /// Reads a `WellKnownName`.
    pub fn parse(name: &str) -> Option<MarkShape> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "square" => MarkShape::Square,
            "circle" => MarkShape::Circle,
            "triangle" => MarkShape::Triangle,
            "star" => MarkShape::Star,
            "cross" => MarkShape::Cross,
            "x" => MarkShape::X,
            _ => return None,
        })
    }

    /// The SE name.
    pub fn name(self) -> &'static str {
        match self {
            MarkShape::Square => "square",
            MarkShape::Circle => "circle",
            MarkShape::Triangle => "triangle",
            MarkShape::Star => "star",
            MarkShape::Cross => "cross",
            MarkShape::X => "x",
        }
    }
}

/// A point symbol: a mark sized, turned and moved.
#[derive(Debug, Clone, PartialEq)]
pub struct Graphic {
    /// Shape.
    pub shape: MarkShape,
    /// Inside.
    pub fill: Option<Fill>,
    /// Outline.
    pub stroke: Option<Stroke>,
    /// Size (height) in the symboliser's unit.
    pub size: Expr,
    /// Clockwise rotation in degrees.
    pub rotation: Expr,
    /// 0 to 1, over fill and stroke.
    pub opacity: f32,
}

/// Where a label goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// At the point (the centre of a line or area): anchor (0..1, 0..1 from bottom left),
    /// displacement (x, y in the unit, y up), clockwise rotation in degrees.
    Point {
        /// Anchor.
        anchor: (f32, f32),
        /// Displacement.
        displacement: (f32, f32),
        /// Rotation.
        rotation: Expr,
    },
    /// Along the line, at its middle, offset to its left by `offset`.
    Line {
        /// Perpendicular offset.
        offset: f32,
    },
}

/// A text symboliser.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The label.
    pub label: Expr,
    /// Family names, in order of preference.
    pub families: Vec<String>,
    /// Size in the unit.
    pub size: Expr,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Placement.
    pub placement: Placement,
    /// Halo radius (unit) and fill.
    pub halo: Option<(f32, Fill)>,
    /// Text colour.
    pub fill: Fill,
}

/// One drawing instruction of a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Symbolizer {
    /// Lines (and area outlines).
    Line {
        /// Stroke.
        stroke: Stroke,
        /// Offset to the left of the line (unit).
        offset: f32,
        /// Unit.
        unit: Unit,
    },
    /// Areas.
    Polygon {
        /// Fill.
        fill: Option<Fill>,
        /// Outline.
        stroke: Option<Stroke>,
        /// Unit.
        unit: Unit,
    },
    /// A symbol at each point (the centre of lines and areas).
    Point {
        /// The symbol.
        graphic: Graphic,
        /// Unit.
        unit: Unit,
    },
    /// A label.
    Text {
        /// The text.
        text: Box<Text>,
        /// Unit.
        unit: Unit,
    },
}

/// A rule: which features, at which scales, drawn how.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Name.
    pub name: String,
    /// Title, shown in legends.
    pub title: String,
    /// Features it applies to (all when `None`).
    pub filter: Option<Filter>,
    /// Applies to features no other rule of its feature type style took.
    pub else_filter: bool,
    /// Applies from this scale denominator (inclusive).
    pub min_scale: f64,
    /// Applies below this scale denominator.
    pub max_scale: f64,
    /// What it draws, in order.
    pub symbolizers: Vec<Symbolizer>,
}

impl Rule {
    /// Whether the rule applies at a scale denominator.
    pub fn at_scale(&self, scale: f64) -> bool {
        scale >= self.min_scale && scale < self.max_scale
    }
}

/// A style for one feature class.
#[derive(Debug, Clone)]
pub struct Style {
    /// Name (`STYLES=` picks it).
    pub name: String,
    /// Title.
    pub title: String,
    /// Abstract.
    pub abstract_text: String,
    /// The feature class it draws (the `NamedLayer` or `FeatureTypeName`).
    pub class: String,
    /// Whether it is the class's default.
    pub is_default: bool,
    /// Passes, drawn one after the other; each a list of rules.
    pub passes: Vec<Vec<Rule>>,
}

impl Style {
    /// Every rule, in order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.passes.iter().flatten()
    }
}

/// The styles known, by feature class: the shipped ones, then those of the configured folder
/// (a style of the same class and name replaces a shipped one).
#[derive(Debug, Clone, Default)]
pub struct Styles {
    by_class: BTreeMap<String, Vec<Arc<Style>>>,
    /// The styles of the documents deliverables name as their own, by deliverable id: offered
    /// to that deliverable's layers only, before the others.
    by_livrable: BTreeMap<i64, Vec<Arc<Style>>>,
}

/// The SLD files shipped in `styles/`, built into the binary.
const SHIPPED: &[(&str, &str)] = &[
    ("voirie.sld", include_str!("../../../styles/voirie.sld")),
    ("bati.sld", include_str!("../../../styles/bati.sld")),
    ("reseaux.sld", include_str!("../../../styles/reseaux.sld")),
    ("habillage.sld", include_str!("../../../styles/habillage.sld")),
    ("topographie.sld", include_str!("../../../styles/topographie.sld")),
    ("vegetal.sld", include_str!("../../../styles/vegetal.sld")),
];

impl Styles {
    /// The shipped styles.
    pub fn shipped() -> Styles {
        let mut styles = Styles::default();
        for (file, text) in SHIPPED {
            let parsed = parse_sld(text.as_bytes(), Some(file))
                .unwrap_or_else(|err| panic!("a shipped style is broken (a test checks them): {err}"));
            styles.add(parsed);
        }
        styles
    }

    /// The shipped styles and those of every `.sld` / `.xml` file of `dir`; the first file that
    /// does not parse stops the load with its name and line.
    pub fn load(dir: Option<&Path>) -> Result<Styles, StyleError> {
        let mut styles = Styles::shipped();
        if let Some(dir) = dir {
            for (_, parsed) in check_dir(dir)? {
                styles.add(parsed);
            }
        }
        Ok(styles)
    }

    /// Adds styles, replacing any of the same class and name.
    pub fn add(&mut self, parsed: Vec<Style>) {
        for style in parsed {
            let list = self.by_class.entry(style.class.clone()).or_default();
            list.retain(|known| known.name != style.name);
            list.push(Arc::new(style));
        }
    }

    /// The styles of a feature class, the default first: the last added that says `IsDefault`
    /// (an uploaded default wins over a shipped one), else the first.
    pub fn of_class(&self, class: &str) -> Vec<Arc<Style>> {
        let mut list = self.by_class.get(class).cloned().unwrap_or_default();
        if let Some(at) = list.iter().rposition(|style| style.is_default) {
            let default = list.remove(at);
            list.insert(0, default);
        }
        list
    }

    /// The styles offered to the layer of `class` in deliverable `livrable_id`, the default
    /// first: those of the document the deliverable names (its `IsDefault` one, else its first),
    /// then the class's other styles (a name the document uses shadows the others').
    pub fn offered(&self, livrable_id: i64, class: &str) -> Vec<Arc<Style>> {
        let mut own: Vec<Arc<Style>> = self
            .by_livrable
            .get(&livrable_id)
            .map(|styles| styles.iter().filter(|s| s.class == class).cloned().collect())
            .unwrap_or_default();
        if let Some(at) = own.iter().position(|style| style.is_default) {
            let default = own.remove(at);
            own.insert(0, default);
        }
        for style in self.of_class(class) {
            if !own.iter().any(|mine| mine.name == style.name) {
                own.push(style);
            }
        }
        own
    }

    /// The style offered to a deliverable's layer of `class` by name, or its default when
    /// `name` is empty or `default`.
    pub fn pick(&self, livrable_id: i64, class: &str, name: &str) -> Option<Arc<Style>> {
        let list = self.offered(livrable_id, class);
        if name.is_empty() || name.eq_ignore_ascii_case("default") {
            return list.into_iter().next();
        }
        list.into_iter().find(|style| style.name == name)
    }

    /// How many styles are known.
    pub fn len(&self) -> usize {
        self.by_class.values().map(Vec::len).sum()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads every `.sld` / `.xml` file of `dir` (sorted by name): the styles of each, or the first
/// error with its file and line.
pub fn check_dir(dir: &Path) -> Result<Vec<(String, Vec<Style>)>, StyleError> {
    let unreadable = |message: String| StyleError {
        file: Some(dir.display().to_string()),
        line: 0,
        message,
        offset: 0,
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|err| unreadable(format!("cannot list the folder: {err}")))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("sld") || e.eq_ignore_ascii_case("xml"))
        })
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read(&path).map_err(|err| StyleError {
            file: Some(name.clone()),
            line: 0,
            message: format!("cannot read: {err}"),
            offset: 0,
        })?;
        let styles = parse_sld(&text, Some(&name))?;
        out.push((name, styles));
    }
    Ok(out)
}

/// The PCRS classes in the order a deliverable's map draws them, bottom first: emprises and
/// masks, areas, lines, points and symbols, texts on top.
const CLASS_ORDER: &[&str] = &[
    "EmpriseEchangePCRS",
    "MasqueOpacitePCRS",
    "HabillageEnveloppePCRS",
    "PilePontPCRS",
    "PilierParticulierPCRS",
    "PilierRegulierPCRS",
    "AffleurantEnveloppePCRS",
    "QuaiFluvioMaritimePCRS",
    "QuaiRailPCRS",
    "RailPCRS",
    "LimiteVoiriePCRS",
    "MarcheEscalierPCRS",
    "SeuilPCRS",
    "FacadePCRS",
    "MurPCRS",
    "ProeminenceBatiPCRS",
    "HabillageLignesPCRS",
    "AffleurantLignesPCRS",
    "ArbrePCRS",
    "AffleurantPCRS",
    "AffleurantPointPCRS",
    "AffleurantSymbolePCRS",
    "HabillagePointsPCRS",
    "HabillageSymbolePCRS",
    "PointLevePCRS",
    "PointCanevasPCRS",
    "HabillageTextePCRS",
    "NomVoiriePCRS",
    "NumeroVoiriePCRS",
];

/// Where a class is drawn in a deliverable's map (other classes after the PCRS ones, by name).
pub fn class_rank(class: &str) -> (usize, String) {
    let rank = CLASS_ORDER
        .iter()
        .position(|known| *known == class)
        .unwrap_or(CLASS_ORDER.len());
    (rank, class.to_string())
}

/// The style of a class no SLD names (a GeoPackage layer, a class outside the PCRS): grey
/// areas, lines or points after the class's geometry kind (all three when unknown).
pub fn generic_style(class: &str, kind: Option<GeometryKind>) -> Arc<Style> {
    static GENERIC: std::sync::OnceLock<Style> = std::sync::OnceLock::new();
    let style = GENERIC.get_or_init(|| {
        let text = br##"<FeatureTypeStyle><FeatureTypeName>any</FeatureTypeName>
            <Rule><Name>generique</Name><Title>Objet</Title>
            <PolygonSymbolizer><Fill><CssParameter name="fill">#cccccc</CssParameter><CssParameter name="fill-opacity">0.5</CssParameter></Fill>
              <Stroke><CssParameter name="stroke">#555555</CssParameter></Stroke></PolygonSymbolizer>
            <LineSymbolizer><Stroke><CssParameter name="stroke">#333333</CssParameter><CssParameter name="stroke-width">1</CssParameter></Stroke></LineSymbolizer>
            <PointSymbolizer><Graphic><Mark><WellKnownName>circle</WellKnownName><Fill><CssParameter name="fill">#666666</CssParameter></Fill></Mark><Size>5</Size></Graphic></PointSymbolizer>
            </Rule></FeatureTypeStyle>"##;
        let mut parsed = parse_sld(text, None).expect("the generic style parses");
        parsed.remove(0)
    });
    let mut style = Style {
        name: "generique".into(),
        title: "Style générique".into(),
        class: class.to_string(),
        ..style.clone()
    };
    let keep = |symbolizer: &Symbolizer| {
        matches!(
            (kind, symbolizer),
            (None, _)
                | (
                    Some(GeometryKind::Point | GeometryKind::MultiPoint),
                    Symbolizer::Point { .. }
                )
                | (
                    Some(GeometryKind::Line | GeometryKind::MultiLine),
                    Symbolizer::Line { .. }
                )
                | (
                    Some(GeometryKind::Polygon | GeometryKind::MultiPolygon),
                    Symbolizer::Polygon { .. }
                )
        )
    };
    for rule in style.passes.iter_mut().flatten() {
        rule.symbolizers.retain(keep);
    }
    Arc::new(style)
}

/// The styles in force, changed at run time by uploads: the shipped ones and the configured
/// folder's (the base), then each uploaded document's, by name. Readers take a snapshot
/// ([`StyleBook::current`]) that an upload never changes under them.
#[derive(Debug)]
pub struct StyleBook {
    base: Styles,
    uploaded: std::sync::RwLock<Uploaded>,
    current: std::sync::RwLock<Arc<Styles>>,
}

/// The uploaded documents, and which deliverable names which as its own.
#[derive(Debug, Default)]
struct Uploaded {
    documents: BTreeMap<String, Vec<Style>>,
    named_by: BTreeMap<i64, String>,
}

impl StyleBook {
    /// A book over `base`, nothing uploaded yet.
    pub fn new(base: Styles) -> StyleBook {
        StyleBook {
            current: std::sync::RwLock::new(Arc::new(base.clone())),
            base,
            uploaded: std::sync::RwLock::new(Uploaded::default()),
        }
    }

    /// The styles in force now.
    pub fn current(&self) -> Arc<Styles> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Adds (or replaces) an uploaded document's styles.
    pub fn set_document(&self, name: &str, styles: Vec<Style>) {
        self.change(|uploaded| {
            uploaded.documents.insert(name.to_string(), styles);
        });
    }

    /// Drops an uploaded document's styles.
    pub fn remove_document(&self, name: &str) {
        self.change(|uploaded| {
            uploaded.documents.remove(name);
        });
    }

    /// Makes the document `name` deliverable `livrable_id`'s own (`None`: it has none). A
    /// document some deliverable names styles those deliverables only.
    pub fn set_livrable_style(&self, livrable_id: i64, name: Option<&str>) {
        self.change(|uploaded| match name {
            Some(name) => {
                uploaded.named_by.insert(livrable_id, name.to_string());
            }
            None => {
                uploaded.named_by.remove(&livrable_id);
            }
        });
    }

    /// The classes an uploaded document styles (none when unknown).
    pub fn document_classes(&self, name: &str) -> Vec<String> {
        let uploaded = match self.uploaded.read() {
            Ok(uploaded) => uploaded,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut classes: Vec<String> = uploaded
            .documents
            .get(name)
            .map(|styles| styles.iter().map(|s| s.class.clone()).collect())
            .unwrap_or_default();
        classes.sort();
        classes.dedup();
        classes
    }

    fn change(&self, edit: impl FnOnce(&mut Uploaded)) {
        let mut uploaded = match self.uploaded.write() {
            Ok(uploaded) => uploaded,
            Err(poisoned) => poisoned.into_inner(),
        };
        edit(&mut uploaded);
        let mut styles = self.base.clone();
        let named: std::collections::BTreeSet<&String> = uploaded.named_by.values().collect();
        for (name, document) in &uploaded.documents {
            if !named.contains(name) {
                styles.add(document.clone());
            }
        }
        for (livrable_id, name) in &uploaded.named_by {
            if let Some(document) = uploaded.documents.get(name) {
                let own = document.iter().cloned().map(Arc::new).collect();
                styles.by_livrable.insert(*livrable_id, own);
            }
        }
        let mut current = match self.current.write() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        *current = Arc::new(styles);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(style: &str, default: bool) -> Vec<Style> {
        let text = format!(
            "<StyledLayerDescriptor><NamedLayer><Name>LimiteVoiriePCRS</Name><UserStyle><Name>{style}</Name>\
             <IsDefault>{}</IsDefault><FeatureTypeStyle><Rule><LineSymbolizer/></Rule></FeatureTypeStyle>\
             </UserStyle></NamedLayer></StyledLayerDescriptor>",
            if default { 1 } else { 0 }
        );
        parse_sld(text.as_bytes(), None).expect("a valid document")
    }

    #[test]
    fn a_document_a_livrable_names_styles_that_livrable_only() {
        let book = StyleBook::new(Styles::shipped());
        let shipped = book
            .current()
            .pick(1, "LimiteVoiriePCRS", "")
            .unwrap()
            .name
            .clone();
        book.set_document("theirs", document("theirs", true));
        book.set_document("mine", document("mine", false));
        // An uploaded default wins everywhere while no deliverable names its document.
        assert_eq!(
            book.current().pick(1, "LimiteVoiriePCRS", "").unwrap().name,
            "theirs"
        );
        book.set_livrable_style(1, Some("mine"));
        book.set_livrable_style(2, Some("theirs"));
        let styles = book.current();
        // Named, a document is its deliverable's default even without IsDefault...
        assert_eq!(styles.pick(1, "LimiteVoiriePCRS", "").unwrap().name, "mine");
        assert!(styles.pick(1, "LimiteVoiriePCRS", &shipped).is_some());
        // ...and no longer offered to others.
        assert_eq!(styles.pick(2, "LimiteVoiriePCRS", "").unwrap().name, "theirs");
        assert_eq!(styles.pick(3, "LimiteVoiriePCRS", "").unwrap().name, shipped);
        assert!(styles.pick(3, "LimiteVoiriePCRS", "mine").is_none());
        book.set_livrable_style(1, None);
        assert_eq!(
            book.current().pick(1, "LimiteVoiriePCRS", "").unwrap().name,
            shipped
        );
        assert!(book.current().pick(3, "LimiteVoiriePCRS", "mine").is_some());
    }
}
