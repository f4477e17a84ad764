//! A selection as one ZIP, streamed: the licence notice first, then each deliverable's files
//! read through the `Storage` trait as they are sent (never on the server's disk, never whole
//! in memory), then a manifest of every file with its SHA-256 (CSV and GeoJSON), computed while
//! streaming. Vector deliverables come as files GDAL wrote beforehand ([`Extracts`]), hashed
//! then. The layout is fixed by the catalogue's sizes and the extracts', so any byte range is
//! produced again identically; a file whose size differs from what the scan saw stops the
//! transfer.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::file::{open_shared, DownloadError};
use super::select::LivrableSelection;
use super::shape::Shape;
use super::vector::{Extracts, VectorOutput, VectorPart};
use super::zip::{dos_time, Layout, Member, Piece};
use crate::catalog::Catalog;
use crate::storage::Storage;
use crate::vector::{ExportError, Transform};

/// Chunks in flight between the storage reader and the client (back-pressure bounds memory).
const CHANNEL_CHUNKS: usize = 8;
/// Name of the licence notice.
const LICENCE_FILE: &str = "LICENCE.txt";
/// Names of the manifests.
const MANIFEST_CSV: &str = "manifest.csv";
const MANIFEST_GEOJSON: &str = "manifest.geojson";
/// Bytes read at once from a written vector file.
const EXTRACT_CHUNK: usize = 256 * 1024;
/// A SHA-256 written in hexadecimal: the manifests are sized with it before hashes are known.
const HASH_PLACEHOLDER: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a member's bytes come from.
#[derive(Debug, Clone)]
enum Source {
    /// Bytes made here (the licence notice).
    Fixed(Bytes),
    /// File `file` of deliverable `livrable` of the selection.
    File { livrable: usize, file: usize },
    /// A written vector file.
    Extract(usize),
    /// The CSV manifest.
    ManifestCsv,
    /// The GeoJSON manifest.
    ManifestGeojson,
}

/// A download ready to stream.
pub struct Archive {
    selections: Vec<LivrableSelection>,
    extracts: Extracts,
    layout: Layout,
    sources: Vec<Source>,
    etag: String,
}

impl Archive {
    /// Lays out the files of the selections the caller may download, with their vector
    /// deliverables written (none: their features are left out).
    pub fn new(selections: Vec<LivrableSelection>, extracts: Extracts) -> Archive {
        let newest = selections
            .iter()
            .flat_map(|s| s.files.iter().filter_map(|f| f.mtime.clone()))
            .max();
        let made_here = dos_time(newest.as_deref());
        let licence = Bytes::from(licence_notice(&selections, &extracts));
        let mut members = vec![Member {
            name: LICENCE_FILE.into(),
            size: licence.len() as u64,
            dos_time: made_here,
        }];
        let mut sources = vec![Source::Fixed(licence)];
        for (l, selection) in selections.iter().enumerate() {
            for (f, file) in selection.files.iter().enumerate() {
                members.push(Member {
                    name: format!("{}/{}", selection.livrable.slug, file.path),
                    size: file.size,
                    dos_time: dos_time(file.mtime.as_deref()),
                });
                sources.push(Source::File { livrable: l, file: f });
            }
            for (x, extract) in extracts.files.iter().enumerate().filter(|(_, x)| x.livrable == l) {
                members.push(Member {
                    name: format!("{}/{}", selection.livrable.slug, extract.name),
                    size: extract.size,
                    dos_time: made_here,
                });
                sources.push(Source::Extract(x));
            }
        }
        let placeholders = placeholder_hashes(&selections);
        for (name, source, size) in [
            (
                MANIFEST_CSV,
                Source::ManifestCsv,
                manifest_csv(&selections, &extracts, &placeholders).len(),
            ),
            (
                MANIFEST_GEOJSON,
                Source::ManifestGeojson,
                manifest_geojson(&selections, &extracts, &placeholders).len(),
            ),
        ] {
            members.push(Member {
                name: name.into(),
                size: size as u64,
                dos_time: made_here,
            });
            sources.push(source);
        }
        let etag = etag_of(&members, &selections, &extracts);
        Archive {
            layout: Layout::new(members),
            sources,
            selections,
            extracts,
            etag,
        }
    }

