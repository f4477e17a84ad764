//! The JPEG 2000 main header (ISO 15444-1 annex A), read from the first bytes of a file: image
//! and tile sizes, components, progression order, quality layers, decomposition levels,
//! code-block size, reversible or irreversible wavelet, pointer markers. GDAL reports only part
//! of this; the rest decides how fast a dalle can be read.

use serde::{Deserialize, Serialize};

/// What the codestream's main header says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Codestream {
    /// Image width.
    pub width: u32,
    /// Image height.
    pub height: u32,
    /// Tile width (equal to the image width when the codestream is not tiled).
    pub tile_width: u32,
    /// Tile height.
    pub tile_height: u32,
    /// Tiles across.
    pub tiles_across: u32,
    /// Tiles down.
    pub tiles_down: u32,
    /// Number of components.
    pub components: u16,
    /// Bits per sample of the first component.
    pub bit_depth: u8,
    /// Progression order: LRCP, RLCP, RPCL, PCRL or CPRL.
    pub progression: String,
    /// Quality layers.
    pub layers: u16,
    /// Wavelet decomposition levels (resolution levels = levels + 1).
    pub decomposition_levels: u8,
    /// Code-block width.
    pub codeblock_width: u32,
    /// Code-block height.
    pub codeblock_height: u32,
    /// 5/3 reversible wavelet (lossless-capable) rather than 9/7 irreversible.
    pub reversible: bool,
    /// Multiple component transform (RGB → YCbCr) applied.
    pub colour_transform: bool,
    /// Tile-part lengths marker in the main header (fast random access to tiles).
    pub tlm: bool,
    /// Packet lengths marker in the main header.
    pub plm: bool,
    /// Size the file must have at least, from the length of its codestream box (JP2 only).
    pub declared_length: Option<u64>,
}

impl Codestream {
    /// Whether the codestream is cut into more than one tile.
    pub fn tiled(&self) -> bool {
        self.tiles_across * self.tiles_down > 1
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *bytes.get(at)?,
        *bytes.get(at + 1)?,
        *bytes.get(at + 2)?,
        *bytes.get(at + 3)?,
    ]))
}

/// The offset of the codestream (0 for a raw `.j2k`, inside the `jp2c` box of a `.jp2`) and
/// where the `jp2c` box says it ends, when it says.
fn codestream_offset(bytes: &[u8]) -> Option<(usize, Option<u64>)> {
    if bytes.starts_with(&[0xFF, 0x4F]) {
        return Some((0, None));
    }
    let mut at = 0usize;
    while at + 8 <= bytes.len() {
        let length = u32_at(bytes, at)? as u64;
        let kind = &bytes[at + 4..at + 8];
        let (header, length) = match length {
            1 => (
                16usize,
                u64::from(u32_at(bytes, at + 8)?) << 32 | u64::from(u32_at(bytes, at + 12)?),
            ),
            0 => (8, (bytes.len() - at) as u64),
            n => (8, n),
        };
        if kind == b"jp2c" {
            let end = (u32_at(bytes, at)? != 0).then_some(at as u64 + length);
            return Some((at + header, end));
        }
        if length < header as u64 {
            return None;
        }
        at = at.checked_add(length as usize)?;
    }
    None
}

