//! Where a JPEG 2000 file keeps the pieces a window needs: the boxes OpenJPEG must see before
//! the codestream, the codestream's main header, the tile grid, and where each tile-part lies.
//!
//! OpenJPEG given a whole file walks every tile-part header to find the ones a window meets,
//! twice, reading a buffer at each; over a remote storage each of those reads costs a block
//! (64 KiB over HTTP, 256 KiB over FTP), so a window of one tile of sixteen read 27 % of the
//! file over HTTP and most of it over FTP. A [`Layout`] is read once per file version (from the
//! TLM marker when the file has one, else by reading the 12 bytes of each tile-part header),
//! kept in memory, and each window is then decoded from a stream made of the kept headers and
//! only the tile-parts under it: reads are the tile-parts themselves.

use std::sync::{Arc, OnceLock};

/// The JP2 boxes OpenJPEG reads before the codestream; the others (GeoJP2, GMLJP2, XML…)
/// carry nothing it decodes with and are left out.
const KEPT_BOXES: [&[u8; 4]; 3] = [b"jP  ", b"ftyp", b"jp2h"];
/// Bytes read at once while walking boxes and the main header.
const HEAD_READ: u64 = 4096;
/// Headers bigger than this are not kept: such a file is decoded from its whole stream.
const MOST_HEAD: usize = 1 << 20;
/// Tile-parts beyond this are not indexed (the same).
const MOST_PARTS: usize = 1 << 16;
/// End of codestream.
pub(super) const EOC: [u8; 2] = [0xFF, 0xD9];

/// A codestream tile-part: which tile, and where its bytes lie in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TilePart {
    /// Tile index (row by row).
    pub tile: u16,
    /// Offset of its SOT marker.
    pub start: u64,
    /// Bytes, SOT marker included.
    pub length: u64,
}

/// The image and tile grid of the SIZ marker, on the reference grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Grid {
    /// Image area: x0, y0, x1, y1.
    pub image: [u32; 4],
    /// Tile origin.
    pub tile_origin: [u32; 2],
    /// Tile size.
    pub tile_size: [u32; 2],
}

impl Grid {
    /// Tiles across.
    fn columns(&self) -> u32 {
        (self.image[2] - self.tile_origin[0]).div_ceil(self.tile_size[0].max(1))
    }

    /// Whether tile `index` meets `area` (reference grid: x0, y0, x1, y1).
    pub fn tile_meets(&self, index: u16, area: [u32; 4]) -> bool {
        let columns = self.columns().max(1);
        let (column, row) = (u32::from(index) % columns, u32::from(index) / columns);
        let x0 = (self.tile_origin[0] + column * self.tile_size[0]).max(self.image[0]);
        let y0 = (self.tile_origin[1] + row * self.tile_size[1]).max(self.image[1]);
        let x1 = (self.tile_origin[0] + (column + 1) * self.tile_size[0]).min(self.image[2]);
        let y1 = (self.tile_origin[1] + (row + 1) * self.tile_size[1]).min(self.image[3]);
        x0 < area[2] && area[0] < x1 && y0 < area[3] && area[1] < y1
    }
}

/// What a window decode needs of a JPEG 2000 file, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Layout {
    /// A JP2 file (boxes around the codestream), not a raw codestream.
    pub jp2: bool,
    /// The boxes kept from before the codestream, whole (empty for a raw codestream).
    pub boxes: Vec<u8>,
    /// The main header, SOC to the first SOT, without its TLM and PLM segments (their
    /// offsets would no longer hold in a stream of fewer tile-parts).
    pub main: Vec<u8>,
    /// The grid.
    pub grid: Grid,
    /// Every tile-part, in file order.
    pub parts: Vec<TilePart>,
}

/// How a layout is read: bytes of a range of the file (fewer at its end).
pub(super) type ReadRange<'a> = dyn FnMut(u64, u64) -> Result<Vec<u8>, String> + 'a;

