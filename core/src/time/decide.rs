//! The sync decision (pure: no clock, no network, no store): which sources agree, whether the
//! agreed time may move the clock, and the new state. One named step per concern:
//! Kiss-o'-Death bookkeeping, the verdict on each source, the jump check (quarantine, the
//! per-boot forward cap, a lost state), and accepting.

use super::anchor::{
    Anchor, AnchorPoint, Quarantine, SourceBackoff, SourceSummary, TimeState, WallOffset,
    DEFAULT_GROWTH_PPM, MAX_DRIFT_PPM, MIN_GROWTH_PPM,
};
use super::consensus::{agree, Consensus};
use super::estimate::estimate;
use super::report::{Rejected, SyncStatus};
use super::sample::{Sample, SourceKind, SourceResult};
use super::sntp::{KissCode, Rejection};
use super::sources::SyncConfig;
use super::TimeError;

/// How long a server that sent RATE is left alone.
pub const RATE_BACKOFF_MS: u64 = 15 * 60_000;

/// Which way a result moves the clock compared with what we already trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    None,
    Backward,
    /// Forwards (the dangerous direction: future codes) or of unknown direction after the
    /// saved state was lost: only an authenticated source may confirm it.
    Forward,
}

pub struct Decision {
    pub status: SyncStatus,
    pub agreeing: usize,
    pub responded: usize,
    pub rejected: Vec<Rejected>,
    pub confirmed: bool,
    /// The "UTC − boot" offset of a result that was held back (quarantined).
    pub held_offset: Option<i64>,
    pub jump: Jump,
    /// Authenticated sources among the agreeing ones.
    pub authenticated: Vec<String>,
}

/// The whole decision; `Err(Offline)` when nothing could be reached.
pub fn decide(
    state: &mut TimeState,
    config: &SyncConfig,
    results: &[SourceResult],
    boot_id: &str,
    boot_now: u64,
    wall_now: i64,
) -> Result<Decision, TimeError> {
    record_kisses(state, results, boot_id, boot_now);
    let verdict = judge(results, config);
    state.last_sources = verdict.summaries.clone();
    let mut decision = Decision {
        status: SyncStatus::NoConsensus,
        agreeing: verdict.agreeing.len(),
        responded: verdict.responded,
        rejected: verdict.rejected,
        confirmed: false,
        held_offset: None,
        jump: Jump::None,
        authenticated: verdict.authenticated,
    };
    let Some(consensus) = verdict.consensus else {
        if results.iter().all(|r| {
            r.outcome
                .as_ref()
                .err()
                .is_some_and(Rejection::is_unreachable)
        }) {
            return Err(TimeError::Offline {
                details: offline_details(results),
            });
        }
        return Ok(decision);
    };
    if !consensus.accepted(config.quorum) {
        if verdict.against_authenticated {
            decision.status = SyncStatus::Conflict;
        }
        return Ok(decision);
    }
    let offset = consensus.offset_ms();
    let unc = consensus.uncertainty_ms();
    let ctx = Now {
        boot_id,
        boot_now,
        wall_now,
    };
    decision.jump = classify_jump(state, config, &ctx, offset, unc);
    let authenticated = !decision.authenticated.is_empty();
    if !hold_or_confirm(
        state,
        config,
        &ctx,
        offset,
        unc,
        authenticated,
        &mut decision,
    ) {
        decision.held_offset = Some(offset);
        decision.status = SyncStatus::Quarantined;
        return Ok(decision);
    }
    accept(state, config, &ctx, offset, unc, decision.jump);
    decision.status = SyncStatus::Synced;
    Ok(decision)
}

/// The clock readings of this decision.
pub struct Now<'a> {
    pub boot_id: &'a str,
    pub boot_now: u64,
    pub wall_now: i64,
}

