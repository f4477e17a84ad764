//! Vector PCRS: the Lyon GML imports with the counts and coordinates `ogrinfo` reads from the
//! same files; GML as producers write it (every `srsName` spelling, no prefix, a BOM, GML 2
//! coordinates, arcs, missing CRS, swapped envelopes) is read and what was repaired reported;
//! hostile XML is refused; re-imports skip unchanged files and replace changed ones whole, on
//! SQLite and PostgreSQL (PostGIS); features are held to the CNIG schema as xmllint holds the
//! documents. The served side is in `tests/features.rs`.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use common::pcrs::{lyon_files, ogr_counts, scratch_copy};
use common::served::{gdal_tool, xmllint};
use common::*;
use dallage::catalog::Catalog;
use dallage::vector::{
    import_file, read_all, read_wkb, FileIdentity, Geometry, ImportOptions, Rules, Validation, XmlLimits,
};
use serde_json::json;

/// Every feature's geometry as `ogrinfo` prints it: `gml_id` → the WKT's numbers.
async fn ogr_coordinates(file: &Path) -> BTreeMap<String, (String, Vec<f64>)> {
    let text = gdal_tool(
        "ogrinfo",
        vec![
            "-ro".into(),
            "-al".into(),
            "-q".into(),
            file.display().to_string(),
        ],
    )
    .await;
    let mut out = BTreeMap::new();
    let mut id = None;
    for line in text.lines().map(str::trim) {
        if let Some(value) = line.strip_prefix("gml_id (String) = ") {
            id = Some(value.to_string());
        } else if let Some(id) = id.as_ref().filter(|_| line.contains(" (") && line.ends_with(')')) {
            let kind = line.split(" (").next().unwrap().to_string();
            let numbers: Vec<f64> = line
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
                .filter_map(|word| word.parse().ok())
                .collect();
            if kind.chars().all(|c| c.is_ascii_uppercase() || c == ' ') {
                out.insert(id.clone(), (kind, numbers));
            }
        }
    }
    out
}

/// A catalogue with one deliverable to import into.
async fn catalog_with_livrable(db: Db, dir: &Path) -> (Catalog, i64) {
    let catalog = fresh_catalog(db, dir).await;
    let project = catalog
        .create_project(&serde_json::from_value(project_json("PCRS vecteur")).unwrap())
        .await
        .unwrap();
    let mut livrable = livrable_json("Vecteur 2020");
    livrable["nature"] = json!("gml");
    livrable["crs"] = json!(3946);
    let livrable = catalog
        .create_livrable(project.id, &serde_json::from_value(livrable).unwrap())
        .await
        .unwrap();
    (catalog, livrable.id)
}

