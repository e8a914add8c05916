//! The statistical functions the methods share: means, standard deviations and quantiles
//! written out so that each result can be checked by hand, and the distributions (Student's t,
//! normal, chi-square, beta) from `statrs`, a maintained library.

use statrs::distribution::{Beta, ChiSquared, ContinuousCDF, Normal, StudentsT};

/// The mean of the values that are not `NaN`; `NaN` when there are none.
pub fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let (mut sum, mut count) = (0.0, 0usize);
    for v in values.into_iter().filter(|v| !v.is_nan()) {
        sum += v;
        count += 1;
    }
    if count == 0 { f64::NAN } else { sum / count as f64 }
}

/// The sample standard deviation (n - 1) of the values that are not `NaN`; `NaN` with fewer than two.
pub fn sample_sd(values: &[f64]) -> f64 {
    let m = mean(values.iter().copied());
    let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if present.len() < 2 {
        return f64::NAN;
    }
    (present.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (present.len() - 1) as f64).sqrt()
}

/// The `q` quantile of sorted values, interpolating linearly between order statistics (the
/// default of R, NumPy and spreadsheets' QUARTILE.INC).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        len => {
            let h = (len - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(len - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// P(T <= t) for Student's t with `df` degrees of freedom; `NaN` when `df` is not above 0.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| d.cdf(t))
}

/// The `p` quantile of Student's t with `df` degrees of freedom (p in (0, 1)); `NaN` outside.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| d.inverse_cdf(p))
}

/// P(Z <= z) for the standard normal distribution.
pub fn normal_cdf(z: f64) -> f64 {
    Normal::standard().cdf(z)
}

/// The `p` quantile of the standard normal distribution (p in (0, 1)); `NaN` outside.
pub fn normal_quantile(p: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    Normal::standard().inverse_cdf(p)
}

/// The standard normal quantile for the two-sided `confidence` level (e.g. 1.959964 for 0.95).
pub fn normal_two_sided(confidence: f64) -> f64 {
    normal_quantile(0.5 + confidence / 2.0)
}

/// The `p` quantile of the chi-square distribution with `df` degrees of freedom.
pub fn chi_square_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    ChiSquared::new(df).map_or(f64::NAN, |d| d.inverse_cdf(p))
}

/// The `p` quantile of the beta distribution with shapes `a` and `b` (both above 0).
pub fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        for (df, expected) in
            [(1.0, 12.706_204_736), (2.0, 4.302_652_730), (5.0, 2.570_581_836), (10.0, 2.228_138_852), (30.0, 2.042_272_456)]
        {
            let q = t_quantile(0.975, df);
            assert!((q - expected).abs() < 1e-8, "df {df}: {q}");
        }
        assert!((normal_two_sided(0.95) - 1.959_963_985).abs() < 1e-8);
        // statrs' error function is good to about 1e-10 here, far inside what an interval needs.
        assert!((normal_cdf(-1.0) - 0.158_655_253_931_457_07).abs() < 1e-10, "{}", normal_cdf(-1.0));
        assert!((t_cdf(0.0, 7.0) - 0.5).abs() < 1e-15);
        assert!((t_cdf(2.570_581_836, 5.0) - 0.975).abs() < 1e-9);
        assert!(t_quantile(0.975, 0.0).is_nan() && t_quantile(1.0, 5.0).is_nan());
    }

    #[test]
    fn chi_square_and_beta_quantiles_match_the_tables() {
        // chi-square(1) is the square of a normal: its 0.95 quantile is 1.959964^2; chi-square(10)
        // from the tables. Beta(3, 8) with whole shapes is a binomial tail, I_x(3, 8) = P(Bin(10, x)
        // >= 3), whose quantiles an exact bisection on that sum gives.
        assert!((chi_square_quantile(0.95, 1.0) - 3.841_458_820_694_124).abs() < 1e-8);
        assert!((chi_square_quantile(0.95, 10.0) - 18.307_038_053_275_146).abs() < 1e-8);
        assert!((beta_quantile(0.025, 3.0, 8.0) - 0.066_739_511_177_734_41).abs() < 1e-9, "{}", beta_quantile(0.025, 3.0, 8.0));
        assert!((beta_quantile(0.975, 3.0, 8.0) - 0.556_095_462_307_641_3).abs() < 1e-9, "{}", beta_quantile(0.975, 3.0, 8.0));
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
    }

    #[test]
    fn means_and_deviations_skip_gaps() {
        assert_eq!(mean([1.0, f64::NAN, 3.0]), 2.0);
        assert!(mean([]).is_nan());
        assert!((sample_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]) - 2.138_089_935).abs() < 1e-9);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.25), 1.75);
    }
}