    /// The archive's length in bytes.
    pub fn len(&self) -> u64 {
        self.layout.len()
    }

    /// How many images (dalles) it holds.
    pub fn images(&self) -> usize {
        self.selections.iter().map(LivrableSelection::images).sum()
    }

    /// Whether it holds no file (the licence and manifests only).
    pub fn is_empty(&self) -> bool {
        self.selections.iter().all(|s| s.files.is_empty()) && self.extracts.files.is_empty()
    }

    /// A strong entity tag: the same for the same files in the same state.
    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// Streams bytes `range` of the archive. Files wholly before the range are still read
    /// when the manifests or the central directory are asked for (they need every digest).
    pub fn stream(
        self: Arc<Self>,
        catalog: Catalog,
        storage_timeout: Duration,
        range: Range<u64>,
    ) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
        let (sender, receiver) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
        tokio::spawn(async move {
            let mut writer = Writer {
                sender,
                range,
                stopped: false,
            };
            if let Err(err) = self.produce(&catalog, storage_timeout, &mut writer).await {
                tracing::warn!(error = %err, "download broken off");
                writer.fail(err.to_string()).await;
            }
        });
        tokio_stream::wrappers::ReceiverStream::new(receiver)
    }

    async fn produce(
        &self,
        catalog: &Catalog,
        timeout: Duration,
        writer: &mut Writer,
    ) -> Result<(), DownloadError> {
        let pieces = self.layout.pieces();
        let trailer_at = pieces
            .iter()
            .find(|(piece, _, _)| matches!(piece, Piece::Header(i) if matches!(self.sources[*i], Source::ManifestCsv)))
            .map(|(_, at, _)| *at)
            .unwrap_or(self.layout.central_offset());
        let need_every_digest = writer.range.end > trailer_at;
        let mut crcs = vec![0u32; self.sources.len()];
        let mut hashes = placeholder_hashes(&self.selections);
        let mut storages: Vec<Option<Arc<dyn Storage>>> = vec![None; self.selections.len()];
        for (index, (piece, at, len)) in pieces.iter().enumerate() {
            if writer.stopped || *at >= writer.range.end {
                break;
            }
            match *piece {
                Piece::Header(i) => writer.send(*at, Bytes::from(self.layout.local_header(i))).await,
                Piece::Descriptor(i) => {
                    writer
                        .send(*at, Bytes::from(self.layout.descriptor(i, crcs[i])))
                        .await
                }
                Piece::Directory => writer.send(*at, Bytes::from(self.layout.directory(&crcs))).await,
                Piece::Data(i) => {
                    // The descriptor right after needs this member's CRC-32.
                    let descriptor_end = pieces.get(index + 1).map(|(_, a, l)| a + l).unwrap_or(at + len);
                    let wanted = need_every_digest || writer.range.start < descriptor_end;
                    if !wanted {
                        continue;
                    }
                    // Only the digests, not the bytes: known ones spare reading the file.
                    let bytes_wanted = writer.range.start < at + len;
                    crcs[i] = match &self.sources[i] {
                        Source::Fixed(bytes) => writer.send_whole(*at, bytes.clone()).await,
                        Source::ManifestCsv => {
                            writer
                                .send_whole(
                                    *at,
                                    Bytes::from(manifest_csv(&self.selections, &self.extracts, &hashes)),
                                )
                                .await
                        }
                        Source::ManifestGeojson => {
                            writer
                                .send_whole(
                                    *at,
                                    Bytes::from(manifest_geojson(&self.selections, &self.extracts, &hashes)),
                                )
                                .await
                        }
                        Source::File { livrable, file }
                            if !bytes_wanted && self.known_digests(*livrable, *file).is_some() =>
                        {
                            let (crc, hash) = self.known_digests(*livrable, *file).unwrap_or_default();
                            hashes[*livrable][*file] = hash;
                            crc
                        }
                        Source::File { livrable, file } => {
                            let storage = self.storage(catalog, timeout, &mut storages, *livrable).await?;
                            let (crc, hash) = self
                                .send_file(storage.as_ref(), (*livrable, *file), *at, writer)
                                .await?;
                            let selected = &self.selections[*livrable].files[*file];
                            if !hash.is_empty() && selected.sha256.as_deref() != Some(hash.as_str()) {
                                // Learnt for the Metalink lists and later resumes; a failure
                                // costs only that.
                                let _ = catalog
                                    .record_digests(selected.dalle_id, selected.size, (&hash, crc))
                                    .await;
                            }
                            hashes[*livrable][*file] = hash;
                            crc
                        }
                        Source::Extract(x) => self.send_extract(*x, *at, writer).await?,
                    };
                }
            }
        }
        Ok(())
    }

    /// A file's CRC-32 and SHA-256 when a download has read it whole since it last changed.
    fn known_digests(&self, livrable: usize, file: usize) -> Option<(u32, String)> {
        let selected = &self.selections[livrable].files[file];
        Some((selected.crc32?, selected.sha256.clone()?))
    }

    /// The storage of deliverable `livrable`, opened once.
    async fn storage(
        &self,
        catalog: &Catalog,
        timeout: Duration,
        opened: &mut [Option<Arc<dyn Storage>>],
        livrable: usize,
    ) -> Result<Arc<dyn Storage>, DownloadError> {
        if let Some(storage) = &opened[livrable] {
            return Ok(storage.clone());
        }
        let record = &self.selections[livrable].storage;
        let failed = |detail: String| DownloadError::File {
            path: String::new(),
            storage: record.id,
            detail,
        };
        let storage = open_shared(catalog, record, timeout).map_err(failed)?;
        opened[livrable] = Some(storage.clone());
        Ok(storage)
    }

    /// Streams one file from its storage: its CRC-32 and SHA-256 (hex), checking its length.
    async fn send_file(
        &self,
        storage: &dyn Storage,
        (livrable, file): (usize, usize),
        at: u64,
        writer: &mut Writer,
    ) -> Result<(u32, String), DownloadError> {
        let selection = &self.selections[livrable];
        let expected = selection.files[file].size;
        let path = &selection.files[file].path;
        let failed = |detail: String| DownloadError::File {
            path: path.clone(),
            storage: selection.storage.id,
            detail,
        };
        // The file as the storage has it now against what the scan saw: a changed size, or a
        // changed entity tag where both are known, stops here rather than mixing versions.
        let now = storage.stat(path).await.map_err(|err| failed(err.to_string()))?;
        let recorded_etag = selection.files[file].etag.as_deref();
        if now.size.is_some_and(|size| size != expected)
            || matches!((recorded_etag, now.etag.as_deref()), (Some(then), Some(now)) if then != now)
        {
            return Err(failed(format!(
                "changed since the scan ({} bytes, ETag {:?}; the scan saw {expected} bytes, ETag {:?}): \
                 scan the deliverable again",
                now.size.unwrap_or_default(),
                now.etag,
                recorded_etag
            )));
        }
        let mut stream = storage
            .read_stream(path)
            .await
            .map_err(|err| failed(err.to_string()))?;
        storage.stats().record(0);
        let mut crc = crc32fast::Hasher::new();
        let mut sha = Sha256::new();
        let mut read = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|err| failed(err.to_string()))?;
            if read + chunk.len() as u64 > expected {
                return Err(failed(format!(
                    "longer than the {expected} bytes the last scan saw: it changed since; scan the deliverable again"
                )));
            }
            storage.stats().record_bytes(chunk.len() as u64);
            crc.update(&chunk);
            sha.update(&chunk);
            writer.send(at + read, chunk.clone()).await;
            read += chunk.len() as u64;
            if writer.stopped {
                // The client went away: nothing after this is sent, so nothing more is read.
                return Ok((0, String::new()));
            }
        }
        if read != expected {
            return Err(failed(format!(
                "{read} bytes where the last scan saw {expected}: it changed since, or the transfer was cut"
            )));
        }
        Ok((crc.finalize(), hex(&sha.finalize())))
    }
}

