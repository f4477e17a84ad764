//! The porteur space (`/espace-porteur`): the forms a porteur uses, signed in with an API key
//! (the page's script keeps it in the tab's session storage and sends it to this server's API
//! only): declare, change or revoke a deliverable's storage (HTTP / FTP / SFTP fields and the
//! two access checkboxes with seed 004's warning), start a scan and follow it, edit the
//! project (name, territories, steps with the investigation's milestones, actors, grants), set
//! a licence with guidance beside it, add réutilisations, attach extra metadata to the dalles,
//! upload an SLD style. Every field has its label and a slot where the API's error for it is
//! written.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde_json::Value;

use super::html::Page;
use super::labels;
use crate::catalog::{ActeurRole, EtapeStatut, JalonNature, ProjectNature, Regime, SubventionNature};

/// Each value of a catalogue list (`ALL`, as the API spells them) with its French name.
fn named<T>(all: &[&str], parse: fn(&str) -> Option<T>, name: fn(T) -> &'static str) -> Value {
    Value::Object(
        all.iter()
            .filter_map(|value| parse(value).map(|parsed| (value.to_string(), Value::from(name(parsed)))))
            .collect(),
    )
}

/// The names the project form gives the lists' values (the page's data for its script).
fn form_labels() -> Value {
    serde_json::json!({
        "labels": {
            "statut": named(EtapeStatut::ALL, EtapeStatut::parse, labels::statut),
            "jalon": named(JalonNature::ALL, JalonNature::parse, labels::jalon),
            "regime": named(Regime::ALL, Regime::parse, labels::regime),
            "nature": named(ProjectNature::ALL, ProjectNature::parse, labels::project_nature),
            "role": named(ActeurRole::ALL, ActeurRole::parse, labels::role),
            "subvention": named(SubventionNature::ALL, SubventionNature::parse, labels::subvention),
        }
    })
}

/// A labelled input with its error slot.
fn field(name: &str, label: &str, input: &str, hint: &str) -> String {
    let hint = if hint.is_empty() {
        String::new()
    } else {
        format!("<p class=\"hint\" id=\"hint-{name}\">{hint}</p>")
    };
    format!(
        "<div class=\"field\"><label for=\"storage-{name}\">{label}</label>{input}{hint}\
         <p class=\"field-error\" data-error-for=\"{name}\" aria-live=\"polite\"></p></div>\n"
    )
}

fn storage_form() -> String {
    let text = |name: &str, kind: &str, extra: &str| {
        format!("<input id=\"storage-{name}\" name=\"{name}\" type=\"{kind}\" {extra}>")
    };
    format!(
        "<form id=\"storage\" class=\"stack\" novalidate aria-labelledby=\"stockage\">\n\
         <h3 id=\"stockage\">Stockage du livrable</h3>\n<p id=\"storage-state\" role=\"status\"></p>\n\
         {type_field}\
         <div data-protocols=\"http\">{url}</div>\n\
         <div data-protocols=\"ftp sftp\">{host}{port}{path}{user}{password}</div>\n\
         <div data-protocols=\"ftp\" class=\"field\"><input id=\"storage-secure\" name=\"secure\" type=\"checkbox\">\
         <label for=\"storage-secure\">Le serveur FTP est sécurisé (FTPS, TLS/SSL)</label></div>\n\
         <p data-protocols=\"ftp sftp\" class=\"hint\"><strong>Nous vous recommandons de limiter les ressources accessibles \
         par le compte utilisateur en utilisant les moyens appropriés (un chroot par exemple).</strong></p>\n\
         <div class=\"field\"><input id=\"storage-credentials_public\" name=\"credentials_public\" type=\"checkbox\">\
         <label for=\"storage-credentials_public\">Rendre publiques les informations de connexion à l'espace de stockage</label></div>\n\
         <div class=\"field\"><input id=\"storage-download_allowed\" name=\"download_allowed\" type=\"checkbox\" \
         aria-describedby=\"download-warning\"><label for=\"storage-download_allowed\">Autoriser le téléchargement via ce serveur</label>\
         <p class=\"hint\" id=\"download-warning\">ℹ En autorisant la fonction de téléchargement, j'ai conscience que je suis \
         responsable de la disponibilité du service de stockage. Si le service est de type FTP ou SFTP, les données transiteront \
         obligatoirement par ce serveur.</p></div>\n\
         <p role=\"alert\" class=\"form-error\" hidden></p>\n\
         <div class=\"actions\"><button type=\"submit\">✓ Valider</button> \
         <button type=\"button\" id=\"revoke\" class=\"secondary\">Révoquer le stockage</button></div>\n</form>\n",
        type_field = field(
            "type",
            "Type de stockage",
            "<select id=\"storage-type\" name=\"type\"><option value=\"http\">HTTP</option>\
             <option value=\"ftp\">FTP</option><option value=\"sftp\">SFTP</option></select>",
            ""
        ),
        url = field(
            "url",
            "URL du stockage",
            &text("url", "url", "placeholder=\"https://…\" aria-describedby=\"hint-url\""),
            "Lien d'accès au répertoire des fichiers du livrable (ou à l'un de ses ascendants), listé par le serveur HTTP. \
             L'authentification HTTP n'est pas prise en charge."
        ),
        host = field(
            "host",
            "Nom d'hôte du service *",
            &text("host", "text", "autocomplete=\"off\" aria-describedby=\"hint-host\""),
            "Nom d'hôte du serveur ou adresse IP."
        ),
        port = field(
            "port",
            "Port d'accès au service",
            &text("port", "text", "inputmode=\"numeric\" aria-describedby=\"hint-port\""),
            "Port d'écoute du service (21 en FTP, 22 en SFTP par défaut)."
        ),
        path = field(
            "path",
            "Chemin du répertoire",
            &text("path", "text", "placeholder=\"/\" aria-describedby=\"hint-path\""),
            "Chemin du répertoire contenant les fichiers du livrable. Le scan prend en compte tous les fichiers et \
             répertoires accessibles à partir de ce chemin. « / » par défaut."
        ),
        user = field("username", "Nom d'utilisateur", &text("username", "text", "autocomplete=\"off\""), ""),
        password = field(
            "password",
            "Mot de passe",
            &text("password", "password", "autocomplete=\"new-password\" aria-describedby=\"hint-password\""),
            "Laissé vide, le mot de passe enregistré est conservé (tant que le serveur ne change pas). Il est chiffré \
             sur ce serveur et n'apparaît jamais dans une réponse."
        ),
    )
}