async fn import(catalog: &Catalog, livrable: i64, file: &Path) -> dallage::vector::FileReport {
    let identity = FileIdentity::of_local(file, &file.display().to_string()).unwrap();
    import_file(catalog, livrable, file, &identity, ImportOptions::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn every_lyon_file_imports_with_the_counts_and_coordinates_ogrinfo_reads() {
    dallage::init_gdal();
    let dir = TempDir::new();
    let (catalog, livrable) = catalog_with_livrable(Db::Sqlite, &dir.path()).await;
    let mut total = 0;
    let mut compared = 0;
    for file in lyon_files() {
        let report = import(&catalog, livrable, &file).await;
        let copy = scratch_copy(&file, &dir.path());
        assert_eq!(report.classes, ogr_counts(&copy).await, "{}", file.display());
        assert_eq!(report.notice_count, 0, "{:?}", report.notices);
        total += report.features;
        // Coordinates: every vertex (arcs' control points included), z to the millimetre.
        let ogr = ogr_coordinates(&copy).await;
        let rows = catalog.livrable_features(livrable).await.unwrap();
        for row in rows.iter().filter(|row| ogr.contains_key(&row.fid)) {
            let (kind, expected) = &ogr[&row.fid];
            let (mut geometry, _) = read_wkb(row.geometry.as_deref().unwrap()).unwrap();
            let mut ours = Vec::new();
            geometry.for_each_position_mut(|p| {
                ours.extend([p[0], p[1]]);
                if row.has_z {
                    ours.push(p[2]);
                }
            });
            assert_eq!(row.has_z, kind.contains(" Z"), "{} {kind}", row.fid);
            assert_eq!(ours.len(), expected.len(), "{} {kind}", row.fid);
            for (a, b) in ours.iter().zip(expected) {
                assert!((a - b).abs() < 1e-3, "{}: {a} vs {b}", row.fid);
            }
            compared += 1;
        }
    }
    let stored = catalog.livrable_features(livrable).await.unwrap().len() as u64;
    assert_eq!(stored, total);
    assert_eq!(total, 1371, "features in the ten files");
    assert!(compared > 700, "geometries compared with ogrinfo: {compared}");
}

/// A document in the shapes producers write.
const FIELD_GML: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<pcrs:PlanCorpsRueSimplifie xmlns:pcrs=\"http://cnig.gouv.fr/pcrs\" xmlns:gml=\"http://www.opengis.net/gml/3.2\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" gml:id=\"doc\">
 <gml:boundedBy><gml:Envelope srsName=\"urn:ogc:def:crs:EPSG::3946\"><gml:lowerCorner>1848000 5181000</gml:lowerCorner><gml:upperCorner>1849000 5182000</gml:upperCorner></gml:Envelope></gml:boundedBy>
 <pcrs:featureMember>
  <pcrs:ArbrePCRS gml:id=\"a1\"><pcrs:thematique>06</pcrs:thematique>
   <pcrs:geometrie><gml:Point srsName=\"EPSG:3946\" srsDimension=\"3\"><gml:pos>1848500.123 5181500.456 293.789</gml:pos></gml:Point></pcrs:geometrie></pcrs:ArbrePCRS>
 </pcrs:featureMember>
 <featureMember xmlns=\"http://cnig.gouv.fr/pcrs\">
  <ArbrePCRS gml:id=\"a2\"><thematique>06</thematique>
   <geometrie><gml:Point srsName=\"urn:ogc:def:crs:EPSG:3946\"><gml:pos>1848501 5181501 294</gml:pos></gml:Point></geometrie></ArbrePCRS>
 </featureMember>
 <pcrs:featureMember>
  <pcrs:LimiteVoiriePCRS gml:id=\"l1\">
   <pcrs:geometrie><gml:LineString srsName=\"http://www.opengis.net/def/crs/EPSG/0/3946\"><gml:coordinates>1848500,5181500,290 1848510,5181500,291</gml:coordinates></gml:LineString></pcrs:geometrie></pcrs:LimiteVoiriePCRS>
 </pcrs:featureMember>
 <pcrs:featureMember>
  <pcrs:LimiteVoiriePCRS gml:id=\"l2\">
   <pcrs:geometrie><gml:Curve srsName=\"urn:ogc:def:crs:EPSG::3946\" srsDimension=\"3\"><gml:segments>
    <gml:LineStringSegment><gml:posList>1848500 5181500 1 1848510 5181500 1</gml:posList></gml:LineStringSegment>
    <gml:Arc><gml:posList>1848510 5181500 1 1848515 5181505 1 1848520 5181500 1</gml:posList></gml:Arc>
   </gml:segments></gml:Curve></pcrs:geometrie></pcrs:LimiteVoiriePCRS>
 </pcrs:featureMember>
 <pcrs:featureMember>
  <pcrs:FacadePCRS gml:id=\"f1\">
   <gml:boundedBy><gml:Envelope><gml:lowerCorner>5181500 1848500</gml:lowerCorner><gml:upperCorner>5181510 1848510</gml:upperCorner></gml:Envelope></gml:boundedBy>
   <pcrs:geometrie><gml:LineString><gml:posList>1848500 5181500 1848505 5181505</gml:posList></gml:LineString></pcrs:geometrie></pcrs:FacadePCRS>
 </pcrs:featureMember>
 <pcrs:featureMember>
  <pcrs:EmpriseEchangePCRS gml:id=\"e1\"><pcrs:objet xlink:href=\"#a1\"/><pcrs:objet xlink:href=\"#a2\"/>
   <pcrs:geometrie><gml:MultiSurface srsName=\"EPSG:3946\"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing>
    <gml:posList>1848500 5181500 1848600 5181500 1848600 5181600 1848500 5181500</gml:posList></gml:LinearRing></gml:exterior>
    <gml:interior><gml:LinearRing><gml:pos>1848510 5181510</gml:pos><gml:pos>1848520 5181510</gml:pos><gml:pos>1848520 5181520</gml:pos><gml:pos>1848510 5181510</gml:pos></gml:LinearRing></gml:interior>
   </gml:Polygon></gml:surfaceMember></gml:MultiSurface></pcrs:geometrie></pcrs:EmpriseEchangePCRS>
 </pcrs:featureMember>
 <pcrs:featureMember><pcrs:AffleurantPCRS gml:id=\"n1\"><pcrs:nature>01</pcrs:nature><pcrs:gestionnaire>Gaz &amp; Électricité &#233;</pcrs:gestionnaire></pcrs:AffleurantPCRS></pcrs:featureMember>
</pcrs:PlanCorpsRueSimplifie>
";

#[test]
fn gml_as_producers_write_it_is_read_and_what_was_repaired_is_said() {
    let (features, notices) = read_all(FIELD_GML.as_bytes(), XmlLimits::default()).unwrap();
    let by_id: BTreeMap<&str, &dallage::vector::GmlFeature> =
        features.iter().map(|f| (f.id.as_deref().unwrap(), f)).collect();
    assert_eq!(by_id.len(), 7);
    // Prefixed or not, every spelling of the CRS.
    for id in ["a1", "a2", "l1", "l2", "e1"] {
        assert_eq!(by_id[id].srid, Some(3946), "{id}");
    }
    assert_eq!(
        by_id["a1"].geometry,
        Some(Geometry::Point([1848500.123, 5181500.456, 293.789]))
    );
    assert!(by_id["a1"].has_z && by_id["a2"].has_z && by_id["l1"].has_z);
    assert!(!by_id["e1"].has_z);
    assert_eq!(by_id["a2"].class, "ArbrePCRS");
    assert_eq!(by_id["a1"].properties["thematique"], json!("06"));
    // The arc is kept as an arc, its box follows the circle (radius 5 above y = 5181500).
    let curve = by_id["l2"].geometry.as_ref().unwrap();
    assert!(curve.has_arcs());
    assert!((curve.bbox().unwrap()[3] - 5181505.0).abs() < 1e-6);
    // Holes, xlink references (repeated: an array), entities.
    match by_id["e1"].geometry.as_ref().unwrap() {
        Geometry::MultiPolygon(polygons) => assert_eq!(polygons[0].len(), 2, "outer ring and hole"),
        other => panic!("{other:?}"),
    }
    assert_eq!(by_id["e1"].properties["objet"], json!(["#a1", "#a2"]));
    assert_eq!(
        by_id["n1"].properties["gestionnaire"],
        json!("Gaz & Électricité é")
    );
    assert!(by_id["n1"].geometry.is_none());
    // The facade named no CRS: the collection's envelope gave it, and its own envelope, axes
    // swapped, was said to be.
    assert_eq!(by_id["f1"].srid, Some(3946));
    let about_f1: Vec<&str> = notices
        .iter()
        .filter(|n| n.feature == "f1")
        .map(|n| n.message.as_str())
        .collect();
    assert!(
        about_f1
            .iter()
            .any(|m| m.contains("without srsName") && m.contains("3946")),
        "{about_f1:?}"
    );
    assert!(about_f1.iter().any(|m| m.contains("swapped")), "{about_f1:?}");
    assert_eq!(notices.len(), 2, "{notices:?}");
}

#[test]
fn broken_geometries_are_reported_and_their_features_kept() {
    let document = r#"<?xml version="1.0"?><PlanCorpsRueSimplifie xmlns:gml="http://www.opengis.net/gml/3.2">
      <featureMember><MurPCRS gml:id="m1"><typeMur>01</typeMur><geometrie><gml:LineString srsName="EPSG:3946"><gml:posList srsDimension="3">1 2 3 4</gml:posList></gml:LineString></geometrie></MurPCRS></featureMember>
      <featureMember><MurPCRS gml:id="m2"><geometrie><gml:LineString srsName="EPSG:3946"><gml:posList>1 2 x 4</gml:posList></gml:LineString></geometrie></MurPCRS></featureMember>
      <featureMember><MurPCRS gml:id="m3"><geometrie><gml:LineString><gml:posList>1 2 3 4</gml:posList></gml:LineString></geometrie></MurPCRS></featureMember>
    </PlanCorpsRueSimplifie>"#;
    let (features, notices) = read_all(document.as_bytes(), XmlLimits::default()).unwrap();
    assert_eq!(features.len(), 3, "no feature dropped");
    assert!(features[0].geometry.is_none() && features[1].geometry.is_none());
    assert_eq!(features[0].properties["typeMur"], json!("01"));
    let text: Vec<String> = notices
        .iter()
        .map(|n| format!("{}: {}", n.feature, n.message))
        .collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("m1") && t.contains("not a list of 3D positions")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("m2") && t.contains("\"x\" is not a number")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("m3") && t.contains("no CRS to inherit")),
        "{text:?}"
    );
}

