//! The catalogue on SQLite and on a real PostgreSQL + PostGIS (started by the harness): every
//! test runs the same calls on both.

mod common;

use common::*;
use dallage::catalog::*;
use sqlx::Row;

async fn project_input(nom: &str) -> ProjectInput {
    serde_json::from_value(project_json(nom)).unwrap()
}

async fn livrable_input(nom: &str) -> LivrableInput {
    serde_json::from_value(livrable_json(nom)).unwrap()
}

fn storage_input(value: serde_json::Value) -> StorageInput {
    serde_json::from_value(value).unwrap()
}

/// Reads one text column straight from the database, bypassing the catalogue.
async fn raw_text(url: &str, sql: &'static str, id: i64) -> Option<String> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let row = sqlx::query(sql).bind(id).fetch_one(&pool).await.unwrap();
    let value: Option<String> = row.try_get(0).unwrap();
    pool.close().await;
    value
}

#[tokio::test]
async fn projects_round_trip_on_both_backends() {
    for db in BACKENDS {
        let dir = TempDir::new();
        let catalog = fresh_catalog(db, &dir.path()).await;
        let created = catalog
            .create_project(&project_input("PCRS Métropole de Lyon").await)
            .await
            .unwrap();
        assert_eq!(created.slug, "pcrs-metropole-de-lyon", "{db:?}");
        assert_eq!(
            created.perimetres,
            vec!["epci:200046977", "commune:69123", "departement:69"]
        );
        assert_eq!(created.acteurs.len(), 2);
        assert_eq!(created.acteurs[0].mail.as_deref(), Some("sig@grandlyon.com"));
        assert_eq!(created.subventions[0].montant, Some(150000.0));
        // The third step starts in 2099: the current status is the latest started one.
        assert_eq!(created.statut, Some(EtapeStatut::ProdEnCours), "{db:?}");
        assert_eq!(catalog.project(created.id).await.unwrap(), created, "{db:?}");
        assert_eq!(
            catalog
                .project_by_slug("pcrs-metropole-de-lyon")
                .await
                .unwrap()
                .id,
            created.id
        );

        // Same name again: a distinct slug.
        let twin = catalog
            .create_project(&project_input("PCRS Métropole de Lyon").await)
            .await
            .unwrap();
        assert_eq!(twin.slug, "pcrs-metropole-de-lyon-2", "{db:?}");

        // Replace keeps id and slug, replaces nested lists.
        let mut changed = project_input("PCRS Lyon renommé").await;
        changed.acteurs.truncate(1);
        changed.perimetres = vec!["commune:69381".into()];
        let replaced = catalog.replace_project(created.id, &changed).await.unwrap();
        assert_eq!(
            (replaced.id, replaced.slug.as_str()),
            (created.id, "pcrs-metropole-de-lyon")
        );
        assert_eq!(replaced.nom, "PCRS Lyon renommé");
        assert_eq!(replaced.acteurs.len(), 1);
        assert_eq!(replaced.perimetres, vec!["commune:69381"]);
        assert!(replaced.etapes.iter().all(|e| e.jalons.is_empty()));

        // The investigation step's milestones are stored in order, then replaced with the rest.
        let mut detailed = changed.clone();
        detailed.etapes[0].jalons = serde_json::from_value(serde_json::json!([
            {"nature": "constitution_convention", "date": "2021-01-10"},
            {"nature": "autre", "date": "2021-02-01", "note": "Comité de pilotage"},
            {"nature": "appel_offres", "date": "2021-03-15"}
        ]))
        .unwrap();
        let with_milestones = catalog.replace_project(created.id, &detailed).await.unwrap();
        assert_eq!(with_milestones.etapes, detailed.etapes, "{db:?}");
        assert_eq!(
            catalog.project(created.id).await.unwrap(),
            with_milestones,
            "{db:?}"
        );
        detailed.etapes[0].jalons.truncate(1);
        let fewer = catalog.replace_project(created.id, &detailed).await.unwrap();
        assert_eq!(fewer.etapes[0].jalons.len(), 1, "{db:?}");
        assert!(fewer.etapes[1..].iter().all(|e| e.jalons.is_empty()));

        // Filters and paging.
        let all = catalog
            .list_projects(&ProjectQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(all.total, 2, "{db:?}");
        let by_name = catalog
            .list_projects(&ProjectQuery {
                q: Some("renommé".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            by_name.items.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![created.id]
        );
        let by_territory = catalog
            .list_projects(&ProjectQuery {
                perimetre: Some("commune:69123".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            by_territory.items.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![twin.id]
        );
        let by_siren = catalog
            .list_projects(&ProjectQuery {
                siren: Some(METZ.into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(by_siren.total, 1, "{db:?}");
        let second_page = catalog
            .list_projects(&ProjectQuery {
                limit: 1,
                offset: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((second_page.total, second_page.items.len()), (2, 1));
        assert_eq!(second_page.items[0].id, twin.id);

        catalog.delete_project(created.id).await.unwrap();
        assert!(matches!(
            catalog.project(created.id).await,
            Err(CatalogError::NotFound { .. })
        ));
        assert!(matches!(
            catalog.delete_project(created.id).await,
            Err(CatalogError::NotFound { .. })
        ));
    }
}

#[tokio::test]
async fn invalid_projects_are_refused_with_the_field_on_both_backends() {
    for db in BACKENDS {
        let dir = TempDir::new();
        let catalog = fresh_catalog(db, &dir.path()).await;
        let mut input = project_input("PCRS").await;
        input.etapes.swap(0, 1);
        input.acteurs[0].siren = "123456789".into();
        let err = catalog.create_project(&input).await.unwrap_err();
        let CatalogError::Invalid(errors) = err else {
            panic!("{db:?}: {err}")
        };
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["etapes[1].date_debut", "acteurs[0].siren"], "{db:?}");
        let listed = catalog
            .list_projects(&ProjectQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(listed.total, 0, "nothing stored on {db:?}");
    }
}

#[tokio::test]
async fn livrables_round_trip_and_cascade_on_both_backends() {
    for db in BACKENDS {
        let dir = TempDir::new();
        let catalog = fresh_catalog(db, &dir.path()).await;
        let project = catalog
            .create_project(&project_input("PCRS Lyon").await)
            .await
            .unwrap();
        let livrable = catalog
            .create_livrable(project.id, &livrable_input("Ortho 2024").await)
            .await
            .unwrap();
        assert_eq!(livrable.slug, "pcrs-lyon-ortho-2024");
        assert_eq!(livrable.crs, Some(2154));
        assert_eq!(livrable.diffusion, Some(Diffusion::Wms));
        assert_eq!(
            catalog.livrable_by_slug("pcrs-lyon-ortho-2024").await.unwrap(),
            livrable
        );
        let mut input = livrable.to_input();
        input.nom = "Ortho 2024 (v2)".into();
        input.avancement = Some(50.0);
        let replaced = catalog.replace_livrable(livrable.id, &input).await.unwrap();
        assert_eq!(
            (replaced.slug.as_str(), replaced.avancement),
            ("pcrs-lyon-ortho-2024", Some(50.0))
        );
        let second = catalog
            .create_livrable(project.id, &livrable_input("Vecteur").await)
            .await
            .unwrap();
        assert_eq!(catalog.project_livrables(project.id).await.unwrap().len(), 2);
        assert_eq!(catalog.list_livrables(1, 1).await.unwrap().items[0].id, second.id);
        catalog
            .declare_storage(second.id, &storage_input(ftp_storage_json("pw-123")))
            .await
            .unwrap();
        catalog.delete_project(project.id).await.unwrap();
        assert!(
            matches!(
                catalog.livrable(livrable.id).await,
                Err(CatalogError::NotFound { .. })
            ),
            "{db:?}"
        );
        assert_eq!(
            catalog.list_livrables(10, 0).await.unwrap().total,
            0,
            "cascade on {db:?}"
        );
        assert!(
            catalog.active_storages().await.unwrap().is_empty(),
            "cascade on {db:?}"
        );
    }
}

#[tokio::test]
async fn storage_credentials_are_sealed_kept_and_forgotten_on_both_backends() {
    const PASSWORD: &str = "Tr0ub4dor&3-not-in-the-database";
    for db in BACKENDS {
        let dir = TempDir::new();
        let config = test_config(db, &dir.path()).await;
        let catalog = Catalog::connect(&config.catalog, Sealer::from_secret("k"))
            .await
            .unwrap();
        let project = catalog
            .create_project(&project_input("PCRS Lyon").await)
            .await
            .unwrap();
        let livrable = catalog
            .create_livrable(project.id, &livrable_input("Ortho").await)
            .await
            .unwrap();
        let stored = catalog
            .declare_storage(livrable.id, &storage_input(ftp_storage_json(PASSWORD)))
            .await
            .unwrap();
        assert_eq!(stored.tls, TlsMode::Explicit, "secure=true means explicit FTPS");
        let sealed = raw_text(
            &config.catalog.url,
            "SELECT password_sealed FROM storages WHERE id = $1",
            stored.id,
        )
        .await
        .expect("sealed password stored");
        assert!(
            !sealed.contains(PASSWORD) && sealed.starts_with("v1."),
            "{db:?}: {sealed}"
        );
        let user = raw_text(
            &config.catalog.url,
            "SELECT username_sealed FROM storages WHERE id = $1",
            stored.id,
        )
        .await
        .unwrap();
        assert!(!user.contains("JeuTest"), "{db:?}: username sealed too");
        assert_eq!(catalog.open_secret(&sealed).unwrap().expose(), PASSWORD);

        // A change without a password on the same server keeps it; one declared
        // storage per livrable.
        let mut same_server = ftp_storage_json(PASSWORD);
        same_server.as_object_mut().unwrap().remove("password");
        same_server["path"] = "/Ortho/2025".into();
        let changed = catalog
            .declare_storage(livrable.id, &storage_input(same_server))
            .await
            .unwrap();
        assert_eq!(changed.id, stored.id, "{db:?}");
        assert_eq!(changed.password_sealed, stored.password_sealed);
        assert_eq!(changed.path.as_deref(), Some("/Ortho/2025"));

        // Moving to another server drops the stored credentials.
        let mut other_server = ftp_storage_json(PASSWORD);
        let object = other_server.as_object_mut().unwrap();
        object.remove("password");
        object.remove("username");
        object.insert("host".into(), "attacker.example.net".into());
        let moved = catalog
            .declare_storage(livrable.id, &storage_input(other_server))
            .await
            .unwrap();
        assert!(
            moved.password_sealed.is_none() && moved.username_sealed.is_none(),
            "{db:?}"
        );

        // SFTP needs credentials.
        let err = catalog
            .declare_storage(
                livrable.id,
                &storage_input(serde_json::json!({"type": "sftp", "host": "sftp.example.fr"})),
            )
            .await
            .unwrap_err();
        let CatalogError::Invalid(errors) = err else {
            panic!("{err}")
        };
        assert_eq!(
            errors.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            vec!["username", "password"]
        );

        // Revocation forgets credentials, keeps the record; a new storage can be declared.
        catalog
            .declare_storage(livrable.id, &storage_input(ftp_storage_json(PASSWORD)))
            .await
            .unwrap();
        let revoked = catalog.revoke_storage(livrable.id).await.unwrap();
        assert!(revoked.revoked_at.is_some());
        assert!(revoked.password_sealed.is_none() && revoked.username_sealed.is_none());
        assert_eq!(
            catalog.storage(revoked.id).await.unwrap().host.as_deref(),
            Some("ftp.example.fr")
        );
        assert!(catalog.active_storage(livrable.id).await.unwrap().is_none());
        assert!(matches!(
            catalog.revoke_storage(livrable.id).await,
            Err(CatalogError::NotFound { .. })
        ));
        let fresh = catalog
            .declare_storage(livrable.id, &storage_input(ftp_storage_json(PASSWORD)))
            .await
            .unwrap();
        assert_ne!(fresh.id, revoked.id, "{db:?}");
        catalog.pin_host_key(fresh.id, "ssh-ed25519 AAAA").await.unwrap();
        catalog.pin_host_key(fresh.id, "ssh-ed25519 BBBB").await.unwrap();
        assert_eq!(
            catalog.storage(fresh.id).await.unwrap().host_key.as_deref(),
            Some("ssh-ed25519 AAAA")
        );
        assert!(catalog.ping(std::time::Duration::from_secs(2)).await.is_ok());
    }
}

#[tokio::test]
async fn postgres_catalogue_has_postgis_geometry() {
    let dir = TempDir::new();
    let config = test_config(Db::Postgres, &dir.path()).await;
    let catalog = Catalog::connect(&config.catalog, Sealer::from_secret("k"))
        .await
        .unwrap();
    assert_eq!(catalog.backend(), Backend::Postgres);
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&config.catalog.url).await.unwrap();
    let row = sqlx::query(
        "SELECT data_type FROM information_schema.columns WHERE table_name = 'dalles' AND column_name = 'geom'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let kind: String = row.try_get(0).unwrap();
    assert_eq!(kind, "USER-DEFINED", "geom is a PostGIS geometry");
    // Reconnecting runs no migration twice.
    let again = Catalog::connect(&config.catalog, Sealer::from_secret("k")).await;
    assert!(again.is_ok());
}

#[tokio::test]
async fn unreachable_catalogue_is_a_clear_error() {
    let dir = TempDir::new();
    let mut config = test_config(Db::Sqlite, &dir.path()).await;
    config.catalog.url = "postgres://nobody:secret-pw@127.0.0.1:1/none".into();
    config.catalog.connect_timeout = dallage::config::Seconds(std::time::Duration::from_secs(2));
    let err = Catalog::connect(&config.catalog, Sealer::from_secret("k"))
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("cannot open the catalogue"), "{message}");
    assert!(
        !message.contains("secret-pw"),
        "the password is redacted: {message}"
    );
}

fn boundary(kind: TerritoryKind, code: &str, nom: &str, epci: Option<&str>) -> BoundaryInput {
    BoundaryInput {
        info: BoundaryInfo {
            kind,
            code: code.into(),
            nom: nom.into(),
            departement: (kind == TerritoryKind::Commune).then(|| code[..2].to_string()),
            epci: epci.map(String::from),
            bbox: [4.8, 45.7, 4.9, 45.8],
            vertices: 5,
            population: Some(1000),
        },
        geometry: r#"{"type":"MultiPolygon","coordinates":[[[[4.8,45.7],[4.9,45.7],[4.9,45.8],[4.8,45.8],[4.8,45.7]]]]}"#.into(),
    }
}

#[tokio::test]
async fn boundaries_are_replaced_found_and_grouped_on_both_backends() {
    for db in BACKENDS {
        let dir = TempDir::new();
        let catalog = fresh_catalog(db, &dir.path()).await;
        let first = [
            boundary(TerritoryKind::Commune, "69123", "Lyon", Some("200046977")),
            boundary(TerritoryKind::Commune, "69266", "Villeurbanne", Some("200046977")),
            boundary(TerritoryKind::Commune, "01001", "L'Abergement-Clémenciat", None),
        ];
        assert_eq!(catalog.import_boundaries(&first, "a.gpkg").await.unwrap(), 3);
        // A second import replaces what it names and keeps the rest.
        let renamed = [boundary(
            TerritoryKind::Commune,
            "69123",
            "LYON",
            Some("200046977"),
        )];
        catalog.import_boundaries(&renamed, "b.gpkg").await.unwrap();
        let found = catalog.find_boundaries(None, "lyon", 10, 0).await.unwrap();
        assert_eq!(found.len(), 1, "{db:?}");
        assert_eq!(
            (found[0].info.nom.as_str(), found[0].source.as_str()),
            ("LYON", "b.gpkg")
        );
        assert_eq!(found[0].info.bbox, [4.8, 45.7, 4.9, 45.8]);
        assert_eq!(found[0].info.population, Some(1000), "population kept on {db:?}");
        // Its area is measured once, when imported: 0.1° by 0.1° at 45.7° N is about 86.6 km².
        let area = found[0].area_km2.unwrap();
        assert!((area - 86.6).abs() < 0.5, "{area} km² on {db:?}");
        // Looked up by key, many at once: the unknown ones are simply absent.
        let keys = [
            (TerritoryKind::Commune, "69266".to_string()),
            (TerritoryKind::Commune, "01001".to_string()),
            (TerritoryKind::Commune, "75056".to_string()),
            (TerritoryKind::Epci, "69266".to_string()),
        ];
        let by_key = catalog.boundaries_by_key(&keys).await.unwrap();
        let mut found_keys: Vec<_> = by_key.keys().map(|(k, c)| (k.as_str(), c.as_str())).collect();
        found_keys.sort();
        assert_eq!(found_keys, [("commune", "01001"), ("commune", "69266")], "{db:?}");
        let by_code = catalog
            .find_boundaries(Some(TerritoryKind::Commune), "69", 10, 0)
            .await
            .unwrap();
        assert_eq!(
            by_code.iter().map(|b| b.info.code.as_str()).collect::<Vec<_>>(),
            ["69123", "69266"]
        );
        // Wildcards typed by a user are not wildcards.
        assert!(catalog
            .find_boundaries(None, "6_123", 10, 0)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            catalog.boundary_counts().await.unwrap(),
            vec![(TerritoryKind::Commune, 3)]
        );
        // An EPCI not imported itself is its communes; once imported, its own outline.
        let epci = catalog
            .territory_shape(TerritoryKind::Epci, "200046977")
            .await
            .unwrap();
        assert_eq!(epci.parts.len(), 2, "{db:?}");
        assert_eq!(epci.geometries.len(), 2);
        let departement = catalog
            .territory_shape(TerritoryKind::Departement, "01")
            .await
            .unwrap();
        assert_eq!(departement.parts[0].info.code, "01001");
        catalog
            .import_boundaries(
                &[boundary(
                    TerritoryKind::Epci,
                    "200046977",
                    "Métropole de Lyon",
                    None,
                )],
                "c.gpkg",
            )
            .await
            .unwrap();
        let epci = catalog
            .territory_shape(TerritoryKind::Epci, "200046977")
            .await
            .unwrap();
        assert_eq!(epci.parts.len(), 1);
        assert_eq!(epci.parts[0].info.kind, TerritoryKind::Epci);
        assert!(matches!(
            catalog.territory_shape(TerritoryKind::Commune, "69999").await,
            Err(CatalogError::NotFound { .. })
        ));
    }
}

#[tokio::test]
async fn style_documents_are_stored_replaced_and_deleted_on_both_backends() {
    for db in BACKENDS {
        let dir = TempDir::new();
        let catalog = fresh_catalog(db, &dir.path()).await;
        assert!(!catalog
            .put_style_document("voirie", "<a/>", "admin")
            .await
            .unwrap());
        assert!(
            catalog
                .put_style_document("voirie", "<b/>", "other")
                .await
                .unwrap(),
            "{db:?}: replaced"
        );
        catalog.put_style_document("bati", "<c/>", "admin").await.unwrap();
        let all = catalog.style_documents().await.unwrap();
        let names: Vec<&str> = all.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["bati", "voirie"], "{db:?}");
        let voirie = catalog.style_document("voirie").await.unwrap().unwrap();
        assert_eq!(
            (voirie.body.as_str(), voirie.uploaded_by.as_str()),
            ("<b/>", "other")
        );
        assert!(catalog.delete_style_document("voirie").await.unwrap());
        assert!(!catalog.delete_style_document("voirie").await.unwrap());
        assert!(
            catalog.style_document("voirie").await.unwrap().is_none(),
            "{db:?}"
        );
        // A deliverable names a document as its own: an unknown one is refused on `style`, a
        // named one is kept from deletion, and the name is read back.
        let project = catalog
            .create_project(&project_input("Styles").await)
            .await
            .unwrap();
        let mut input = livrable_input("Vecteur").await;
        input.style = Some("absent".into());
        match catalog.create_livrable(project.id, &input).await {
            Err(CatalogError::Invalid(errors)) => assert_eq!(errors.0[0].field, "style", "{db:?}"),
            other => panic!("{db:?}: {other:?}"),
        }
        input.style = Some("bati".into());
        let livrable = catalog.create_livrable(project.id, &input).await.unwrap();
        assert_eq!(livrable.style.as_deref(), Some("bati"), "{db:?}");
        assert_eq!(
            catalog.livrable_styles().await.unwrap(),
            [(livrable.id, "bati".to_string())]
        );
        match catalog.delete_style_document("bati").await {
            Err(CatalogError::Conflict(message)) => assert!(message.contains(&livrable.slug), "{message}"),
            other => panic!("{db:?}: {other:?}"),
        }
        input.style = None;
        catalog.replace_livrable(livrable.id, &input).await.unwrap();
        assert!(catalog.delete_style_document("bati").await.unwrap(), "{db:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extra_dalle_metadata_is_replaced_whole_on_both_backends() {
    for db in BACKENDS {
        let dir = TempDir::new();
        let catalog = fresh_catalog(db, &dir.path()).await;
        let project = catalog
            .create_project(&project_input("Extras").await)
            .await
            .unwrap();
        let livrable = catalog
            .create_livrable(project.id, &livrable_input("Ortho").await)
            .await
            .unwrap();
        let row = |path: &str, tilt: f64| {
            let mut properties = serde_json::Map::new();
            properties.insert("inclinaison".into(), serde_json::json!(tilt));
            (path.to_string(), properties)
        };
        let first = [row("été/a.jp2", 1.5), row("été/b.jp2", 2.5)];
        assert_eq!(
            catalog
                .replace_dalle_extras(livrable.id, &first, "a.csv")
                .await
                .unwrap(),
            2
        );
        let stored = catalog.dalle_extras(livrable.id).await.unwrap();
        assert_eq!(stored["été/b.jp2"]["inclinaison"], 2.5, "{db:?}");
        // A second upload replaces the first whole.
        catalog
            .replace_dalle_extras(livrable.id, &[row("été/c.jp2", 3.5)], "b.csv")
            .await
            .unwrap();
        let stored = catalog.dalle_extras(livrable.id).await.unwrap();
        assert_eq!(stored.keys().collect::<Vec<_>>(), ["été/c.jp2"], "{db:?}");
        // They go with their deliverable.
        catalog.delete_livrable(livrable.id).await.unwrap();
        assert!(
            catalog.dalle_extras(livrable.id).await.unwrap().is_empty(),
            "{db:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reutilisations_are_added_checked_and_deleted_on_both_backends() {
    for db in BACKENDS {
        let dir = TempDir::new();
        let catalog = fresh_catalog(db, &dir.path()).await;
        let project = catalog
            .create_project(&project_input("Réutilisé").await)
            .await
            .unwrap();
        let input: dallage::catalog::ReutilisationInput = serde_json::from_value(serde_json::json!({
            "titre": "Carte des trottoirs", "lien": "https://exemple.fr/trottoirs",
            "description": "Les trottoirs accessibles", "image": "https://exemple.fr/t.png"
        }))
        .unwrap();
        let added = catalog.add_reutilisation(project.id, &input).await.unwrap();
        let listed = catalog.reutilisations(project.id).await.unwrap();
        assert_eq!(listed.len(), 1, "{db:?}");
        assert_eq!(
            (listed[0].id, listed[0].image.as_deref()),
            (added.id, Some("https://exemple.fr/t.png"))
        );
        let bad: dallage::catalog::ReutilisationInput =
            serde_json::from_value(serde_json::json!({"titre": "ab", "lien": "exemple.fr"})).unwrap();
        match catalog.add_reutilisation(project.id, &bad).await {
            Err(CatalogError::Invalid(errors)) => {
                let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["titre", "lien"], "{db:?}");
            }
            other => panic!("{db:?}: {other:?}"),
        }
        assert!(!catalog
            .delete_reutilisation(project.id, added.id + 1)
            .await
            .unwrap());
        assert!(catalog.delete_reutilisation(project.id, added.id).await.unwrap());
        catalog.add_reutilisation(project.id, &input).await.unwrap();
        catalog.delete_project(project.id).await.unwrap();
        assert!(
            catalog.reutilisations(project.id).await.unwrap().is_empty(),
            "{db:?}: with its project"
        );
    }
}
