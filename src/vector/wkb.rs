//! ISO WKB (as OGR exports it and PostGIS stores it) read into [`Geometry`] and written from
//! it: points, lines, polygons, their multi- forms, circular strings, compound curves, curve
//! polygons, multi-curves and multi-surfaces, 2D, Z, M (dropped on reading) and ZM; both byte
//! orders and the old 2.5D flag on reading; little-endian, 2D or Z, on writing. The catalogue
//! stores features' geometries this way (PostGIS builds its indexed column from it).

use super::geometry::{Geometry, Path, Piece, Position};

/// A WKB geometry and whether it has a z.
pub fn read_wkb(bytes: &[u8]) -> Result<(Geometry, bool), String> {
    let mut reader = Reader {
        bytes,
        at: 0,
        has_z: false,
    };
    let geometry = reader.geometry()?;
    Ok((geometry, reader.has_z))
}

/// A geometry as little-endian ISO WKB, with z when `has_z`; arcs as circular strings, a line
/// of several pieces as a compound curve, so that reading it back gives the same geometry.
pub fn write_wkb(geometry: &Geometry, has_z: bool) -> Vec<u8> {
    let mut writer = Writer {
        out: Vec::with_capacity(64),
        z: has_z,
    };
    writer.geometry(geometry);
    writer.out
}

struct Writer {
    out: Vec<u8>,
    z: bool,
}

impl Writer {
    fn header(&mut self, kind: u32) {
        self.out.push(1);
        let code = if self.z { kind + 1000 } else { kind };
        self.out.extend(code.to_le_bytes());
    }

    fn count(&mut self, count: usize) {
        self.out.extend((count as u32).to_le_bytes());
    }

    fn position(&mut self, p: &Position) {
        self.out.extend(p[0].to_le_bytes());
        self.out.extend(p[1].to_le_bytes());
        if self.z {
            self.out.extend(p[2].to_le_bytes());
        }
    }

    fn positions(&mut self, points: &[Position]) {
        self.count(points.len());
        points.iter().for_each(|p| self.position(p));
    }

    fn piece(&mut self, piece: &Piece) {
        match piece {
            Piece::Line(points) => {
                self.header(2);
                self.positions(points);
            }
            Piece::Arcs(points) => {
                self.header(8);
                self.positions(points);
            }
        }
    }

    /// A path: one piece as itself, several as a compound curve.
    fn curve(&mut self, path: &Path) {
        match path.0.as_slice() {
            [one] => self.piece(one),
            pieces => {
                self.header(9);
                self.count(pieces.len());
                pieces.iter().for_each(|piece| self.piece(piece));
            }
        }
    }

    fn is_plain(path: &Path) -> bool {
        matches!(path.0.as_slice(), [Piece::Line(_)])
    }

    /// A polygon's rings: a plain polygon when every ring is one straight piece.
    fn surface(&mut self, rings: &[Path]) {
        if rings.iter().all(Self::is_plain) {
            self.header(3);
            self.count(rings.len());
            for ring in rings {
                if let [Piece::Line(points)] = ring.0.as_slice() {
                    self.positions(points);
                }
            }
        } else {
            self.header(10);
            self.count(rings.len());
            rings.iter().for_each(|ring| self.curve(ring));
        }
    }

