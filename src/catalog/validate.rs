//! Validation of what clients submit, as strict as pcrs.beta.gouv.fr and a little stricter where
//! a check is cheap (SIREN check digit, INSEE code shapes, funding shares). Every error names
//! the field, with its position in arrays (`acteurs[1].siren`).

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{
    Acteur, Etape, EtapeStatut, JalonNature, LivrableInput, ProjectInput, StorageInput, StorageType,
    Subvention, TerritoryKind, TlsMode,
};

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field, e.g. `acteurs[0].siren`.
    pub field: String,
    /// What is wrong, in words.
    pub message: String,
}

/// Every field that failed validation in one submission.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
pub struct ValidationErrors(pub Vec<FieldError>);

#[derive(Default)]
struct Collector(Vec<FieldError>);

impl Collector {
    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    fn finish(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(self.0))
        }
    }
}

/// One field's error, for checks made outside this module (they need the stored data).
pub fn field_error(field: &str, message: impl Into<String>) -> ValidationErrors {
    let mut errors = Collector::default();
    errors.push(field, message);
    ValidationErrors(errors.0)
}

/// EPSG codes a PCRS deliverable may declare: Lambert-93, the nine conic conformal zones, and
/// the overseas UTM projections.
pub const PCRS_EPSG_CODES: &[i32] = &[
    2154, 3942, 3943, 3944, 3945, 3946, 3947, 3948, 3949, 3950, 5490, 2972, 2975, 4471, 4467,
];

const MAX_TEXT: usize = 500;

/// Checks a project submission.
pub fn project(input: &ProjectInput) -> Result<(), ValidationErrors> {
    let mut errors = Collector::default();
    let nom = input.nom.trim();
    if nom.chars().count() < 3 {
        errors.push("nom", "must be at least 3 characters");
    } else if nom.len() > MAX_TEXT {
        errors.push("nom", format!("must be at most {MAX_TEXT} bytes"));
    }
    if input.perimetres.is_empty() {
        errors.push("perimetres", "must list at least one territory");
    }
    for (index, perimetre) in input.perimetres.iter().enumerate() {
        if let Err(message) = parse_perimetre(perimetre) {
            errors.push(format!("perimetres[{index}]"), message);
        } else if input.perimetres[..index].contains(perimetre) {
            errors.push(
                format!("perimetres[{index}]"),
                format!("`{perimetre}` is listed twice"),
            );
        }
    }
    check_etapes(input, &mut errors);
    check_acteurs(&input.acteurs, &mut errors);
    for (index, subvention) in input.subventions.iter().enumerate() {
        check_subvention(index, subvention, &mut errors);
    }
    errors.finish()
}

fn check_etapes(input: &ProjectInput, errors: &mut Collector) {
    if input.etapes.is_empty() {
        errors.push("etapes", "must list at least one step");
    }
    let mut previous: Option<&str> = None;
    for (index, etape) in input.etapes.iter().enumerate() {
        let field = format!("etapes[{index}].date_debut");
        // The milestones are checked whatever the step's date; against it only when it is one.
        let next_start = input
            .etapes
            .get(index + 1)
            .map(|e| e.date_debut.as_str())
            .filter(|next| check_date(next).is_ok());
        if let Err(message) = check_date(&etape.date_debut) {
            errors.push(field, message);
            check_jalons(index, etape, None, errors);
            continue;
        }
        if let Some(before) = previous {
            if etape.date_debut.as_str() < before {
                errors.push(
                    field,
                    format!(
                        "steps must be in ascending order of date: {} comes before {before}",
                        etape.date_debut
                    ),
                );
            }
        }
        previous = Some(&etape.date_debut);
        check_jalons(index, etape, Some((&etape.date_debut, next_start)), errors);
    }
}