impl Layout {
    /// The layout of the file GDAL knows as `name`, as it is at `version`: read once, then
    /// kept (up to 16 MiB of layouts, about 25 000 dalles of 16 tiles).
    pub fn of(name: &str, version: u64) -> Result<Arc<Layout>, String> {
        static KEPT: OnceLock<moka::sync::Cache<(String, u64), Arc<Layout>>> = OnceLock::new();
        let kept = KEPT.get_or_init(|| {
            moka::sync::Cache::builder()
                .weigher(|_: &(String, u64), layout: &Arc<Layout>| layout.weight())
                .max_capacity(16 << 20)
                .build()
        });
        let key = (name.to_string(), version);
        if let Some(layout) = kept.get(&key) {
            return Ok(layout);
        }
        let length = crate::storage::vsi::file_length(name).map_err(|err| err.to_string())?;
        let mut read = |offset: u64, count: u64| {
            crate::storage::vsi::read_exact(name, offset..offset.saturating_add(count).min(length))
                .map(|bytes| bytes.to_vec())
                .map_err(|err| err.to_string())
        };
        let layout = Arc::new(Layout::read(length, &mut read)?);
        kept.insert(key, layout.clone());
        Ok(layout)
    }

    fn weight(&self) -> u32 {
        let bytes =
            64 + self.boxes.len() + self.main.len() + self.parts.len() * std::mem::size_of::<TilePart>();
        bytes.min(u32::MAX as usize) as u32
    }

    /// Reads the layout of a file of `length` bytes through `read`.
    pub fn read(length: u64, read: &mut ReadRange) -> Result<Layout, String> {
        let mut head = Head::new(read(0, HEAD_READ.min(length))?);
        let jp2 = head.get(0, 4, read)? != [0xFF, 0x4F, 0xFF, 0x51];
        let (boxes, codestream) = if jp2 {
            kept_boxes(&mut head, length, read)?
        } else {
            (Vec::new(), 0)
        };
        let main_header = main_header(&mut head, codestream, read)?;
        let parts = match main_header.tlm {
            Some(lengths) => parts_from_tlm(&lengths, main_header.end, length)
                .map_or_else(|| walk_parts(main_header.end, length, read), Ok)?,
            None => walk_parts(main_header.end, length, read)?,
        };
        Ok(Layout {
            jp2,
            boxes,
            main: main_header.kept,
            grid: main_header.grid,
            parts,
        })
    }

    /// The tile-parts of the tiles that meet `area` (reference grid), in file order.
    pub fn parts_meeting(&self, area: [u32; 4]) -> impl Iterator<Item = &TilePart> {
        self.parts
            .iter()
            .filter(move |part| self.grid.tile_meets(part.tile, area))
    }
}

/// The bytes read from the file's start, grown on demand.
struct Head {
    bytes: Vec<u8>,
}

impl Head {
    fn new(bytes: Vec<u8>) -> Head {
        Head { bytes }
    }

    /// `count` bytes at `offset`: from the bytes read so far, grown when the piece follows
    /// them closely, else read alone (the headers of boxes after a big one left out).
    fn get(&mut self, offset: u64, count: u64, read: &mut ReadRange) -> Result<Vec<u8>, String> {
        if count as usize > MOST_HEAD {
            return Err("headers too big to keep".into());
        }
        let end = offset.checked_add(count).ok_or("headers past any file")?;
        let held = self.bytes.len() as u64;
        if end <= held {
            return Ok(self.bytes[offset as usize..end as usize].to_vec());
        }
        if offset <= held + HEAD_READ && end as usize <= MOST_HEAD {
            let more = read(held, end - held + HEAD_READ)?;
            self.bytes.extend_from_slice(&more);
            if end > self.bytes.len() as u64 {
                return Err("the file ends inside its headers".into());
            }
            return Ok(self.bytes[offset as usize..end as usize].to_vec());
        }
        let piece = read(offset, count)?;
        if (piece.len() as u64) < count {
            return Err("the file ends inside its headers".into());
        }
        Ok(piece)
    }
}

