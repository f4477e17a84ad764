//! The web pages in headless Chromium: the projects' map and list, a project's page and the
//! explorer of a raster and of a vector deliverable load without a console error, show their
//! key elements, draw their maps (pixels of the screenshot's map area differ from its empty
//! background), a click on a dalle's footprint gives its download link (which downloads the
//! dalle), the keyboard alone reaches every control, and the textual pages read without
//! JavaScript. Screenshots of each page are kept in `target/test-artefacts/web/`.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::browser::Browser;
use common::pcrs::lyon_files;
use common::served::Served;
use common::*;
use serde_json::json;

#[path = "web_parts/porteur.rs"]
mod porteur;
use porteur::porteur_space;

const WAIT: Duration = Duration::from_secs(90);
const TAB: &str = "\u{E004}";
/// Inhabitants given to the commune the project covers (its density types it on the
/// statistics page).
const POPULATION: u64 = 500_000;

fn artefacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-artefacts/web");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Opens a page, waits for its map (when it has one), checks the console is clean, keeps a
/// screenshot, and returns it.
async fn visit(browser: &Browser, url: &str, name: &str, map: bool) -> Vec<u8> {
    browser.open(url).await;
    browser
        .wait_for("return document.readyState === 'complete'", WAIT, url)
        .await;
    if map {
        let ready = browser
            .wait_for(
                "return document.body.dataset.mapReady",
                WAIT,
                &format!("the map of {url}"),
            )
            .await;
        let status = browser
            .eval("const s = document.getElementById('map-status'); return s && s.textContent")
            .await;
        assert_eq!(ready, "yes", "{url}: {status}");
        // Ready once drawn with every tile of its view loaded (OpenLayers' `rendercomplete`).
        browser
            .eval("const m = document.getElementById('map'); if (m) m.scrollIntoView({block: 'center'})")
            .await;
    }
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "{url}: console errors {errors:?}");
    // Nothing linked or loaded from another server.
    let foreign = browser
        .eval(
            "const own = location.origin;
             const linked = [...document.querySelectorAll('[src], link[href], script[src]')]
               .map(e => e.src || e.href).filter(u => !u.startsWith(own) && !u.startsWith('data:'));
             const loaded = performance.getEntriesByType('resource').map(e => e.name)
               .filter(u => !u.startsWith(own) && !u.startsWith('data:') && !u.startsWith('blob:'));
             return linked.concat(loaded)",
        )
        .await;
    assert_eq!(foreign, json!([]), "{url}: resources from elsewhere");
    let png = browser.screenshot().await;
    std::fs::write(artefacts().join(format!("{name}.png")), &png).unwrap();
    png
}

/// The share of the map's pixels (in the screenshot) that differ from its empty background.
async fn drawn_share(browser: &Browser, png: &[u8]) -> f64 {
    let rect = browser
        .eval("const r = document.getElementById('map').getBoundingClientRect(); return [r.left, r.top, r.width, r.height, devicePixelRatio]")
        .await;
    let [left, top, width, height, ratio] = [0, 1, 2, 3, 4].map(|i| rect[i].as_f64().unwrap());
    let image = image::load_from_memory(png).unwrap().to_rgb8();
    let (mut drawn, mut all) = (0u64, 0u64);
    let x0 = (left * ratio) as u32 + 40; // past the zoom buttons
    let y0 = (top * ratio) as u32 + 2;
    for y in y0..((top + height) * ratio) as u32 - 30 {
        for x in x0..((left + width) * ratio) as u32 - 2 {
            if x >= image.width() || y >= image.height() {
                continue;
            }
            let pixel = image.get_pixel(x, y).0;
            let background: [i32; 3] = [0xe9, 0xed, 0xf2];
            let distance: i32 = (0..3).map(|c| (pixel[c] as i32 - background[c]).abs()).sum();
            all += 1;
            drawn += u64::from(distance > 24);
        }
    }
    assert!(all > 10_000, "the map is on screen ({all} pixels)");
    drawn as f64 / all as f64
}

