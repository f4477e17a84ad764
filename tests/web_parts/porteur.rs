//! The porteur space in the browser: signing in, the storage form and its errors, the project
//! form (milestones, actors, steps), réutilisations, the licence guidance, a scan followed,
//! keyboard reach, and extra per-dalle metadata (part of `tests/web_pages.rs`).

use serde_json::json;

use super::common::browser::Browser;
use super::common::*;
use super::{artefacts, text, unreachable_by_keyboard, visit, WAIT};

/// Sets a select's value as a user would (the change event fires).
async fn choose(browser: &Browser, id: &str, value: &str) {
    browser
        .eval(&format!(
            "const s = document.getElementById('{id}'); s.value = '{value}'; s.dispatchEvent(new Event('change'))"
        ))
        .await;
}

/// Sets an input's value as a date picker or a script would (the change event fires).
async fn set_value(browser: &Browser, id: &str, value: &str) {
    browser
        .eval(&format!(
            "const e = document.getElementById('{id}'); e.value = '{value}'; e.dispatchEvent(new Event('change'))"
        ))
        .await;
}

/// The project form of the porteur space: a milestone added to the investigation step and an
/// actor whose SIREN is wrong, refused beside that field; corrected and saved, both show on
/// the project's page and in the API; a step dated before the last one is refused beside its
/// date, then removed, the focus staying on a control that exists.
async fn project_form(browser: &Browser, base: &str) {
    let loaded = browser
        .wait_for(
            "const e = document.getElementById('pf-nom'); return e && e.value",
            WAIT,
            "the project form",
        )
        .await;
    assert_eq!(loaded, "PCRS Lyon");
    browser.click("#pf-etapes-0-jalons-add").await;
    choose(browser, "pf-etapes-0-jalons-0-nature", "appel_offres").await;
    set_value(browser, "pf-etapes-0-jalons-0-date", "2021-06-01").await;
    browser.click("#pf-acteurs-add").await;
    let focused = browser.eval("return document.activeElement.id").await;
    assert_eq!(
        focused, "pf-acteurs-2-siren",
        "the new actor's first field has the focus"
    );
    browser.type_into("#pf-acteurs-2-siren", "123456789").await;
    browser.type_into("#pf-acteurs-2-nom", "La Poste").await;
    choose(browser, "pf-acteurs-2-role", "diffuseur").await;
    browser.click("#project-form button[type=submit]").await;
    let error = browser
        .wait_for(
            "return document.querySelector('[data-error-for=\"acteurs[2].siren\"]').textContent",
            WAIT,
            "the SIREN's error",
        )
        .await;
    assert!(error.as_str().unwrap().contains("check digit"), "{error}");
    let invalid = browser
        .eval("return document.getElementById('pf-acteurs-2-siren').getAttribute('aria-invalid')")
        .await;
    assert_eq!(invalid, "true");
    browser.type_into("#pf-acteurs-2-siren", "356000000").await;
    browser.click("#project-form button[type=submit]").await;
    browser
        .wait_for(
            "return document.getElementById('project-state').textContent === 'Projet enregistré.'",
            WAIT,
            "the project saved",
        )
        .await;
    let (_, page) = text(&format!("{base}/projets/pcrs-lyon")).await;
    assert!(
        page.contains("Appel d'offres : 1 juin 2021") && page.contains("La Poste"),
        "the project page shows the milestone and the new actor"
    );
    let project: serde_json::Value = reqwest::get(format!("{base}/api/projects/pcrs-lyon"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        project["etapes"][0]["jalons"],
        json!([{"nature": "appel_offres", "date": "2021-06-01"}])
    );
    assert_eq!(project["acteurs"][2]["siren"], "356000000");
    // The project's change feed tells it, in its current page or (older than four changes, the
    // tests' page size) its first archive.
    let mut told = false;
    for page in ["", "?archive=0"] {
        let (_, feed) = text(&format!("{base}/atom/projects/pcrs-lyon.xml{page}")).await;
        told |= feed.contains("PCRS Lyon : jalon « appel_offres »") && feed.contains("#etape-0-jalon-0</id>");
    }
    assert!(told, "the project's change feed tells the milestone");

    // A step dated before the last one: refused beside its date; then removed.
    browser.click("#pf-etapes-add").await;
    set_value(browser, "pf-etapes-3-date_debut", "2020-01-01").await;
    browser.click("#project-form button[type=submit]").await;
    let error = browser
        .wait_for(
            "return document.querySelector('[data-error-for=\"etapes[3].date_debut\"]').textContent",
            WAIT,
            "the step's error",
        )
        .await;
    assert!(error.as_str().unwrap().contains("ascending"), "{error}");
    browser.click("#pf-etapes-3-remove").await;
    let (rows, focused) = (
        browser
            .eval("return document.querySelectorAll('#project-fields > fieldset:first-of-type > .rows > li').length")
            .await,
        browser.eval("return document.activeElement.id").await,
    );
    assert_eq!(rows, 3, "three steps left");
    assert_eq!(focused, "pf-etapes-add");
    std::fs::write(
        artefacts().join("porteur-project.png"),
        browser.screenshot().await,
    )
    .unwrap();
}

/// The porteur space: a wrong key refused, the porteur's key signs in; a storage with a bad
/// port shows the API's error beside the port field; a status step out of order is refused
/// beside the steps; a scan started from the page is followed to its end; the licence
/// guidance follows the choice; the keyboard reaches every control.
pub(super) async fn porteur_space(browser: &Browser, base: &str, raster: &str) {
    visit(browser, &format!("{base}/espace-porteur"), "porteur-signin", true).await;
    browser.type_into("#key", "not-a-key").await;
    browser.click("#signin button[type=submit]").await;
    let refused = browser
        .wait_for(
            "return document.querySelector('#signin [role=alert]').textContent",
            WAIT,
            "the refusal",
        )
        .await;
    assert!(
        refused.as_str().unwrap().to_lowercase().contains("key"),
        "{refused}"
    );
    browser.type_into("#key", PORTEUR_KEY).await;
    browser.click("#signin button[type=submit]").await;
    let who = browser
        .wait_for(
            "return !document.getElementById('workspace').hidden && document.getElementById('who').textContent",
            WAIT,
            "the workspace",
        )
        .await;
    assert!(who.as_str().unwrap().contains("lyon"), "{who}");
    let projects = browser
        .eval("return [...document.querySelectorAll('#project option')].map(o => o.value)")
        .await;
    assert_eq!(projects, json!(["pcrs-lyon"]));
    // The first deliverable's storage loads on sign-in; then the raster one is chosen (when it
    // is another), and its storage loaded before the form is touched.
    let storage_of = "return document.getElementById('storage').dataset.livrable";
    let loaded = browser.wait_for(storage_of, WAIT, "the first storage").await;
    if loaded != raster {
        choose(browser, "livrable", raster).await;
        browser
            .wait_for(
                &format!("return document.getElementById('storage').dataset.livrable === '{raster}'"),
                WAIT,
                "the deliverable's storage loaded",
            )
            .await;
    }

    // FTP on port 70000: the API's 422 names the port, shown beside it.
    choose(browser, "storage-type", "ftp").await;
    browser.type_into("#storage-host", "127.0.0.1").await;
    browser.type_into("#storage-port", "70000").await;
    browser.type_into("#storage-username", "porteur").await;
    browser.type_into("#storage-password", "secret").await;
    browser.click("#storage button[type=submit]").await;
    let error = browser
        .wait_for(
            "return document.querySelector('[data-error-for=port]').textContent",
            WAIT,
            "the port's error",
        )
        .await;
    assert!(error.as_str().unwrap().contains("65535"), "{error}");
    let invalid = browser
        .eval("return document.getElementById('storage-port').getAttribute('aria-invalid')")
        .await;
    assert_eq!(invalid, "true");
    std::fs::write(
        artefacts().join("porteur-storage-error.png"),
        browser.screenshot().await,
    )
    .unwrap();

    project_form(browser, base).await;

    // A réutilisation: a link that is not one is refused beside the field; a good one is added
    // and shows on the project's page.
    browser.type_into("#reuse-titre", "Carte des trottoirs").await;
    browser.type_into("#reuse-lien", "pas un lien").await;
    browser.click("#reuse-form button[type=submit]").await;
    let error = browser
        .wait_for(
            "return document.querySelector('[data-error-for=lien]').textContent",
            WAIT,
            "the link's error",
        )
        .await;
    assert!(error.as_str().unwrap().contains("https://"), "{error}");
    browser
        .type_into("#reuse-lien", "https://exemple.fr/trottoirs")
        .await;
    browser
        .type_into("#reuse-description", "Les trottoirs accessibles, tirés du PCRS.")
        .await;
    browser.click("#reuse-form button[type=submit]").await;
    browser
        .wait_for(
            "return document.querySelectorAll('#reuses li').length === 1",
            WAIT,
            "the réutilisation listed",
        )
        .await;
    let (_, page) = text(&format!("{base}/projets/pcrs-lyon")).await;
    assert!(
        page.contains("Réutilisations : 1")
            && page.contains("<a href=\"https://exemple.fr/trottoirs\">Carte des trottoirs</a>")
            && page.contains("Les trottoirs accessibles, tirés du PCRS."),
        "the project page lists the réutilisation"
    );

    // The licence guidance follows the choice.
    choose(browser, "licence", "ouvert_odbl").await;
    let guidance = browser
        .eval("return document.getElementById('licence-guidance').textContent")
        .await;
    assert!(guidance.as_str().unwrap().contains("ODbL"), "{guidance}");

    // A scan started here, followed to its end.
    browser.click("#scan").await;
    let state = browser
        .wait_for(
            "const s = document.getElementById('scan-state').dataset.state; return ['done', 'failed', 'partial'].includes(s) && s",
            WAIT,
            "the scan's end",
        )
        .await;
    assert_eq!(state, "done");
    let said = browser
        .eval("return document.getElementById('scan-state').textContent")
        .await;
    assert!(said.as_str().unwrap().contains("dalles"), "{said}");
    // What the scan found, per kind of file, in words.
    let found = browser
        .eval("const l = document.getElementById('scan-files'); return !l.hidden && l.querySelector('[data-class=jpeg2000], [data-class=geotiff]').textContent")
        .await;
    assert!(found.as_str().unwrap().starts_with("Dalles "), "{found}");
    let missed = unreachable_by_keyboard(browser).await;
    assert!(missed.is_empty(), "not reached by the keyboard: {missed:?}");
    assert!(browser
        .console_errors()
        .await
        .iter()
        .all(|e| e.contains("the server responded with a status of 4")));
    std::fs::write(artefacts().join("porteur.png"), browser.screenshot().await).unwrap();
    extra_metadata(browser, base, raster).await;
}

/// Extra per-dalle metadata uploaded as a CSV from the porteur space: joined by dalle name
/// (one row names no dalle), then shown by the API, GetFeatureInfo and the explorer.
async fn extra_metadata(browser: &Browser, base: &str, raster: &str) {
    let get_json = |url: String| async move {
        let text = reqwest::get(&url).await.unwrap().text().await.unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|_| panic!("{url}: {text}"))
    };
    let dalles = get_json(format!("{base}/api/livrables/{raster}/dalles.geojson")).await;
    let first = &dalles["features"][0];
    let name = first["properties"]["name"].as_str().unwrap().to_string();
    let path = first["properties"]["path"].as_str().unwrap().to_string();
    let stem = name.rsplit_once('.').unwrap().0;
    let folder = TempDir::new();
    let csv = folder.path().join("extras.csv");
    std::fs::write(
        &csv,
        format!(
            "dalle,inclinaison,recouvrement,date_prise_de_vue,axe_de_vol\n\
             {stem},2.5,60,2024-05-14,A12\nabsente,1,1,2024-05-14,A13\n"
        ),
    )
    .unwrap();
    browser.upload("#extras-file", &csv).await;
    browser.click("#extras-form button[type=submit]").await;
    let said = browser
        .wait_for(
            "return document.getElementById('extras-state').textContent",
            WAIT,
            "the upload's report",
        )
        .await;
    assert!(
        said.as_str()
            .unwrap()
            .starts_with("1 dalles complétées ; 1 lignes sans dalle"),
        "{said}"
    );
    let extras = get_json(format!("{base}/api/livrables/{raster}/extras")).await;
    assert_eq!(extras[&path]["axe_de_vol"], "A12", "{extras}");
    // GetFeatureInfo at the dalle's centre.
    let ring = first["geometry"]["coordinates"][0].as_array().unwrap();
    let centre = |axis: usize| {
        let values: Vec<f64> = ring.iter().map(|p| p[axis].as_f64().unwrap()).collect();
        (values.iter().cloned().fold(f64::MAX, f64::min) + values.iter().cloned().fold(f64::MIN, f64::max))
            / 2.0
    };
    let (cx, cy, d) = (centre(0), centre(1), 0.0002);
    let info = get_json(format!(
        "{base}/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS={raster}&QUERY_LAYERS={raster}\
         &STYLES=&SRS=EPSG:4326&BBOX={},{},{},{}&WIDTH=11&HEIGHT=11&X=5&Y=5&FORMAT=image/png&INFO_FORMAT=application/json",
        cx - d,
        cy - d,
        cx + d,
        cy + d
    ))
    .await;
    let properties = &info["features"][0]["properties"];
    assert_eq!(properties["path"], path.as_str(), "{info}");
    assert_eq!(properties["extra"]["inclinaison"], 2.5, "{info}");
    // The explorer's panel for that dalle.
    visit(
        browser,
        &format!("{base}/livrables/{raster}"),
        "explorer-extras",
        true,
    )
    .await;
    browser
        .eval(&format!(
            "[...document.querySelectorAll('#dalle-list button')].find(b => b.textContent === '{name}').click()"
        ))
        .await;
    let panel = browser
        .wait_for(
            "const p = document.getElementById('map-panel'); return !p.hidden && p.textContent",
            WAIT,
            "the dalle's panel",
        )
        .await;
    let panel = panel.as_str().unwrap();
    assert!(
        panel.contains("Métadonnées complémentaires") && panel.contains("A12") && panel.contains("60"),
        "{panel}"
    );
    std::fs::write(
        artefacts().join("explorer-extras.png"),
        browser.screenshot().await,
    )
    .unwrap();
}
