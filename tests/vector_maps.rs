//! Vector PCRS on the map (WMS): a field-shaped GML (voirie, façades, a tree, an affleurant
//! envelope, rotated and accented texts) over the test orthophoto, drawn with the shipped SLD
//! styles and compared with `gdal_rasterize`'s drawing of the same features; labels where
//! their points are; `LAYERS=ortho,vector` keeping both; `STYLES` and `SLD_BODY`; a broken SLD
//! refused with its line; legends non-blank per rule; GetFeatureInfo; XSD-valid capabilities.
//!
//! Tolerance: our lines are anti-aliased strokes 1.4 px wide, GDAL's rasterisation burns one
//! aliased pixel per crossed cell. At least 97 % of GDAL's pixels must have one of ours within
//! 1 px, and at least 97 % of ours one of GDAL's within 2 px (measured: 100 % and 100 %).

mod common;

use common::served::{gdal_tool, xmllint, Rgba, Served};
use common::*;
use serde_json::{json, Value};

/// Lower left corner of the fixture area (Lambert-93), inside the test orthophoto.
const X0: f64 = 846_370.0;
const Y0: f64 = 6_526_190.0;
/// Side of the window drawn, metres, and its size in pixels (0.1 m per pixel, about 1:357).
const SIDE: f64 = 40.0;
const PIXELS: u32 = 400;

fn position(x: f64, y: f64) -> String {
    format!("{:.3} {:.3}", X0 + x, Y0 + y)
}

fn member(body: &str) -> String {
    format!("<featureMember>{body}</featureMember>\n")
}

fn line(class: &str, id: &str, theme: &str, points: &[(f64, f64)]) -> String {
    let list: Vec<String> = points.iter().map(|(x, y)| position(*x, *y)).collect();
    member(&format!(
        r#"<{class} gml:id="{id}"><dateLeve>2024-05-02</dateLeve><idObjet>{id}</idObjet><thematique>{theme}</thematique><qualiteCategorisation>01</qualiteCategorisation><precisionPlanimetrique>005</precisionPlanimetrique><precisionAltimetrique>005</precisionAltimetrique><producteur>Géomètre</producteur>
<geometrie><gml:LineString gml:id="{id}-g" srsName="EPSG:2154"><gml:posList>{}</gml:posList></gml:LineString></geometrie></{class}>"#,
        list.join(" ")
    ))
}

fn text(id: &str, label: &str, angle: f64, at: (f64, f64)) -> String {
    member(&format!(
        r#"<HabillageTextePCRS gml:id="{id}"><idHabillage>{id}</idHabillage><thematique>03</thematique>
<geometrie><gml:Point gml:id="{id}-g" srsName="EPSG:2154"><gml:pos>{}</gml:pos></gml:Point></geometrie>
<libelle>{label}</libelle><angleRotation>{angle}</angleRotation><justification>0</justification><taille>1</taille></HabillageTextePCRS>"#,
        position(at.0, at.1)
    ))
}

/// The field-shaped deliverable: every class the shipped styles draw here, in one GML.
fn fixture_gml() -> String {
    fixture_gml_with_tree((30.0, 28.0))
}

/// The same with the tree at `tree`.
fn fixture_gml_with_tree(tree: (f64, f64)) -> String {
    let mut body = String::new();
    body += &line("LimiteVoiriePCRS", "lv1", "03", &[(2.0, 5.0), (38.0, 5.0)]);
    body += &line(
        "LimiteVoiriePCRS",
        "lv2",
        "03",
        &[(2.0, 12.0), (20.0, 12.0), (38.0, 20.0)],
    );
    body += &line("FacadePCRS", "fa1", "02", &[(5.0, 36.0), (35.0, 36.0)]);
    body += &member(&format!(
        r#"<ArbrePCRS gml:id="ar1"><dateLeve>2024-05-02</dateLeve><idObjet>arbre-1</idObjet><thematique>06</thematique><qualiteCategorisation>01</qualiteCategorisation><precisionPlanimetrique>005</precisionPlanimetrique><precisionAltimetrique>005</precisionAltimetrique><producteur>Géomètre</producteur>
<geometrie><gml:Point gml:id="ar1-g" srsName="EPSG:2154"><gml:pos>{}</gml:pos></gml:Point></geometrie></ArbrePCRS>"#,
        position(tree.0, tree.1)
    ));
    body += &member(&format!(
        r#"<AffleurantEnveloppePCRS gml:id="ae1"><geometrie><gml:Polygon gml:id="ae1-g" srsName="EPSG:2154"><gml:exterior><gml:LinearRing><gml:posList>{} {} {} {} {}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></geometrie></AffleurantEnveloppePCRS>"#,
        position(30.0, 8.0),
        position(34.0, 8.0),
        position(34.0, 10.0),
        position(30.0, 10.0),
        position(30.0, 8.0)
    ));
    // Its attributes (the gas network) are on the affleurant, linked through its geometric
    // description, as CNIG PCRS v2.0 puts them.
    body += &member(
        r##"<AffleurantPCRS gml:id="af1"><idObjet>af1</idObjet><thematique>10</thematique><nature>03</nature><reseau>GAZ</reseau><representation xlink:href="#geom.af1"/></AffleurantPCRS>"##,
    );
    body += &member(
        r#"<AffleurantGeometriquePCRS gml:id="geom.af1"><enveloppe xlink:href="ae1"/></AffleurantGeometriquePCRS>"#,
    );
    body += &text("tx1", "Place de l'Église", 0.0, (4.0, 24.0));
    body += &text("tx2", "Rue Ça", 90.0, (34.0, 24.0));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<PlanCorpsRueSimplifie xmlns="http://cnig.gouv.fr/pcrs" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:xlink="http://www.w3.org/1999/xlink" gml:id="pcrs" version="2.0">
{body}</PlanCorpsRueSimplifie>
"#
    )
}