fn offline_details(results: &[SourceResult]) -> String {
    results
        .iter()
        .map(|r| match &r.outcome {
            Err(e) => format!("{}: {e}", r.source),
            Ok(_) => r.source.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Kiss-o'-Death bookkeeping first: it applies whatever the consensus says.
fn record_kisses(state: &mut TimeState, results: &[SourceResult], boot_id: &str, boot_now: u64) {
    state.backoff.retain(|b| b.active(boot_id, boot_now));
    for r in results {
        if let Err(Rejection::KissOfDeath { code }) = &r.outcome {
            let until = match code {
                KissCode::Rate => Some(boot_now.saturating_add(RATE_BACKOFF_MS)),
                KissCode::Deny | KissCode::Restrict => None,
                KissCode::Other(_) => continue,
            };
            state.backoff.retain(|b| b.source != r.source);
            state.backoff.push(SourceBackoff {
                source: r.source.clone(),
                boot_id: boot_id.to_string(),
                until_boot_ms: until,
                code: code.to_string(),
            });
        }
    }
}

/// The verdict on each source.
struct Verdict {
    consensus: Option<Consensus>,
    /// Indexes into `results` of the agreeing sources.
    agreeing: Vec<usize>,
    responded: usize,
    rejected: Vec<Rejected>,
    summaries: Vec<SourceSummary>,
    authenticated: Vec<String>,
    /// Some source was rejected for disagreeing with the authenticated ones.
    against_authenticated: bool,
}

fn judge(results: &[SourceResult], config: &SyncConfig) -> Verdict {
    let answered: Vec<(usize, Sample)> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.outcome.as_ref().ok().map(|s| (i, *s)))
        .collect();
    let intervals: Vec<_> = answered.iter().map(|(_, s)| s.interval()).collect();
    let auth: Vec<bool> = answered.iter().map(|(_, s)| s.authenticated()).collect();
    let consensus = agree(&intervals, &auth);
    let agreeing: Vec<usize> = consensus
        .as_ref()
        .map(|c| {
            c.agreeing
                .iter()
                .filter_map(|&k| answered.get(k).map(|(i, _)| *i))
                .collect()
        })
        .unwrap_or_default();
    let center = consensus.as_ref().map(Consensus::offset_ms);
    let any_auth = auth.iter().any(|&a| a);
    let mut verdict = Verdict {
        consensus,
        agreeing,
        responded: answered.len(),
        rejected: Vec::new(),
        summaries: Vec::new(),
        authenticated: Vec::new(),
        against_authenticated: false,
    };
    for (i, r) in results.iter().enumerate() {
        let (rejection, rtt, diff) = match &r.outcome {
            Ok(s) => {
                let diff = center.map(|c| s.offset_ms.saturating_sub(c));
                let rejection = if verdict.agreeing.contains(&i) {
                    if s.authenticated() {
                        verdict.authenticated.push(r.source.clone());
                    }
                    None
                } else {
                    Some(disagreement(s, diff, any_auth, config))
                };
                (rejection, Some(s.rtt_ms), diff)
            }
            Err(e) => (Some(e.clone()), None, None),
        };
        if let Some(e) = &rejection {
            // An answering, unauthenticated source left out while authenticated ones answered.
            verdict.against_authenticated |= any_auth
                && r.outcome.as_ref().is_ok_and(|s| !s.authenticated())
                && matches!(
                    e,
                    Rejection::AgainstAuthenticated
                        | Rejection::Outlier { .. }
                        | Rejection::Disagrees { .. }
                );
            verdict.rejected.push(Rejected {
                source: r.source.clone(),
                code: e.code().to_string(),
                reason: e.to_string(),
                off_by_ms: diff,
            });
        }
        verdict.summaries.push(SourceSummary {
            source: r.source.clone(),
            result: match &rejection {
                None => "agreed".to_string(),
                Some(e) => e.code().to_string(),
            },
            reason: rejection.as_ref().map(ToString::to_string),
            kind: kind_name(r),
            offset_from_consensus_ms: diff,
            rtt_ms: rtt,
        });
    }
    verdict
}

fn kind_name(r: &SourceResult) -> Option<String> {
    r.outcome.as_ref().ok().map(|s| {
        match s.kind {
            SourceKind::Ntp => "ntp",
            SourceKind::Http {
                authenticated: true,
            } => "https",
            SourceKind::Http {
                authenticated: false,
            } => "http",
            SourceKind::Roughtime => "roughtime",
        }
        .to_string()
    })
}

/// Why an answering source is not in the agreeing set: named as an outlier when far, as
/// disagreeing with the authenticated sources when those decided, else as a near miss.
fn disagreement(s: &Sample, diff: Option<i64>, any_auth: bool, config: &SyncConfig) -> Rejection {
    let by_ms = diff.unwrap_or(0);
    if by_ms.unsigned_abs() > config.outlier_ms {
        Rejection::Outlier { by_ms }
    } else if any_auth && !s.authenticated() {
        Rejection::AgainstAuthenticated
    } else {
        Rejection::Disagrees { by_ms }
    }
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Far from what we already trust? Compare with the anchor of this boot (and the net forward
/// movement since the boot's first sync, so a walk of small steps is caught too). Without one
/// (after a reboot) judge against a time we know has passed, and against the wall clock plus the
/// last offset, but only forwards: the wall clock may have been fixed by hand (a result behind it
/// is fine), while a jump ahead of it is the attack. A lost or damaged state is a jump of unknown
/// direction. Never synced at all: nothing to compare, and the first majority is what fixes a
/// wrong phone clock.
fn classify_jump(state: &TimeState, config: &SyncConfig, now: &Now, offset: i64, unc: u64) -> Jump {
    let utc = to_i64(now.boot_now).saturating_add(offset);
    if let Some((predicted, predicted_unc)) = state
        .anchor
        .as_ref()
        .and_then(|a| a.predicted_offset(now.boot_id, now.boot_now))
    {
        let limit = predicted_unc
            .saturating_add(unc)
            .saturating_add(config.quarantine_tolerance_ms);
        let step = offset.saturating_sub(predicted);
        if step.unsigned_abs() > limit {
            return if step > 0 {
                Jump::Forward
            } else {
                Jump::Backward
            };
        }
        return match forward_beyond_cap(state, config, now, offset, unc) {
            true => Jump::Forward,
            false => Jump::None,
        };
    }
    if state
        .high_water_utc_ms
        .is_some_and(|hw| utc.saturating_add(to_i64(unc)) < hw)
    {
        return Jump::Backward;
    }
    if state.damaged.is_some() {
        return Jump::Forward;
    }
    let ahead_of_wall = state.last_offset.is_some() && {
        let e = estimate(state, config, now.boot_id, now.boot_now, now.wall_now);
        let limit = e
            .uncertainty_ms
            .saturating_add(unc)
            .saturating_add(config.quarantine_tolerance_ms);
        utc.saturating_sub(e.utc_ms) > to_i64(limit)
    };
    if ahead_of_wall {
        Jump::Forward
    } else {
        Jump::None
    }
}

/// The net forward movement since the first sync of this boot beyond what honest drift
/// (200 ppm) and both uncertainties explain, plus the cap.
fn forward_beyond_cap(
    state: &TimeState,
    config: &SyncConfig,
    now: &Now,
    offset: i64,
    unc: u64,
) -> bool {
    let Some(base) = state
        .drift_base
        .as_ref()
        .filter(|b| b.boot_id == now.boot_id && b.boot_ms <= now.boot_now)
    else {
        return false;
    };
    let base_offset = base.utc_ms.saturating_sub(to_i64(base.boot_ms));
    let elapsed = now.boot_now.saturating_sub(base.boot_ms);
    let drift = (elapsed as f64 * MAX_DRIFT_PPM / 1e6).ceil() as u64;
    let allowed = config
        .forward_cap_ms
        .saturating_add(drift)
        .saturating_add(unc)
        .saturating_add(base.uncertainty_ms);
    offset.saturating_sub(base_offset) > to_i64(allowed)
}

/// Whether the result may be applied now. A jump is held (quarantined) on first sight. A jump
/// backwards is confirmed by an agreeing sync at least `confirm_after_ms` later; a jump forwards
/// only by an authenticated source, because a patient attacker on the network can answer every
/// sync the same way.
fn hold_or_confirm(
    state: &mut TimeState,
    config: &SyncConfig,
    now: &Now,
    offset: i64,
    unc: u64,
    authenticated: bool,
    decision: &mut Decision,
) -> bool {
    if decision.jump == Jump::None {
        return true;
    }
    if authenticated {
        decision.confirmed = state.quarantine.is_some();
        return true;
    }
    let previous = state
        .quarantine
        .as_ref()
        .filter(|q| q.boot_id == now.boot_id)
        .filter(|q| {
            let limit = q
                .uncertainty_ms
                .saturating_add(unc)
                .saturating_add(config.margin_ms);
            offset.saturating_sub(q.offset_ms).unsigned_abs() <= limit
        });
    match previous {
        Some(q)
            if decision.jump == Jump::Backward
                && now.boot_now.saturating_sub(q.boot_ms) >= config.confirm_after_ms =>
        {
            decision.confirmed = true;
            true
        }
        // Agrees with the quarantined claim, but too soon or forwards: still held.
        Some(_) => false,
        None => {
            state.quarantine = Some(Quarantine {
                boot_id: now.boot_id.to_string(),
                boot_ms: now.boot_now,
                offset_ms: offset,
                uncertainty_ms: unc,
                utc_ms: to_i64(now.boot_now).saturating_add(offset),
            });
            false
        }
    }
}

/// Applies the agreed time: anchor, drift, wall offset, high-water mark.
fn accept(
    state: &mut TimeState,
    config: &SyncConfig,
    now: &Now,
    offset: i64,
    unc: u64,
    jump: Jump,
) {
    let far = jump != Jump::None;
    let boot_now = now.boot_now;
    let utc = to_i64(boot_now).saturating_add(offset);
    let mut drift_ppm = state.anchor.as_ref().map_or(0.0, |a| a.drift_ppm);
    let mut growth_ppm = state
        .anchor
        .as_ref()
        .map_or(DEFAULT_GROWTH_PPM, |a| a.growth_ppm);
    let base = state
        .drift_base
        .as_ref()
        .filter(|b| b.boot_id == now.boot_id && b.boot_ms <= boot_now && !far);
    match base {
        // ok: the filter above keeps only b.boot_ms <= boot_now, so these cannot underflow.
        Some(b) if boot_now - b.boot_ms >= config.drift_min_interval_ms => {
            let span = (boot_now - b.boot_ms) as f64;
            let gained = utc.saturating_sub(b.utc_ms) as f64 - span;
            let residual =
                (b.uncertainty_ms.saturating_add(unc)) as f64 * 1e6 / span + MIN_GROWTH_PPM;
            if residual < DEFAULT_GROWTH_PPM {
                drift_ppm = (gained * 1e6 / span).clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM);
                growth_ppm = residual;
            }
        }
        Some(_) => {}
        // A new boot, or a confirmed jump: measure drift (and the forward cap) from here.
        None => {
            state.drift_base = Some(AnchorPoint {
                boot_id: now.boot_id.to_string(),
                boot_ms: boot_now,
                utc_ms: utc,
                uncertainty_ms: unc,
            });
        }
    }
    state.anchor = Some(Anchor {
        boot_id: now.boot_id.to_string(),
        boot_ms: boot_now,
        utc_ms: utc,
        uncertainty_ms: unc,
        drift_ppm,
        growth_ppm,
    });
    state.last_offset = Some(WallOffset {
        offset_ms: utc.saturating_sub(now.wall_now),
        measured_utc_ms: utc,
        uncertainty_ms: unc,
    });
    let floor = utc.saturating_sub(to_i64(unc));
    state.high_water_utc_ms = Some(match (jump, state.high_water_utc_ms) {
        // A confirmed correction backwards resets what we believed had passed.
        (Jump::Backward, _) | (_, None) => floor,
        (_, Some(hw)) => hw.max(floor),
    });
    state.last_sync_utc_ms = Some(utc);
    state.quarantine = None;
    state.damaged = None;
}
