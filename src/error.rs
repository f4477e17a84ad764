//! The top-level error: what can stop a command. Each module has its own error type; this one
//! only gathers them for `main`.

/// Anything that stops a `dallage` command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad configuration.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The catalogue failed.
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
    /// The credential key could not be set up.
    #[error(transparent)]
    Seal(#[from] crate::catalog::SealError),
    /// Making the demo failed.
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
    /// A blocking job failed.
    #[error(transparent)]
    Worker(#[from] crate::workers::WorkerError),
    /// A scan could not run.
    #[error(transparent)]
    Scan(#[from] crate::scan::ScanError),
    /// Boundaries could not be imported or used.
    #[error(transparent)]
    Boundary(#[from] crate::download::boundaries::BoundaryError),
    /// A style does not parse.
    #[error(transparent)]
    Style(#[from] crate::vector::style::StyleError),
    /// A command-line argument is wrong.
    #[error("{0}")]
    Usage(String),
    /// Binding or running the server failed.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}
