//! The JSON API in process: every validation rule gets its own 4xx naming the field, roles,
//! what each caller sees, revocation, paging, RFC 7807 errors, the OpenAPI document.

mod common;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use common::*;
use serde_json::{json, Value};

struct Api<S> {
    service: S,
    _dir: TempDir,
}

async fn api(
    db: Db,
) -> Api<
    impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    api_with(db, |_| ()).await
}

/// The API over a configuration changed by `tweak`.
async fn api_with(
    db: Db,
    tweak: impl FnOnce(&mut dallage::config::Config),
) -> Api<
    impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let dir = TempDir::new();
    let mut config = test_config(db, &dir.path()).await;
    tweak(&mut config);
    let state = dallage::open_state(config).await.expect("state");
    state.set_ready(true);
    let service = test::init_service(dallage::http::app(state)).await;
    Api { service, _dir: dir }
}

impl<S, B> Api<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    async fn call(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value, String) {
        let mut request = test::TestRequest::default().method(method).uri(path);
        if let Some(key) = key {
            request = request.insert_header(("X-API-Key", key));
        }
        if let Some(body) = body {
            request = request.set_json(body);
        }
        let response = test::call_service(&self.service, request.to_request()).await;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let bytes = test::read_body(response).await;
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, value, content_type)
    }

    async fn get(&self, path: &str, key: Option<&str>) -> (StatusCode, Value) {
        let (status, value, _) = self.call(Method::GET, path, key, None).await;
        (status, value)
    }

    async fn send(&self, method: Method, path: &str, key: Option<&str>, body: Value) -> (StatusCode, Value) {
        let (status, value, _) = self.call(method, path, key, Some(body)).await;
        (status, value)
    }

    async fn create_project(&self, nom: &str) -> Value {
        let (status, body) = self
            .send(Method::POST, "/api/projects", Some(ADMIN_KEY), project_json(nom))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    async fn create_livrable(&self, project: i64, nom: &str) -> Value {
        let (status, body) = self
            .send(
                Method::POST,
                &format!("/api/projects/{project}/livrables"),
                Some(ADMIN_KEY),
                livrable_json(nom),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// Sends `body` and expects a 4xx problem whose errors or detail name `field`.
    async fn expect_rejected(&self, method: Method, path: &str, body: Value, field: &str) {
        let (status, problem, content_type) =
            self.call(method, path, Some(ADMIN_KEY), Some(body.clone())).await;
        assert!(status.is_client_error(), "{path} {body}: status {status}");
        assert_eq!(content_type, "application/problem+json", "{path}");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .map(|errors| errors.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            fields.contains(&field) || problem["detail"].as_str().unwrap_or("").contains(field),
            "expected a problem naming `{field}`, got {status} {problem}"
        );
    }
}

/// `project_json` with `pointer` set to `value` (or removed when `value` is null).
fn project_with(pointer: &str, value: Value) -> Value {
    with(project_json("PCRS Lyon"), pointer, value)
}

fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = body.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}"));
    match (target, value) {
        (Value::Object(map), Value::Null) => {
            map.remove(key);
        }
        (Value::Object(map), value) => {
            map.insert(key.to_string(), value);
        }
        (Value::Array(items), value) => {
            items[key.parse::<usize>().unwrap()] = value;
        }
        _ => panic!("cannot set {pointer}"),
    }
    body
}

