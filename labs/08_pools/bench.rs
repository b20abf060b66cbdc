//! `racelab bench 8` (being written).

/// `racelab bench 8`.
pub fn serve(_request: &crate::lab::BenchRequest<'_>) -> Result<String, String> {
    Err("not yet".to_string())
}
