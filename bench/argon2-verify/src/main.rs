//! argon2id verify time in-process, as `members_auth::domain::PasswordHasher` runs it
//! (argon2id, v0x13, default parameters unless given): on a thread of its own (the
//! functions' blocking pool), its 19 MiB of working memory kept from one verify to the
//! next (`shared/src/domain/argon2id.rs`), the output compared with the hash's.
//!
//! usage: argon2-verify [--runs N] [--threads T] [--m KIB] [--t ITER] [--p LANES]
//! Prints one JSON object: every single-thread verify, as wall time and as the thread's CPU
//! time (ms; CPU time is what a Lambda's CPU share scales, and it does not count waiting
//! for a core another program holds); with T threads each verifying N times at once, the
//! aggregate verifies per second; and under "memory" the mean user and system CPU of a
//! verify with memory kept against the crate's own `verify_password`, which takes a fresh
//! zeroed block each time (what the functions did before issue 15), and with the kept
//! block in transparent huge pages (a candidate the functions do not use yet).

use std::time::Instant;

use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _,
    Version,
};

fn argon2(m: u32, t: u32, p: u32) -> Argon2<'static> {
    let params = Params::new(m, t, p, None).expect("argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A block of argon2 memory asked for in transparent huge pages: 2 MiB-aligned and
/// `MADV_HUGEPAGE` before its first touch. The functions do not do this (the workspace
/// forbids `unsafe`); this measures what it would give where the kernel grants them
/// (`transparent_hugepage` = madvise or always).
struct HugePages {
    ptr: std::ptr::NonNull<Block>,
    len: usize,
    layout: std::alloc::Layout,
}

impl HugePages {
    const ALIGN: usize = 2 << 20;

    fn new(len: usize) -> Self {
        let layout =
            std::alloc::Layout::from_size_align(len * Block::SIZE, Self::ALIGN).expect("a layout");
        // SAFETY: a non-zero size; the memory is zeroed below before any read.
        let raw = unsafe { std::alloc::alloc(layout) };
        let ptr = std::ptr::NonNull::new(raw.cast::<Block>()).expect("memory");
        // SAFETY: `raw` is ours for `layout.size()` bytes; advice only, on failure the
        // pages are ordinary ones.
        unsafe { libc::madvise(raw.cast(), layout.size(), libc::MADV_HUGEPAGE) };
        // SAFETY: in bounds; zeroed blocks are valid `Block`s (arrays of u64).
        unsafe { std::ptr::write_bytes(raw, 0, layout.size()) };
        Self { ptr, len, layout }
    }
}

// SAFETY: the block is owned, like a Vec's buffer; nothing else points into it.
unsafe impl Send for HugePages {}

impl AsMut<[Block]> for HugePages {
    fn as_mut(&mut self) -> &mut [Block] {
        // SAFETY: `len` initialised blocks at `ptr`, borrowed mutably through `self`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for HugePages {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr().cast(), self.layout) }
    }
}

/// AnonHugePages of this process, kB (/proc/self/smaps_rollup).
fn anon_huge_kb() -> u64 {
    std::fs::read_to_string("/proc/self/smaps_rollup")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("AnonHugePages:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A verifier holding its working memory, as the functions' pool does.
struct KeptMemory {
    argon2: Argon2<'static>,
    hash: PasswordHash,
    memory: Box<dyn AsMut<[Block]> + Send>,
    out: Vec<u8>,
}

impl KeptMemory {
    fn new(m: u32, t: u32, p: u32, hash: &str) -> Self {
        let blocks = argon2(m, t, p).params().block_count();
        Self::with(m, t, p, hash, Box::new(vec![Block::default(); blocks]))
    }

    fn in_huge_pages(m: u32, t: u32, p: u32, hash: &str) -> Self {
        let blocks = argon2(m, t, p).params().block_count();
        Self::with(m, t, p, hash, Box::new(HugePages::new(blocks)))
    }

    fn with(m: u32, t: u32, p: u32, hash: &str, memory: Box<dyn AsMut<[Block]> + Send>) -> Self {
        let hash = PasswordHash::new(hash).expect("our own hash parses");
        let out = vec![0u8; hash.hash.as_ref().expect("an output").len()];
        Self {
            argon2: argon2(m, t, p),
            hash,
            memory,
            out,
        }
    }

    fn verify(&mut self, password: &[u8]) -> bool {
        let salt = self.hash.salt.as_ref().expect("a salt");
        let expected = self.hash.hash.as_ref().expect("an output");
        let memory = (*self.memory).as_mut();
        self.argon2
            .hash_password_into_with_memory(password, salt, &mut self.out, memory)
            .is_ok()
            && argon2::password_hash::phc::Output::new(&self.out).is_ok_and(|o| o == *expected)
    }
}

/// User and system CPU time of the calling thread, in ms.
fn thread_cpu_split_ms() -> (f64, f64) {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes only into `usage`.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    let ms = |tv: libc::timeval| tv.tv_sec as f64 * 1000.0 + tv.tv_usec as f64 / 1000.0;
    (ms(usage.ru_utime), ms(usage.ru_stime))
}

fn thread_cpu_ms() -> f64 {
    let (user, system) = thread_cpu_split_ms();
    user + system
}

/// Mean user and system ms per call of `verify` over `runs` calls.
fn cpu_per_call(runs: usize, mut verify: impl FnMut() -> bool) -> (f64, f64) {
    let (user0, sys0) = thread_cpu_split_ms();
    for _ in 0..runs {
        assert!(verify());
    }
    let (user1, sys1) = thread_cpu_split_ms();
    ((user1 - user0) / runs as f64, (sys1 - sys0) / runs as f64)
}

struct Args {
    runs: usize,
    threads: usize,
    m: u32,
    t: u32,
    p: u32,
}

fn args() -> Args {
    let mut a = Args {
        runs: 30,
        threads: 0,
        m: 19_456,
        t: 2,
        p: 1,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let value = pair.get(1).expect("a value after each flag");
        match pair[0].as_str() {
            "--runs" => a.runs = value.parse().expect("--runs N"),
            "--threads" => a.threads = value.parse().expect("--threads T"),
            "--m" => a.m = value.parse().expect("--m KIB"),
            "--t" => a.t = value.parse().expect("--t ITER"),
            "--p" => a.p = value.parse().expect("--p LANES"),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

fn list(v: &[f64]) -> String {
    v.iter()
        .map(|ms| format!("{ms:.3}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The single-thread figures: each verify's wall and CPU time, then the memory comparison.
fn single_thread(a: &Args, password: &[u8], hash: &str) -> String {
    let mut kept = KeptMemory::new(a.m, a.t, a.p, hash);
    assert!(kept.verify(password)); // faults the kept block in once
    let mut wall = Vec::with_capacity(a.runs);
    let mut cpu = Vec::with_capacity(a.runs);
    for _ in 0..a.runs {
        let cpu_start = thread_cpu_ms();
        let start = Instant::now();
        assert!(kept.verify(password));
        wall.push(start.elapsed().as_secs_f64() * 1000.0);
        cpu.push(thread_cpu_ms() - cpu_start);
    }
    let kept_split = cpu_per_call(a.runs, || kept.verify(password));
    let fresh = cpu_per_call(a.runs, || {
        argon2(a.m, a.t, a.p)
            .verify_password(password, hash)
            .is_ok()
    });
    drop(kept);
    let before = anon_huge_kb();
    let mut huge = KeptMemory::in_huge_pages(a.m, a.t, a.p, hash);
    assert!(huge.verify(password));
    let granted = anon_huge_kb().saturating_sub(before);
    let huge_split = cpu_per_call(a.runs, || huge.verify(password));
    format!(
        "\"verify_ms\": [{}], \"verify_cpu_ms\": [{}], \"memory\": {{\"kept_user_ms\": {:.3}, \"kept_system_ms\": {:.3}, \"fresh_user_ms\": {:.3}, \"fresh_system_ms\": {:.3}, \"huge_user_ms\": {:.3}, \"huge_system_ms\": {:.3}, \"huge_pages_kb\": {granted}}}",
        list(&wall),
        list(&cpu),
        kept_split.0,
        kept_split.1,
        fresh.0,
        fresh.1,
        huge_split.0,
        huge_split.1
    )
}

fn main() {
    let a = args();
    let password = b"correct-horse-battery";
    let hash = argon2(a.m, a.t, a.p)
        .hash_password(password)
        .expect("hash")
        .to_string();
    // A thread of its own, as the functions' blocking pool: a thread's allocations come
    // from its own malloc arena, which glibc trims back on free.
    let single = std::thread::scope(|scope| {
        scope
            .spawn(|| single_thread(&a, password, &hash))
            .join()
            .expect("single-thread verifies")
    });

    let mut parallel = String::from("null");
    if a.threads > 0 {
        let start = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..a.threads {
                scope.spawn(|| {
                    let mut kept = KeptMemory::new(a.m, a.t, a.p, &hash);
                    for _ in 0..a.runs {
                        assert!(kept.verify(password));
                    }
                });
            }
        });
        let secs = start.elapsed().as_secs_f64();
        parallel = format!(
            "{{\"threads\": {}, \"verifies\": {}, \"seconds\": {secs:.4}, \"per_second\": {:.3}}}",
            a.threads,
            a.threads * a.runs,
            (a.threads * a.runs) as f64 / secs
        );
    }
    println!(
        "{{\"m_kib\": {}, \"t\": {}, \"p\": {}, {single}, \"parallel\": {parallel}}}",
        a.m, a.t, a.p
    );
}
