//! The ZIP layout of a download, fixed before a byte is sent: every member is stored (images are
//! already compressed), its CRC-32 follows its data (a data descriptor), and ZIP64 records are
//! used where a size, an offset or the count passes the classic format's limits. Sizes and
//! offsets are known up front, so the archive's length is (`Content-Length`), and any byte
//! range of it can be produced again identically.

/// Classic fields saturate here; past it, ZIP64 extra fields carry the value.
const LIMIT32: u64 = 0xFFFF_FFFF;
/// Most entries the classic end record counts.
const LIMIT16: u64 = 0xFFFF;
/// General purpose flags: sizes and CRC in a data descriptor (bit 3), UTF-8 names (bit 11).
const FLAGS: u16 = 0x0008 | 0x0800;
/// Version needed to extract: 2.0, or 4.5 with ZIP64.
const VERSION: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// Made by: Unix (3), spec 4.5 (so external attributes are Unix modes).
const MADE_BY: u16 = (3 << 8) | 45;
/// `-rw-r--r--` regular file.
const EXTERNAL_ATTRIBUTES: u32 = 0o100_644 << 16;

/// A member to place: its name in the archive, its size and its modification time.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Path in the archive (`/` separated, UTF-8).
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// MS-DOS date and time.
    pub dos_time: (u16, u16),
}

/// A member at its place.
#[derive(Debug, Clone)]
struct Placed {
    member: Member,
    /// Where its local header starts.
    offset: u64,
    /// Whether its sizes need ZIP64 fields.
    zip64_sizes: bool,
}

impl Placed {
    fn local_header_len(&self) -> u64 {
        30 + self.member.name.len() as u64 + if self.zip64_sizes { 20 } else { 0 }
    }

    fn descriptor_len(&self) -> u64 {
        if self.zip64_sizes {
            24
        } else {
            16
        }
    }

    fn zip64_extra(&self) -> Vec<u8> {
        let mut fields = Vec::new();
        if self.zip64_sizes {
            fields.extend_from_slice(&self.member.size.to_le_bytes());
            fields.extend_from_slice(&self.member.size.to_le_bytes());
        }
        if self.offset >= LIMIT32 {
            fields.extend_from_slice(&self.offset.to_le_bytes());
        }
        if fields.is_empty() {
            return fields;
        }
        let mut extra = Vec::with_capacity(4 + fields.len());
        extra.extend_from_slice(&1u16.to_le_bytes());
        extra.extend_from_slice(&(fields.len() as u16).to_le_bytes());
        extra.extend_from_slice(&fields);
        extra
    }
}

/// Where everything of an archive goes.
#[derive(Debug, Clone)]
pub struct Layout {
    placed: Vec<Placed>,
    central_offset: u64,
    central_len: u64,
    total: u64,
}

/// One piece of an archive, in order: a member's local header, its data, its descriptor, then
/// the central directory and end records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Member `i`'s local header.
    Header(usize),
    /// Member `i`'s bytes.
    Data(usize),
    /// Member `i`'s data descriptor (its CRC-32 and sizes).
    Descriptor(usize),
    /// The central directory and the end records (every CRC-32 needed).
    Directory,
}

impl Layout {
    /// Places members in order.
    pub fn new(members: Vec<Member>) -> Layout {
        let mut offset = 0u64;
        let mut placed = Vec::with_capacity(members.len());
        for member in members {
            let zip64_sizes = member.size >= LIMIT32;
            let item = Placed {
                member,
                offset,
                zip64_sizes,
            };
            offset += item.local_header_len() + item.member.size + item.descriptor_len();
            placed.push(item);
        }
        let central_offset = offset;
        let central_len: u64 = placed
            .iter()
            .map(|p| 46 + p.member.name.len() as u64 + p.zip64_extra().len() as u64)
            .sum();
        let zip64_end = Self::needs_zip64_end(placed.len() as u64, central_offset, central_len);
        let end_len = 22 + if zip64_end { 56 + 20 } else { 0 };
        Layout {
            total: central_offset + central_len + end_len,
            placed,
            central_offset,
            central_len,
        }
    }

    fn needs_zip64_end(count: u64, central_offset: u64, central_len: u64) -> bool {
        count >= LIMIT16 || central_offset >= LIMIT32 || central_len >= LIMIT32
    }

    /// The archive's length in bytes.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether it has no member.
    pub fn is_empty(&self) -> bool {
        self.placed.is_empty()
    }