/// A reader of `prefix`, then `count` bytes of `byte`, then `suffix`, made as it is read.
fn generated(prefix: &'static str, byte: u8, count: u64, suffix: &'static str) -> impl Read {
    prefix
        .as_bytes()
        .chain(std::io::repeat(byte).take(count))
        .chain(suffix.as_bytes())
}

#[test]
fn hostile_xml_is_refused_before_it_is_expanded_or_held() {
    let refused = |input: Box<dyn Read>, expected: &str| {
        let err = read_all(input, XmlLimits::default()).unwrap_err().to_string();
        assert!(err.contains(expected), "expected {expected:?} in {err}");
    };
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
        <PlanCorpsRueSimplifie><featureMember><ArbrePCRS><a>&lol2;</a></ArbrePCRS></featureMember></PlanCorpsRueSimplifie>"#;
    refused(Box::new(laughs.as_bytes()), "DOCTYPE");
    let external =
        r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>"#;
    refused(Box::new(external.as_bytes()), "DOCTYPE");
    let undeclared = "<PlanCorpsRueSimplifie><featureMember><ArbrePCRS><a>&secret;</a></ArbrePCRS></featureMember></PlanCorpsRueSimplifie>";
    refused(Box::new(undeclared.as_bytes()), "&secret;");
    let deep = format!(
        "<r><featureMember><f>{}{}</f></featureMember></r>",
        "<a>".repeat(10_000),
        "</a>".repeat(10_000)
    );
    refused(
        Box::new(std::io::Cursor::new(deep)),
        "nested deeper than the 64 levels",
    );
    // 100 MB of text, and a 100 MB attribute: refused at the limit, never buffered whole.
    let limits = XmlLimits {
        max_text: 1 << 20,
        ..XmlLimits::default()
    };
    for (prefix, suffix) in [
        ("<r><featureMember><f><a>", "</a></f></featureMember></r>"),
        ("<r><featureMember><f a=\"", "\"/></featureMember></r>"),
    ] {
        let err = read_all(generated(prefix, b'x', 100 << 20, suffix), limits)
            .unwrap_err()
            .to_string();
        assert!(err.contains("longer than the 1048576 bytes"), "{err}");
    }
    refused(Box::new("<r><featureMember><f><a>1</a>".as_bytes()), "truncated");
}

