//! A failure to show the user.

use std::fmt;
use std::rc::Rc;

/// An error from below the state (the store, the import worker, the browser), kept as the
/// message its own type writes: the state only ever shows it (the error itself, as an
/// `Rc<dyn Error>`, cost each error type's `Debug` and vtable in the page's wasm).
#[derive(Clone, PartialEq)]
pub struct Failure(Rc<str>);

impl Failure {
    pub fn new(error: impl std::error::Error) -> Self {
        Failure(error.to_string().into())
    }
}

/// Any error converts, as with `anyhow::Error` (which is why `Failure` is not an `Error`
/// itself).
impl<E: std::error::Error> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure::new(error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Failure({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_and_compares_by_the_message() {
        let a = Failure::from(std::io::Error::other("disk on fire"));
        let b = Failure::new(std::io::Error::other("disk on fire"));
        assert_eq!(a.to_string(), "disk on fire");
        assert_eq!(a, b);
        assert_ne!(a, Failure::from(std::io::Error::other("other")));
    }
}
