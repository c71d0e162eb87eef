//! The generator's integration tests, one binary (each binary links the whole generator):
//! `tests/README.md` at the workspace root says what each module covers.

mod cli;
mod hostile;
mod limits;
mod lowering;
mod refs;
mod robustness;
mod swagger2;
