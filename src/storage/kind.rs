//! The kinds of storage and of FTP TLS, as the catalogue stores them and the API names them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

text_enum!(
    /// Protocol of a storage.
    StorageType {
        /// HTTP(S) directory listings.
        Http = "http",
        /// FTP or FTPS.
        Ftp = "ftp",
        /// SFTP over SSH.
        Sftp = "sftp",
        /// Local files on the server (admin only).
        File = "file",
    }
);

text_enum!(
    /// TLS on an FTP storage.
    TlsMode {
        /// Plain FTP.
        None = "none",
        /// Explicit FTPS (AUTH TLS on the control port).
        Explicit = "explicit",
        /// Implicit FTPS (TLS from the first byte, port 990).
        Implicit = "implicit",
    }
);