impl Archive {
    /// Streams one written vector file: its CRC-32, checking its length.
    async fn send_extract(&self, index: usize, at: u64, writer: &mut Writer) -> Result<u32, DownloadError> {
        use tokio::io::AsyncReadExt;
        let extract = &self.extracts.files[index];
        let failed = |detail: String| DownloadError::File {
            path: extract.name.clone(),
            storage: self.selections[extract.livrable].storage.id,
            detail,
        };
        let mut file = tokio::fs::File::open(&extract.path)
            .await
            .map_err(|err| failed(err.to_string()))?;
        let mut crc = crc32fast::Hasher::new();
        let mut read = 0u64;
        let mut buffer = vec![0u8; EXTRACT_CHUNK];
        loop {
            let n = file
                .read(&mut buffer)
                .await
                .map_err(|err| failed(err.to_string()))?;
            if n == 0 || writer.stopped {
                break;
            }
            let chunk = Bytes::copy_from_slice(&buffer[..n]);
            crc.update(&chunk);
            writer.send(at + read, chunk).await;
            read += n as u64;
        }
        if read != extract.size && !writer.stopped {
            return Err(failed(format!(
                "{read} bytes written where {} were",
                extract.size
            )));
        }
        Ok(crc.finalize())
    }
}

/// Writes the vector deliverables of `selections` (blocking: GDAL) in `output`'s format and
/// CRS, cut to `shape` when given, for [`Archive::new`].
pub fn write_extracts(
    selections: &[LivrableSelection],
    shape: Option<&Shape>,
    output: VectorOutput,
    transform: Transform,
) -> Result<Extracts, ExportError> {
    let parts: Vec<VectorPart> = selections
        .iter()
        .enumerate()
        .map(|(index, selection)| VectorPart {
            index,
            slug: &selection.livrable.slug,
            time: &selection.livrable.updated_at,
            classes: &selection.classes,
        })
        .collect();
    super::vector::write(&parts, shape, output, transform)
}