#[actix_web::test]
async fn every_project_rule_is_a_4xx_naming_the_field() {
    let api = api(Db::Sqlite).await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("/nom", json!("ab"), "nom"),
        ("/nom", Value::Null, "nom"),
        ("/nom", json!(12), "nom"),
        ("/regime", json!("permanent"), "regime"),
        ("/nature", json!("papier"), "nature"),
        ("/perimetres", json!([]), "perimetres"),
        ("/perimetres/0", json!("region:84"), "perimetres[0]"),
        ("/perimetres/1", json!("commune:6912"), "perimetres[1]"),
        ("/perimetres/1", json!("commune:20004"), "perimetres[1]"),
        ("/perimetres/0", json!("epci:200046978"), "perimetres[0]"),
        ("/perimetres/0", json!("epci:356000000"), "perimetres[0]"),
        ("/perimetres/2", json!("departement:96"), "perimetres[2]"),
        ("/perimetres/2", json!("epci:200046977"), "perimetres[2]"),
        ("/etapes", json!([]), "etapes"),
        ("/etapes/0/statut", json!("termine"), "etapes[0].statut"),
        (
            "/etapes/0/date_debut",
            json!("2021-02-30"),
            "etapes[0].date_debut",
        ),
        (
            "/etapes/0/date_debut",
            json!("10/01/2021"),
            "etapes[0].date_debut",
        ),
        (
            "/etapes/1/date_debut",
            json!("2020-01-01"),
            "etapes[1].date_debut",
        ),
        ("/acteurs/0/role", json!("financeur"), "acteurs"),
        ("/acteurs/0/role", json!("chef"), "acteurs[0].role"),
        ("/acteurs/0/siren", json!("20004697"), "acteurs[0].siren"),
        ("/acteurs/0/siren", json!("200046978"), "acteurs[0].siren"),
        ("/acteurs/0/siren", json!(200046977), "acteurs[0].siren"),
        ("/acteurs/0/mail", json!("sig at grandlyon"), "acteurs[0].mail"),
        (
            "/acteurs/0/telephone",
            json!("04 72 00 00 00"),
            "acteurs[0].telephone",
        ),
        (
            "/acteurs/0/telephone",
            json!("+3347200000"),
            "acteurs[0].telephone",
        ),
        (
            "/acteurs/0/finance_part_perc",
            json!(120),
            "acteurs[0].finance_part_perc",
        ),
        ("/acteurs/1/finance_part_perc", json!(50), "acteurs"),
        (
            "/acteurs/1/finance_part_euro",
            json!(-5),
            "acteurs[1].finance_part_euro",
        ),
        ("/acteurs/0/nom", json!(""), "acteurs[0].nom"),
        ("/acteurs/0/colour", json!("blue"), "acteurs[0].colour"),
        ("/subventions/0/nom", json!(" "), "subventions[0].nom"),
        ("/subventions/0/nature", json!("fonds"), "subventions[0].nature"),
        ("/subventions/0/montant", json!(-1), "subventions[0].montant"),
        (
            "/subventions/0/echeance",
            json!("2023-13-01"),
            "subventions[0].echeance",
        ),
        ("/reutilisations", json!([]), "reutilisations"),
    ];
    for (pointer, value, field) in cases {
        api.expect_rejected(Method::POST, "/api/projects", project_with(pointer, value), field)
            .await;
    }
    // Malformed JSON is a 400.
    let request = test::TestRequest::post()
        .uri("/api/projects")
        .insert_header(("X-API-Key", ADMIN_KEY))
        .insert_header(("Content-Type", "application/json"))
        .set_payload("{\"nom\": ")
        .to_request();
    let response = test::call_service(&api.service, request).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Nothing was stored by any of them.
    let (_, page) = api.get("/api/projects", None).await;
    assert_eq!(page["total"], 0);
}