/// Tabs through the page from its first control; returns the controls the keyboard never
/// reached.
async fn unreachable_by_keyboard(browser: &Browser) -> Vec<String> {
    let controls = browser
        .eval(
            "const all = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])')]
               .filter(e => e.offsetParent !== null && !e.disabled && getComputedStyle(e).visibility !== 'hidden');
             all.forEach((e, i) => e.dataset.control = i);
             // Tabbing goes on from the focused control (or the last one blurred): start at
             // the first, as a visitor arriving on the page does.
             if (all.length) { all[0].focus(); all[0].dataset.tabbed = 'yes'; }
             return all.length",
        )
        .await
        .as_u64()
        .unwrap();
    // A date field takes a Tab per part (day, month, year): up to four presses per control,
    // stopping at the last one.
    for _ in 0..(controls * 4 + 5) {
        browser.press(TAB).await;
        let last = browser
            .eval(&format!(
                "const e = document.activeElement; if (e && e.dataset) e.dataset.tabbed = 'yes';
                 return e && e.dataset && e.dataset.control === '{}'",
                controls.saturating_sub(1)
            ))
            .await;
        if last == true {
            break;
        }
    }
    let missed = browser
        .eval("return [...document.querySelectorAll('[data-control]')].filter(e => !e.dataset.tabbed).map(e => e.outerHTML.slice(0, 120))")
        .await;
    serde_json::from_value(missed).unwrap()
}