    /// How many members.
    pub fn members(&self) -> usize {
        self.placed.len()
    }

    /// Where the central directory starts (bytes from there on need every CRC-32).
    pub fn central_offset(&self) -> u64 {
        self.central_offset
    }

    /// Where member `i`'s data starts.
    pub fn data_offset(&self, i: usize) -> u64 {
        let placed = &self.placed[i];
        placed.offset + placed.local_header_len()
    }

    /// The pieces in order, each with where it starts and its length.
    pub fn pieces(&self) -> Vec<(Piece, u64, u64)> {
        let mut pieces = Vec::with_capacity(self.placed.len() * 3 + 1);
        for (i, placed) in self.placed.iter().enumerate() {
            let header = placed.local_header_len();
            let data_at = placed.offset + header;
            pieces.push((Piece::Header(i), placed.offset, header));
            pieces.push((Piece::Data(i), data_at, placed.member.size));
            pieces.push((
                Piece::Descriptor(i),
                data_at + placed.member.size,
                placed.descriptor_len(),
            ));
        }
        pieces.push((
            Piece::Directory,
            self.central_offset,
            self.total - self.central_offset,
        ));
        pieces
    }

    /// Member `i`'s local header (CRC and sizes left to its descriptor, as bit 3 says).
    pub fn local_header(&self, i: usize) -> Vec<u8> {
        let placed = &self.placed[i];
        let (date, time) = placed.member.dos_time;
        let mut out = Vec::with_capacity(placed.local_header_len() as usize);
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(
            &(if placed.zip64_sizes {
                VERSION_ZIP64
            } else {
                VERSION
            })
            .to_le_bytes(),
        );
        out.extend_from_slice(&FLAGS.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // stored
        out.extend_from_slice(&time.to_le_bytes());
        out.extend_from_slice(&date.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes()); // CRC-32: in the descriptor
        let unknown = if placed.zip64_sizes { u32::MAX } else { 0 };
        out.extend_from_slice(&unknown.to_le_bytes());
        out.extend_from_slice(&unknown.to_le_bytes());
        out.extend_from_slice(&(placed.member.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&(if placed.zip64_sizes { 20u16 } else { 0 }).to_le_bytes());
        out.extend_from_slice(placed.member.name.as_bytes());
        if placed.zip64_sizes {
            // The sizes are in the descriptor; the local extra field holds zeros for them.
            out.extend_from_slice(&1u16.to_le_bytes());
            out.extend_from_slice(&16u16.to_le_bytes());
            out.extend_from_slice(&[0u8; 16]);
        }
        out
    }

    /// Member `i`'s data descriptor.
    pub fn descriptor(&self, i: usize, crc: u32) -> Vec<u8> {
        let placed = &self.placed[i];
        let mut out = Vec::with_capacity(24);
        out.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        if placed.zip64_sizes {
            out.extend_from_slice(&placed.member.size.to_le_bytes());
            out.extend_from_slice(&placed.member.size.to_le_bytes());
        } else {
            let size = placed.member.size as u32;
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
        }
        out
    }

    /// The central directory and end records, with each member's CRC-32.
    pub fn directory(&self, crcs: &[u32]) -> Vec<u8> {
        let mut out = Vec::with_capacity((self.total - self.central_offset) as usize);
        for (placed, crc) in self.placed.iter().zip(crcs) {
            let (date, time) = placed.member.dos_time;
            let extra = placed.zip64_extra();
            let needs64 = !extra.is_empty();
            out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            out.extend_from_slice(&MADE_BY.to_le_bytes());
            out.extend_from_slice(&(if needs64 { VERSION_ZIP64 } else { VERSION }).to_le_bytes());
            out.extend_from_slice(&FLAGS.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&time.to_le_bytes());
            out.extend_from_slice(&date.to_le_bytes());
            out.extend_from_slice(&crc.to_le_bytes());
            let size = if placed.zip64_sizes {
                u32::MAX
            } else {
                placed.member.size as u32
            };
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&(placed.member.name.len() as u16).to_le_bytes());
            out.extend_from_slice(&(extra.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // comment
            out.extend_from_slice(&0u16.to_le_bytes()); // disk
            out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
            out.extend_from_slice(&EXTERNAL_ATTRIBUTES.to_le_bytes());
            let offset = if placed.offset >= LIMIT32 {
                u32::MAX
            } else {
                placed.offset as u32
            };
            out.extend_from_slice(&offset.to_le_bytes());
            out.extend_from_slice(placed.member.name.as_bytes());
            out.extend_from_slice(&extra);
        }
        let count = self.placed.len() as u64;
        let end_of_central = self.central_offset + self.central_len;
        if Self::needs_zip64_end(count, self.central_offset, self.central_len) {
            out.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
            out.extend_from_slice(&44u64.to_le_bytes());
            out.extend_from_slice(&MADE_BY.to_le_bytes());
            out.extend_from_slice(&VERSION_ZIP64.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&self.central_len.to_le_bytes());
            out.extend_from_slice(&self.central_offset.to_le_bytes());
            out.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&end_of_central.to_le_bytes());
            out.extend_from_slice(&1u32.to_le_bytes());
        }
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        let count16 = count.min(LIMIT16) as u16;
        out.extend_from_slice(&count16.to_le_bytes());
        out.extend_from_slice(&count16.to_le_bytes());
        out.extend_from_slice(&(self.central_len.min(LIMIT32) as u32).to_le_bytes());
        out.extend_from_slice(&(self.central_offset.min(LIMIT32) as u32).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }
}

/// The MS-DOS (date, time) of an RFC 3339 time; 1 January 1980 when there is none.
pub fn dos_time(rfc3339: Option<&str>) -> (u16, u16) {
    use chrono::{Datelike, Timelike};
    let Some(time) = rfc3339.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) else {
        return ((1 << 5) | 1, 0);
    };
    let time = time.with_timezone(&chrono::Utc);
    let year = time.year().clamp(1980, 2107) as u16;
    let date = ((year - 1980) << 9) | ((time.month() as u16) << 5) | time.day() as u16;
    let clock = ((time.hour() as u16) << 11) | ((time.minute() as u16) << 5) | (time.second() as u16 / 2);
    (date, clock)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, size: u64) -> Member {
        Member {
            name: name.into(),
            size,
            dos_time: dos_time(Some("2024-06-30T12:34:56Z")),
        }
    }

    #[test]
    fn a_layout_is_a_zip_whose_length_is_known() {
        let bodies: [&[u8]; 2] = [b"hello", b"dalle \xc3\xa9"];
        let layout = Layout::new(vec![member("a/un.txt", 5), member("a/deux été.txt", 8)]);
        let mut archive = Vec::new();
        let mut crcs = Vec::new();
        for (piece, at, len) in layout.pieces() {
            assert_eq!(archive.len() as u64, at, "{piece:?}");
            let bytes = match piece {
                Piece::Header(i) => layout.local_header(i),
                Piece::Data(i) => bodies[i].to_vec(),
                Piece::Descriptor(i) => {
                    crcs.push(crc32fast::hash(bodies[i]));
                    layout.descriptor(i, crcs[i])
                }
                Piece::Directory => layout.directory(&crcs),
            };
            assert_eq!(bytes.len() as u64, len, "{piece:?}");
            archive.extend(bytes);
        }
        assert_eq!(archive.len() as u64, layout.len());
        // The end record points at the central directory, which names both members.
        let end = &archive[archive.len() - 22..];
        assert_eq!(&end[..4], &0x0605_4b50u32.to_le_bytes());
        let central = u32::from_le_bytes(end[16..20].try_into().unwrap()) as u64;
        assert_eq!(central, layout.central_offset());
        assert_eq!(
            &archive[central as usize..central as usize + 4],
            &0x0201_4b50u32.to_le_bytes()
        );
        let name = "a/deux été.txt".as_bytes();
        assert!(archive.windows(name.len()).any(|w| w == name));
    }

    #[test]
    fn large_members_and_offsets_take_zip64_fields() {
        let big = 5 << 30; // 5 GiB
        let layout = Layout::new(vec![member("big.jp2", big), member("after.j2w", 10)]);
        assert_eq!(layout.local_header(0).len(), 30 + 7 + 20);
        assert_eq!(layout.descriptor(0, 0).len(), 24);
        assert_eq!(
            layout.local_header(1).len(),
            30 + 9,
            "a small member keeps a classic header"
        );
        let directory = layout.directory(&[0, 0]);
        // Past 4 GiB the central directory needs a ZIP64 end record and locator.
        assert!(directory.windows(4).any(|w| w == 0x0606_4b50u32.to_le_bytes()));
        assert!(directory.windows(4).any(|w| w == 0x0706_4b50u32.to_le_bytes()));
        assert_eq!(layout.len(), layout.central_offset() + directory.len() as u64);
        assert_eq!(dos_time(None), (33, 0));
    }
}