/// The milestones of step `index`: only the investigation step has them, each dated within the
/// step (`span`: its start and the next step's, when they are dates), in order, `autre` saying
/// what it is.
fn check_jalons(index: usize, etape: &Etape, span: Option<(&str, Option<&str>)>, errors: &mut Collector) {
    if etape.jalons.is_empty() {
        return;
    }
    if etape.statut != EtapeStatut::Investigation {
        errors.push(
            format!("etapes[{index}].jalons"),
            format!(
                "only the `investigation` step is detailed in milestones, not `{}`",
                etape.statut.as_str()
            ),
        );
        return;
    }
    let mut previous: Option<&str> = None;
    for (rank, jalon) in etape.jalons.iter().enumerate() {
        let at = |field: &str| format!("etapes[{index}].jalons[{rank}].{field}");
        match &jalon.note {
            Some(note) if note.is_empty() => errors.push(at("note"), "must not be empty (omit it instead)"),
            Some(note) if note.chars().count() > MAX_TEXT => {
                errors.push(at("note"), format!("must be at most {MAX_TEXT} characters"))
            }
            None if jalon.nature == JalonNature::Autre => {
                errors.push(at("note"), "says what an `autre` milestone is")
            }
            _ => {}
        }
        if let Err(message) = check_date(&jalon.date) {
            errors.push(at("date"), message);
            continue;
        }
        let date = jalon.date.as_str();
        let (start, next_start) = span.unwrap_or((date, None));
        if date < start {
            errors.push(at("date"), format!("{date} is before the step's start ({start})"));
        } else if let Some(next) = next_start.filter(|next| date > *next) {
            errors.push(
                at("date"),
                format!("{date} is after the next step's start ({next})"),
            );
        } else if previous.is_some_and(|before| date < before) {
            errors.push(
                at("date"),
                format!(
                    "milestones must be in ascending order of date: {date} comes before {}",
                    previous.unwrap_or_default()
                ),
            );
        }
        previous = Some(date);
    }
}

fn check_acteurs(acteurs: &[Acteur], errors: &mut Collector) {
    if !acteurs.iter().any(|a| {
        matches!(
            a.role,
            super::model::ActeurRole::Aplc | super::model::ActeurRole::Porteur
        )
    }) {
        errors.push(
            "acteurs",
            "must include the project holder: an actor with role `aplc` or `porteur`",
        );
    }
    let mut share_total = 0.0;
    for (index, acteur) in acteurs.iter().enumerate() {
        let at = |field: &str| format!("acteurs[{index}].{field}");
        if let Err(message) = check_siren(&acteur.siren) {
            errors.push(at("siren"), message);
        }
        for (name, value) in [("nom", &acteur.nom), ("interlocuteur", &acteur.interlocuteur)] {
            if let Some(text) = value {
                if text.trim().is_empty() {
                    errors.push(at(name), "must not be empty (omit it instead)");
                } else if text.len() > MAX_TEXT {
                    errors.push(at(name), format!("must be at most {MAX_TEXT} bytes"));
                }
            }
        }
        if let Some(mail) = &acteur.mail {
            if !is_email(mail) {
                errors.push(at("mail"), format!("`{mail}` is not an e-mail address"));
            }
        }
        if let Some(phone) = &acteur.telephone {
            if !is_french_phone(phone) {
                errors.push(
                    at("telephone"),
                    format!("`{phone}` is not a French phone number (+33, 0033 or 0, then 9 digits)"),
                );
            }
        }
        if let Some(perc) = acteur.finance_part_perc {
            if !(0.0..=100.0).contains(&perc) {
                errors.push(at("finance_part_perc"), "must be between 0 and 100");
            } else {
                share_total += perc;
            }
        }
        if let Some(euro) = acteur.finance_part_euro {
            if !euro.is_finite() || euro < 0.0 {
                errors.push(at("finance_part_euro"), "must be a positive amount");
            }
        }
    }
    if share_total > 100.0 + 1e-6 {
        errors.push(
            "acteurs",
            format!("funding shares add up to {share_total}%, more than 100%"),
        );
    }
}

fn check_subvention(index: usize, subvention: &Subvention, errors: &mut Collector) {
    let at = |field: &str| format!("subventions[{index}].{field}");
    if subvention.nom.trim().is_empty() {
        errors.push(at("nom"), "must not be empty");
    }
    if let Some(montant) = subvention.montant {
        if !montant.is_finite() || montant < 0.0 {
            errors.push(at("montant"), "must be a positive amount");
        }
    }
    if let Some(date) = &subvention.echeance {
        if let Err(message) = check_date(date) {
            errors.push(at("echeance"), message);
        }
    }
}