/// The territory page: a commune picked gives the API's own preview, its ZIP and Metalink
/// links; a polygon drawn with the mouse selects dalles too.
async fn territory_selection(browser: &Browser, base: &str, raster: &str) {
    visit(browser, &format!("{base}/telechargement"), "territory", true).await;
    let missed = unreachable_by_keyboard(browser).await;
    assert!(
        missed.is_empty(),
        "territory page: not reached by the keyboard: {missed:?}"
    );
    let preview = |query: String| async move {
        let response = reqwest::get(format!("{base}/api/downloads/preview?{query}"))
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{query}");
        response.json::<serde_json::Value>().await.unwrap()
    };
    // Every deliverable over the commune: the vector one may not be downloaded, so no links.
    browser.type_into("#code", "69123").await;
    browser.click("#preview-button").await;
    let total = browser
        .wait_for(
            "return !document.getElementById('result').hidden && document.getElementById('total').textContent",
            WAIT,
            "the preview",
        )
        .await;
    let api = preview("commune=69123&format=gpkg".into()).await;
    let dalles = api["download"]["dalles"].as_u64().unwrap();
    assert!(dalles > 0, "the commune holds dalles: {api}");
    assert!(
        total.as_str().unwrap().starts_with(&format!("{dalles} dalles")),
        "{total} against {}",
        api["download"]
    );
    let rows = browser
        .eval("return document.querySelectorAll('#preview-rows tr').length")
        .await;
    assert_eq!(rows, api["livrables"].as_array().unwrap().len());
    let links = browser
        .eval("return document.getElementById('links').textContent")
        .await;
    assert!(links.as_str().unwrap().contains("pas autorisé"), "{links}");
    let refusal = browser
        .eval("return [...document.querySelectorAll('#preview-rows td:last-child')].map(td => td.textContent).join(' | ')")
        .await;
    assert!(
        refusal
            .as_str()
            .unwrap()
            .contains("non : le porteur n'a pas autorisé le téléchargement"),
        "the API's refusal in French: {refusal}"
    );
    // Only the raster deliverable: the ZIP and the Metalink of the same selection.
    browser
        .eval(&format!("document.getElementById('livrable').value = '{raster}'"))
        .await;
    browser.click("#preview-button").await;
    let zip = browser
        .wait_for(
            "const a = document.getElementById('zip-link'); return a && a.href",
            WAIT,
            "the ZIP link",
        )
        .await;
    let api = preview(format!("commune=69123&livrable={raster}&format=gpkg")).await;
    assert_eq!(zip, api["download"]["zip"]);
    let chosen = browser
        .eval("return window.dallageMap.getLayers().item(0).getSource().getFeatures().filter(f => f.get('chosen')).length")
        .await;
    assert_eq!(chosen, api["download"]["dalles"], "the selected dalles drawn");
    let metalink = browser
        .eval("return document.getElementById('metalink-link').href")
        .await;
    let response = reqwest::get(metalink.as_str().unwrap()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("<metalink"));
    std::fs::write(
        artefacts().join("territory-commune.png"),
        browser.screenshot().await,
    )
    .unwrap();

    // A polygon drawn over the middle of the dalles.
    browser
        .eval("const m = window.dallageMap; m.getView().fit(m.getLayers().item(0).getSource().getExtent())")
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    browser
        .eval("const k = document.getElementById('kind'); k.value = 'area'; k.dispatchEvent(new Event('change'))")
        .await;
    let corners = browser
        .eval(
            "const r = document.getElementById('map').getBoundingClientRect();
             return [[0.3, 0.3], [0.7, 0.3], [0.7, 0.7], [0.3, 0.7]].map(([x, y]) => [r.left + r.width * x, r.top + r.height * y])",
        )
        .await;
    let corners: Vec<[f64; 2]> = serde_json::from_value(corners).unwrap();
    for (i, [x, y]) in corners.iter().enumerate() {
        browser.click_at(*x, *y).await;
        if i == corners.len() - 1 {
            browser.click_at(*x, *y).await; // a double click ends the polygon
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    browser
        .wait_for(
            "return document.getElementById('draw-status').textContent",
            WAIT,
            "the polygon drawn",
        )
        .await;
    browser.click("#preview-button").await;
    let total = browser
        .wait_for(
            "const t = document.getElementById('total').textContent; return document.getElementById('status').textContent.includes('sélectionnés') && t",
            WAIT,
            "the drawn area's preview",
        )
        .await;
    let drawn: u64 = total
        .as_str()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(drawn >= 1, "dalles under the drawn polygon: {total}");
    assert!(browser.console_errors().await.is_empty());
    std::fs::write(artefacts().join("territory-area.png"), browser.screenshot().await).unwrap();
}

/// The statistics page: the project's row (dalles as the API counts them, the cost its actors
/// entered, the type its density gives), the aggregate by type, and the charts.
async fn statistics(browser: &Browser, served: &Served, bbox: [f64; 4]) {
    let base = &served.base;
    // The actors' financing, entered: 150 000 € in all.
    let response = reqwest::Client::new()
        .patch(format!("{base}/api/projects/pcrs-lyon"))
        .header("X-API-Key", ADMIN_KEY)
        .json(&json!({"acteurs": [
            {"siren": LYON, "nom": "Métropole de Lyon", "role": "aplc", "finance_part_perc": 60, "finance_part_euro": 90000},
            {"siren": METZ, "nom": "Metz Métropole", "role": "financeur", "finance_part_perc": 40, "finance_part_euro": 60000}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    visit(browser, &format!("{base}/statistiques"), "statistics", false).await;
    let missed = unreachable_by_keyboard(browser).await;
    assert!(
        missed.is_empty(),
        "statistics: not reached by the keyboard: {missed:?}"
    );
    let row = browser
        .eval("return [...document.querySelectorAll('#by-project tbody tr:first-child td')].map(td => td.textContent)")
        .await;
    let row: Vec<String> = serde_json::from_value(row).unwrap();
    assert_eq!(row[0], "PCRS Lyon");
    let dalles: u64 = reqwest::get(format!("{base}/api/livrables.geojson"))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["dalles"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(row[4], dalles.to_string(), "dalles: {row:?}");
    assert_eq!(row[7], "150\u{202f}000 €", "the actors' financing");
    // The commune's density: its population on its area (a rectangle on the sphere).
    let [w, s, e, n] = bbox;
    let km2 =
        (e - w).to_radians() * 6_378_137f64.powi(2) * (n.to_radians().sin() - s.to_radians().sin()) / 1e6;
    let expected = if POPULATION as f64 / km2 >= 300.0 {
        "urbain"
    } else {
        "rural"
    };
    assert!(
        row[3].starts_with(expected) && row[3].contains("hab./km²"),
        "{row:?} ({km2} km²)"
    );
    let types = browser
        .eval("return [...document.querySelectorAll('#by-type tbody tr td:first-child')].map(td => td.textContent)")
        .await;
    assert_eq!(types, json!([expected]));
    let charts = browser
        .eval(
            "return [...document.querySelectorAll('svg.chart')].map(s => s.querySelectorAll('rect').length)",
        )
        .await;
    assert_eq!(charts, json!([8, 1, 1]), "a bar per status, then per type");
}

async fn text(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_show_projects_deliverables_and_dalles_in_a_browser() {
    dallage::init_gdal();
    let lyon = TempDir::new();
    for file in lyon_files() {
        std::fs::copy(&file, lyon.path().join(file.file_name().unwrap())).unwrap();
    }
    let mut raster_storage = json!({"type": "file", "path": fixtures().display().to_string()});
    raster_storage["download_allowed"] = json!(true);
    let served = Served::start(vec![
        raster_storage,
        json!({"type": "file", "path": lyon.path().display().to_string()}),
    ])
    .await;
    let (raster, vector) = (served.layers[0].clone(), served.layers[1].clone());
    let base = served.base.clone();
    // The project's commune, imported over everything served: its name shows on the pages,
    // and a selection by commune meets both deliverables.
    let collections: serde_json::Value = reqwest::get(format!("{base}/ogcapi/collections?f=json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let [mut w, mut s, mut e, mut n] = [180.0f64, 90.0, -180.0, -90.0];
    for collection in collections["collections"].as_array().unwrap() {
        if let Some(b) = collection["extent"]["spatial"]["bbox"][0].as_array() {
            let b: Vec<f64> = b.iter().map(|v| v.as_f64().unwrap()).collect();
            (w, s, e, n) = (w.min(b[0]), s.min(b[1]), e.max(b[2]), n.max(b[3]));
        }
    }
    import_commune(&served.state, ("69123", "Lyon"), [w, s, e, n], Some(POPULATION)).await;
    assert!(
        dallage::web::map_bundled(),
        "the map script was not bundled: run `make web`"
    );
    let browser = Browser::start().await;

    // Home: the project listed with its status, the legend, footprints drawn.
    let png = visit(&browser, &format!("{base}/"), "home", true).await;
    let listed = browser
        .eval("return [...document.querySelectorAll('.projects li a')].map(a => a.textContent)")
        .await;
    assert_eq!(listed, json!(["PCRS Lyon"]));
    let badge = browser
        .eval("return document.querySelector('.projects .badge').textContent")
        .await;
    assert_eq!(badge, "Production en cours");
    let legend = browser
        .eval("return document.querySelectorAll('.legend li').length")
        .await;
    assert_eq!(legend, 8, "the seed's eight statuses");
    let share = drawn_share(&browser, &png).await;
    assert!(share > 0.01, "footprints drawn on the home map: {share}");
    let missed = unreachable_by_keyboard(&browser).await;
    assert!(missed.is_empty(), "home: not reached by the keyboard: {missed:?}");
    // Filters are a plain form: without JavaScript the list is filtered by the server.
    let (status, page) = text(&format!("{base}/?statut=obsolete")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Projets : 0") && !page.contains("PCRS Lyon</a>"),
        "filtered out"
    );
    let (status, page) = text(&format!("{base}/?departement=69&q=lyon")).await;
    assert!(
        status == 200 && page.contains("PCRS Lyon</a>"),
        "département 69, name"
    );
    let (status, page) = text(&format!("{base}/?statut=termine")).await;
    assert_eq!(status, 400);
    assert!(page.contains("avancement inconnu : termine"), "{page}");

    // The project's page, textual: every field of the seed's "Page projet".
    visit(&browser, &format!("{base}/projets/pcrs-lyon"), "project", false).await;
    let missed = unreachable_by_keyboard(&browser).await;
    assert!(
        missed.is_empty(),
        "project page: not reached by the keyboard: {missed:?}"
    );
    let (status, page) = text(&format!("{base}/projets/pcrs-lyon")).await;
    assert_eq!(status, 200);
    for expected in [
        "Lancement du projet le 10 janvier 2021",
        "Production en cours</span> depuis le 1 mai 2022",
        "Disponible</span> depuis le 1 janvier 2099 (à venir)",
        "Lyon (69123)",
        "Porteur de projet APLC",
        "Métropole de Lyon",
        "sig@grandlyon.com",
        "60 %",
        "Financement FEDER</strong> — FEDER 2021, 150\u{202f}000 €, échéance le 31 décembre 2023",
        "Dernier scan accompli avec succès le",
        "Nombre de dalles",
        "Conformité PCRS",
        "Validation vecteur (CNIG PCRS v2.0)",
        &format!("href=\"/livrables/{raster}\""),
        &format!("{base}/metadata/{raster}.xml"),
    ] {
        assert!(page.contains(expected), "the project page lacks {expected}");
    }
    let (status, page) = text(&format!("{base}/projets/nulle-part")).await;
    assert!(status == 404 && page.contains("Aucun projet « nulle-part »"));

    // The raster explorer: its tiles and footprints drawn; a click on a footprint gives the
    // dalle's metadata and download link.
    let png = visit(
        &browser,
        &format!("{base}/livrables/{raster}"),
        "explorer-raster",
        true,
    )
    .await;
    let share = drawn_share(&browser, &png).await;
    assert!(share > 0.2, "orthophoto drawn in the explorer: {share}");
    let target = browser
        .eval(
            "const map = window.dallageMap;
             const dalles = map.getLayers().getArray().at(-1).getSource().getFeatures();
             dalles.sort((a, b) => a.get('name').localeCompare(b.get('name')));
             const point = dalles[0].getGeometry().getInteriorPoint().getCoordinates();
             const pixel = map.getPixelFromCoordinate(point);
             const r = map.getTargetElement().getBoundingClientRect();
             return [r.left + pixel[0], r.top + pixel[1], dalles[0].get('name'), dalles[0].get('path'), dalles[0].get('size')]",
        )
        .await;
    browser
        .click_at(target[0].as_f64().unwrap(), target[1].as_f64().unwrap())
        .await;
    let href = browser
        .wait_for(
            "const a = document.getElementById('dalle-download'); return a && a.getAttribute('href')",
            WAIT,
            "the dalle's download link",
        )
        .await;
    let path = target[3].as_str().unwrap();
    // Each segment percent-encoded: the fixtures' folders are accented and spaced.
    let encoded: Vec<String> = path
        .split('/')
        .map(|segment| {
            url::form_urlencoded::byte_serialize(segment.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect();
    assert_eq!(href, format!("/download/file/{raster}/{}", encoded.join("/")));
    let title = browser
        .eval("return document.querySelector('#map-panel h3').textContent")
        .await;
    assert_eq!(title, target[2]);
    std::fs::write(
        artefacts().join("explorer-raster-selected.png"),
        browser.screenshot().await,
    )
    .unwrap();
    let response = reqwest::get(format!("{base}{}", href.as_str().unwrap()))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.bytes().await.unwrap().len() as u64,
        target[4].as_u64().unwrap(),
        "the dalle, whole"
    );
    let services = browser
        .eval("return [...document.querySelectorAll('.service input')].map(i => i.value)")
        .await;
    for expected in [
        format!("{base}/wms"),
        format!("{base}/atom/datasets/{raster}.xml"),
    ] {
        assert!(
            services.as_array().unwrap().contains(&json!(expected)),
            "{services}"
        );
    }
    let missed = unreachable_by_keyboard(&browser).await;
    assert!(missed.is_empty(), "not reached by the keyboard: {missed:?}");
    // A dalle chosen from the keyboard: its button, then Enter.
    browser
        .eval("document.querySelector('#dalle-list button').focus()")
        .await;
    browser.press("\u{E007}").await;
    let chosen = browser
        .wait_for(
            "return document.querySelector('#map-panel h3') && document.querySelector('#map-panel h3').textContent",
            WAIT,
            "the dalle chosen from the keyboard",
        )
        .await;
    let first_button = browser
        .eval("return document.querySelector('#dalle-list button').textContent")
        .await;
    assert_eq!(chosen, first_button);
    assert!(browser.console_errors().await.is_empty());

    // The vector explorer: vector tiles styled from the SLD, its files and their validation.
    let png = visit(
        &browser,
        &format!("{base}/livrables/{vector}"),
        "explorer-vector",
        true,
    )
    .await;
    let share = drawn_share(&browser, &png).await;
    assert!(share > 0.002, "vector tiles drawn: {share}");
    let files = browser
        .eval("return document.querySelectorAll('table.files tbody tr').length")
        .await;
    assert_eq!(files, 10, "the ten Lyon files");
    let (status, _) = text(&format!("{base}/livrables/inconnu")).await;
    assert_eq!(status, 404);

    territory_selection(&browser, &base, &raster).await;
    statistics(&browser, &served, [w, s, e, n]).await;
    porteur_space(&browser, &base, &raster).await;

    // A second project on the same territories: the pages listing projects look each territory
    // up once and name it, and type by its density, for both.
    served
        .state
        .catalog()
        .create_project(&serde_json::from_value(project_json("PCRS Lyon bis")).unwrap())
        .await
        .unwrap();
    let (_, home) = text(&format!("{base}/")).await;
    assert_eq!(
        home.matches("Lyon (69123)").count(),
        2,
        "the commune named for both projects"
    );
    let (_, statistics) = text(&format!("{base}/statistiques")).await;
    assert_eq!(
        statistics.matches(" hab./km²)</span>").count(),
        2,
        "both projects typed by the commune's density"
    );

    // The pages' assets: strict CSP, nothing from elsewhere.
    for asset in [
        "/assets/map.js",
        "/assets/statuts.css",
        "/assets/fonts/DejaVuSans.ttf",
    ] {
        let response = reqwest::get(format!("{base}{asset}")).await.unwrap();
        assert_eq!(response.status(), 200, "{asset}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("default-src 'none'"), "{asset}: {csp}");
    }
}
