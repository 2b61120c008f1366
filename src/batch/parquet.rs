//! `runs.parquet`: the rows of `runs.csv` as a Parquet file (feature `parquet`). Columns whose
//! every value is a number are stored as optional DOUBLE, the others as optional UTF-8
//! strings; empty cells are nulls. Snappy compression.

use std::path::Path;

use super::output::Row;

#[cfg(feature = "parquet")]
pub(super) fn write(path: &Path, header: &[String], rows: &[Row]) -> std::io::Result<()> {
    use parquet::basic::{Compression, ConvertedType, Repetition, Type as Physical};
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::types::Type;
    use std::sync::Arc;

    let err = |e: parquet::errors::ParquetError| std::io::Error::other(e.to_string());
    let numeric: Vec<bool> = (0..header.len())
        .map(|c| {
            rows.iter().any(|r| !r.cells[c].is_empty())
                && rows.iter().all(|r| r.cells[c].is_empty() || r.cells[c].parse::<f64>().is_ok())
        })
        .collect();
    let fields = header
        .iter()
        .zip(&numeric)
        .map(|(name, &num)| {
            let b = if num {
                Type::primitive_type_builder(name, Physical::DOUBLE)
            } else {
                Type::primitive_type_builder(name, Physical::BYTE_ARRAY).with_converted_type(ConvertedType::UTF8)
            };
            b.with_repetition(Repetition::OPTIONAL).build().map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    let schema = Arc::new(Type::group_type_builder("runs").with_fields(fields).build().map_err(err)?);
    let props = Arc::new(WriterProperties::builder().set_compression(Compression::SNAPPY).build());
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = super::output::temp_in(dir)?;
    let mut writer = SerializedFileWriter::new(tmp.reopen()?, schema, props).map_err(err)?;
    let mut group = writer.next_row_group().map_err(err)?;
    let mut c = 0;
    while let Some(mut col) = group.next_column().map_err(err)? {
        let defs: Vec<i16> = rows.iter().map(|r| i16::from(!r.cells[c].is_empty())).collect();
        if numeric[c] {
            let vals: Vec<f64> = rows.iter().filter_map(|r| r.cells[c].parse::<f64>().ok()).collect();
            col.typed::<DoubleType>().write_batch(&vals, Some(&defs), None).map_err(err)?;
        } else {
            let vals: Vec<ByteArray> =
                rows.iter().filter(|r| !r.cells[c].is_empty()).map(|r| ByteArray::from(r.cells[c].as_str())).collect();
            col.typed::<ByteArrayType>().write_batch(&vals, Some(&defs), None).map_err(err)?;
        }
        col.close().map_err(err)?;
        c += 1;
    }
    group.close().map_err(err)?;
    writer.close().map_err(err)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(not(feature = "parquet"))]
pub(super) fn write(_: &Path, _: &[String], _: &[Row]) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "this jets was built without Parquet support; rebuild with `cargo build --release --features parquet`",
    ))
}

/// True when this build can write Parquet.
pub fn available() -> bool {
    cfg!(feature = "parquet")
}