/// Checks a deliverable submission.
pub fn livrable(input: &LivrableInput) -> Result<(), ValidationErrors> {
    let mut errors = Collector::default();
    if input.nom.trim().is_empty() {
        errors.push("nom", "must not be empty");
    } else if input.nom.len() > MAX_TEXT {
        errors.push("nom", format!("must be at most {MAX_TEXT} bytes"));
    }
    if let Some(date) = &input.date_livraison {
        if let Err(message) = check_date(date) {
            errors.push("date_livraison", message);
        }
    }
    if let Some(avancement) = input.avancement {
        if !(0.0..=100.0).contains(&avancement) {
            errors.push("avancement", "must be between 0 and 100");
        }
    }
    if let Some(crs) = input.crs {
        if !PCRS_EPSG_CODES.contains(&crs) {
            errors.push(
                "crs",
                format!("EPSG:{crs} is not a PCRS projection (expected one of {PCRS_EPSG_CODES:?})"),
            );
        }
    }
    errors.finish()
}

/// Checks a storage declaration. `file` storages read the server's own disk: only admins may
/// declare them (checked by the caller, which knows who asks). SFTP credentials are checked
/// once merged with the stored ones (a change need not send the password again).
pub fn storage(input: &StorageInput) -> Result<(), ValidationErrors> {
    let mut errors = Collector::default();
    match input.kind {
        StorageType::Http => http_location(input, &mut errors),
        StorageType::Ftp | StorageType::Sftp => remote_location(input, &mut errors),
        StorageType::File => file_location(input, &mut errors),
    }
    if input.kind != StorageType::Ftp && (input.secure || input.tls.is_some_and(|t| t != TlsMode::None)) {
        errors.push(
            "tls",
            "FTPS applies to ftp storages only (http uses https:// URLs)",
        );
    }
    storage_secrets(input, &mut errors);
    if let Some(interval) = input.scan_interval {
        if !(300..=366 * 86400).contains(&interval) {
            errors.push("scan_interval", "must be between 300 seconds and one year");
        }
    }
    errors.finish()
}

/// An http storage: a URL, no host or port of its own.
fn http_location(input: &StorageInput, errors: &mut Collector) {
    match input.url.as_deref() {
        None | Some("") => errors.push("url", "is required for an http storage"),
        Some(url) => {
            if let Err(message) = check_http_url(url) {
                errors.push("url", message);
            }
        }
    }
    for (name, present) in [("host", input.host.is_some()), ("port", input.port.is_some())] {
        if present {
            errors.push(name, "is not used by an http storage (put it in `url`)");
        }
    }
}

/// An ftp or sftp storage: a host, a port in range, an absolute path without `..`; no URL.
fn remote_location(input: &StorageInput, errors: &mut Collector) {
    if input.url.is_some() {
        errors.push(
            "url",
            "is not used by ftp/sftp storages (give host, port and path)",
        );
    }
    match input.host.as_deref() {
        None | Some("") => errors.push("host", "is required"),
        Some(host) => {
            if !is_host(host) {
                errors.push("host", format!("`{host}` is not a host name or IP address"));
            }
        }
    }
    if let Some(port) = input.port {
        if !(1..=65535).contains(&port) {
            errors.push("port", "must be between 1 and 65535");
        }
    }
    if let Some(path) = &input.path {
        check_remote_path(path, "path", errors);
    }
}

/// A file storage: a path of the server, nothing to connect with.
fn file_location(input: &StorageInput, errors: &mut Collector) {
    match input.path.as_deref() {
        None | Some("") => errors.push("path", "is required for a file storage"),
        Some(path) => check_remote_path(path, "path", errors),
    }
    for (name, present) in [
        ("url", input.url.is_some()),
        ("host", input.host.is_some()),
        ("port", input.port.is_some()),
        ("username", input.username.is_some()),
        ("password", input.password.is_some()),
        ("private_key", input.private_key.is_some()),
    ] {
        if present {
            errors.push(name, "is not used by a file storage");
        }
    }
}

/// Usernames and passwords of sane length and characters, PEM keys and certificates.
fn storage_secrets(input: &StorageInput, errors: &mut Collector) {
    for (name, value) in [("username", &input.username), ("password", &input.password)] {
        if let Some(text) = value {
            if text.len() > 256 {
                errors.push(name, "must be at most 256 bytes");
            }
            if text.chars().any(|c| c.is_control()) {
                errors.push(name, "must not contain control characters");
            }
        }
    }
    if let Some(key) = &input.private_key {
        if input.kind != StorageType::Sftp {
            errors.push("private_key", "is used by sftp storages only");
        } else if !key.contains("-----BEGIN") || !key.contains("PRIVATE KEY-----") {
            errors.push(
                "private_key",
                "must be a PEM or OpenSSH private key (-----BEGIN ... PRIVATE KEY-----)",
            );
        }
    }
    if let Some(pem) = &input.tls_ca_cert {
        if !pem.contains("-----BEGIN CERTIFICATE-----") || !pem.contains("-----END CERTIFICATE-----") {
            errors.push(
                "tls_ca_cert",
                "must be a PEM certificate (-----BEGIN CERTIFICATE-----)",
            );
        }
    }
}

