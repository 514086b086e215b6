//! Latency percentiles and the server's resource use, read from `/proc`.

use serde::Serialize;

/// Latency summary in microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Latency {
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    pub mean_us: f64,
}

/// The `p`-th percentile (0 < p <= 100) of sorted samples, by the nearest-rank method: the
/// smallest sample with at least `p`% of all samples at or below it.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Summarises samples (sorting them in place).
pub fn summarize(samples: &mut [u64]) -> Latency {
    if samples.is_empty() {
        return Latency::default();
    }
    samples.sort_unstable();
    Latency {
        p50_us: percentile(samples, 50.0),
        p90_us: percentile(samples, 90.0),
        p99_us: percentile(samples, 99.0),
        max_us: *samples.last().unwrap(),
        mean_us: samples.iter().sum::<u64>() as f64 / samples.len() as f64,
    }
}

/// Resident memory of a process, in KiB: now (`VmRSS`) and at its peak (`VmHWM`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Memory {
    pub rss_kib: u64,
    pub peak_rss_kib: u64,
}

pub fn memory(pid: u32) -> Option<Memory> {
    parse_status(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
}

fn parse_status(status: &str) -> Option<Memory> {
    let field = |name: &str| {
        status.lines().find_map(|line| {
            let rest = line.strip_prefix(name)?.strip_prefix(':')?;
            rest.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()
        })
    };
    Some(Memory {
        rss_kib: field("VmRSS")?,
        peak_rss_kib: field("VmHWM")?,
    })
}

/// CPU time a process (all its threads) has used, user plus system, in seconds.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    parse_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// CPU time of this process (the load generator itself).
pub fn own_cpu_seconds() -> Option<f64> {
    parse_stat(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

fn parse_stat(stat: &str) -> Option<f64> {
    // The command name (field 2) may hold spaces and parentheses: count from the last `)`.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // The kernel reports both in USER_HZ, which is 100 on every Linux ABI.
    Some((utime + stime) as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&samples, 50.0), 50);
        assert_eq!(percentile(&samples, 90.0), 90);
        assert_eq!(percentile(&samples, 99.0), 99);
        assert_eq!(percentile(&samples, 100.0), 100);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[1, 2], 50.0), 1);
        assert_eq!(percentile(&[1, 2], 51.0), 2);
        assert_eq!(percentile(&[], 50.0), 0);
        let mut shuffled = vec![5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
        let summary = summarize(&mut shuffled);
        assert_eq!(
            (
                summary.p50_us,
                summary.p90_us,
                summary.p99_us,
                summary.max_us
            ),
            (5, 9, 10, 10)
        );
        assert_eq!(summary.mean_us, 5.5);
    }

    #[test]
    fn proc_files() {
        let status = "Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t    4321 kB\nVmRSS:\t    1234 kB\n";
        assert_eq!(
            parse_status(status),
            Some(Memory {
                rss_kib: 1234,
                peak_rss_kib: 4321
            })
        );
        let stat = "42 (a (weird) name) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0";
        assert_eq!(parse_stat(stat), Some(3.0));
        let me = std::process::id();
        assert!(memory(me).unwrap().rss_kib > 0);
        assert!(cpu_seconds(me).is_some());
    }
}