/// The kept boxes, whole, and where the codestream begins (after the `jp2c` box header).
fn kept_boxes(head: &mut Head, length: u64, read: &mut ReadRange) -> Result<(Vec<u8>, u64), String> {
    let mut kept = Vec::new();
    let mut at = 0u64;
    while at < length {
        let header = head.get(at, 8.min(length - at), read)?;
        if header.len() < 8 {
            break;
        }
        let declared = u64::from(u32::from_be_bytes([header[0], header[1], header[2], header[3]]));
        let kind: [u8; 4] = [header[4], header[5], header[6], header[7]];
        let (header_length, box_length) = match declared {
            0 => (8, length - at),
            1 => {
                let wide = head.get(at + 8, 8, read)?;
                (16, u64::from_be_bytes(wide.try_into().expect("8 bytes")))
            }
            declared => (8, declared),
        };
        if &kind == b"jp2c" {
            return Ok((kept, at + header_length));
        }
        if box_length < header_length || at + box_length > length {
            return Err(format!("a JP2 box of {box_length} bytes at {at}"));
        }
        if KEPT_BOXES.contains(&&kind) {
            kept.extend_from_slice(&head.get(at, box_length, read)?);
        }
        at += box_length;
    }
    Err("no codestream box".into())
}

/// What the main header says.
struct MainHeader {
    /// The header without TLM and PLM segments.
    kept: Vec<u8>,
    /// Where it ends: the first tile-part.
    end: u64,
    grid: Grid,
    /// Tile-part lengths (and tiles, when said) from TLM segments.
    tlm: Option<Vec<(Option<u16>, u64)>>,
}

/// Reads the main header that starts at `start` (its SOC marker).
fn main_header(head: &mut Head, start: u64, read: &mut ReadRange) -> Result<MainHeader, String> {
    if head.get(start, 2, read)? != [0xFF, 0x4F] {
        return Err("no SOC marker where the codestream begins".into());
    }
    let mut kept = vec![0xFF, 0x4F];
    let mut grid = None;
    let mut tlm: Option<Vec<(Option<u16>, u64)>> = None;
    let mut at = start + 2;
    loop {
        let marker = head.get(at, 2, read)?;
        let marker = u16::from_be_bytes([marker[0], marker[1]]);
        if marker == 0xFF90 {
            break;
        }
        let length = head.get(at + 2, 2, read)?;
        let length = u64::from(u16::from_be_bytes([length[0], length[1]]));
        if length < 2 {
            return Err(format!("a marker segment of {length} bytes at {at}"));
        }
        let segment = head.get(at, 2 + length, read)?;
        match marker {
            0xFF51 => {
                grid = Some(siz(&segment[4..])?);
                kept.extend_from_slice(&segment);
            }
            0xFF55 => tlm
                .get_or_insert_with(Vec::new)
                .extend(tlm_entries(&segment[4..])?),
            // Packed packet headers: they describe every tile-part in order, so the stream
            // cannot lose any.
            0xFF60 => return Err("packed packet headers (PPM)".into()),
            0xFF57 => {}
            _ => kept.extend_from_slice(&segment),
        }
        at += 2 + length;
    }
    Ok(MainHeader {
        kept,
        end: at,
        grid: grid.ok_or("no SIZ marker")?,
        tlm,
    })
}

/// The grid from a SIZ segment's content (after its length).
fn siz(content: &[u8]) -> Result<Grid, String> {
    if content.len() < 34 {
        return Err("a short SIZ marker".into());
    }
    let at = |index: usize| {
        let offset = 2 + 4 * index;
        u32::from_be_bytes(content[offset..offset + 4].try_into().expect("4 bytes"))
    };
    let (x1, y1, x0, y0) = (at(0), at(1), at(2), at(3));
    let (tile_width, tile_height, tile_x0, tile_y0) = (at(4), at(5), at(6), at(7));
    if x0 >= x1 || y0 >= y1 || tile_width == 0 || tile_height == 0 || tile_x0 > x0 || tile_y0 > y0 {
        return Err("an impossible SIZ marker".into());
    }
    Ok(Grid {
        image: [x0, y0, x1, y1],
        tile_origin: [tile_x0, tile_y0],
        tile_size: [tile_width, tile_height],
    })
}

