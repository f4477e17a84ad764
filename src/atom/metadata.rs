//! A deliverable's metadata record in ISO 19139 (`gmd:MD_Metadata`), INSPIRE style, generated
//! from the catalogue and the last scans: identifier, title, abstract, contact (the porteur
//! when the project gives an address, else the publisher), extent, CRSs, resolution of the
//! images, licence, lineage, formats, and the online resources of every service that serves it
//! (WMS, WMTS, OGC API, WFS for vector deliverables, ATOM, download); and the download
//! service's own record (ISO 19119 `srv:SV_ServiceIdentification`).

use super::dataset::{Dataset, VECTOR_FORMATS};
pub use super::feed::record_url;
use super::feed::{dataset_url, identifier_namespace, rights_of};
use super::Publisher;
use crate::ogc::common::xml::Xml;

/// The ISO 19139 namespaces.
const GMD: &str = "http://www.isotc211.org/2005/gmd";
const GCO: &str = "http://www.isotc211.org/2005/gco";
/// Where the ISO code lists are.
const CODE_LISTS: &str = "http://standards.iso.org/iso/19139/resources/gmxCodelists.xml";

fn text(xml: &mut Xml, element: &str, value: &str) {
    xml.open(element, &[]);
    xml.leaf("gco:CharacterString", &[], value);
    xml.close(element);
}

fn code(xml: &mut Xml, element: &str, list: &str, value: &str) {
    xml.open(element, &[]);
    let list_url = format!("{CODE_LISTS}#{list}");
    xml.leaf(
        &format!("gmd:{list}"),
        &[("codeList", &list_url), ("codeListValue", value)],
        value,
    );
    xml.close(element);
}

fn language(xml: &mut Xml) {
    xml.open("gmd:language", &[]);
    xml.leaf(
        "gmd:LanguageCode",
        &[
            ("codeList", "http://www.loc.gov/standards/iso639-2/"),
            ("codeListValue", "fre"),
        ],
        "fre",
    );
    xml.close("gmd:language");
}

/// A responsible party with an organisation, an address and a role.
fn party(xml: &mut Xml, element: &str, (organisation, email): (&str, &str), role: &str) {
    xml.open(element, &[]);
    xml.open("gmd:CI_ResponsibleParty", &[]);
    text(xml, "gmd:organisationName", organisation);
    xml.open("gmd:contactInfo", &[]);
    xml.open("gmd:CI_Contact", &[]);
    xml.open("gmd:address", &[]);
    xml.open("gmd:CI_Address", &[]);
    text(xml, "gmd:electronicMailAddress", email);
    xml.close("gmd:CI_Address");
    xml.close("gmd:address");
    xml.close("gmd:CI_Contact");
    xml.close("gmd:contactInfo");
    code(xml, "gmd:role", "CI_RoleCode", role);
    xml.close("gmd:CI_ResponsibleParty");
    xml.close(element);
}

fn online(xml: &mut Xml, url: &str, protocol: &str, name: &str) {
    xml.open("gmd:onLine", &[]);
    xml.open("gmd:CI_OnlineResource", &[]);
    xml.open("gmd:linkage", &[]);
    xml.leaf("gmd:URL", &[], url);
    xml.close("gmd:linkage");
    text(xml, "gmd:protocol", protocol);
    text(xml, "gmd:name", name);
    xml.close("gmd:CI_OnlineResource");
    xml.close("gmd:onLine");
}

