//! Date-times as the engine stores them: `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC. Parses RFC 3339
//! input with any offset and renders the current time; no calendar crate needed.

use super::record::normalize_date;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// The stored form of a UTC instant given in milliseconds since the epoch.
pub fn format_ms(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rest = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}

/// The current time in the stored form.
pub fn now() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    format_ms(ms)
}

fn two_digits(s: &str, max: i64) -> Option<i64> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|n| *n <= max)
}

/// An RFC 3339 date-time (`2024-05-01T12:00:00Z`, `…T14:00:00.5+02:00`; seconds and the
/// offset may be left out, meaning `:00` and UTC), or a bare date (midnight UTC), in the
/// stored form: converted to UTC, fractions truncated to milliseconds.
pub fn parse_datetime(s: &str) -> Option<String> {
    let (date, rest) = match s.split_once(['T', 't', ' ']) {
        Some((d, r)) => (d, r),
        None => (s, "00:00"),
    };
    let date = normalize_date(date)?;
    let (y, mo, d): (i64, i64, i64) = (
        date[..4].parse().ok()?,
        date[5..7].parse().ok()?,
        date[8..].parse().ok()?,
    );
    let (time, offset_minutes) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, 0)
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (t, off) = rest.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off[1..]
            .split_once(':')
            .unwrap_or((off.get(1..3)?, off.get(3..)?));
        (t, sign * (two_digits(h, 23)? * 60 + two_digits(m, 59)?))
    } else {
        (rest, 0)
    };
    let (hms, frac) = time.split_once(['.', ',']).unwrap_or((time, ""));
    if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 || time.ends_with('.') {
        return None;
    }
    let parts: Vec<&str> = hms.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m] => (two_digits(h, 23)?, two_digits(m, 59)?, 0),
        [h, m, s] => (two_digits(h, 23)?, two_digits(m, 59)?, two_digits(s, 59)?),
        _ => return None,
    };
    let millis: i64 = format!("{frac:0<3}")[..3].parse().ok()?;
    let minutes = days_from_civil(y, mo, d) * 1440 + h * 60 + m - offset_minutes;
    Some(format_ms((minutes * 60 + sec) * 1000 + millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_converted_to_utc() {
        assert_eq!(
            parse_datetime("2024-05-01T14:30:00+02:00").as_deref(),
            Some("2024-05-01T12:30:00.000Z")
        );
        assert_eq!(
            parse_datetime("2024-01-01T00:30:00.123456-01:00").as_deref(),
            Some("2024-01-01T01:30:00.123Z")
        );
        assert_eq!(
            parse_datetime("2024-03-01T00:10Z").as_deref(),
            Some("2024-03-01T00:10:00.000Z")
        );
        assert_eq!(
            parse_datetime("2024-03-01T00:10:00+0100").as_deref(),
            Some("2024-02-29T23:10:00.000Z")
        );
        assert_eq!(
            parse_datetime("2024-03-01").as_deref(),
            Some("2024-03-01T00:00:00.000Z")
        );
    }

    #[test]
    fn malformed_date_times_are_refused() {
        for bad in [
            "2024-02-30T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:00:00.Z",
            "2024-05-01T12Z",
            "yesterday",
            "2024-05-01T12:00:00+2",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn epoch_milliseconds_render_in_the_stored_form() {
        assert_eq!(format_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_ms(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(format_ms(-1), "1969-12-31T23:59:59.999Z");
    }
}