/// CRS:84 of a Lambert-93 position, through GDAL (not dallage's code).
fn lambert_to_crs84(x: f64, y: f64) -> (f64, f64) {
    use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
    let mut source = SpatialRef::from_epsg(2154).unwrap();
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut target = SpatialRef::from_epsg(4326).unwrap();
    target.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let (mut xs, mut ys) = ([x], [y]);
    CoordTransform::new(&source, &target)
        .unwrap()
        .transform_coords(&mut xs, &mut ys, &mut [])
        .unwrap();
    (xs[0], ys[0])
}

fn get_map(layers: &str, extra: &str) -> String {
    format!(
        "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layers}&CRS=EPSG:2154&BBOX={},{},{},{}\
         &WIDTH={PIXELS}&HEIGHT={PIXELS}&FORMAT=image/png&TRANSPARENT=TRUE{extra}",
        X0,
        Y0,
        X0 + SIDE,
        Y0 + SIDE
    )
}

/// Serves `body` once over HTTP on loopback (a plain socket: what a style server answers);
/// returns its URL.
async fn serve_once(body: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let _ = socket.read(&mut request).await;
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.ogc.sld+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(answer.as_bytes()).await.unwrap();
    });
    format!("http://{address}/rouge.sld")
}

/// Pixel of a fixture position.
fn pixel(x: f64, y: f64) -> (i64, i64) {
    let scale = f64::from(PIXELS) / SIDE;
    ((x * scale) as i64, ((SIDE - y) * scale) as i64)
}

fn drawn(image: &Rgba, x: i64, y: i64) -> bool {
    x >= 0
        && y >= 0
        && (x as u32) < image.width
        && (y as u32) < image.height
        && image.at(x as u32, y as u32)[3] > 40
}

fn dark(image: &Rgba, x: i64, y: i64) -> bool {
    drawn(image, x, y) && {
        let [r, g, b, _] = image.at(x as u32, y as u32);
        u32::from(r) + u32::from(g) + u32::from(b) < 3 * 110
    }
}

fn near(image: &Rgba, x: i64, y: i64, reach: i64, test: fn(&Rgba, i64, i64) -> bool) -> bool {
    (-reach..=reach).any(|dx| (-reach..=reach).any(|dy| test(image, x + dx, y + dy)))
}

fn count(image: &Rgba, area: (i64, i64, i64, i64), test: fn(&Rgba, i64, i64) -> bool) -> usize {
    let mut total = 0;
    for y in area.1..area.3 {
        for x in area.0..area.2 {
            total += usize::from(test(image, x, y));
        }
    }
    total
}

/// GDAL's own drawing of a GML layer over the window (255 where a line passes).
async fn rasterized(gml: &std::path::Path, class: &str, scratch: &std::path::Path) -> Rgba {
    let out = scratch.join(format!("{class}.tif"));
    gdal_tool(
        "gdal_rasterize",
        vec![
            "-q".into(),
            "-l".into(),
            class.into(),
            "-burn".into(),
            "255".into(),
            "-ot".into(),
            "Byte".into(),
            "-te".into(),
            X0.to_string(),
            Y0.to_string(),
            (X0 + SIDE).to_string(),
            (Y0 + SIDE).to_string(),
            "-ts".into(),
            PIXELS.to_string(),
            PIXELS.to_string(),
            gml.display().to_string(),
            out.display().to_string(),
        ],
    )
    .await;
    Rgba::read_gdal(&out)
}