fn other_forms() -> String {
    String::from(
        "<section aria-labelledby=\"scan-title\"><h3 id=\"scan-title\">Scan</h3>\n\
         <p>Le scan liste le stockage, analyse chaque fichier sans le télécharger et publie ce qu'il trouve.</p>\n\
         <button type=\"button\" id=\"scan\">Lancer un scan</button>\n<p id=\"scan-state\" role=\"status\" aria-live=\"polite\"></p>\
         <ul id=\"scan-files\" aria-label=\"Fichiers trouvés par le scan\" hidden></ul></section>\n\
         <form id=\"licence-form\" class=\"stack\" aria-labelledby=\"licence-title\"><h3 id=\"licence-title\">Licence du livrable</h3>\n\
         <div class=\"field\"><label for=\"licence\">Licence</label><select id=\"licence\" name=\"licence\" aria-describedby=\"licence-guidance\">\
         <option value=\"ouvert_lo\">Ouvert sous Licence Ouverte 2.0</option><option value=\"ouvert_odbl\">Ouvert sous ODbL</option>\
         <option value=\"ferme\">Fermé</option></select>\
         <p class=\"hint\" id=\"licence-guidance\" aria-live=\"polite\"></p><p class=\"field-error\" data-error-for=\"licence\"></p></div>\n\
         <p role=\"alert\" class=\"form-error\" hidden></p><p id=\"licence-state\" role=\"status\"></p>\n\
         <button type=\"submit\">Enregistrer la licence</button></form>\n\
         <form id=\"project-form\" class=\"stack\" novalidate aria-labelledby=\"project-title\"><h3 id=\"project-title\">Projet</h3>\n\
         <p class=\"hint\">Nom, territoires, étapes d'avancement, acteurs et subventions, tels qu'ils paraissent sur la \
         <a id=\"project-link\" href=\"/\">page du projet</a>. L'investigation se détaille en jalons : constitution de la \
         convention, préparation du marché, appel d'offres. Une étape ou un jalon daté dans le futur est annoncé « à venir ».</p>\n\
         <div id=\"project-fields\"></div>\n\
         <p role=\"alert\" class=\"form-error\" hidden></p><p id=\"project-state\" role=\"status\"></p>\n\
         <button type=\"submit\">Enregistrer le projet</button></form>\n\
         <form id=\"reuse-form\" class=\"stack\" aria-labelledby=\"reuse-title\"><h3 id=\"reuse-title\">Réutilisations du projet</h3>\n\
         <p class=\"hint\">Ce que d'autres ont fait des données du projet (une carte, une étude, une application) : elles \
         s'affichent sur la page du projet.</p>\n<ul id=\"reuses\"></ul>\n\
         <div class=\"field\"><label for=\"reuse-titre\">Titre</label><input id=\"reuse-titre\" name=\"titre\" type=\"text\">\
         <p class=\"field-error\" data-error-for=\"titre\"></p></div>\n\
         <div class=\"field\"><label for=\"reuse-lien\">Lien</label><input id=\"reuse-lien\" name=\"lien\" type=\"text\" \
         placeholder=\"https://…\"><p class=\"field-error\" data-error-for=\"lien\"></p></div>\n\
         <div class=\"field\"><label for=\"reuse-description\">Description</label><textarea id=\"reuse-description\" \
         name=\"description\" rows=\"3\"></textarea><p class=\"field-error\" data-error-for=\"description\"></p></div>\n\
         <div class=\"field\"><label for=\"reuse-image\">Adresse d'une illustration</label><input id=\"reuse-image\" \
         name=\"image\" type=\"text\" placeholder=\"https://…\"><p class=\"field-error\" data-error-for=\"image\"></p></div>\n\
         <p role=\"alert\" class=\"form-error\" hidden></p><p id=\"reuse-state\" role=\"status\"></p>\n\
         <button type=\"submit\">Ajouter la réutilisation</button></form>\n\
         <form id=\"extras-form\" class=\"stack\" aria-labelledby=\"extras-title\"><h3 id=\"extras-title\">Métadonnées complémentaires des dalles</h3>\n\
         <p class=\"hint\" id=\"extras-hint\">Un tableau — CSV, GeoJSON, Shapefile zippé ou GeoPackage — dont la colonne « dalle » (ou \
         « fichier », « nom ») nomme chaque dalle, avec ou sans extension, ou dont la géométrie tombe sur elle. Ses autres colonnes \
         (inclinaison, recouvrement, date de prise de vue, axe de vol…) s'affichent dans l'explorateur, dans GetFeatureInfo et dans \
         l'API. Un nouvel envoi remplace le précédent.</p>\n\
         <div class=\"field\"><label for=\"extras-file\">Fichier</label><input id=\"extras-file\" name=\"file\" type=\"file\" \
         accept=\".csv,.geojson,.json,.zip,.gpkg\" aria-describedby=\"extras-hint\"></div>\n\
         <p role=\"alert\" class=\"form-error\" hidden></p><p id=\"extras-state\" role=\"status\"></p>\n\
         <button type=\"submit\">Joindre aux dalles</button></form>\n\
         <form id=\"style-form\" class=\"stack\" aria-labelledby=\"style-title\"><h3 id=\"style-title\">Style SLD des cartes vecteur</h3>\n\
         <div class=\"field\"><label for=\"style-name\">Nom du style</label><input id=\"style-name\" name=\"name\" type=\"text\"></div>\n\
         <div class=\"field\"><label for=\"style-file\">Fichier SLD 1.0 ou 1.1</label><input id=\"style-file\" name=\"file\" type=\"file\" accept=\".sld,.xml\">\
         <p class=\"field-error\" data-error-for=\"body\"></p></div>\n\
         <p role=\"alert\" class=\"form-error\" hidden></p><p id=\"style-state\" role=\"status\"></p>\n\
         <button type=\"submit\">Envoyer le style</button></form>\n"
    )
}