/// Parses `kind:code` and checks the code's shape for its kind.
pub fn parse_perimetre(text: &str) -> Result<(TerritoryKind, &str), String> {
    let Some((kind, code)) = text.split_once(':') else {
        return Err(format!(
            "`{text}` must be commune:<INSEE>, epci:<SIREN> or departement:<code>"
        ));
    };
    match kind {
        "commune" if is_insee_commune(code) => Ok((TerritoryKind::Commune, code)),
        "commune" => Err(format!(
            "`{code}` is not a commune INSEE code (5 characters, e.g. 69123, 2A004)"
        )),
        "epci" if code.starts_with('2') && check_siren(code).is_ok() => Ok((TerritoryKind::Epci, code)),
        "epci" => Err(format!(
            "`{code}` is not an EPCI SIREN (9 digits starting with 2, valid check digit)"
        )),
        "departement" if is_departement(code) => Ok((TerritoryKind::Departement, code)),
        "departement" => Err(format!(
            "`{code}` is not a département code (01–95, 2A, 2B, 971–976)"
        )),
        _ => Err(format!(
            "unknown territory type `{kind}` (expected commune, epci or departement)"
        )),
    }
}

/// A SIREN: 9 digits whose Luhn sum is a multiple of 10 (La Poste's 356000000 excepted).
pub fn check_siren(siren: &str) -> Result<(), String> {
    if siren.len() != 9 || !siren.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{siren}` is not a SIREN (9 digits)"));
    }
    if siren == "356000000" || luhn_valid(siren) {
        Ok(())
    } else {
        Err(format!("`{siren}` is not a SIREN (wrong check digit)"))
    }
}

fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(position, byte)| {
            let digit = u32::from(byte - b'0');
            if position % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                digit
            }
        })
        .sum();
    sum % 10 == 0
}

fn is_departement(code: &str) -> bool {
    match code {
        "2A" | "2B" => true,
        _ if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) => {
            let n: u32 = code.parse().unwrap_or(0);
            (1..=95).contains(&n) && n != 20
        }
        _ if code.len() == 3 => matches!(code, "971" | "972" | "973" | "974" | "976"),
        _ => false,
    }
}

fn is_insee_commune(code: &str) -> bool {
    if code.len() != 5 || !code.is_ascii() {
        return false;
    }
    let (head, tail) = code.split_at(2);
    if !tail.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if head == "97" {
        return matches!(&code[2..3], "1" | "2" | "3" | "4" | "6");
    }
    is_departement(head) && tail != "000"
}

/// A day as YYYY-MM-DD that exists in the calendar.
pub fn check_date(text: &str) -> Result<(), String> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if shaped && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() {
        Ok(())
    } else {
        Err(format!("`{text}` is not a date (YYYY-MM-DD)"))
    }
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.len() <= 255
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_french_phone(text: &str) -> bool {
    ["+33", "0033", "0"].iter().any(|prefix| {
        text.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() == 9 && rest.bytes().all(|b| b.is_ascii_digit()) && rest.as_bytes()[0] != b'0'
        })
    })
}

fn is_host(text: &str) -> bool {
    if text.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn check_http_url(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text).map_err(|err| format!("`{text}` is not a URL: {err}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{text}` must start with http:// or https://"));
    }
    if url.host_str().is_none() {
        return Err(format!("`{text}` has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("put credentials in `username` and `password`, not in the URL".into());
    }
    Ok(())
}

fn check_remote_path(path: &str, field: &str, errors: &mut Collector) {
    if !path.starts_with('/') {
        errors.push(
            field,
            format!("`{path}` must be an absolute path starting with /"),
        );
    } else if path.split('/').any(|segment| segment == "..") {
        errors.push(field, "must not contain `..` segments");
    } else if path.chars().any(|c| c.is_control()) {
        errors.push(field, "must not contain control characters");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sirens() {
        assert!(check_siren("200046977").is_ok()); // Métropole de Lyon
        assert!(check_siren("200039865").is_ok()); // Metz Métropole
        assert!(check_siren("356000000").is_ok()); // La Poste
        assert!(check_siren("200046978").is_err());
        assert!(check_siren("20004697").is_err());
        assert!(check_siren("20004697a").is_err());
    }

    #[test]
    fn territories() {
        assert!(parse_perimetre("commune:69123").is_ok());
        assert!(parse_perimetre("commune:2A004").is_ok());
        assert!(parse_perimetre("commune:97411").is_ok());
        assert!(parse_perimetre("commune:20004").is_err());
        assert!(parse_perimetre("commune:6912").is_err());
        assert!(parse_perimetre("epci:200046977").is_ok());
        assert!(parse_perimetre("epci:356000000").is_err());
        assert!(parse_perimetre("departement:69").is_ok());
        assert!(parse_perimetre("departement:2B").is_ok());
        assert!(parse_perimetre("departement:974").is_ok());
        assert!(parse_perimetre("departement:96").is_err());
        assert!(parse_perimetre("region:84").is_err());
        assert!(parse_perimetre("69123").is_err());
    }

    #[test]
    fn phones_mails_dates() {
        for ok in ["+33472000000", "0033472000000", "0472000000"] {
            assert!(is_french_phone(ok), "{ok}");
        }
        for bad in ["472000000", "+3347200000", "0072000000", "04 72 00 00 00"] {
            assert!(!is_french_phone(bad), "{bad}");
        }
        assert!(is_email("sig@grandlyon.com"));
        assert!(!is_email("sig@grandlyon"));
        assert!(!is_email("sig grandlyon.com"));
        assert!(check_date("2024-02-29").is_ok());
        assert!(check_date("2023-02-29").is_err());
        assert!(check_date("2023-2-1").is_err());
    }

    /// A project whose steps are `etapes` (JSON), otherwise valid.
    fn with_steps(etapes: serde_json::Value) -> ProjectInput {
        serde_json::from_value(serde_json::json!({
            "nom": "PCRS test", "regime": "production", "nature": "raster",
            "perimetres": ["commune:69123"], "etapes": etapes,
            "acteurs": [{"siren": "200046977", "role": "aplc"}], "subventions": []
        }))
        .unwrap()
    }

    fn failing_fields(input: &ProjectInput) -> Vec<String> {
        project(input)
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default()
    }

    #[test]
    fn investigation_milestones() {
        let investigation = |jalons: serde_json::Value| {
            with_steps(serde_json::json!([
                {"statut": "investigation", "date_debut": "2022-03-01", "jalons": jalons},
                {"statut": "convention_signee", "date_debut": "2022-09-15"}
            ]))
        };
        let good = investigation(serde_json::json!([
            {"nature": "constitution_convention", "date": "2022-03-01"},
            {"nature": "appel_offres", "date": "2022-09-15"},
            {"nature": "autre", "date": "2022-09-15", "note": "Réunion des financeurs"}
        ]));
        assert_eq!(failing_fields(&good), Vec::<String>::new());
        let early = investigation(serde_json::json!([{"nature": "appel_offres", "date": "2022-02-28"}]));
        assert_eq!(failing_fields(&early), ["etapes[0].jalons[0].date"]);
        let late = investigation(serde_json::json!([{"nature": "appel_offres", "date": "2022-09-16"}]));
        assert_eq!(failing_fields(&late), ["etapes[0].jalons[0].date"]);
        let unordered = investigation(serde_json::json!([
            {"nature": "appel_offres", "date": "2022-06-01"},
            {"nature": "preparation_marche", "date": "2022-05-01"}
        ]));
        assert_eq!(failing_fields(&unordered), ["etapes[0].jalons[1].date"]);
        let unsaid = investigation(serde_json::json!([{"nature": "autre", "date": "2022-04-01"}]));
        assert_eq!(failing_fields(&unsaid), ["etapes[0].jalons[0].note"]);
        let elsewhere = with_steps(serde_json::json!([
            {"statut": "prod_en_cours", "date_debut": "2022-03-01",
             "jalons": [{"nature": "appel_offres", "date": "2022-04-01"}]}
        ]));
        assert_eq!(failing_fields(&elsewhere), ["etapes[0].jalons"]);
        // A step whose date is not one still has its milestones checked (not against it).
        let undated = with_steps(serde_json::json!([
            {"statut": "investigation", "date_debut": "2022-13-01",
             "jalons": [{"nature": "autre", "date": "2022-04-01"}]}
        ]));
        assert_eq!(
            failing_fields(&undated),
            ["etapes[0].date_debut", "etapes[0].jalons[0].note"]
        );
    }
}
