//! argon2id hash and verify with the working memory kept between calls.
//!
//! argon2 fills `m` KiB (19 MiB by default) on every hash. The crate allocates that block
//! per call and frees it after; glibc hands a block that large straight back to the kernel
//! (it is above the mmap threshold), so every login faulted 19 MiB in again: ~4,900 page
//! faults, 3.0 ms of system time per verify (BENCHMARKS.md, "Where a login's CPU goes").
//! Here the block is taken from a small pool and put back, so after the first call a
//! warm instance hashes in memory it already holds.
//!
//! The pool keeps at most [`KEPT`] blocks: a Lambda instance serves one request at a
//! time and needs one; more at once (tests, several threads) allocate and drop the rest.
//! A kept block holds the last hash's internal state until the next one overwrites it;
//! it never leaves the process, which holds the signing keys anyway.

use std::sync::Mutex;

use argon2::{
    Algorithm, Argon2, Block, Params, Version,
    password_hash::phc::{Output, ParamsString, PasswordHash, Salt},
};

/// Blocks of working memory kept for the next call.
const KEPT: usize = 2;
/// Salt length of a new hash: the PHC recommendation, as the crate's own generator.
const SALT_LEN: usize = 16;

static POOL: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// Runs `fill` over a block of at least `blocks` argon2 blocks, reused when one is kept.
fn with_memory<T>(blocks: usize, fill: impl FnOnce(&mut [Block]) -> T) -> T {
    let kept = POOL.lock().map(|mut pool| pool.pop()).unwrap_or(None);
    let mut memory = kept.unwrap_or_default();
    // Every block is written before it is read, so old contents need no clearing.
    memory.resize(blocks, Block::default());
    let result = fill(&mut memory[..blocks]);
    if let Ok(mut pool) = POOL.lock()
        && pool.len() < KEPT
    {
        pool.push(memory);
    }
    result
}

/// A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of `password` under `params`.
pub fn hash(params: &Params, password: &[u8]) -> Result<String, String> {
    let mut salt = [0u8; SALT_LEN];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    with_memory(params.block_count(), |memory| {
        argon2.hash_password_into_with_memory(password, &salt, &mut out, memory)
    })
    .map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| e.to_string())?,
        salt: Some(Salt::new(&salt).map_err(|e| e.to_string())?),
        hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `stored`, under the algorithm, version and
/// parameters `stored` names (a hash made under older settings still verifies). The
/// outputs are compared in constant time (`Output`'s equality). A string that does not
/// parse matches nothing.
pub fn verify(password: &[u8], stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else {
        return false;
    };
    let version = match phc.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&phc) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let filled = with_memory(params.block_count(), |memory| {
        argon2.hash_password_into_with_memory(password, salt, &mut out, memory)
    });
    filled.is_ok() && Output::new(&out).is_ok_and(|computed| computed == *expected)
}

#[cfg(test)]
mod tests {
    use argon2::{PasswordHasher as _, PasswordVerifier as _};

    use super::*;

    fn params(m: u32) -> Params {
        Params::new(m, 1, 1, None).unwrap()
    }

    #[test]
    fn hashes_are_the_crates_own_format_both_ways() {
        let p = params(1024);
        let ours = hash(&p, b"correct horse").unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{ours}");
        let crate_argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, p.clone());
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            crate_argon2
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
        let theirs = crate_argon2
            .hash_password(b"correct horse")
            .unwrap()
            .to_string();
        assert!(verify(b"correct horse", &theirs));
        assert!(!verify(b"correct horsE", &theirs));
    }

    #[test]
    fn a_hash_made_under_other_parameters_verifies_under_its_own() {
        // The pool's block is sized for the last call; the next one of another cost must
        // still get exactly its own.
        let small = hash(&params(1024), b"pw-one").unwrap();
        let large = hash(&params(4096), b"pw-two").unwrap();
        for _ in 0..2 {
            assert!(verify(b"pw-one", &small));
            assert!(verify(b"pw-two", &large));
            assert!(!verify(b"pw-two", &small));
        }
    }

    #[test]
    fn broken_strings_match_nothing() {
        let good = hash(&params(1024), b"pw").unwrap();
        for broken in [
            "",
            "not a hash",
            &good.replace("argon2id", "argon2x"),
            &good.replace("v=19", "v=7"),
            &good[..good.rfind('$').unwrap()],
        ] {
            assert!(!verify(b"pw", broken), "{broken}");
        }
    }

    #[test]
    fn hashes_in_parallel_keep_at_most_the_pool() {
        let p = params(1024);
        let stored = hash(&p, b"pw").unwrap();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| assert!(verify(b"pw", &stored)));
            }
        });
        assert!(POOL.lock().unwrap().len() <= KEPT);
    }
}