    fn geometry(&mut self, geometry: &Geometry) {
        match geometry {
            Geometry::Point(p) => {
                self.header(1);
                self.position(p);
            }
            Geometry::Line(path) => self.curve(path),
            Geometry::Polygon(rings) => self.surface(rings),
            Geometry::MultiPoint(points) => {
                self.header(4);
                self.count(points.len());
                for p in points {
                    self.header(1);
                    self.position(p);
                }
            }
            Geometry::MultiLine(paths) => {
                self.header(if paths.iter().all(Self::is_plain) { 5 } else { 11 });
                self.count(paths.len());
                paths.iter().for_each(|path| self.curve(path));
            }
            Geometry::MultiPolygon(polygons) => {
                let plain = polygons.iter().flatten().all(Self::is_plain);
                self.header(if plain { 6 } else { 12 });
                self.count(polygons.len());
                polygons.iter().for_each(|rings| self.surface(rings));
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    has_z: bool,
}

/// What a WKB header says.
struct Header {
    little: bool,
    kind: u32,
    z: bool,
    m: bool,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let slice = self
            .bytes
            .get(self.at..self.at + N)
            .ok_or_else(|| format!("WKB ends at byte {}", self.at))?;
        self.at += N;
        Ok(slice.try_into().unwrap_or([0; N]))
    }

    fn u32(&mut self, little: bool) -> Result<u32, String> {
        let raw = self.take::<4>()?;
        Ok(if little {
            u32::from_le_bytes(raw)
        } else {
            u32::from_be_bytes(raw)
        })
    }

    fn f64(&mut self, little: bool) -> Result<f64, String> {
        let raw = self.take::<8>()?;
        Ok(if little {
            f64::from_le_bytes(raw)
        } else {
            f64::from_be_bytes(raw)
        })
    }

    fn header(&mut self) -> Result<Header, String> {
        let little = match self.take::<1>()?[0] {
            0 => false,
            1 => true,
            other => return Err(format!("WKB byte order {other}")),
        };
        let code = self.u32(little)?;
        // The 2.5D flag (0x80000000) and EWKB's M flag (0x40000000), else ISO thousands.
        let (flag_z, flag_m) = (code & 0x8000_0000 != 0, code & 0x4000_0000 != 0);
        let code = code & 0x0fff_ffff;
        let (kind, iso) = (code % 1000, code / 1000);
        let z = flag_z || iso == 1 || iso == 3;
        let m = flag_m || iso == 2 || iso == 3;
        self.has_z |= z;
        Ok(Header { little, kind, z, m })
    }

    fn position(&mut self, header: &Header) -> Result<Position, String> {
        let x = self.f64(header.little)?;
        let y = self.f64(header.little)?;
        let z = if header.z { self.f64(header.little)? } else { 0.0 };
        if header.m {
            self.f64(header.little)?;
        }
        Ok([x, y, z])
    }

    fn positions(&mut self, header: &Header) -> Result<Vec<Position>, String> {
        let count = self.u32(header.little)? as usize;
        // A count the remaining bytes cannot hold is corrupt (and must not allocate).
        let size = 8 * (2 + usize::from(header.z) + usize::from(header.m));
        if count.saturating_mul(size) > self.bytes.len() - self.at {
            return Err(format!("WKB announces {count} positions past its end"));
        }
        (0..count).map(|_| self.position(header)).collect()
    }

    fn count(&mut self, header: &Header) -> Result<usize, String> {
        let count = self.u32(header.little)? as usize;
        if count > self.bytes.len() - self.at {
            return Err(format!("WKB announces {count} parts past its end"));
        }
        Ok(count)
    }

    fn geometry(&mut self) -> Result<Geometry, String> {
        let header = self.header()?;
        match header.kind {
            1 => Ok(Geometry::Point(self.position(&header)?)),
            2 | 8 | 9 => Ok(Geometry::Line(self.curve_body(&header)?)),
            3 | 10 => Ok(Geometry::Polygon(self.surface_body(&header)?)),
            4 => {
                let count = self.count(&header)?;
                let mut points = Vec::with_capacity(count);
                for _ in 0..count {
                    match self.geometry()? {
                        Geometry::Point(point) => points.push(point),
                        other => return Err(format!("a {:?} inside a MultiPoint", other.kind())),
                    }
                }
                Ok(Geometry::MultiPoint(points))
            }
            5 | 11 => {
                let count = self.count(&header)?;
                let mut paths = Vec::with_capacity(count);
                for _ in 0..count {
                    paths.push(self.curve()?);
                }
                Ok(Geometry::MultiLine(paths))
            }
            6 | 12 => {
                let count = self.count(&header)?;
                let mut polygons = Vec::with_capacity(count);
                for _ in 0..count {
                    let member = self.header()?;
                    if !matches!(member.kind, 3 | 10) {
                        return Err(format!("WKB type {} inside a MultiPolygon", member.kind));
                    }
                    polygons.push(self.surface_body(&member)?);
                }
                Ok(Geometry::MultiPolygon(polygons))
            }
            other => Err(format!(
                "WKB geometry type {other} is not read (collections, TIN, polyhedral surfaces)"
            )),
        }
    }

    /// A curve with its header: line string, circular string or compound curve.
    fn curve(&mut self) -> Result<Path, String> {
        let header = self.header()?;
        self.curve_body(&header)
    }

    fn curve_body(&mut self, header: &Header) -> Result<Path, String> {
        match header.kind {
            2 => Ok(Path(vec![Piece::Line(self.positions(header)?)])),
            8 => Ok(Path(vec![Piece::Arcs(self.positions(header)?)])),
            9 => {
                let count = self.count(header)?;
                let mut pieces = Vec::with_capacity(count);
                for _ in 0..count {
                    pieces.extend(self.curve()?.0);
                }
                Ok(Path(pieces))
            }
            other => Err(format!("WKB type {other} where a curve was expected")),
        }
    }

    /// A polygon's or a curve polygon's rings.
    fn surface_body(&mut self, header: &Header) -> Result<Vec<Path>, String> {
        let count = self.count(header)?;
        let mut rings = Vec::with_capacity(count);
        for _ in 0..count {
            rings.push(match header.kind {
                3 => Path(vec![Piece::Line(self.positions(header)?)]),
                _ => self.curve()?,
            });
        }
        Ok(rings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point_z(out: &mut Vec<u8>, p: [f64; 3]) {
        for v in p {
            out.extend(v.to_le_bytes());
        }
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let arc = Piece::Arcs(vec![[0.0, 0.0, 1.0], [1.0, 1.0, 2.0], [2.0, 0.0, 3.0]]);
        let line = Piece::Line(vec![[2.0, 0.0, 3.0], [0.0, 0.0, 1.0]]);
        let straight = Path::straight(vec![
            [0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [1.0, 1.0, 0.0],
            [0.0, 0.0, 0.0],
        ]);
        let curved = Path(vec![arc.clone(), line.clone()]);
        for (geometry, z) in [
            (Geometry::Point([1.5, 2.5, 3.5]), true),
            (Geometry::Point([1.5, 2.5, 0.0]), false),
            (Geometry::Line(Path(vec![arc.clone()])), true),
            (Geometry::Line(curved.clone()), true),
            (Geometry::Line(Path(vec![line.clone(), line.clone()])), true),
            (Geometry::Polygon(vec![straight.clone(), straight.clone()]), false),
            (Geometry::Polygon(vec![curved.clone()]), true),
            (
                Geometry::MultiPoint(vec![[1.0, 2.0, 0.0], [3.0, 4.0, 0.0]]),
                false,
            ),
            (Geometry::MultiLine(vec![straight.clone(), curved.clone()]), true),
            (Geometry::MultiLine(vec![straight.clone()]), false),
            (
                Geometry::MultiPolygon(vec![vec![straight.clone()], vec![curved.clone()]]),
                true,
            ),
            (Geometry::MultiPolygon(vec![vec![straight.clone()]]), false),
        ] {
            assert_eq!(
                read_wkb(&write_wkb(&geometry, z)).unwrap(),
                (geometry.clone(), z),
                "{geometry:?}"
            );
        }
    }

    #[test]
    fn iso_wkb_with_z_arcs_and_both_byte_orders_is_read() {
        // LineString Z (1002), little-endian, two points.
        let mut line = vec![1u8];
        line.extend(1002u32.to_le_bytes());
        line.extend(2u32.to_le_bytes());
        point_z(&mut line, [1.0, 2.0, 3.0]);
        point_z(&mut line, [4.0, 5.0, 6.0]);
        let (geometry, z) = read_wkb(&line).unwrap();
        assert!(z);
        assert_eq!(
            geometry,
            Geometry::Line(Path::straight(vec![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        );
        // A big-endian 2D point.
        let mut point = vec![0u8];
        point.extend(1u32.to_be_bytes());
        point.extend(7.5f64.to_be_bytes());
        point.extend((-1.0f64).to_be_bytes());
        assert_eq!(
            read_wkb(&point).unwrap(),
            (Geometry::Point([7.5, -1.0, 0.0]), false)
        );
        // A compound curve: a circular string then a line string.
        let mut compound = vec![1u8];
        compound.extend(9u32.to_le_bytes());
        compound.extend(2u32.to_le_bytes());
        compound.push(1);
        compound.extend(8u32.to_le_bytes());
        compound.extend(3u32.to_le_bytes());
        for v in [0.0f64, 0.0, 1.0, 1.0, 2.0, 0.0] {
            compound.extend(v.to_le_bytes());
        }
        compound.push(1);
        compound.extend(2u32.to_le_bytes());
        compound.extend(2u32.to_le_bytes());
        for v in [2.0f64, 0.0, 0.0, 0.0] {
            compound.extend(v.to_le_bytes());
        }
        let (geometry, _) = read_wkb(&compound).unwrap();
        assert!(geometry.has_arcs());
        // Truncated or lying counts are errors, not allocations.
        assert!(read_wkb(&line[..20]).is_err());
        let mut lying = vec![1u8];
        lying.extend(2u32.to_le_bytes());
        lying.extend(u32::MAX.to_le_bytes());
        assert!(read_wkb(&lying).unwrap_err().contains("past its end"));
    }
}