/// The record of a deliverable.
pub fn record(base: &str, publisher: &Publisher, dataset: &Dataset) -> Vec<u8> {
    let livrable = &dataset.livrable;
    let content = &dataset.content;
    let raster = !content.images.is_empty();
    let contact = dataset
        .project
        .acteurs
        .iter()
        .find_map(|a| {
            Some((
                a.nom.as_deref().unwrap_or(&dataset.project.nom),
                a.mail.as_deref()?,
            ))
        })
        .unwrap_or((&publisher.name, &publisher.email));
    let mut xml = Xml::new();
    xml.open(
        "gmd:MD_Metadata",
        &[
            ("xmlns:gmd", GMD),
            ("xmlns:gco", GCO),
            ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
        ],
    );
    text(
        &mut xml,
        "gmd:fileIdentifier",
        &format!("{}{}", identifier_namespace(base), livrable.slug),
    );
    language(&mut xml);
    code(&mut xml, "gmd:characterSet", "MD_CharacterSetCode", "utf8");
    code(&mut xml, "gmd:hierarchyLevel", "MD_ScopeCode", "dataset");
    party(&mut xml, "gmd:contact", contact, "pointOfContact");
    xml.open("gmd:dateStamp", &[]);
    xml.leaf("gco:DateTime", &[], dataset.updated.trim_end_matches('Z'));
    xml.close("gmd:dateStamp");
    text(&mut xml, "gmd:metadataStandardName", "ISO 19115:2003/19139");
    text(&mut xml, "gmd:metadataStandardVersion", "1.0");
    for epsg in dataset.crs() {
        xml.open("gmd:referenceSystemInfo", &[]);
        xml.open("gmd:MD_ReferenceSystem", &[]);
        xml.open("gmd:referenceSystemIdentifier", &[]);
        xml.open("gmd:RS_Identifier", &[]);
        text(
            &mut xml,
            "gmd:code",
            &format!("http://www.opengis.net/def/crs/EPSG/0/{epsg}"),
        );
        text(&mut xml, "gmd:codeSpace", "EPSG");
        xml.close("gmd:RS_Identifier");
        xml.close("gmd:referenceSystemIdentifier");
        xml.close("gmd:MD_ReferenceSystem");
        xml.close("gmd:referenceSystemInfo");
    }
    identification(&mut xml, base, dataset, contact);
    distribution(&mut xml, base, dataset);
    xml.open("gmd:dataQualityInfo", &[]);
    xml.open("gmd:DQ_DataQuality", &[]);
    xml.open("gmd:scope", &[]);
    xml.open("gmd:DQ_Scope", &[]);
    code(&mut xml, "gmd:level", "MD_ScopeCode", "dataset");
    xml.close("gmd:DQ_Scope");
    xml.close("gmd:scope");
    xml.open("gmd:lineage", &[]);
    xml.open("gmd:LI_Lineage", &[]);
    let lineage = if raster {
        "Orthophotographie du Plan de Corps de Rue Simplifié (PCRS) livrée en dalles par son producteur ; \
         dalles inventoriées et contrôlées (géoréférencement, résolution, conformité PCRS) par dallage à chaque scan de leur stockage."
    } else {
        "PCRS vecteur (standard CNIG v2.0, GML) livré par son producteur ; importé et validé contre le schéma CNIG par dallage."
    };
    text(&mut xml, "gmd:statement", lineage);
    xml.close("gmd:LI_Lineage");
    xml.close("gmd:lineage");
    xml.close("gmd:DQ_DataQuality");
    xml.close("gmd:dataQualityInfo");
    xml.close("gmd:MD_Metadata");
    xml.finish()
}