#[tokio::test]
async fn an_unchanged_file_is_skipped_and_a_changed_one_replaced_whole() {
    for db in BACKENDS {
        replaced_whole_on(db).await;
    }
}

async fn replaced_whole_on(db: Db) {
    let dir = TempDir::new();
    let (catalog, livrable) = catalog_with_livrable(db, &dir.path()).await;
    let file = scratch_copy(&lyon_files()[6], &dir.path());
    let first = import(&catalog, livrable, &file).await;
    assert_eq!((first.unchanged, first.features), (false, 34));
    let again = import(&catalog, livrable, &file).await;
    assert!(again.unchanged);
    assert_eq!(again.features, 34);
    // Keep the first three feature members only.
    let text = std::fs::read_to_string(&file).unwrap();
    let members: Vec<usize> = text.match_indices("<featureMember").map(|(at, _)| at).collect();
    let shorter = format!("{}</PlanCorpsRueSimplifie>\n", &text[..members[3]]);
    std::fs::write(&file, shorter).unwrap();
    let changed = import(&catalog, livrable, &file).await;
    assert_eq!((changed.unchanged, changed.features), (false, 3));
    let rows = catalog.livrable_features(livrable).await.unwrap();
    assert_eq!(rows.len(), 3, "{db:?}");
    // What was stored reads back as it was read (3D, box, properties).
    let (features, _) = read_all(std::fs::File::open(&file).unwrap(), XmlLimits::default()).unwrap();
    for (row, feature) in rows.iter().zip(&features) {
        assert_eq!(Some(row.fid.as_str()), feature.id.as_deref());
        assert_eq!(row.has_z, feature.has_z);
        assert_eq!(
            row.bbox,
            feature.geometry.as_ref().and_then(Geometry::bbox),
            "{db:?}"
        );
        let stored: Option<Geometry> = row.geometry.as_deref().map(|g| read_wkb(g).unwrap().0);
        assert_eq!(stored, feature.geometry, "{db:?}");
    }
    // A file that breaks half-way leaves the previous features in place.
    std::fs::write(&file, &text[..members[20]]).unwrap();
    let identity = FileIdentity::of_local(&file, &file.display().to_string()).unwrap();
    let err = import_file(&catalog, livrable, &file, &identity, ImportOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    assert_eq!(catalog.livrable_features(livrable).await.unwrap().len(), 3);
}

#[tokio::test]
async fn postgis_derives_an_indexed_geometry_from_each_stored_feature() {
    use sqlx::Row;
    let dir = TempDir::new();
    let config = test_config(Db::Postgres, &dir.path()).await;
    let catalog = Catalog::connect(&config.catalog, dallage::catalog::Sealer::from_secret("k"))
        .await
        .unwrap();
    let project = catalog
        .create_project(&serde_json::from_value(project_json("PCRS PostGIS")).unwrap())
        .await
        .unwrap();
    let mut livrable = livrable_json("Vecteur");
    livrable["nature"] = json!("gml");
    let livrable = catalog
        .create_livrable(project.id, &serde_json::from_value(livrable).unwrap())
        .await
        .unwrap();
    let mut with_geometry = 0;
    for file in lyon_files() {
        let report = import(&catalog, livrable.id, &file).await;
        with_geometry += report.features - report.without_geometry;
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&config.catalog.url).await.unwrap();
    let row = sqlx::query(
        "SELECT count(geom) AS shapes, count(*) FILTER (WHERE ST_SRID(geom) = 3946) AS in_cc46, \
         count(*) FILTER (WHERE ST_HasArc(geom)) AS curved, \
         count(*) FILTER (WHERE ST_NDims(geom) = 3) AS in_3d FROM features",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let shapes: i64 = row.try_get("shapes").unwrap();
    assert_eq!(
        shapes as u64, with_geometry,
        "every stored geometry is a PostGIS one"
    );
    assert_eq!(row.try_get::<i64, _>("in_cc46").unwrap(), shapes);
    assert!(row.try_get::<i64, _>("curved").unwrap() > 0, "arcs kept as arcs");
    assert!(row.try_get::<i64, _>("in_3d").unwrap() > 0, "z kept");
    let indexed = sqlx::query("SELECT indexdef FROM pg_indexes WHERE indexname = 'features_geom'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(indexed.try_get::<String, _>(0).unwrap().contains("gist"));
}

/// Three trees and a lamp post: one tree as the standard wants it, one with a theme outside
/// the code list, no producer and a 2D position, one drawn as a line in WGS 84, and a class the
/// standard does not have.
const NONCONFORMING_GML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<PlanCorpsRueSimplifie xmlns="http://cnig.gouv.fr/pcrs" xmlns:gml="http://www.opengis.net/gml/3.2" gml:id="doc" version="2.0">
 <featureMember><ArbrePCRS gml:id="t1"><dateLeve>2020-01-02</dateLeve><idObjet>t1</idObjet><thematique>06</thematique>
  <qualiteCategorisation>01</qualiteCategorisation><precisionPlanimetrique>005</precisionPlanimetrique><producteur>Immergis</producteur>
  <geometrie><gml:Point gml:id="t1g" srsName="EPSG:3946" srsDimension="3"><gml:pos>1848500 5181500 293.5</gml:pos></gml:Point></geometrie>
  <reference/></ArbrePCRS></featureMember>
 <featureMember><ArbrePCRS gml:id="t2"><idObjet>t2</idObjet><thematique>42</thematique>
  <qualiteCategorisation>01</qualiteCategorisation><precisionPlanimetrique>005</precisionPlanimetrique>
  <geometrie><gml:Point gml:id="t2g" srsName="EPSG:3946"><gml:pos>1848501 5181501</gml:pos></gml:Point></geometrie>
  <reference/></ArbrePCRS></featureMember>
 <featureMember><ArbrePCRS gml:id="t3"><idObjet>t3</idObjet><thematique>06</thematique>
  <qualiteCategorisation>01</qualiteCategorisation><precisionPlanimetrique>005</precisionPlanimetrique><producteur>Immergis</producteur>
  <geometrie><gml:LineString gml:id="t3g" srsName="EPSG:4326" srsDimension="3"><gml:posList>4.8 45.7 1 4.9 45.8 2</gml:posList></gml:LineString></geometrie>
  <reference/></ArbrePCRS></featureMember>
 <featureMember><LampadairePCRS gml:id="u1"><hauteur>6</hauteur></LampadairePCRS></featureMember>
</PlanCorpsRueSimplifie>
"#;

#[test]
fn features_are_held_to_the_cnig_schema_as_xmllint_holds_the_documents() {
    let scratch = TempDir::new();
    let cnig = "../pcrs-vector/schemas/CNIG_PCRS_v2.0.xsd";
    let rules = Rules::pcrs();
    // A Lyon file is valid for xmllint, and every feature of it conforms here.
    let lyon = std::fs::read(&lyon_files()[6]).unwrap();
    xmllint(&lyon, Some(cnig), &scratch.path()).expect("the Lyon file is valid against the CNIG XSD");
    let (features, _) = read_all(lyon.as_slice(), XmlLimits::default()).unwrap();
    let mut validation = Validation::default();
    features
        .iter()
        .for_each(|feature| validation.check(rules, feature));
    assert_eq!(
        (validation.checked, validation.conforming),
        (34, 34),
        "{:?}",
        validation.findings
    );
    // The nonconforming document is refused by xmllint; here each fault is named with its feature.
    assert!(xmllint(NONCONFORMING_GML.as_bytes(), Some(cnig), &scratch.path()).is_err());
    let (features, _) = read_all(NONCONFORMING_GML.as_bytes(), XmlLimits::default()).unwrap();
    let mut validation = Validation::default();
    features
        .iter()
        .for_each(|feature| validation.check(rules, feature));
    assert_eq!((validation.checked, validation.conforming), (4, 1));
    let mut found: Vec<(String, String, String, Vec<String>)> = validation
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.class.clone(), f.detail.clone(), f.first.clone()))
        .collect();
    found.sort();
    let expected = |rule: &str, class: &str, detail: &str, id: &str| {
        (
            rule.to_string(),
            class.to_string(),
            detail.to_string(),
            vec![id.to_string()],
        )
    };
    assert_eq!(
        found,
        vec![
            expected("code-list", "ArbrePCRS", "thematique = \"42\"", "t2"),
            expected("crs", "ArbrePCRS", "EPSG:4326", "t3"),
            expected("geometry-type", "ArbrePCRS", "geometrie: Line", "t3"),
            expected("missing-property", "ArbrePCRS", "producteur", "t2"),
            expected("missing-z", "ArbrePCRS", "2D geometry", "t2"),
            expected(
                "unknown-class",
                "LampadairePCRS",
                "not a class of CNIG PCRS v2.0",
                "u1"
            ),
        ]
    );
}
