//! Reading a whole file someone names (a settings file, a spreadsheet, a tour) with a limit, so
//! that a device such as /dev/zero, a FIFO or a huge file is refused instead of filling memory.

use std::io::Read;
use std::path::Path;

/// Why a bounded read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("larger than {limit} bytes")]
    TooLarge { limit: u64 },
}

/// The file's bytes, if there are at most `limit` of them. Reads one byte past the limit and no
/// more, so neither a device nor a file growing while it is read can get round it.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, [b'x'; 10]).unwrap();
        assert_eq!(read(&file, 10).unwrap().len(), 10);
        assert!(matches!(
            read(&file, 9),
            Err(ReadError::TooLarge { limit: 9 })
        ));
    }
}