#[tokio::test(flavor = "multi_thread")]
async fn vector_pcrs_drawn_styled_labelled_over_the_orthophoto() {
    dallage::init_gdal();
    let source = TempDir::new();
    let gml = source.path().join("pcrs-rue.gml");
    std::fs::write(&gml, fixture_gml()).unwrap();
    let ortho = json!({"type": "file", "path": fixtures().display().to_string()});
    let vector = json!({"type": "file", "path": source.path().display().to_string()});
    let served = Served::start(vec![ortho, vector]).await;
    let (ortho_layer, vector_layer) = (served.layers[0].clone(), served.layers[1].clone());
    let voirie = format!("{vector_layer}-LimiteVoiriePCRS");

    // Geometry: the voirie collection against GDAL's rasterisation of the same lines.
    let ours = served.map(&get_map(&voirie, "&STYLES=")).await;
    let scratch = TempDir::new();
    let reference = rasterized(&gml, "LimiteVoiriePCRS", &scratch.path()).await;
    let (mut theirs, mut matched_theirs, mut mine, mut matched_mine) = (0, 0, 0, 0);
    for y in 0..i64::from(PIXELS) {
        for x in 0..i64::from(PIXELS) {
            let burnt = reference.at(x as u32, y as u32)[0] == 255;
            if burnt {
                theirs += 1;
                matched_theirs += usize::from(near(&ours, x, y, 1, drawn));
            }
            if drawn(&ours, x, y) {
                mine += 1;
                let burnt_near = (-2..=2).any(|dx: i64| {
                    (-2..=2).any(|dy: i64| {
                        let (px, py) = (x + dx, y + dy);
                        px >= 0
                            && py >= 0
                            && px < 400
                            && py < 400
                            && reference.at(px as u32, py as u32)[0] == 255
                    })
                });
                matched_mine += usize::from(burnt_near);
            }
        }
    }
    assert!(theirs > 500 && mine > 500, "GDAL {theirs} pixels, ours {mine}");
    assert!(
        matched_theirs * 100 >= theirs * 97,
        "{matched_theirs} of GDAL's {theirs} pixels have ours near"
    );
    assert!(
        matched_mine * 100 >= mine * 97,
        "{matched_mine} of our {mine} pixels have GDAL's near"
    );
    // Thematique 03 is drawn near-black (#1a1a1a), as the voirie style says.
    let (x, y) = pixel(20.0, 5.0);
    assert!(near(&ours, x, y, 1, dark), "the chaussée line is dark");

    // The deliverable's group: every class, labels at their points.
    let group = served.map(&get_map(&vector_layer, "&STYLES=")).await;
    let (tx, ty) = pixel(4.0, 24.0);
    // Anchor (0, 0): the text runs right of its point and above it (1.5 m high, 15 px).
    let right = count(&group, (tx, ty - 18, tx + 120, ty + 2), dark);
    let left = count(&group, (tx - 120, ty - 18, tx - 2, ty + 2), dark);
    assert!(
        right > 150 && left < 20,
        "label pixels right {right}, left {left}"
    );
    // Turned 90° (counter-clockwise in the PCRS): it runs up from its point.
    let (ux, uy) = pixel(34.0, 24.0);
    let up = count(&group, (ux - 18, uy - 70, ux + 2, uy - 2), dark);
    let across = count(&group, (ux + 2, uy - 18, ux + 70, uy + 2), dark);
    assert!(
        up > 80 && up > across * 3,
        "rotated label up {up}, across {across}"
    );
    // The tree (green disc) and the façade (dark red) are drawn in their colours.
    let (ax, ay) = pixel(30.0, 28.0);
    let [r, g, b, a] = group.at(ax as u32, ay as u32);
    assert!(
        a > 200 && g > r && g > b,
        "tree at ({ax},{ay}) is {r},{g},{b},{a}"
    );
    let (fx, fy) = pixel(20.0, 36.0);
    assert!(
        (-1..=1).any(|d| {
            let [r, g, b, a] = group.at(fx as u32, (fy + d) as u32);
            a > 150 && r > 90 && g < 60 && b < 60
        }),
        "façade dark red"
    );
    // The affleurant's envelope takes the gas network's yellow (NF P 98-332) from its affleurant.
    let (ex, ey) = pixel(32.0, 9.0);
    let [r, g, b, a] = group.at(ex as u32, ey as u32);
    assert!(
        a > 60 && r > 200 && g > 150 && b < 80,
        "envelope at ({ex},{ey}) is {r},{g},{b},{a}"
    );

    // Over the orthophoto in one GetMap: the ortho everywhere, the vector on top.
    let ortho_only = served.map(&get_map(&ortho_layer, "&STYLES=")).await;
    let both = served
        .map(&get_map(&format!("{ortho_layer},{vector_layer}"), "&STYLES=,"))
        .await;
    let mut unchanged = 0;
    let mut compared = 0;
    for y in 0..PIXELS {
        for x in 0..PIXELS {
            if group.at(x, y)[3] == 0 && ortho_only.at(x, y)[3] == 255 {
                compared += 1;
                unchanged += usize::from(both.at(x, y) == ortho_only.at(x, y));
            }
        }
    }
    assert!(
        compared > 50_000 && unchanged == compared,
        "{unchanged} of {compared} ortho pixels kept"
    );
    let (x, y) = pixel(20.0, 5.0);
    assert!(
        near(&both, x, y, 1, dark) && both.at(x as u32, y as u32)[3] == 255,
        "line over the ortho"
    );

    // STYLES picks among the offered styles; an unknown one is StyleNotDefined.
    let fine = served.map(&get_map(&voirie, "&STYLES=voirie-fine")).await;
    let fine_pixels = count(&fine, (0, 0, 400, 400), drawn);
    assert!(
        fine_pixels > 300 && fine_pixels < mine,
        "fine {fine_pixels} < default {mine}"
    );
    let (_, _, body) = served.wms(&get_map(&voirie, "&STYLES=nope")).await;
    assert!(String::from_utf8_lossy(&body).contains("StyleNotDefined"));

    // SLD_BODY: the user's style applies; a broken one is refused with its line.
    let sld = format!(
        r##"<StyledLayerDescriptor version="1.0.0"><NamedLayer><Name>{voirie}</Name><UserStyle><Name>rouge</Name>
<FeatureTypeStyle><Rule><LineSymbolizer><Stroke><CssParameter name="stroke">#ff0000</CssParameter><CssParameter name="stroke-width">3</CssParameter></Stroke></LineSymbolizer></Rule></FeatureTypeStyle>
</UserStyle></NamedLayer></StyledLayerDescriptor>"##
    );
    let encoded: String = url::form_urlencoded::byte_serialize(sld.as_bytes()).collect();
    let red = served
        .map(&get_map(&voirie, &format!("&SLD_BODY={encoded}")))
        .await;
    let (x, y) = pixel(20.0, 5.0);
    let [r, g, b, _] = red.at(x as u32, y as u32);
    assert!(r > 200 && g < 60 && b < 60, "user style red: {r},{g},{b}");
    // The same document by URL, from a host of security.sld_hosts (loopback); another host is
    // refused before anything is fetched.
    let url = serve_once(sld.clone()).await;
    let by_url = served.map(&get_map(&voirie, &format!("&SLD={url}"))).await;
    assert!(by_url.pixels == red.pixels, "SLD= draws as SLD_BODY");
    let (_, _, body) = served
        .wms(&get_map(&voirie, "&SLD=http://styles.example.org/rouge.sld"))
        .await;
    assert!(String::from_utf8_lossy(&body).contains("security.sld_hosts"));
    let broken = sld.replace("#ff0000", "#ff00");
    let encoded: String = url::form_urlencoded::byte_serialize(broken.as_bytes()).collect();
    let (_, _, body) = served
        .wms(&get_map(&voirie, &format!("&SLD_BODY={encoded}")))
        .await;
    let report = String::from_utf8_lossy(&body);
    assert!(
        report.contains("InvalidParameterValue") && report.contains("line 2"),
        "{report}"
    );

    // Legends: each rule's swatch is drawn, the sheet holds every rule with its title.
    let style = served
        .state
        .styles()
        .current()
        .pick(0, "LimiteVoiriePCRS", "")
        .unwrap();
    for rule in style.rules() {
        let (status, kind, body) = served
            .wms(&format!(
                "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER={voirie}&RULE={}",
                rule.name
            ))
            .await;
        assert_eq!((status, kind.as_str()), (200, "image/png"), "{}", rule.name);
        let swatch = Rgba::decode(&body);
        assert!(
            count(&swatch, (0, 0, 20, 20), drawn) > 10,
            "rule {} swatch blank",
            rule.name
        );
    }
    let (_, _, body) = served
        .wms(&format!(
            "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER={voirie}"
        ))
        .await;
    let sheet = Rgba::decode(&body);
    let rules = style.rules().count() as u32;
    assert_eq!(sheet.height, rules * 24);
    assert!(sheet.width > 60, "titles written beside the swatches");
    for row in 0..rules {
        let top = i64::from(row * 24);
        assert!(
            count(&sheet, (24, top, i64::from(sheet.width), top + 20), drawn) > 20,
            "title {row}"
        );
    }

    // GetFeatureInfo on the tree: its attributes.
    let (ax, ay) = pixel(30.0, 28.0);
    let info = format!(
        "{}&QUERY_LAYERS={vector_layer}&INFO_FORMAT=application/json&I={ax}&J={ay}",
        get_map(&vector_layer, "&STYLES=").replace("GetMap", "GetFeatureInfo")
    );
    let (status, _, body) = served.wms(&info).await;
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        answer["features"][0]["properties"]["idObjet"], "arbre-1",
        "{answer}"
    );
    let (_, _, body) = served.wms(&info.replace("application/json", "text/html")).await;
    assert!(String::from_utf8_lossy(&body).contains("arbre-1"));
    // On the envelope: the affleurant's attributes, joined.
    let (ex, ey) = pixel(32.0, 9.0);
    let envelope = info.replace(&format!("&I={ax}&J={ay}"), &format!("&I={ex}&J={ey}"));
    let (_, _, body) = served.wms(&envelope).await;
    let answer: Value = serde_json::from_slice(&body).unwrap();
    let joined = answer["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"].as_str().is_some_and(|id| id.ends_with("ae1")))
        .unwrap_or_else(|| panic!("the envelope is under the click: {answer}"));
    assert_eq!(
        (
            &joined["properties"]["reseau"],
            &joined["properties"]["affleurant"]
        ),
        (&json!("GAZ"), &json!("af1")),
        "{joined}"
    );

    // Map tiles of the vector layer (XYZ PNG, through the tile cache); an import that moves the
    // tree drops the tiles over its old and new places only.
    let tile_of = |x: f64, y: f64| {
        let (lon, lat) = lambert_to_crs84(X0 + x, Y0 + y);
        let n = f64::from(1u32 << 21);
        let column = ((lon + 180.0) / 360.0 * n) as u32;
        let row = ((1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n) as u32;
        format!("/tiles/{vector_layer}/21/{column}/{row}.png")
    };
    let (over_tree, over_road) = (tile_of(30.0, 28.0), tile_of(3.0, 5.0));
    assert_ne!(over_tree, over_road);
    let renders = || served.state.tiles().cache().stats().renders;
    let before = served.get(&over_tree).await;
    assert_eq!((before.0, before.1.as_str()), (200, "image/png"), "{over_tree}");
    assert!(
        count(&Rgba::decode(&before.2), (0, 0, 256, 256), drawn) > 50,
        "the tree's tile is drawn"
    );
    let road = served.get(&over_road).await.2;
    assert!(
        count(&Rgba::decode(&road), (0, 0, 256, 256), drawn) > 50,
        "the road's tile is drawn"
    );
    let drawn_so_far = renders();
    assert!(served.get(&over_tree).await.2 == before.2, "the same tile again");
    assert_eq!(renders(), drawn_so_far, "served from the cache");
    // A comment makes the file's size differ too: an import skips files that look unchanged.
    std::fs::write(
        &gml,
        fixture_gml_with_tree((27.0, 29.0)) + "<!-- the tree moved -->\n",
    )
    .unwrap();
    let livrable = served
        .state
        .catalog()
        .livrable_by_slug(&vector_layer)
        .await
        .unwrap();
    // What a scheduled rescan does: the scan sees the file changed, the import follows.
    scan(&served.state, livrable.id).await;
    served.state.vectors().import_livrable(livrable.id).await.unwrap();
    let mut after = before.2.clone();
    for _ in 0..50 {
        after = served.get(&over_tree).await.2;
        if after != before.2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(after != before.2, "the tile over the moved tree is drawn again");
    let drawn_now = renders();
    assert!(
        served.get(&over_road).await.2 == road,
        "the road's tile is the same"
    );
    assert_eq!(
        renders(),
        drawn_now,
        "the road's tile, far from the change, stays cached"
    );
    // WMTS serves the same tiles by KVP.
    let (status, kind, _) = served
        .get(&format!(
            "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={vector_layer}&STYLE=default\
             &TILEMATRIXSET=WebMercatorQuad&TILEMATRIX=21&{}&FORMAT=image/png",
            over_road
                .rsplit('/')
                .take(2)
                .collect::<Vec<_>>()
                .iter()
                .rev()
                .enumerate()
                .map(|(i, v)| if i == 0 {
                    format!("TILECOL={v}")
                } else {
                    format!("TILEROW={}", v.trim_end_matches(".png"))
                })
                .collect::<Vec<_>>()
                .join("&")
        ))
        .await;
    assert_eq!((status, kind.as_str()), (200, "image/png"));
    // The WMTS capabilities list the group and its collections, with limits where styles draw.
    let (_, _, wmts) = served.get("/wmts?SERVICE=WMTS&REQUEST=GetCapabilities").await;
    let wmts_text = String::from_utf8_lossy(&wmts);
    assert!(
        wmts_text.contains(&format!("<ows:Identifier>{voirie}</ows:Identifier>")),
        "voirie in WMTS"
    );
    assert!(
        wmts_text.contains(&format!("/wmts/1.0.0/{vector_layer}/{{Style}}")),
        "group's REST template"
    );
    xmllint(
        &wmts,
        Some("ogc/wmts/1.0/wmtsGetCapabilities_response.xsd"),
        &scratch.path(),
    )
    .expect("WMTS capabilities valid");

    // Capabilities: the group, its collections with their styles and legends, XSD-valid.
    let (_, _, caps) = served
        .wms("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities")
        .await;
    let text = String::from_utf8_lossy(&caps);
    assert!(text.contains(&format!("<Name>{voirie}</Name>")) && text.contains("<Name>voirie-fine</Name>"));
    assert!(text.contains("REQUEST=GetLegendGraphic"));
    xmllint(&caps, Some("wms130_sld.xsd"), &scratch.path()).expect("WMS 1.3.0 capabilities valid");
}

/// A WebMercatorQuad tile's box in CRS:84 with `buffer` of its 4 096 units around it, through
/// GDAL's PROJ (not dallage's code).
fn tile_box84(z: u32, x: u32, y: u32, buffer: f64) -> [f64; 4] {
    use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
    let span = 2.0 * 20_037_508.342_789_244 / f64::from(1u32 << z);
    let pad = span * buffer / 4096.0;
    let x0 = -20_037_508.342_789_244 + f64::from(x) * span - pad;
    let y1 = 20_037_508.342_789_244 - f64::from(y) * span + pad;
    let (x1, y0) = (x0 + span + 2.0 * pad, y1 - span - 2.0 * pad);
    let mut source = SpatialRef::from_epsg(3857).unwrap();
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut target = SpatialRef::from_epsg(4326).unwrap();
    target.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let (mut xs, mut ys) = ([x0, x1, x1, x0], [y0, y0, y1, y1]);
    CoordTransform::new(&source, &target)
        .unwrap()
        .transform_coords(&mut xs, &mut ys, &mut [])
        .unwrap();
    let fold = |v: &[f64], f: fn(f64, f64) -> f64| v.iter().copied().reduce(f).unwrap();
    [
        fold(&xs, f64::min),
        fold(&ys, f64::min),
        fold(&xs, f64::max),
        fold(&ys, f64::max),
    ]
}

/// Vector tiles of the Lyon deliverable: GDAL's MVT driver reads each tile over it with, per
/// class, as many features as a direct query of the tile's box finds (between the tile with 60
/// and with 68 units of buffer: the tile's own is 64); properties come through; TileJSON and
/// the MapLibre style describe the same layers.
#[tokio::test(flavor = "multi_thread")]
async fn vector_tiles_hold_what_a_direct_query_finds() {
    let (served, _, _source) = common::pcrs::serve_lyon().await;
    let slug = served.layer().to_string();
    let (status, _, body) = served.get(&format!("/tiles/{slug}/tiles.json")).await;
    assert_eq!(status, 200);
    let tilejson: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(tilejson["tilejson"], "3.0.0");
    let bounds: Vec<f64> = serde_json::from_value(tilejson["bounds"].clone()).unwrap();
    let classes: Vec<String> = tilejson["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    assert!(classes.contains(&"LimiteVoiriePCRS".to_string()), "{classes:?}");
    // Every z17 tile over the deliverable.
    let z = 17u32;
    let n = f64::from(1u32 << z);
    let column = |lon: f64| ((lon + 180.0) / 360.0 * n) as u32;
    let row = |lat: f64| ((1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n) as u32;
    let scratch = TempDir::new();
    let mut tiles_with_features = 0;
    let mut richest = (0, 0, 0);
    for x in column(bounds[0])..=column(bounds[2]) {
        for y in row(bounds[3])..=row(bounds[1]) {
            let (status, kind, body) = served.get(&format!("/tiles/{slug}/{z}/{x}/{y}.mvt")).await;
            assert_eq!(
                (status, kind.as_str()),
                (200, "application/vnd.mapbox-vector-tile")
            );
            let dir = scratch.path().join(format!("{z}/{x}"));
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("{y}.mvt"));
            std::fs::write(&file, &body).unwrap();
            if body.len() > richest.2 {
                richest = (x, y, body.len());
            }
            let read = if body.is_empty() {
                Default::default()
            } else {
                common::pcrs::ogr_counts_of(file.display().to_string()).await
            };
            let (inner, outer) = (tile_box84(z, x, y, 60.0), tile_box84(z, x, y, 68.0));
            for class in &classes {
                let collection = served.state.vectors().get(&format!("{slug}-{class}")).unwrap();
                let low = collection.select(Some(inner), None, 0, 0).matched as u64;
                let high = collection.select(Some(outer), None, 0, 0).matched as u64;
                let got = read.get(class).copied().unwrap_or(0);
                assert!(
                    low <= got && got <= high,
                    "tile {z}/{x}/{y} {class}: GDAL reads {got}, a query finds {low}..{high}"
                );
            }
            tiles_with_features += usize::from(!read.is_empty());
        }
    }
    assert!(
        tiles_with_features >= 3,
        "{tiles_with_features} tiles hold features"
    );
    // Properties come through, typed; `properties=` keeps only those asked for.
    let (x, y, _) = richest;
    let all = served.get(&format!("/tiles/{slug}/{z}/{x}/{y}.mvt")).await.2;
    let few = served
        .get(&format!("/tiles/{slug}/{z}/{x}/{y}.mvt?properties=thematique"))
        .await
        .2;
    assert!(few.len() < all.len());
    for (layer, features) in dallage::vector::mvt::decode_tile(&few).unwrap() {
        for (_, properties) in features {
            assert!(
                properties.keys().all(|k| k == "thematique" || k == "fid"),
                "{layer}: {properties:?}"
            );
        }
    }
    // OGC API Tiles serves a collection's tiles, the same bytes as XYZ.
    let voirie = format!("{slug}-LimiteVoiriePCRS");
    let (_, _, body) = served.get(&format!("/ogcapi/collections/{voirie}/tiles")).await;
    let tilesets: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(tilesets["tilesets"][0]["dataType"], "vector", "{tilesets}");
    let xyz = served.get(&format!("/tiles/{voirie}/{z}/{x}/{y}.mvt")).await.2;
    let (status, _, ogcapi) = served
        .get(&format!(
            "/ogcapi/collections/{voirie}/tiles/WebMercatorQuad/{z}/{y}/{x}"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(!xyz.is_empty() && xyz == ogcapi, "same tile both ways");
    deliverable_under_ogc_api_tiles(&served, &slug, classes.len(), (z, x, y)).await;
    // The MapLibre style draws the same layers from the same source.
    let (_, _, body) = served.get(&format!("/tiles/{slug}/style.json")).await;
    let style: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(style["version"], 8);
    assert_eq!(
        style["sources"][&slug]["url"],
        json!(format!("{}/tiles/{slug}/tiles.json", served.base))
    );
    let drawn: std::collections::BTreeSet<&str> = style["layers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["source-layer"].as_str())
        .collect();
    assert!(
        drawn.contains("LimiteVoiriePCRS") && drawn.contains("ArbrePCRS"),
        "{drawn:?}"
    );
    // Out of the matrix: a 404 problem.
    let (status, _, _) = served.get(&format!("/tiles/{slug}/3/9/9.mvt")).await;
    assert_eq!(status, 404);
}

/// A vector deliverable under OGC API Tiles: a map collection its classes link to, its
/// vector tiles (one layer per class) and its map tiles (PNG, limited to where its styles
/// draw), each the same bytes as the XYZ route; collections link to their map tilesets.
async fn deliverable_under_ogc_api_tiles(
    served: &common::served::Served,
    slug: &str,
    classes: usize,
    (z, x, y): (u32, u32, u32),
) {
    let json = |body: Vec<u8>| serde_json::from_slice::<Value>(&body).unwrap();
    // Not listed (Features clients read every listed collection's items), but linked from its
    // classes and served.
    let listed = json(served.get("/ogcapi/collections").await.2);
    assert!(
        listed["collections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != slug),
        "{listed}"
    );
    let voirie = json(
        served
            .get(&format!("/ogcapi/collections/{slug}-LimiteVoiriePCRS"))
            .await
            .2,
    );
    let related = voirie["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "related")
        .and_then(|l| l["href"].as_str())
        .unwrap_or_else(|| panic!("a link to the deliverable: {voirie}"));
    let group = json(served.get(related.strip_prefix(&served.base).unwrap()).await.2);
    assert_eq!((&group["id"], &group["dataType"]), (&json!(slug), &json!("map")));
    // Vector tiles of the whole deliverable.
    let tilesets = json(served.get(&format!("/ogcapi/collections/{slug}/tiles")).await.2);
    assert_eq!(
        tilesets["tilesets"][0]["layers"].as_array().map(Vec::len),
        Some(classes),
        "{tilesets}"
    );
    let mvt = served
        .get(&format!(
            "/ogcapi/collections/{slug}/tiles/WebMercatorQuad/{z}/{y}/{x}"
        ))
        .await
        .2;
    assert_eq!(mvt, served.get(&format!("/tiles/{slug}/{z}/{x}/{y}.mvt")).await.2);
    // Map tiles, listed where the styles draw.
    let maps = json(
        served
            .get(&format!("/ogcapi/collections/{slug}/map/tiles"))
            .await
            .2,
    );
    let sets: Vec<&str> = maps["tilesets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["links"][0]["href"].as_str())
        .collect();
    assert!(
        sets.iter().any(|href| href.ends_with("/WebMercatorQuad")),
        "{maps}"
    );
    let (status, _, body) = served
        .get(&format!("/ogcapi/collections/{slug}/map/tiles/WebMercatorQuad"))
        .await;
    assert_eq!(status, 200);
    let tileset = json(body);
    let levels: Vec<&str> = tileset["tileMatrixSetLimits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["tileMatrix"].as_str())
        .collect();
    assert!(levels.contains(&"17"), "{levels:?}");
    let template = tileset["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "item")
        .and_then(|l| l["href"].as_str())
        .unwrap()
        .to_string();
    let href = template
        .replace("{tileMatrix}", &z.to_string())
        .replace("{tileRow}", &y.to_string())
        .replace("{tileCol}", &x.to_string());
    let path = href.strip_prefix(&served.base).unwrap();
    let (status, kind, png) = served.get(path).await;
    assert_eq!((status, kind.as_str()), (200, "image/png"));
    assert_eq!(png, served.get(&format!("/tiles/{slug}/{z}/{x}/{y}.png")).await.2);
    let (status, _, _) = served
        .get(&format!("/ogcapi/collections/{slug}/map/tiles/NoSuchSet"))
        .await;
    assert_eq!(status, 404);
}

/// Pixels of a GetMap answer drawn in one colour.
fn pixels_of(image: &Rgba, colour: fn([u8; 4]) -> bool) -> usize {
    (0..image.height)
        .flat_map(|y| (0..image.width).map(move |x| (x, y)))
        .filter(|(x, y)| colour(image.at(*x, *y)))
        .count()
}

/// A deliverable names an uploaded document as its style: refused when none has that name, then
/// its default at once (WMS and its dropped tiles), kept over a reload, the document kept from
/// deletion while named, and back to the common default when the name is cleared.
async fn livrable_names_its_own_style(
    served: &common::served::Served,
    client: &reqwest::Client,
    slug: &str,
    map: &dyn Fn(&str) -> String,
    tile_path: &str,
) {
    let blue = r##"<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld">
<NamedLayer><Name>LimiteVoiriePCRS</Name><UserStyle><Name>bleu</Name>
<FeatureTypeStyle><Rule><LineSymbolizer><Stroke><CssParameter name="stroke">#0000ff</CssParameter>
<CssParameter name="stroke-width">4</CssParameter></Stroke></LineSymbolizer></Rule></FeatureTypeStyle>
</UserStyle></NamedLayer></StyledLayerDescriptor>"##;
    let base = &served.base;
    let uploaded = client
        .put(format!("{base}/api/styles/bleu"))
        .header("X-API-Key", ADMIN_KEY)
        .body(blue)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 201);
    let is_blue = |[r, g, b, a]: [u8; 4]| a > 200 && b > 200 && r < 60 && g < 60;
    let is_red = |[r, g, b, a]: [u8; 4]| a > 200 && r > 200 && g < 60 && b < 60;
    // Not named yet: offered by name, but the uploaded default (red) still draws.
    assert_eq!(pixels_of(&served.map(&map("")).await, is_blue), 0);
    let patch = |style: &str| {
        client
            .patch(format!("{base}/api/livrables/{slug}"))
            .header("X-API-Key", ADMIN_KEY)
            .json(&serde_json::json!({ "style": style }))
            .send()
    };
    let unknown = patch("absent").await.unwrap();
    assert_eq!(unknown.status(), 422);
    let problem: Value = unknown.json().await.unwrap();
    assert!(problem.to_string().contains("absent"), "{problem}");
    let tile_before = served.get(tile_path).await.2;
    let named = patch("bleu").await.unwrap();
    assert_eq!(named.status(), 200);
    assert_eq!(named.json::<Value>().await.unwrap()["style"], "bleu");
    let drawn = served.map(&map("")).await;
    assert!(pixels_of(&drawn, is_blue) > 100 && pixels_of(&drawn, is_red) == 0);
    assert_ne!(
        served.get(tile_path).await.2,
        tile_before,
        "the tile is drawn again"
    );
    // Named, the document cannot go; reloaded, the deliverable keeps it.
    let refused = client
        .delete(format!("{base}/api/styles/bleu"))
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    served.state.styles().set_livrable_style(
        served.state.catalog().livrable_by_slug(slug).await.unwrap().id,
        None,
    );
    served.state.load_uploaded_styles().await.unwrap();
    assert!(
        pixels_of(&served.map(&map("")).await, is_blue) > 100,
        "kept over a reload"
    );
    // Cleared: the common default again, and the document may go.
    assert_eq!(patch("").await.unwrap().status(), 200);
    assert!(pixels_of(&served.map(&map("")).await, is_red) > 100);
    let deleted = client
        .delete(format!("{base}/api/styles/bleu"))
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
}

/// Styles uploaded through `/api/styles`: admin only, refused with its line when broken,
/// stored in the catalogue, in force at once (a new default for its class: the WMS draws it,
/// the cached tiles of the class are dropped), listed, read back, reloaded at start-up, deleted.
#[tokio::test(flavor = "multi_thread")]
async fn uploaded_styles_are_checked_stored_and_in_force() {
    let (served, _, _source) = common::pcrs::serve_lyon().await;
    let slug = served.layer().to_string();
    let voirie = format!("{slug}-LimiteVoiriePCRS");
    let client = reqwest::Client::new();
    let url = format!("{}/api/styles/rouge", served.base);
    let sld = r##"<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se">
<NamedLayer><se:Name>LimiteVoiriePCRS</se:Name><UserStyle><se:Name>rouge</se:Name><IsDefault>1</IsDefault>
<se:FeatureTypeStyle><se:Rule><se:Name>tout</se:Name><se:LineSymbolizer><se:Stroke>
<se:SvgParameter name="stroke">#ff0000</se:SvgParameter><se:SvgParameter name="stroke-width">4</se:SvgParameter>
</se:Stroke></se:LineSymbolizer></se:Rule></se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>"##;
    let put = |key: Option<&'static str>, body: String| {
        let mut request = client
            .put(&url)
            .header("Content-Type", "application/vnd.ogc.sld+xml")
            .body(body);
        if let Some(key) = key {
            request = request.header("X-API-Key", key);
        }
        request.send()
    };
    assert_eq!(put(None, sld.into()).await.unwrap().status(), 401);
    assert_eq!(put(Some(PORTEUR_KEY), sld.into()).await.unwrap().status(), 403);
    let broken = put(Some(ADMIN_KEY), sld.replace("#ff0000", "red")).await.unwrap();
    assert_eq!(broken.status(), 422);
    let problem: Value = broken.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("line 4"),
        "{problem}"
    );

    // A tile of the voirie cached with the shipped style, before the upload.
    let (bounds, tiles) = {
        let (_, _, body) = served.get(&format!("/tiles/{slug}/tiles.json")).await;
        let tilejson: Value = serde_json::from_slice(&body).unwrap();
        (tilejson["bounds"].clone(), served.state.tiles().clone())
    };
    let (lon, lat) = (bounds[0].as_f64().unwrap(), bounds[1].as_f64().unwrap());
    let n = f64::from(1u32 << 16);
    let column = ((lon + 180.0) / 360.0 * n) as u32;
    let row = ((1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n) as u32;
    let tile_path = format!("/tiles/{voirie}/16/{column}/{row}.png");
    let shipped_tile = served.get(&tile_path).await.2;
    let renders = tiles.cache().stats().renders;

    let created = put(Some(ADMIN_KEY), sld.into()).await.unwrap();
    assert_eq!(created.status(), 201);
    let view: Value = created.json().await.unwrap();
    assert_eq!(view["styles"][0]["class"], "LimiteVoiriePCRS");
    assert_eq!(
        served.state.catalog().style_documents().await.unwrap().len(),
        1,
        "stored"
    );
    // The new default draws red; the shipped styles stay offered.
    let box84 = format!(
        "{},{},{},{}",
        bounds[1].as_f64().unwrap(),
        bounds[0].as_f64().unwrap(),
        bounds[3].as_f64().unwrap(),
        bounds[2].as_f64().unwrap()
    );
    let map = |style: &str| {
        format!(
            "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={voirie}&STYLES={style}&CRS=EPSG:4326&BBOX={box84}\
             &WIDTH=1024&HEIGHT=128&FORMAT=image/png&TRANSPARENT=TRUE"
        )
    };
    let red = served.map(&map("")).await;
    let reds = (0..red.height)
        .flat_map(|y| (0..red.width).map(move |x| (x, y)))
        .filter(|(x, y)| {
            let [r, g, b, a] = red.at(*x, *y);
            a > 200 && r > 200 && g < 60 && b < 60
        })
        .count();
    assert!(reds > 100, "{reds} red pixels");
    served.map(&map("voirie-fine")).await;
    // The cached tile of the class is dropped: drawn again, differently.
    let uploaded_tile = served.get(&tile_path).await.2;
    assert!(
        tiles.cache().stats().renders > renders && uploaded_tile != shipped_tile,
        "tile redrawn"
    );
    // Listed, read back as uploaded, reloaded from the catalogue.
    let livrable_id = served.state.catalog().livrable_by_slug(&slug).await.unwrap().id;
    let list: Value = client
        .get(format!("{}/api/styles", served.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["name"], "rouge");
    assert_eq!(client.get(&url).send().await.unwrap().text().await.unwrap(), sld);
    served.state.styles().remove_document("rouge");
    assert!(served
        .state
        .styles()
        .current()
        .pick(livrable_id, "LimiteVoiriePCRS", "rouge")
        .is_none());
    served.state.load_uploaded_styles().await.unwrap();
    assert!(
        served
            .state
            .styles()
            .current()
            .pick(livrable_id, "LimiteVoiriePCRS", "rouge")
            .is_some(),
        "reloaded"
    );
    livrable_names_its_own_style(&served, &client, &slug, &map, &tile_path).await;
    // Deleted: gone from the maps.
    let deleted = client
        .delete(&url)
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let (_, _, body) = served.wms(&map("rouge")).await;
    assert!(String::from_utf8_lossy(&body).contains("StyleNotDefined"));
    assert_eq!(
        client
            .delete(&url)
            .header("X-API-Key", ADMIN_KEY)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