#[actix_web::test]
async fn every_livrable_and_storage_rule_is_a_4xx_naming_the_field() {
    let api = api(Db::Sqlite).await;
    let project = api.create_project("PCRS Lyon").await;
    let id = project["id"].as_i64().unwrap();
    let path = format!("/api/projects/{id}/livrables");
    let livrable_cases: Vec<(&str, Value, &str)> = vec![
        ("/nom", json!(""), "nom"),
        ("/nature", json!("png"), "nature"),
        ("/licence", json!("cc-by"), "licence"),
        ("/diffusion", json!("ftp"), "diffusion"),
        ("/date_livraison", json!("2024-6-30"), "date_livraison"),
        ("/avancement", json!(101), "avancement"),
        ("/crs", json!(4326), "crs"),
        ("/crs", json!("2154"), "crs"),
    ];
    for (pointer, value, field) in livrable_cases {
        api.expect_rejected(
            Method::POST,
            &path,
            with(livrable_json("Ortho"), pointer, value),
            field,
        )
        .await;
    }
    let livrable = api.create_livrable(id, "Ortho").await;
    let storage_path = format!("/api/livrables/{}/storage", livrable["id"]);
    let http = json!({"type": "http", "url": "https://data.example.fr/pcrs/"});
    let storage_cases: Vec<(Value, &str)> = vec![
        (json!({"type": "webdav"}), "type"),
        (json!({"type": "http"}), "url"),
        (with(http.clone(), "/url", json!("ftp://x.example.fr/")), "url"),
        (with(http.clone(), "/url", json!("not a url")), "url"),
        (
            with(http.clone(), "/url", json!("https://u:p@x.example.fr/")),
            "url",
        ),
        (with(http.clone(), "/host", json!("x.example.fr")), "host"),
        (with(http.clone(), "/secure", json!(true)), "tls"),
        (with(ftp_storage_json("pw"), "/host", Value::Null), "host"),
        (
            with(ftp_storage_json("pw"), "/host", json!("ftp://x.example.fr")),
            "host",
        ),
        (with(ftp_storage_json("pw"), "/port", json!(70000)), "port"),
        (with(ftp_storage_json("pw"), "/path", json!("Ortho")), "path"),
        (
            with(ftp_storage_json("pw"), "/path", json!("/Ortho/../etc")),
            "path",
        ),
        (
            with(ftp_storage_json("pw"), "/url", json!("https://x.example.fr/")),
            "url",
        ),
        (
            with(ftp_storage_json("pw"), "/username", json!("bad\nname")),
            "username",
        ),
        (with(ftp_storage_json("pw"), "/tls", json!("starttls")), "tls"),
        (
            with(ftp_storage_json("pw"), "/tls_ca_cert", json!("not pem")),
            "tls_ca_cert",
        ),
        (
            with(ftp_storage_json("pw"), "/scan_interval", json!(10)),
            "scan_interval",
        ),
        (
            json!({"type": "sftp", "host": "sftp.example.fr", "username": "u"}),
            "password",
        ),
        (
            json!({"type": "sftp", "host": "sftp.example.fr", "password": "p"}),
            "username",
        ),
        (
            json!({"type": "sftp", "host": "sftp.example.fr", "username": "u", "password": "p", "secure": true}),
            "tls",
        ),
        (json!({"type": "file"}), "path"),
        (json!({"type": "file", "path": "/srv/pcrs", "host": "x"}), "host"),
        (
            json!({"type": "ftp", "host": "ftp.example.fr", "colour": 1}),
            "colour",
        ),
    ];
    for (body, field) in storage_cases {
        api.expect_rejected(Method::PUT, &storage_path, body, field).await;
    }
    let (status, _) = api.get(&storage_path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no storage was declared");
}

#[actix_web::test]
async fn storage_hosts_limit_where_storages_may_point() {
    let api = api_with(Db::Sqlite, |config| {
        config.security.storage_hosts = vec![
            "127.0.0.1".into(),
            "*.pcrs.example.fr".into(),
            "0:0:0:0:0:0:0:1".into(),
        ];
    })
    .await;
    let project = api.create_project("PCRS Lyon").await;
    let livrable = api
        .create_livrable(project["id"].as_i64().unwrap(), "Ortho")
        .await;
    let path = format!("/api/livrables/{}/storage", livrable["id"]);
    let cases = [
        (
            json!({"type": "http", "url": "http://127.0.0.1:9/ortho/"}),
            StatusCode::OK,
        ),
        (
            json!({"type": "http", "url": "https://data.pcrs.example.fr/o/"}),
            StatusCode::OK,
        ),
        (
            json!({"type": "http", "url": "https://PCRS.example.fr/o/"}),
            StatusCode::OK,
        ),
        (
            json!({"type": "http", "url": "http://169.254.169.254/latest/"}),
            StatusCode::FORBIDDEN,
        ),
        (
            json!({"type": "http", "url": "https://pcrs.example.fr.evil.test/"}),
            StatusCode::FORBIDDEN,
        ),
        (json!({"type": "ftp", "host": "localhost"}), StatusCode::FORBIDDEN),
        (
            json!({"type": "http", "url": "http://[::1]:9/o/"}),
            StatusCode::OK,
        ),
        (
            json!({"type": "sftp", "host": "127.0.0.1", "username": "u", "password": "p"}),
            StatusCode::OK,
        ),
    ];
    for (storage, expected) in cases {
        let (status, body) = api
            .send(Method::PUT, &path, Some(ADMIN_KEY), storage.clone())
            .await;
        assert_eq!(status, expected, "{storage}: {body}");
        if expected == StatusCode::FORBIDDEN {
            assert!(
                body["detail"]
                    .as_str()
                    .unwrap()
                    .contains("security.storage_hosts"),
                "{body}"
            );
        }
    }
}

#[actix_web::test]
async fn undeclared_methods_get_405_with_the_allowed_ones() {
    let api = api(Db::Sqlite).await;
    for (method, path, allow) in [
        ("TRACE", "/api/projects", "GET, POST"),
        ("POST", "/api/livrables/1/scans", "GET"),
        ("PATCH", "/api/livrables/1/storage", "GET, PUT, DELETE"),
    ] {
        let request = test::TestRequest::default()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(path)
            .to_request();
        let response = test::call_service(&api.service, request).await;
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(response.headers().get("allow").unwrap(), allow, "{method} {path}");
    }
}

#[actix_web::test]
async fn keys_and_roles_decide_who_may_change_what() {
    let api = api(Db::Sqlite).await;
    // No key, bad key, bad Authorization scheme.
    let (status, problem) = api
        .send(Method::POST, "/api/projects", None, project_json("PCRS Lyon"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    let (status, _) = api
        .send(
            Method::POST,
            "/api/projects",
            Some("wrong-key"),
            project_json("PCRS Lyon"),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let request = test::TestRequest::post()
        .uri("/api/projects")
        .insert_header(("Authorization", format!("Basic {ADMIN_KEY}")))
        .set_json(project_json("PCRS Lyon"))
        .to_request();
    assert_eq!(
        test::call_service(&api.service, request).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let request = test::TestRequest::post()
        .uri("/api/projects")
        .insert_header(("Authorization", format!("Bearer {PORTEUR_KEY}")))
        .set_json(project_json("PCRS Lyon (porteur)"))
        .to_request();
    assert_eq!(
        test::call_service(&api.service, request).await.status(),
        StatusCode::CREATED
    );

    // A porteur may not create a project it would not hold...
    let metz = with(
        with(project_json("PCRS Metz"), "/acteurs/0/siren", json!(METZ)),
        "/acteurs/1/siren",
        json!(LYON),
    );
    let (status, problem) = api
        .send(Method::POST, "/api/projects", Some(PORTEUR_KEY), metz.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    // ...nor change one held by someone else, which an admin may.
    let (status, metz_project) = api
        .send(Method::POST, "/api/projects", Some(ADMIN_KEY), metz)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let metz_path = format!("/api/projects/{}", metz_project["id"]);
    let (status, _) = api
        .send(
            Method::PATCH,
            &metz_path,
            Some(PORTEUR_KEY),
            json!({"nom": "Pris"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api
        .send(
            Method::POST,
            &format!("{metz_path}/livrables"),
            Some(PORTEUR_KEY),
            livrable_json("X"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, changed) = api
        .send(
            Method::PATCH,
            &metz_path,
            Some(ADMIN_KEY),
            json!({"nom": "PCRS Metz 2"}),
        )
        .await;
    assert_eq!(
        (status, changed["nom"].as_str()),
        (StatusCode::OK, Some("PCRS Metz 2"))
    );

    // The porteur manages its own project, but can't hand it away.
    let lyon = api.create_project("PCRS Lyon").await;
    let lyon_path = format!("/api/projects/{}", lyon["slug"].as_str().unwrap());
    let (status, changed) = api
        .send(
            Method::PATCH,
            &lyon_path,
            Some(PORTEUR_KEY),
            json!({"regime": "maj"}),
        )
        .await;
    assert_eq!(
        (status, changed["regime"].as_str()),
        (StatusCode::OK, Some("maj"))
    );
    let given_away = json!({"acteurs": [{"siren": METZ, "role": "aplc"}]});
    let (status, _) = api
        .send(Method::PATCH, &lyon_path, Some(PORTEUR_KEY), given_away)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // `file` storages read the server's disk: admin only.
    let livrable = api.create_livrable(lyon["id"].as_i64().unwrap(), "Ortho").await;
    let storage_path = format!("/api/livrables/{}/storage", livrable["id"]);
    let file = json!({"type": "file", "path": "/etc"});
    let (status, _) = api
        .send(Method::PUT, &storage_path, Some(PORTEUR_KEY), file.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api.send(Method::PUT, &storage_path, Some(ADMIN_KEY), file).await;
    assert_eq!(status, StatusCode::OK);
    // Deleting needs a key and ownership.
    let (status, _) = api.call(Method::DELETE, &lyon_path, None, None).await.into_pair();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = api
        .call(Method::DELETE, &metz_path, Some(PORTEUR_KEY), None)
        .await
        .into_pair();
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api
        .call(Method::DELETE, &lyon_path, Some(PORTEUR_KEY), None)
        .await
        .into_pair();
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api.get(&lyon_path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

trait IntoPair {
    fn into_pair(self) -> (StatusCode, Value);
}

impl IntoPair for (StatusCode, Value, String) {
    fn into_pair(self) -> (StatusCode, Value) {
        (self.0, self.1)
    }
}

#[actix_web::test]
async fn each_caller_sees_only_what_it_may() {
    const PASSWORD: &str = "P4ssw0rd-for-the-ftp";
    for db in BACKENDS {
        let api = api(db).await;
        let project = api.create_project("PCRS Lyon").await;
        let livrable = api
            .create_livrable(project["id"].as_i64().unwrap(), "Ortho")
            .await;
        let storage_path = format!("/api/livrables/{}/storage", livrable["id"]);
        let (status, declared) = api
            .send(
                Method::PUT,
                &storage_path,
                Some(PORTEUR_KEY),
                ftp_storage_json(PASSWORD),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{declared}");
        assert_eq!(declared["password_set"], true);
        assert_eq!(declared["tls"], "explicit");
        assert!(declared.get("password").is_none(), "write-only: {declared}");

        // Private credentials: the public sees the protocol, not where or who; the manager
        // sees where and who, never the password.
        let (_, public) = api.get(&storage_path, None).await;
        assert_eq!(public["type"], "ftp");
        for hidden in ["host", "port", "path", "username", "password"] {
            assert!(
                public.get(hidden).is_none(),
                "{db:?} public sees {hidden}: {public}"
            );
        }
        let (_, manager) = api.get(&storage_path, Some(PORTEUR_KEY)).await;
        assert_eq!(manager["host"], "ftp.example.fr");
        assert_eq!(manager["username"], "JeuTest_Ouroux");
        assert!(manager.get("password").is_none());
        let (_, project_view) = api.get(&format!("/api/projects/{}", project["id"]), None).await;
        assert!(project_view["livrables"][0]["storage"].get("host").is_none());
        assert!(!project_view.to_string().contains(PASSWORD));

        // Public credentials: everyone sees them, password included (as on pcrs.beta.gouv.fr).
        let public_storage = with(
            with(ftp_storage_json(PASSWORD), "/credentials_public", json!(true)),
            "/password",
            Value::Null,
        );
        let (status, _) = api
            .send(Method::PUT, &storage_path, Some(ADMIN_KEY), public_storage)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, public) = api.get(&storage_path, None).await;
        assert_eq!(
            public["password"], PASSWORD,
            "{db:?}: kept from the first declaration"
        );
        assert_eq!(public["host"], "ftp.example.fr");

        // Revocation: credentials gone, the record stays visible as revoked.
        let (status, revoked, _) = api
            .call(Method::DELETE, &storage_path, Some(ADMIN_KEY), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(revoked["status"], "revoked");
        assert_eq!(revoked["password_set"], false);
        assert!(revoked.get("username").is_none() && revoked.get("password").is_none());
        let (status, _) = api.get(&storage_path, None).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{db:?}: no active storage after revocation"
        );
        let (status, _, _) = api
            .call(Method::DELETE, &storage_path, Some(ADMIN_KEY), None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[actix_web::test]
async fn paging_limits_and_errors_follow_the_rules() {
    let api = api(Db::Postgres).await;
    for i in 0..5 {
        api.create_project(&format!("PCRS numéro {i}")).await;
    }
    let (status, page) = api.get("/api/projects?limit=2&offset=2", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            page["total"].as_i64(),
            page["limit"].as_i64(),
            page["offset"].as_i64()
        ),
        (Some(5), Some(2), Some(2))
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["nom"], "PCRS numéro 2");
    let (_, filtered) = api.get("/api/projects?q=NUM%C3%89RO%203", None).await;
    assert_eq!(filtered["total"], 1);
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=21", "limit"),
        ("limit=abc", "limit"),
        ("offset=-1", "offset"),
    ] {
        let (status, problem, content_type) = api
            .call(Method::GET, &format!("/api/projects?{query}"), None, None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(content_type, "application/problem+json");
        assert!(
            problem["detail"].as_str().unwrap().contains(parameter),
            "{problem}"
        );
    }
    let (status, livrables) = api.get("/api/livrables?limit=20", None).await;
    assert_eq!((status, livrables["total"].as_i64()), (StatusCode::OK, Some(0)));
    // Unknown resources and methods are problems too.
    let (status, problem, content_type) = api.call(Method::GET, "/api/projets", None, None).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::NOT_FOUND, "application/problem+json")
    );
    assert!(problem["detail"].as_str().unwrap().contains("/api/projets"));
    let (status, _, content_type) = api
        .call(Method::DELETE, "/api/projects", Some(ADMIN_KEY), None)
        .await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "application/problem+json")
    );
    let (status, _, _) = api.call(Method::GET, "/api/projects/999", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Bodies over server.max_body_size (64 KiB in tests) are refused.
    let huge = with(project_json("PCRS Lyon"), "/nom", json!("x".repeat(70_000)));
    let (status, problem) = api
        .send(Method::POST, "/api/projects", Some(ADMIN_KEY), huge)
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
    // Text that isn't JSON.
    let request = test::TestRequest::post()
        .uri("/api/projects")
        .insert_header(("X-API-Key", ADMIN_KEY))
        .insert_header(("Content-Type", "text/plain"))
        .set_payload("nom=x")
        .to_request();
    assert_eq!(
        test::call_service(&api.service, request).await.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
}

#[actix_web::test]
async fn long_search_texts_are_a_400_naming_the_parameter_on_both_catalogues() {
    for db in BACKENDS {
        let api = api(db).await;
        api.create_project("PCRS 100% Lyon").await;
        api.create_project("PCRS Villeurbanne").await;
        let long = "a".repeat(60_000);
        for path in [
            format!("/api/projects?q={long}"),
            format!("/api/projects?perimetre={long}"),
            format!("/api/boundaries?q={long}"),
            format!("/api/projects?q=lyon&{long}=1"),
        ] {
            let (status, problem, content_type) = api.call(Method::GET, &path, None, None).await;
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "{db:?} {}: {problem}",
                &path[..30]
            );
            assert_eq!(content_type, "application/problem+json");
            let detail = problem["detail"].as_str().unwrap();
            assert!(
                detail.contains("at most 200") && detail.contains("limits.max_query_text"),
                "{detail}"
            );
            assert!(detail.len() < 300, "the message does not echo the text: {detail}");
        }
        let (_, problem, _) = api
            .call(Method::GET, &format!("/api/projects?q={long}"), None, None)
            .await;
        assert!(problem["detail"].as_str().unwrap().contains("`q`"), "{problem}");
        // At the limit the search runs; `%` and `_` are letters, not wildcards.
        let (status, page) = api
            .get(&format!("/api/projects?q={}", "b".repeat(200)), None)
            .await;
        assert_eq!((status, page["total"].as_i64()), (StatusCode::OK, Some(0)));
        let (_, page) = api.get("/api/projects?q=100%25", None).await;
        assert_eq!(page["total"], 1, "{db:?}: {page}");
        let (_, page) = api.get("/api/projects?q=%25", None).await;
        assert_eq!(
            page["total"], 2,
            "{db:?}: a lone % matches every name as an empty text does"
        );
        let (_, page) = api.get("/api/projects?q=l_on", None).await;
        assert_eq!(page["total"], 0, "{db:?}: `_` is no wildcard");
    }
    // The catalogue refuses unbounded texts from any other caller.
    let dir = TempDir::new();
    let catalog = fresh_catalog(Db::Sqlite, &dir.path()).await;
    let err = catalog
        .find_boundaries(None, &"x".repeat(60_000), 10, 0)
        .await
        .unwrap_err();
    assert!(matches!(err, dallage::catalog::CatalogError::Invalid(_)), "{err}");
}

#[actix_web::test]
async fn health_reports_catalogue_and_readiness() {
    let dir = TempDir::new();
    let config = test_config(Db::Sqlite, &dir.path()).await;
    let state = dallage::open_state(config).await.unwrap();
    let service = test::init_service(dallage::http::app(state.clone())).await;
    let response = test::call_service(&service, test::TestRequest::get().uri("/health").to_request()).await;
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "not ready yet"
    );
    let body: Value = test::read_body_json(response).await;
    assert_eq!(
        (body["status"].as_str(), body["catalog"].as_str()),
        (Some("starting"), Some("ok"))
    );
    state.set_ready(true);
    let response = test::call_service(&service, test::TestRequest::get().uri("/health").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key("x-request-id"));
    state.catalog().close().await;
    let response = test::call_service(&service, test::TestRequest::get().uri("/health").to_request()).await;
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "catalogue closed"
    );
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["status"], "degraded");
}

#[actix_web::test]
async fn openapi_document_is_self_contained_and_complete() {
    let api = api(Db::Sqlite).await;
    let (status, document) = api.get("/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let text = document.to_string();
    // Every $ref points inside the document, and resolves.
    let mut refs = 0;
    for piece in text.split("\"$ref\":\"").skip(1) {
        let target = piece.split('"').next().unwrap();
        assert!(target.starts_with("#/"), "external $ref {target}");
        let pointer = &target[1..];
        assert!(document.pointer(pointer).is_some(), "dangling $ref {target}");
        refs += 1;
    }
    assert!(refs > 10);
    for path in [
        "/api/projects",
        "/api/projects/{project}",
        "/api/projects/{project}/livrables",
        "/api/livrables",
        "/api/livrables/{livrable}",
        "/api/livrables/{livrable}/storage",
        "/health",
    ] {
        assert!(document["paths"].get(path).is_some(), "{path} missing");
    }
    // Enumerations are those of pcrs.beta.gouv.fr.
    let statut = &document["components"]["schemas"]["EtapeStatut"];
    assert_eq!(statut["enum"].as_array().unwrap().len(), 8, "{statut}");
    assert!(document["components"]["securitySchemes"]["api_key"].is_object());
}
