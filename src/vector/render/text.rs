//! Labels: real fonts from the system (Debian's `fonts-dejavu-core`, and Noto when present),
//! shaped by rustybuzz (kerning, ligatures, accents as the font composes them) and turned into
//! outlines that tiny-skia fills, so a label is anti-aliased and rotates like any other path.

use std::path::Path;
use std::sync::OnceLock;

use rustybuzz::ttf_parser::{self, GlyphId, OutlineBuilder};
use rustybuzz::{Face, UnicodeBuffer};
use tiny_skia::{PathBuilder, Transform};

/// Folders searched for fonts, in order.
const FONT_DIRS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/noto",
    "/usr/local/share/fonts",
];

/// The family drawn when a style names none that is installed.
const FALLBACK_FAMILY: &str = "DejaVu Sans";

/// One font face, read once for the life of the process.
struct LoadedFace {
    face: Face<'static>,
    family: String,
    bold: bool,
    italic: bool,
}

/// The fonts found at start-up.
pub struct Fonts {
    faces: Vec<LoadedFace>,
}

static FONTS: OnceLock<Fonts> = OnceLock::new();

impl Fonts {
    /// The system's fonts, read on first use (a warning is logged once when there are none:
    /// labels are then left out, never drawn with a made-up glyph table).
    pub fn get() -> &'static Fonts {
        FONTS.get_or_init(|| {
            let fonts = Fonts::read(FONT_DIRS.iter().map(Path::new));
            if fonts.faces.is_empty() {
                tracing::warn!(
                    "no font found in {}: map labels are left out (install fonts-dejavu-core)",
                    FONT_DIRS.join(", ")
                );
            }
            fonts
        })
    }

    /// The TrueType / OpenType fonts of some folders (not their subfolders).
    fn read<'p>(dirs: impl Iterator<Item = &'p Path>) -> Fonts {
        let mut faces = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for path in paths {
                let is_font = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("ttf") || e.eq_ignore_ascii_case("otf"));
                if !is_font {
                    continue;
                }
                let Ok(bytes) = std::fs::read(&path) else { continue };
                // Kept for the life of the process: faces borrow from it.
                let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                if let Some(face) = Face::from_slice(data, 0) {
                    let family = family_name(&face).unwrap_or_default();
                    faces.push(LoadedFace {
                        bold: face.is_bold(),
                        italic: face.is_italic() || face.is_oblique(),
                        face,
                        family,
                    });
                }
            }
        }
        Fonts { faces }
    }

    /// The face for a style's families (first installed wins), weight and slant.
    fn pick(&self, families: &[String], bold: bool, italic: bool) -> Option<&LoadedFace> {
        let score = |face: &LoadedFace| u8::from(face.bold == bold) + u8::from(face.italic == italic);
        let best_of = |family: &str| {
            self.faces
                .iter()
                .filter(|face| face.family.eq_ignore_ascii_case(family))
                .max_by_key(|face| score(face))
        };
        families
            .iter()
            .find_map(|family| best_of(family))
            .or_else(|| best_of(FALLBACK_FAMILY))
            .or_else(|| self.faces.iter().max_by_key(|face| score(face)))
    }

    /// Whether any font is installed.
    pub fn available(&self) -> bool {
        !self.faces.is_empty()
    }
}

/// The family a face calls itself (typographic family first).
fn family_name(face: &Face) -> Option<String> {
    let names = face.names();
    let find = |id: u16| {
        names
            .into_iter()
            .filter(|name| name.name_id == id && name.is_unicode())
            .find_map(|name| name.to_string())
    };
    find(ttf_parser::name_id::TYPOGRAPHIC_FAMILY).or_else(|| find(ttf_parser::name_id::FAMILY))
}

/// A shaped line of text as an outline, in pixels: the baseline starts at (0, 0), y down.
pub struct Shaped {
    /// Glyph outlines.
    pub path: tiny_skia::Path,
    /// Advance width.
    pub width: f32,
    /// Ascender (above the baseline, positive).
    pub ascent: f32,
    /// Descender (below the baseline, positive).
    pub descent: f32,
}