/// Parses the main header from the first bytes of a JPEG 2000 file; `None` when they don't
/// hold a complete one.
pub fn parse(bytes: &[u8]) -> Option<Codestream> {
    let (start, declared_length) = codestream_offset(bytes)?;
    let cs = &bytes[start..];
    if u16_at(cs, 0)? != 0xFF4F || u16_at(cs, 2)? != 0xFF51 {
        return None;
    }
    // SIZ
    let siz = 4;
    let siz_length = u16_at(cs, siz)? as usize;
    let width = u32_at(cs, siz + 4)? - u32_at(cs, siz + 12)?;
    let height = u32_at(cs, siz + 8)? - u32_at(cs, siz + 16)?;
    let tile_width = u32_at(cs, siz + 20)?;
    let tile_height = u32_at(cs, siz + 24)?;
    let tile_x0 = u32_at(cs, siz + 28)?;
    let tile_y0 = u32_at(cs, siz + 32)?;
    let components = u16_at(cs, siz + 36)?;
    let bit_depth = (cs.get(siz + 38)? & 0x7F) + 1;
    let x_end = u32_at(cs, siz + 4)?;
    let y_end = u32_at(cs, siz + 8)?;
    if tile_width == 0 || tile_height == 0 {
        return None;
    }
    let tiles_across = (x_end - tile_x0).div_ceil(tile_width);
    let tiles_down = (y_end - tile_y0).div_ceil(tile_height);
    // Other main-header markers, up to the first tile (SOT).
    let mut at = siz + siz_length;
    let mut cod = None;
    let (mut tlm, mut plm) = (false, false);
    loop {
        let marker = u16_at(cs, at)?;
        if marker == 0xFF90 || marker == 0xFFD9 {
            break;
        }
        let length = u16_at(cs, at + 2)? as usize;
        match marker {
            0xFF52 => {
                let body = at + 4;
                let style = *cs.get(body)?;
                let _ = style;
                cod = Some((
                    *cs.get(body + 1)?,
                    u16_at(cs, body + 2)?,
                    *cs.get(body + 4)?,
                    *cs.get(body + 5)?,
                    *cs.get(body + 6)?,
                    *cs.get(body + 7)?,
                    *cs.get(body + 9)?,
                ));
            }
            0xFF55 => tlm = true,
            0xFF57 => plm = true,
            _ => {}
        }
        at += 2 + length;
    }
    let (order, layers, mct, levels, xcb, ycb, transform) = cod?;
    Some(Codestream {
        width,
        height,
        tile_width: tile_width.min(width),
        tile_height: tile_height.min(height),
        tiles_across,
        tiles_down,
        components,
        bit_depth,
        progression: match order {
            0 => "LRCP",
            1 => "RLCP",
            2 => "RPCL",
            3 => "PCRL",
            4 => "CPRL",
            _ => "unknown",
        }
        .to_string(),
        layers,
        decomposition_levels: levels,
        codeblock_width: 1 << (xcb.min(8) + 2),
        codeblock_height: 1 << (ycb.min(8) + 2),
        reversible: transform == 1,
        colour_transform: mct == 1,
        tlm,
        plm,
        declared_length,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-made main header: 4000×4000, 1024² tiles, 3 × 8 bits, RPCL, 1 layer, MCT,
    /// 5 levels, 64×64 code-blocks, 9/7 wavelet, with a TLM marker.
    fn header(raw: bool) -> Vec<u8> {
        let mut cs = vec![0xFF, 0x4F, 0xFF, 0x51];
        cs.extend_from_slice(&(38u16 + 3 * 3).to_be_bytes());
        cs.extend_from_slice(&0u16.to_be_bytes());
        for value in [4000u32, 4000, 0, 0, 1024, 1024, 0, 0] {
            cs.extend_from_slice(&value.to_be_bytes());
        }
        cs.extend_from_slice(&3u16.to_be_bytes());
        for _ in 0..3 {
            cs.extend_from_slice(&[7, 1, 1]);
        }
        cs.extend_from_slice(&[0xFF, 0x52, 0, 12, 0, 2, 0, 1, 1, 5, 4, 4, 0, 0]);
        cs.extend_from_slice(&[0xFF, 0x55, 0, 4, 0, 0]);
        cs.extend_from_slice(&[0xFF, 0x90, 0, 10]);
        if raw {
            return cs;
        }
        let mut file = vec![0, 0, 0, 0x0C, b'j', b'P', b' ', b' ', 0x0D, 0x0A, 0x87, 0x0A];
        file.extend_from_slice(&[
            0, 0, 0, 20, b'f', b't', b'y', b'p', b'j', b'p', b'2', b' ', 0, 0, 0, 0, b'j', b'p', b'2', b' ',
        ]);
        file.extend_from_slice(&((cs.len() + 8) as u32).to_be_bytes());
        file.extend_from_slice(b"jp2c");
        file.extend_from_slice(&cs);
        file
    }

    #[test]
    fn reads_the_main_header() {
        for raw in [true, false] {
            let cs = parse(&header(raw)).expect("parsed");
            assert_eq!(
                (cs.width, cs.height, cs.tile_width, cs.tiles_across, cs.tiles_down),
                (4000, 4000, 1024, 4, 4)
            );
            assert_eq!(
                (cs.components, cs.bit_depth, cs.progression.as_str(), cs.layers),
                (3, 8, "RPCL", 1)
            );
            assert_eq!(
                (cs.decomposition_levels, cs.codeblock_width, cs.reversible),
                (5, 64, false)
            );
            assert!(cs.colour_transform && cs.tlm && !cs.plm && cs.tiled());
            let expected = if raw {
                None
            } else {
                Some(header(false).len() as u64)
            };
            assert_eq!(cs.declared_length, expected);
        }
        assert!(parse(b"not a jpeg 2000 file").is_none());
        assert!(parse(&header(false)[..40]).is_none(), "truncated");
    }
}