fn identification(xml: &mut Xml, base: &str, dataset: &Dataset, contact: (&str, &str)) {
    let livrable = &dataset.livrable;
    xml.open("gmd:identificationInfo", &[]);
    xml.open("gmd:MD_DataIdentification", &[]);
    xml.open("gmd:citation", &[]);
    xml.open("gmd:CI_Citation", &[]);
    text(
        xml,
        "gmd:title",
        &format!("{} — {}", livrable.nom, dataset.project.nom),
    );
    xml.open("gmd:date", &[]);
    xml.open("gmd:CI_Date", &[]);
    xml.open("gmd:date", &[]);
    let date = livrable
        .date_livraison
        .clone()
        .unwrap_or_else(|| dataset.updated.chars().take(10).collect());
    xml.leaf("gco:Date", &[], &date);
    xml.close("gmd:date");
    code(xml, "gmd:dateType", "CI_DateTypeCode", "publication");
    xml.close("gmd:CI_Date");
    xml.close("gmd:date");
    xml.open("gmd:identifier", &[]);
    xml.open("gmd:RS_Identifier", &[]);
    text(xml, "gmd:code", &livrable.slug);
    text(xml, "gmd:codeSpace", &identifier_namespace(base));
    xml.close("gmd:RS_Identifier");
    xml.close("gmd:identifier");
    xml.close("gmd:CI_Citation");
    xml.close("gmd:citation");
    text(xml, "gmd:abstract", &super::feed::summary(dataset));
    party(xml, "gmd:pointOfContact", contact, "owner");
    xml.open("gmd:descriptiveKeywords", &[]);
    xml.open("gmd:MD_Keywords", &[]);
    for keyword in ["PCRS", "Plan de Corps de Rue Simplifié", &dataset.project.nom] {
        text(xml, "gmd:keyword", keyword);
    }
    xml.close("gmd:MD_Keywords");
    xml.close("gmd:descriptiveKeywords");
    xml.open("gmd:resourceConstraints", &[]);
    xml.open("gmd:MD_LegalConstraints", &[]);
    code(
        xml,
        "gmd:accessConstraints",
        "MD_RestrictionCode",
        "otherRestrictions",
    );
    text(xml, "gmd:otherConstraints", &rights_of(livrable.licence));
    xml.close("gmd:MD_LegalConstraints");
    xml.close("gmd:resourceConstraints");
    if !dataset.content.images.is_empty() {
        code(
            xml,
            "gmd:spatialRepresentationType",
            "MD_SpatialRepresentationTypeCode",
            "grid",
        );
        // PCRS orthophotographs are 5 cm a pixel.
        xml.open("gmd:spatialResolution", &[]);
        xml.open("gmd:MD_Resolution", &[]);
        xml.open("gmd:distance", &[]);
        xml.leaf("gco:Distance", &[("uom", "m")], "0.05");
        xml.close("gmd:distance");
        xml.close("gmd:MD_Resolution");
        xml.close("gmd:spatialResolution");
    } else {
        code(
            xml,
            "gmd:spatialRepresentationType",
            "MD_SpatialRepresentationTypeCode",
            "vector",
        );
    }
    language(xml);
    xml.open("gmd:topicCategory", &[]);
    let topic = if dataset.content.images.is_empty() {
        "structure"
    } else {
        "imageryBaseMapsEarthCover"
    };
    xml.leaf("gmd:MD_TopicCategoryCode", &[], topic);
    xml.close("gmd:topicCategory");
    if let Some([w, s, e, n]) = dataset.extent84 {
        xml.open("gmd:extent", &[]);
        xml.open("gmd:EX_Extent", &[]);
        xml.open("gmd:geographicElement", &[]);
        xml.open("gmd:EX_GeographicBoundingBox", &[]);
        for (element, value) in [
            ("gmd:westBoundLongitude", w),
            ("gmd:eastBoundLongitude", e),
            ("gmd:southBoundLatitude", s),
            ("gmd:northBoundLatitude", n),
        ] {
            xml.open(element, &[]);
            xml.leaf("gco:Decimal", &[], &format!("{value:.7}"));
            xml.close(element);
        }
        xml.close("gmd:EX_GeographicBoundingBox");
        xml.close("gmd:geographicElement");
        xml.close("gmd:EX_Extent");
        xml.close("gmd:extent");
    }
    xml.close("gmd:MD_DataIdentification");
    xml.close("gmd:identificationInfo");
}

