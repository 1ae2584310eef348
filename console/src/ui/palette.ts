/**
 * The series colours of every chart and of anything drawn beside one (a
 * traffic bar), so a model has the same colour everywhere: each keeps 3:1
 * contrast on white, in a colour-blind-safe order (Okabe-Ito).
 */
export const PALETTE: readonly string[] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8a6d00', '#56B4E9', '#000000'];
