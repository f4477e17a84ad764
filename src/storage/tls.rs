//! TLS client configuration shared by HTTPS and FTPS: certificates are verified against the
//! Mozilla roots by default; a storage may add one certificate to trust (a self-signed
//! server) or, stated on the storage, accept any certificate.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::{StorageError, StorageSpec};

/// The client configuration for `spec`.
pub fn client_config(spec: &StorageSpec) -> Result<Arc<ClientConfig>, StorageError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|err| tls_error(spec, err.to_string()))?;
    let config = if spec.tls_insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
            .with_no_client_auth()
    } else {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(pem) = &spec.tls_ca_cert {
            let mut added = 0;
            for certificate in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                let certificate =
                    certificate.map_err(|err| tls_error(spec, format!("tls_ca_cert: {err}")))?;
                roots
                    .add(certificate)
                    .map_err(|err| tls_error(spec, format!("tls_ca_cert: {err}")))?;
                added += 1;
            }
            if added == 0 {
                return Err(tls_error(spec, "tls_ca_cert holds no certificate".into()));
            }
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    Ok(Arc::new(config))
}

fn tls_error(spec: &StorageSpec, detail: String) -> StorageError {
    StorageError::Tls {
        target: spec.target(),
        detail,
    }
}

/// Verifies signatures (the handshake stays sound) but trusts any certificate chain.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Describes a TLS failure in words a user can act on.
pub fn explain(detail: &str) -> String {
    if detail.contains("UnknownIssuer") || detail.contains("invalid peer certificate") {
        format!("{detail} (the server's certificate is not trusted: give its certificate as tls_ca_cert, or set tls_insecure)")
    } else if detail.contains("NotValidForName") {
        format!("{detail} (the certificate does not name this host)")
    } else {
        detail.to_string()
    }
}