/// Sends the parts of pieces that fall in the range asked for.
struct Writer {
    sender: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    range: Range<u64>,
    /// The client went away, or the range is done.
    stopped: bool,
}

impl Writer {
    /// Sends the part of `bytes` (starting at archive offset `at`) inside the range.
    async fn send(&mut self, at: u64, bytes: Bytes) {
        let end = at + bytes.len() as u64;
        if self.stopped || end <= self.range.start || at >= self.range.end {
            return;
        }
        let from = self.range.start.saturating_sub(at) as usize;
        let to = (self.range.end.min(end) - at) as usize;
        if self.sender.send(Ok(bytes.slice(from..to))).await.is_err() {
            self.stopped = true;
        }
    }

    /// Sends made-here bytes; their CRC-32.
    async fn send_whole(&mut self, at: u64, bytes: Bytes) -> u32 {
        let crc = crc32fast::hash(&bytes);
        self.send(at, bytes).await;
        crc
    }

    /// Breaks the transfer off: the client sees an error, never a short archive that looks whole.
    async fn fail(&mut self, message: String) {
        let _ = self.sender.send(Err(std::io::Error::other(message))).await;
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn placeholder_hashes(selections: &[LivrableSelection]) -> Vec<Vec<String>> {
    selections
        .iter()
        .map(|s| vec![HASH_PLACEHOLDER.to_string(); s.files.len()])
        .collect()
}

/// A CSV field, quoted (paths may hold commas and quotes).
fn csv_field(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// `livrable,path,bytes,sha256`, one row per file.
fn manifest_csv(selections: &[LivrableSelection], extracts: &Extracts, hashes: &[Vec<String>]) -> String {
    let mut out = String::from("livrable,path,bytes,sha256\n");
    for (l, (selection, hashes)) in selections.iter().zip(hashes).enumerate() {
        let row = |path: &str, size: u64, hash: &str| {
            format!(
                "{},{},{size},{hash}\n",
                csv_field(&selection.livrable.slug),
                csv_field(path)
            )
        };
        for (file, hash) in selection.files.iter().zip(hashes) {
            out += &row(&file.path, file.size, hash);
        }
        for extract in extracts.files.iter().filter(|x| x.livrable == l) {
            out += &row(&extract.name, extract.size, &extract.sha256);
        }
    }
    out
}

/// The same as a GeoJSON FeatureCollection: each image with its footprint, side files without
/// geometry.
fn manifest_geojson(selections: &[LivrableSelection], extracts: &Extracts, hashes: &[Vec<String>]) -> String {
    let mut features = Vec::new();
    for (l, (selection, hashes)) in selections.iter().zip(hashes).enumerate() {
        for (file, hash) in selection.files.iter().zip(hashes) {
            let geometry = match &file.footprint {
                Some(ring) => json!({"type": "Polygon", "coordinates": [ring]}),
                None => Value::Null,
            };
            features.push(json!({
                "type": "Feature",
                "properties": {"livrable": selection.livrable.slug, "path": file.path, "bytes": file.size, "sha256": hash, "image": file.image},
                "geometry": geometry,
            }));
        }
        for extract in extracts.files.iter().filter(|x| x.livrable == l) {
            features.push(json!({
                "type": "Feature",
                "properties": {"livrable": selection.livrable.slug, "path": extract.name, "bytes": extract.size, "sha256": extract.sha256, "image": false},
                "geometry": Value::Null,
            }));
        }
    }
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// What a licence lets the recipient do, in a few lines, with where to read it whole.
fn licence_notice(selections: &[LivrableSelection], extracts: &Extracts) -> String {
    let mut out = String::from(
        "Fichiers livrés par dallage depuis les stockages de leurs producteurs.\n\
         Chaque livrable est diffusé sous sa licence ; citez sa source et la date de sa dernière mise à jour.\n\n",
    );
    for (l, selection) in selections.iter().enumerate() {
        let written = extracts.files.iter().filter(|x| x.livrable == l).count();
        let licence = selection.livrable.licence;
        out += &format!(
            "{} ({}) : {}",
            selection.livrable.nom,
            selection.livrable.slug,
            licence.name()
        );
        if let Some(url) = licence.url() {
            out += &format!(" — {url}");
        }
        out += &format!(
            "\n  projet {}, {} fichiers\n",
            selection.project,
            selection.files.len() + written
        );
    }
    out
}

/// A strong entity tag from the members and each file's identity (size, date, entity tag).
fn etag_of(members: &[Member], selections: &[LivrableSelection], extracts: &Extracts) -> String {
    let mut sha = Sha256::new();
    for member in members {
        sha.update(member.name.as_bytes());
        sha.update(member.size.to_le_bytes());
    }
    for file in selections.iter().flat_map(|s| &s.files) {
        sha.update(file.mtime.as_deref().unwrap_or("").as_bytes());
        sha.update(file.etag.as_deref().unwrap_or("").as_bytes());
    }
    for extract in &extracts.files {
        sha.update(extract.sha256.as_bytes());
    }
    format!("\"{}\"", &hex(&sha.finalize())[..32])
}