/// The (tile, tile-part length) entries of a TLM segment's content (after its length).
fn tlm_entries(content: &[u8]) -> Result<Vec<(Option<u16>, u64)>, String> {
    let style = *content.get(1).ok_or("a short TLM marker")?;
    let tile_bytes = usize::from((style >> 4) & 3);
    let length_bytes = if style & 0x40 != 0 { 4 } else { 2 };
    if tile_bytes == 3 {
        return Err("a TLM marker with 3-byte tile indices".into());
    }
    let entry = tile_bytes + length_bytes;
    let entries = &content[2..];
    if entries.len() % entry != 0 {
        return Err("a TLM marker cut short".into());
    }
    Ok(entries
        .chunks(entry)
        .map(|chunk| {
            let number = |bytes: &[u8]| {
                bytes
                    .iter()
                    .fold(0u64, |value, byte| value << 8 | u64::from(*byte))
            };
            let tile = (tile_bytes > 0).then(|| number(&chunk[..tile_bytes]) as u16);
            (tile, number(&chunk[tile_bytes..]))
        })
        .collect())
}

/// Tile-parts from TLM lengths laid one after the other from `first`; `None` when they do not
/// fit the file (the walk then decides).
fn parts_from_tlm(lengths: &[(Option<u16>, u64)], first: u64, file_length: u64) -> Option<Vec<TilePart>> {
    let mut parts = Vec::with_capacity(lengths.len());
    let mut at = first;
    for (ordinal, (tile, length)) in lengths.iter().enumerate() {
        if *length < 12 || at + length > file_length || ordinal >= MOST_PARTS {
            return None;
        }
        let tile = tile.unwrap_or(u16::try_from(ordinal).ok()?);
        parts.push(TilePart {
            tile,
            start: at,
            length: *length,
        });
        at += length;
    }
    (!parts.is_empty()).then_some(parts)
}