fn distribution(xml: &mut Xml, base: &str, dataset: &Dataset) {
    let slug = &dataset.livrable.slug;
    let content = &dataset.content;
    xml.open("gmd:distributionInfo", &[]);
    xml.open("gmd:MD_Distribution", &[]);
    let mut formats: Vec<&str> = Vec::new();
    for group in &content.images {
        formats.push(if group.class == "jpeg2000" {
            "JPEG 2000"
        } else {
            "GeoTIFF"
        });
    }
    if !content.classes.is_empty() {
        formats.extend(VECTOR_FORMATS.iter().map(|(_, name, _)| *name));
    }
    formats.dedup();
    for format in formats {
        xml.open("gmd:distributionFormat", &[]);
        xml.open("gmd:MD_Format", &[]);
        text(xml, "gmd:name", format);
        text(xml, "gmd:version", "-");
        xml.close("gmd:MD_Format");
        xml.close("gmd:distributionFormat");
    }
    xml.open("gmd:transferOptions", &[]);
    xml.open("gmd:MD_DigitalTransferOptions", &[]);
    if !content.images.is_empty() {
        online(
            xml,
            &format!("{base}/wms?SERVICE=WMS&REQUEST=GetCapabilities"),
            "OGC:WMS",
            slug,
        );
        online(
            xml,
            &format!("{base}/wmts?SERVICE=WMTS&REQUEST=GetCapabilities"),
            "OGC:WMTS",
            slug,
        );
    }
    if !content.classes.is_empty() {
        online(
            xml,
            &format!("{base}/wfs?SERVICE=WFS&REQUEST=GetCapabilities"),
            "OGC:WFS",
            slug,
        );
    }
    online(xml, &format!("{base}/ogcapi/collections/{slug}"), "OGC API", slug);
    online(xml, &dataset_url(base, slug), "INSPIRE Atom", slug);
    if dataset.permission.allowed {
        online(
            xml,
            &format!("{base}/download/zip?livrable={slug}"),
            "WWW:DOWNLOAD-1.0-http--download",
            slug,
        );
    }
    xml.close("gmd:MD_DigitalTransferOptions");
    xml.close("gmd:transferOptions");
    xml.close("gmd:MD_Distribution");
    xml.close("gmd:distributionInfo");
}

/// The URL of the download service's own record.
pub fn service_record_url(base: &str) -> String {
    format!("{base}/metadata/service.xml")
}

