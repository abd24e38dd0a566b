// Lanczos coefficients for g = 7, n = 9 (Godfrey): |relative error| < 1e-15 for x > 0.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (the Lanczos approximation, with the reflection formula below ½). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

// Stirling's series for the remainder δ(x) = ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π): the
// coefficients B₂ₖ / (2k (2k − 1)), k = 1..8. From x = 10 the truncation error is below 1e-16.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

function stirlingRemainder(x: number): number {
  const inverseSquare = 1 / (x * x);
  let sum = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) sum = sum * inverseSquare + (STIRLING[k] as number);
  return sum / x;
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). For large arguments the three log-gammas are
 * large and nearly cancel (ln Γ(500) ≈ 2605, while ln B(500, ½) ≈ −2.5), which would cost ~1e-12 of
 * relative accuracy in a t tail at 1000 degrees of freedom; so when the larger argument is ≥ 10 the
 * difference is taken analytically from Stirling's formula, with log1p where it cancels.
 */
export function logBeta(a: number, b: number): number {
  const large = Math.max(a, b);
  const small = Math.min(a, b);
  if (large < 10) return logGamma(a) + logGamma(b) - logGamma(a + b);
  const sum = a + b;
  // ln Γ(L) − ln Γ(L + s) = −(L − ½)·log1p(s/L) − s·ln(L + s) + s + δ(L) − δ(L + s)
  const ratio = -(large - 0.5) * Math.log1p(small / large) - small * Math.log(sum) + small + stirlingRemainder(large) - stirlingRemainder(sum);
  if (small < 10) return logGamma(small) + ratio;
  // Both large: ln Γ(s) by Stirling too, with its (s − ½) ln s − s folded into the ratio's terms.
  return 0.5 * Math.log(2 * Math.PI) + (small - 0.5) * Math.log(small) - small + stirlingRemainder(small) + ratio;
}

const EPSILON = 2 ** -52;
const TINY = 1e-300;
const MAX_TERMS = 100_000;

/**
 * The regularized incomplete beta function I_x(a, b), by its continued fraction (evaluated with
 * the modified Lentz method), using I_x(a, b) = 1 − I_y(b, a) where the fraction would converge
 * slowly. `y` must be 1 − x; callers that know it exactly (t² / (ν + t²) for the t distribution)
 * pass it, so that a tail probability is never computed as 1 minus a number near 1.
 */
export function regularizedBeta(x: number, a: number, b: number, y: number = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedBeta(y, b, a, x);
  // ln x as log1p(−y) when x is near 1, where ln x itself would keep only the digits of x.
  const logX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const logY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  const logFront = a * logX + b * logY - Math.log(a) - logBeta(a, b);
  return Math.exp(logFront) * betaFraction(x, a, b);
}

/** The continued fraction 1 / (1 + d₁ / (1 + d₂ / (1 + …))) of I_x(a, b). */
function betaFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= MAX_TERMS; m++) {
    const twoM = 2 * m;
    // Even step: d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m)).
    let coefficient = (m * (b - m) * x) / ((a + twoM - 1) * (a + twoM));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    result *= d * c;
    // Odd step: d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    coefficient = (-(a + m) * (a + b + m) * x) / ((a + twoM) * (a + twoM + 1));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) <= EPSILON) return result;
  }
  throw new Error(`incomplete beta: the continued fraction did not converge (x ${x}, a ${a}, b ${b})`);
}
