//! Downloads by territory. For now the administrative boundaries they select by: imported from
//! ADMIN EXPRESS (or any vector file GDAL reads) and turned into areas, which seeding and the
//! cache-size estimate already use. Selection and the streaming ZIP come with the download issue.

pub mod boundaries;
