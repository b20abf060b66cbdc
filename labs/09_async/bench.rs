//! `racelab bench 9`: placeholder.
use crate::lab::BenchRequest;

/// Serves `racelab bench 9`.
pub fn serve(_request: &BenchRequest<'_>) -> Result<String, String> {
    Err("not yet".to_string())
}