/// `/espace-porteur`.
pub async fn page() -> HttpResponse {
    let main = format!(
        "<h1>Espace porteur</h1>\n\
         <p class=\"intro\">Déclarez où sont les fichiers de vos livrables, lancez un scan et suivez-le, tenez à jour \
         l'avancement du projet. Connectez-vous avec la clé d'API que l'administrateur du serveur vous a remise : elle \
         reste dans cet onglet et n'est envoyée qu'à ce serveur.</p>\n\
         <noscript><p>Cet espace demande JavaScript ; sans lui, l'API <a href=\"/api/openapi.json\">/api</a> fait de même.</p></noscript>\n\
         <form id=\"signin\" class=\"stack\" aria-labelledby=\"connexion\"><h2 id=\"connexion\">Connexion</h2>\n\
         <div class=\"field\"><label for=\"key\">Clé d'API</label><input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"off\" required></div>\n\
         <p role=\"alert\" class=\"form-error\" hidden></p>\n<button type=\"submit\">Se connecter</button></form>\n\
         <p id=\"who\" role=\"status\"></p>\n\
         <div id=\"workspace\" hidden>\n\
         <div class=\"field\"><label for=\"project\">Projet</label><select id=\"project\" name=\"project\"></select></div>\n\
         <div class=\"field\"><label for=\"livrable\">Livrable</label><select id=\"livrable\" name=\"livrable\"></select></div>\n\
         {storage}{others}</div>",
        storage = storage_form(),
        others = other_forms(),
    );
    Page {
        title: "Espace porteur".into(),
        script: Some("porteur"),
        section: "/espace-porteur",
        main,
        data: form_labels(),
    }
    .respond(StatusCode::OK)
}