/// Shapes `text` at `size` pixels; `None` when it draws nothing or no font is installed.
pub fn shape(
    fonts: &Fonts,
    text: &str,
    families: &[String],
    bold: bool,
    italic: bool,
    size: f32,
) -> Option<Shaped> {
    let loaded = fonts.pick(families, bold, italic)?;
    let face = &loaded.face;
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let glyphs = rustybuzz::shape(face, &[], buffer);
    let scale = size / face.units_per_em() as f32;
    let mut outline = Outline {
        builder: PathBuilder::new(),
        scale,
        x: 0.0,
        y: 0.0,
    };
    let mut pen = 0.0f32;
    for (info, position) in glyphs.glyph_infos().iter().zip(glyphs.glyph_positions()) {
        outline.x = pen + position.x_offset as f32 * scale;
        outline.y = -(position.y_offset as f32) * scale;
        let Ok(id) = u16::try_from(info.glyph_id) else {
            continue;
        };
        face.outline_glyph(GlyphId(id), &mut outline);
        pen += position.x_advance as f32 * scale;
    }
    let path = outline.builder.finish()?;
    Some(Shaped {
        path,
        width: pen,
        ascent: f32::from(face.ascender()) * scale,
        descent: -f32::from(face.descender()) * scale,
    })
}

/// Glyph outlines into a path: font units scaled to pixels, y flipped.
struct Outline {
    builder: PathBuilder,
    scale: f32,
    x: f32,
    y: f32,
}

impl Outline {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y - y * self.scale)
    }
}

impl OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.builder.move_to(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.builder.line_to(x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x, y) = self.at(x, y);
        self.builder.quad_to(x1, y1, x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x2, y2) = self.at(x2, y2);
        let (x, y) = self.at(x, y);
        self.builder.cubic_to(x1, y1, x2, y2, x, y);
    }

    fn close(&mut self) {
        self.builder.close();
    }
}

/// Where a shaped label lands: the transform from its own coordinates to the image's, and the
/// box it covers in the image (for collision tests).
pub fn placement(
    shaped: &Shaped,
    at: (f32, f32),
    anchor: (f32, f32),
    shift: (f32, f32),
    clockwise_degrees: f32,
) -> (Transform, [f32; 4]) {
    // Anchor (0, 0) is the bottom left of the text box, (1, 1) its top right.
    let height = shaped.ascent + shaped.descent;
    let local_x = -anchor.0 * shaped.width;
    // The baseline sits `descent` above the box's bottom.
    let local_y = -shaped.descent + anchor.1 * height;
    let transform = Transform::from_translate(at.0, at.1)
        .pre_rotate(clockwise_degrees)
        .pre_translate(shift.0 + local_x, -shift.1 + local_y);
    let corners = [
        (0.0, -shaped.ascent),
        (shaped.width, -shaped.ascent),
        (0.0, shaped.descent),
        (shaped.width, shaped.descent),
    ];
    let mut bounds = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for (x, y) in corners {
        let mut point = [tiny_skia::Point::from_xy(x, y)];
        transform.map_points(&mut point);
        bounds[0] = bounds[0].min(point[0].x);
        bounds[1] = bounds[1].min(point[0].y);
        bounds[2] = bounds[2].max(point[0].x);
        bounds[3] = bounds[3].max(point[0].y);
    }
    (transform, bounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accented_text_shapes_with_a_real_font() {
        let fonts = Fonts::get();
        if !fonts.available() {
            panic!("no font installed: make setup installs fonts-dejavu-core");
        }
        let shaped = shape(
            fonts,
            "Rue de l'Église",
            &["DejaVu Sans".into()],
            false,
            false,
            20.0,
        )
        .unwrap();
        // About half an em per character at 20 px.
        assert!((100.0..260.0).contains(&shaped.width), "{}", shaped.width);
        assert!(shaped.ascent > 10.0 && shaped.descent > 2.0);
        let bold = shape(
            fonts,
            "Rue de l'Église",
            &["DejaVu Sans".into()],
            true,
            false,
            20.0,
        )
        .unwrap();
        assert!(bold.width > shaped.width, "bold is wider");
        // A rotated label's box grows taller.
        let (_, flat) = placement(&shaped, (100.0, 100.0), (0.0, 0.0), (0.0, 0.0), 0.0);
        let (_, turned) = placement(&shaped, (100.0, 100.0), (0.0, 0.0), (0.0, 0.0), 90.0);
        assert!(turned[3] - turned[1] > flat[3] - flat[1]);
        assert!(shape(fonts, "", &[], false, false, 20.0).is_none());
    }
}