/// The download service's record (ISO 19139 with the ISO 19119 service extension): a download
/// service (`srv:serviceType` download) whose operations are the ATOM service feed, the
/// OpenSearch description and its search, operating on the datasets given (their records by
/// reference, at most a page of the service feed's).
pub fn service_record(base: &str, publisher: &Publisher, datasets: &[Dataset], updated: &str) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open(
        "gmd:MD_Metadata",
        &[
            ("xmlns:gmd", GMD),
            ("xmlns:gco", GCO),
            ("xmlns:srv", "http://www.isotc211.org/2005/srv"),
            ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
        ],
    );
    text(
        &mut xml,
        "gmd:fileIdentifier",
        &format!("{}atom/service", identifier_namespace(base)),
    );
    language(&mut xml);
    code(&mut xml, "gmd:characterSet", "MD_CharacterSetCode", "utf8");
    code(&mut xml, "gmd:hierarchyLevel", "MD_ScopeCode", "service");
    party(
        &mut xml,
        "gmd:contact",
        (&publisher.name, &publisher.email),
        "pointOfContact",
    );
    xml.open("gmd:dateStamp", &[]);
    xml.leaf("gco:DateTime", &[], updated.trim_end_matches('Z'));
    xml.close("gmd:dateStamp");
    text(
        &mut xml,
        "gmd:metadataStandardName",
        "ISO 19115:2003/19139, ISO 19119",
    );
    text(&mut xml, "gmd:metadataStandardVersion", "1.0");
    xml.open("gmd:identificationInfo", &[]);
    xml.open("srv:SV_ServiceIdentification", &[]);
    xml.open("gmd:citation", &[]);
    xml.open("gmd:CI_Citation", &[]);
    text(&mut xml, "gmd:title", &publisher.title);
    xml.open("gmd:date", &[]);
    xml.open("gmd:CI_Date", &[]);
    xml.open("gmd:date", &[]);
    xml.leaf("gco:Date", &[], &updated.chars().take(10).collect::<String>());
    xml.close("gmd:date");
    code(&mut xml, "gmd:dateType", "CI_DateTypeCode", "publication");
    xml.close("gmd:CI_Date");
    xml.close("gmd:date");
    xml.close("gmd:CI_Citation");
    xml.close("gmd:citation");
    text(&mut xml, "gmd:abstract", &publisher.subtitle);
    party(
        &mut xml,
        "gmd:pointOfContact",
        (&publisher.name, &publisher.email),
        "custodian",
    );
    xml.open("gmd:resourceConstraints", &[]);
    xml.open("gmd:MD_LegalConstraints", &[]);
    code(
        &mut xml,
        "gmd:accessConstraints",
        "MD_RestrictionCode",
        "otherRestrictions",
    );
    text(&mut xml, "gmd:otherConstraints", &publisher.rights);
    xml.close("gmd:MD_LegalConstraints");
    xml.close("gmd:resourceConstraints");
    xml.open("srv:serviceType", &[]);
    xml.leaf("gco:LocalName", &[], "download");
    xml.close("srv:serviceType");
    xml.open("srv:couplingType", &[]);
    let list = format!("{CODE_LISTS}#SV_CouplingType");
    xml.leaf(
        "srv:SV_CouplingType",
        &[("codeList", &list), ("codeListValue", "tight")],
        "tight",
    );
    xml.close("srv:couplingType");
    for (operation, url) in [
        ("Get Download Service Metadata", super::feed::service_url(base)),
        ("Describe Spatial Data Set", format!("{base}/atom/opensearch.xml")),
        ("Get Spatial Data Set", format!("{base}/atom/search")),
    ] {
        xml.open("srv:containsOperations", &[]);
        xml.open("srv:SV_OperationMetadata", &[]);
        text(&mut xml, "srv:operationName", operation);
        xml.open("srv:DCP", &[]);
        let list = format!("{CODE_LISTS}#DCPList");
        xml.leaf(
            "srv:DCPList",
            &[("codeList", &list), ("codeListValue", "WebServices")],
            "WebServices",
        );
        xml.close("srv:DCP");
        xml.open("srv:connectPoint", &[]);
        xml.open("gmd:CI_OnlineResource", &[]);
        xml.open("gmd:linkage", &[]);
        xml.leaf("gmd:URL", &[], &url);
        xml.close("gmd:linkage");
        xml.close("gmd:CI_OnlineResource");
        xml.close("srv:connectPoint");
        xml.close("srv:SV_OperationMetadata");
        xml.close("srv:containsOperations");
    }
    for dataset in datasets {
        let href = super::feed::record_url(base, &dataset.livrable.slug);
        xml.empty("srv:operatesOn", &[("xlink:href", &href)]);
    }
    xml.close("srv:SV_ServiceIdentification");
    xml.close("gmd:identificationInfo");
    xml.open("gmd:distributionInfo", &[]);
    xml.open("gmd:MD_Distribution", &[]);
    xml.open("gmd:transferOptions", &[]);
    xml.open("gmd:MD_DigitalTransferOptions", &[]);
    online(
        &mut xml,
        &super::feed::service_url(base),
        "INSPIRE Atom",
        &publisher.title,
    );
    xml.close("gmd:MD_DigitalTransferOptions");
    xml.close("gmd:transferOptions");
    xml.close("gmd:MD_Distribution");
    xml.close("gmd:distributionInfo");
    xml.close("gmd:MD_Metadata");
    xml.finish()
}
