//! The web pages in headless Chromium (driven by chromedriver): the cache-size calculator fills
//! its choices from the server, shows the API's estimate, narrows it to a territory picked
//! among the suggestions, keeps its state in a shareable link, and shows the API's errors.

mod common;

use std::time::Duration;

use common::browser::Browser;
use common::served::Served;
use common::*;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(60);

async fn json_of(served: &Served, path: &str) -> Value {
    let (status, _, body) = served.get(path).await;
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

/// The digits of a number as the page writes it (French grouping with narrow spaces).
fn digits(text: &Value) -> u64 {
    let text = text.as_str().unwrap_or_default();
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("{text}"))
}

/// Clicks "Calculer" and waits for the answer: the total's text, or the error's.
async fn compute(browser: &Browser) -> (Value, Value) {
    browser.click("#compute").await;
    browser
        .wait_for(
            "return !document.getElementById('compute').disabled",
            WAIT,
            "the estimate",
        )
        .await;
    let total = browser.eval("return document.getElementById('result').hidden ? null : document.getElementById('total-tiles').textContent").await;
    let error = browser.eval("return document.getElementById('error').hidden ? null : document.getElementById('error').textContent").await;
    (total, error)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calculator_shows_the_apis_estimates_and_errors_in_a_browser() {
    let served = Served::start(vec![
        json!({"type": "file", "path": fixtures().display().to_string()}),
    ])
    .await;
    let layer = served.layer().to_string();
    let collection = json_of(&served, &format!("/ogcapi/collections/{layer}")).await;
    let extent = &collection["extent"]["spatial"]["bbox"][0];
    let [w, s, e, n] = [0, 1, 2, 3].map(|i| extent[i].as_f64().unwrap());
    let mid = (w + e) / 2.0;
    import_commune(&served.state, ("69901", "Ouest"), [w, s, mid, n], None).await;

    let browser = Browser::start().await;
    browser.open(&format!("{}/calculator", served.base)).await;
    browser
        .wait_for("return document.body.dataset.ready", WAIT, "the page's choices")
        .await;
    // The choices are the server's layers and tile matrix sets.
    let options =
        |select: &str| format!("return [...document.querySelectorAll('#{select} option')].map(o => o.value)");
    let layers = browser.eval(&options("layer")).await;
    assert!(layers.as_array().unwrap().contains(&json!(layer)), "{layers}");
    let sets = browser.eval(&options("tms")).await;
    for set in ["WebMercatorQuad", "2154_5cm", "LAMB93"] {
        assert!(sets.as_array().unwrap().contains(&json!(set)), "{sets}");
    }

    // The whole layer: the page's total is the API's.
    browser
        .eval("document.getElementById('tms').value = '2154_5cm'; document.getElementById('format').value = 'png'")
        .await;
    browser.type_into("#from", "19").await;
    browser.type_into("#to", "20").await;
    let (total, error) = compute(&browser).await;
    assert!(error.is_null(), "{error}");
    let query = "tms=2154_5cm&levels=19-20&format=png&sample=16";
    let whole = json_of(&served, &format!("/api/livrables/{layer}/cache-size?{query}")).await;
    assert_eq!(digits(&total), whole["tiles"].as_u64().unwrap());
    let rows = browser
        .eval("return document.querySelectorAll('#levels tr').length")
        .await;
    assert_eq!(rows, 2);
    let link = browser.eval("return location.search").await;
    assert!(link.as_str().unwrap().contains("levels=19-20"), "{link}");

    // A commune picked among the suggestions for what was typed.
    browser
        .eval("const kind = document.getElementById('territory-kind'); kind.value = 'commune'; kind.dispatchEvent(new Event('change'))")
        .await;
    browser.type_into("#territory-code", "oue").await;
    let suggested = browser
        .wait_for(
            "return [...document.querySelectorAll('#territories option')].map(o => o.value).join(',')",
            WAIT,
            "suggestions",
        )
        .await;
    assert_eq!(suggested, "69901");
    browser.type_into("#territory-code", "69901").await;
    let (total, error) = compute(&browser).await;
    assert!(error.is_null(), "{error}");
    let over_commune = json_of(
        &served,
        &format!("/api/livrables/{layer}/cache-size?{query}&commune=69901"),
    )
    .await;
    let tiles = over_commune["tiles"].as_u64().unwrap();
    assert_eq!(digits(&total), tiles);
    assert!(tiles > 0 && tiles < whole["tiles"].as_u64().unwrap());

    // The shared link brings the same form back.
    let link = browser.eval("return location.href").await;
    browser.open(link.as_str().unwrap()).await;
    browser
        .wait_for("return document.body.dataset.ready", WAIT, "the page's choices")
        .await;
    let restored = browser
        .eval("return ['tms', 'from', 'to', 'format', 'territory-code'].map(id => document.getElementById(id).value).join(' ')")
        .await;
    assert_eq!(restored, "2154_5cm 19 20 png 69901");

    // A refused plan shows the API's own words.
    browser.type_into("#territory-code", "69999").await;
    let (total, error) = compute(&browser).await;
    assert!(total.is_null());
    assert!(
        error
            .as_str()
            .unwrap()
            .contains("commune:69999 is not among the imported boundaries"),
        "{error}"
    );

    // The page and its assets say what they are and keep to this server.
    let (status, content_type, _) = served.get("/calculator").await;
    assert_eq!((status, content_type.as_str()), (200, "text/html; charset=utf-8"));
    let response = reqwest::get(format!("{}/assets/calculator.js", served.base))
        .await
        .unwrap();
    assert!(response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    let response = reqwest::Client::new()
        .post(format!("{}/calculator", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
}
