//! argon2id verify time in-process, exactly as `members_auth::domain::PasswordHasher`
//! runs it (argon2id, v0x13, default parameters unless given).
//!
//! usage: argon2-verify [--runs N] [--threads T] [--m KIB] [--t ITER] [--p LANES]
//! Prints one JSON object: every single-thread verify, as wall time and as the thread's CPU
//! time (ms; CPU time is what a Lambda's CPU share scales, and it does not count waiting
//! for a core another program holds) and, with T threads each verifying N times at once,
//! the aggregate verifies per second.

use std::time::Instant;

use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};

fn argon2(m: u32, t: u32, p: u32) -> Argon2<'static> {
    let params = Params::new(m, t, p, None).expect("argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// CPU time of the calling thread, in ms.
fn thread_cpu_ms() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes only into `usage`.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    let ms = |tv: libc::timeval| tv.tv_sec as f64 * 1000.0 + tv.tv_usec as f64 / 1000.0;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

fn main() {
    let mut runs = 30usize;
    let mut threads = 0usize;
    let (mut m, mut t, mut p) = (19_456u32, 2u32, 1u32);
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).expect("a value after each flag");
        match pair[0].as_str() {
            "--runs" => runs = value.parse().expect("--runs N"),
            "--threads" => threads = value.parse().expect("--threads T"),
            "--m" => m = value.parse().expect("--m KIB"),
            "--t" => t = value.parse().expect("--t ITER"),
            "--p" => p = value.parse().expect("--p LANES"),
            other => panic!("unknown flag {other}"),
        }
    }
    let password = b"correct-horse-battery";
    let hash = argon2(m, t, p)
        .hash_password(password)
        .expect("hash")
        .to_string();
    // One warm-up verify (page faults of the first 19 MiB allocation).
    assert!(argon2(m, t, p).verify_password(password, hash.as_str()).is_ok());

    let mut single = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    for _ in 0..runs {
        let cpu_start = thread_cpu_ms();
        let start = Instant::now();
        let ok = argon2(m, t, p).verify_password(password, hash.as_str()).is_ok();
        single.push(start.elapsed().as_secs_f64() * 1000.0);
        cpu.push(thread_cpu_ms() - cpu_start);
        assert!(ok);
    }

    let mut parallel = String::from("null");
    if threads > 0 {
        let start = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    for _ in 0..runs {
                        assert!(argon2(m, t, p).verify_password(password, hash.as_str()).is_ok());
                    }
                });
            }
        });
        let secs = start.elapsed().as_secs_f64();
        parallel = format!(
            "{{\"threads\": {threads}, \"verifies\": {}, \"seconds\": {secs:.4}, \"per_second\": {:.3}}}",
            threads * runs,
            (threads * runs) as f64 / secs
        );
    }
    let list = |v: &[f64]| v.iter().map(|ms| format!("{ms:.3}")).collect::<Vec<_>>().join(", ");
    println!(
        "{{\"m_kib\": {m}, \"t\": {t}, \"p\": {p}, \"verify_ms\": [{}], \"verify_cpu_ms\": [{}], \"parallel\": {parallel}}}",
        list(&single),
        list(&cpu)
    );
}