/// Tile-parts found by reading each SOT marker from `first` to the end of the codestream.
fn walk_parts(first: u64, file_length: u64, read: &mut ReadRange) -> Result<Vec<TilePart>, String> {
    let mut parts = Vec::new();
    let mut at = first;
    while at + 12 <= file_length {
        let sot = read(at, 12)?;
        if sot.len() < 12 || sot[..2] == EOC {
            break;
        }
        if sot[..2] != [0xFF, 0x90] {
            return Err(format!("no tile-part where one was expected, at {at}"));
        }
        let tile = u16::from_be_bytes([sot[4], sot[5]]);
        let declared = u64::from(u32::from_be_bytes([sot[6], sot[7], sot[8], sot[9]]));
        // A length of 0: the last tile-part, to the end of the codestream.
        let length = if declared == 0 { file_length - at } else { declared };
        if length < 12 || at + length > file_length || parts.len() >= MOST_PARTS {
            return Err(format!("a tile-part of {length} bytes at {at}"));
        }
        parts.push(TilePart {
            tile,
            start: at,
            length,
        });
        at += length;
    }
    if parts.is_empty() {
        return Err("no tile-part".into());
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A codestream of `tiles` tile-parts of `part` bytes each (a 2×2 grid of 512² tiles),
    /// with TLM when asked, wrapped in JP2 boxes (a GeoJP2-like box among them) when asked.
    fn file(jp2: bool, tlm: bool, part: u32) -> Vec<u8> {
        let mut main = vec![0xFF, 0x4F, 0xFF, 0x51, 0, 41, 0, 0];
        for value in [1024u32, 1024, 0, 0, 512, 512, 0, 0] {
            main.extend_from_slice(&value.to_be_bytes());
        }
        main.extend_from_slice(&[0, 1, 7, 1, 1]);
        main.extend_from_slice(&[0xFF, 0x52, 0, 4, 1, 2]);
        if tlm {
            main.extend_from_slice(&[0xFF, 0x55, 0, 4 + 4 * 6, 0, 0x60]);
            for tile in 0..4u16 {
                main.extend_from_slice(&tile.to_be_bytes());
                main.extend_from_slice(&part.to_be_bytes());
            }
        }
        for tile in 0..4u16 {
            main.extend_from_slice(&[0xFF, 0x90, 0, 10]);
            main.extend_from_slice(&tile.to_be_bytes());
            main.extend_from_slice(&part.to_be_bytes());
            main.extend_from_slice(&[0, 1]);
            main.extend(std::iter::repeat_n(tile as u8, part as usize - 12));
        }
        main.extend_from_slice(&EOC);
        if !jp2 {
            return main;
        }
        let mut file = Vec::new();
        for (kind, content) in [
            (b"jP  ", vec![0x0D, 0x0A, 0x87, 0x0A]),
            (b"ftyp", b"jp2 \0\0\0\0jp2 ".to_vec()),
            (b"jp2h", vec![7; 37]),
            (b"uuid", vec![9; 5000]),
        ] {
            file.extend_from_slice(&(8 + content.len() as u32).to_be_bytes());
            file.extend_from_slice(kind);
            file.extend_from_slice(&content);
        }
        file.extend_from_slice(&(8 + main.len() as u32).to_be_bytes());
        file.extend_from_slice(b"jp2c");
        file.extend_from_slice(&main);
        file
    }

    fn layout(bytes: &[u8], reads: &mut Vec<(u64, u64)>) -> Result<Layout, String> {
        let mut read = |offset: u64, count: u64| {
            reads.push((offset, count));
            let end = (offset + count).min(bytes.len() as u64) as usize;
            Ok(bytes[offset as usize..end].to_vec())
        };
        Layout::read(bytes.len() as u64, &mut read)
    }

    #[test]
    fn tile_parts_from_tlm_or_from_their_headers() {
        for (jp2, tlm) in [(false, false), (false, true), (true, false), (true, true)] {
            let bytes = file(jp2, tlm, 30_000);
            let mut reads = Vec::new();
            let layout = layout(&bytes, &mut reads).unwrap();
            assert_eq!(layout.jp2, jp2);
            assert_eq!(layout.parts.len(), 4);
            for part in &layout.parts {
                let at = part.start as usize;
                assert_eq!(bytes[at..at + 2], [0xFF, 0x90], "{jp2} {tlm}");
                assert_eq!(u16::from_be_bytes([bytes[at + 4], bytes[at + 5]]), part.tile);
                assert_eq!(part.length, 30_000);
            }
            // The kept header is the file's without TLM; the kept boxes lack the GeoJP2-like
            // box.
            assert!(layout.main.starts_with(&[0xFF, 0x4F, 0xFF, 0x51, 0, 41]));
            assert_eq!(layout.main.len(), 2 + 43 + 6, "{jp2} {tlm}");
            assert_eq!(layout.boxes.len(), if jp2 { 12 + 20 + 45 } else { 0 });
            // With TLM, no tile-part header is read; without it, its 12 bytes each. Tile
            // data is never read, nor the left-out box.
            let headers = reads.iter().filter(|(_, count)| *count == 12).count();
            assert_eq!(headers, if tlm { 0 } else { 4 }, "{jp2} {tlm}: {reads:?}");
            let read: u64 = reads.iter().map(|(_, count)| count).sum();
            assert!(read < 4 * HEAD_READ, "{jp2} {tlm}: {reads:?}");
        }
    }

    #[test]
    fn tiles_meeting_an_area() {
        let layout = layout(&file(true, false, 100), &mut Vec::new()).unwrap();
        let tiles = |area| layout.parts_meeting(area).map(|p| p.tile).collect::<Vec<_>>();
        assert_eq!(tiles([0, 0, 10, 10]), [0]);
        assert_eq!(tiles([500, 10, 600, 20]), [0, 1]);
        assert_eq!(tiles([600, 600, 700, 700]), [3]);
        assert_eq!(tiles([0, 0, 1024, 1024]), [0, 1, 2, 3]);
    }

    #[test]
    fn broken_files_are_errors() {
        let bytes = file(true, false, 100);
        assert!(layout(&bytes[..40], &mut Vec::new()).is_err());
        assert!(layout(&bytes[..bytes.len() - 150], &mut Vec::new()).is_err());
        assert!(layout(b"not a JPEG 2000 file at all", &mut Vec::new()).is_err());
        let mut ppm = file(false, false, 100);
        ppm.splice(45..45, [0xFF, 0x60, 0, 3, 0]);
        assert_eq!(
            layout(&ppm, &mut Vec::new()),
            Err("packed packet headers (PPM)".into())
        );
    }
}
