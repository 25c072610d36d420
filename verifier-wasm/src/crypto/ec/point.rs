//! Points of a short Weierstrass curve `y^2 = x^3 + ax + b` with `a = -3` (the NIST
//! curves) or `a = 0` (secp256k1): Jacobian coordinates for sums, affine for table
//! entries. Variable-time: every branch depends on public values only.

use super::field::{Element, Field, is_zero};
use super::table::Group;

/// `(X, Y, Z)` for the affine point `(X / Z^2, Y / Z^3)`; `Z = 0` is the identity.
#[derive(Clone, Copy, Debug)]
pub struct Jacobian<const N: usize> {
    pub x: Element<N>,
    pub y: Element<N>,
    pub z: Element<N>,
}

/// An affine point (never the identity), coordinates in Montgomery form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Affine<const N: usize> {
    pub x: Element<N>,
    pub y: Element<N>,
}

/// The curve's `a` coefficient; `b` is never needed (points are validated when parsed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoefficientA {
    MinusThree,
    Zero,
}

impl<const N: usize> Jacobian<N> {
    pub const IDENTITY: Jacobian<N> = Jacobian {
        x: [0; N],
        y: [0; N],
        z: [0; N],
    };

    pub fn is_identity(&self) -> bool {
        is_zero(&self.z)
    }
}

/// The group law over one coordinate field.
#[derive(Debug)]
pub struct Arithmetic<const N: usize> {
    pub field: Field<N>,
    pub a: CoefficientA,
}

impl<const N: usize> Arithmetic<N> {
    pub fn jacobian(&self, point: &Affine<N>) -> Jacobian<N> {
        Jacobian {
            x: point.x,
            y: point.y,
            z: self.field.one(),
        }
    }

    pub fn negate(&self, point: &Affine<N>) -> Affine<N> {
        Affine {
            x: point.x,
            y: self.field.negate(&point.y),
        }
    }

    /// `2P` (EFD "dbl-2009-l" shape, with `M = 3(X - Z^2)(X + Z^2)` when `a = -3`).
    pub fn double(&self, p: &Jacobian<N>) -> Jacobian<N> {
        let f = &self.field;
        if p.is_identity() || is_zero(&p.y) {
            return Jacobian::IDENTITY;
        }
        let yy = f.square(&p.y);
        let s = f.double(&f.double(&f.mul(&p.x, &yy)));
        let m = match self.a {
            CoefficientA::MinusThree => {
                let zz = f.square(&p.z);
                let product = f.mul(&f.sub(&p.x, &zz), &f.add(&p.x, &zz));
                f.add(&f.double(&product), &product)
            }
            CoefficientA::Zero => {
                let xx = f.square(&p.x);
                f.add(&f.double(&xx), &xx)
            }
        };
        let x = f.sub(&f.square(&m), &f.double(&s));
        let yyyy8 = f.double(&f.double(&f.double(&f.square(&yy))));
        let y = f.sub(&f.mul(&m, &f.sub(&s, &x)), &yyyy8);
        let z = f.double(&f.mul(&p.y, &p.z));
        Jacobian { x, y, z }
    }

    /// `P + Q` for an affine `Q` (8M + 3S), falling back to doubling when `P = Q`.
    pub fn add_affine(&self, p: &Jacobian<N>, q: &Affine<N>) -> Jacobian<N> {
        let f = &self.field;
        if p.is_identity() {
            return self.jacobian(q);
        }
        let zz = f.square(&p.z);
        let u2 = f.mul(&q.x, &zz);
        let s2 = f.mul(&q.y, &f.mul(&zz, &p.z));
        let h = f.sub(&u2, &p.x);
        let r = f.sub(&s2, &p.y);
        self.finish_sum(p, (&p.x, &p.y), (&h, &r), &p.z)
    }

    /// `P + Q`, both Jacobian (12M + 4S); used only to build tables.
    pub fn add(&self, p: &Jacobian<N>, q: &Jacobian<N>) -> Jacobian<N> {
        let f = &self.field;
        if p.is_identity() {
            return *q;
        }
        if q.is_identity() {
            return *p;
        }
        let z1z1 = f.square(&p.z);
        let z2z2 = f.square(&q.z);
        let u1 = f.mul(&p.x, &z2z2);
        let u2 = f.mul(&q.x, &z1z1);
        let s1 = f.mul(&p.y, &f.mul(&q.z, &z2z2));
        let s2 = f.mul(&q.y, &f.mul(&p.z, &z1z1));
        let h = f.sub(&u2, &u1);
        let r = f.sub(&s2, &s1);
        self.finish_sum(p, (&u1, &s1), (&h, &r), &f.mul(&p.z, &q.z))
    }

    /// The common end of both additions, with `U1 = X1 Z2^2`, `S1 = Y1 Z2^3`,
    /// `H = U2 - U1`, `R = S2 - S1` and `Z = Z1 Z2`: the doubling case when `H = 0` and
    /// `R = 0`, the identity when only `H = 0`, else `X3 = R^2 - H^3 - 2 U1 H^2`,
    /// `Y3 = R (U1 H^2 - X3) - S1 H^3`, `Z3 = Z H`.
    fn finish_sum(
        &self,
        p: &Jacobian<N>,
        (u1, s1): (&Element<N>, &Element<N>),
        (h, r): (&Element<N>, &Element<N>),
        z: &Element<N>,
    ) -> Jacobian<N> {
        let f = &self.field;
        if is_zero(h) {
            return if is_zero(r) {
                self.double(p)
            } else {
                Jacobian::IDENTITY
            };
        }
        let hh = f.square(h);
        let hhh = f.mul(h, &hh);
        let v = f.mul(u1, &hh);
        let x = f.sub(&f.sub(&f.square(r), &hhh), &f.double(&v));
        let y = f.sub(&f.mul(r, &f.sub(&v, &x)), &f.mul(s1, &hhh));
        Jacobian {
            x,
            y,
            z: f.mul(z, h),
        }
    }

    /// Affine forms of many points with one field inversion; `None` if any of them is
    /// the identity.
    pub fn to_affine_batch(&self, points: &[Jacobian<N>]) -> Option<Vec<Affine<N>>> {
        let f = &self.field;
        let z: Vec<Element<N>> = points.iter().map(|point| point.z).collect();
        let z_inverses = f.invert_all(&z)?;
        let affine = points
            .iter()
            .zip(&z_inverses)
            .map(|(point, z_inverse)| {
                let zz_inverse = f.square(z_inverse);
                Affine {
                    x: f.mul(&point.x, &zz_inverse),
                    y: f.mul(&point.y, &f.mul(&zz_inverse, z_inverse)),
                }
            })
            .collect();
        Some(affine)
    }

    /// Whether `x(P) * Z^2 == X` for a value `x` already in Montgomery form, i.e. whether
    /// the affine x-coordinate of `P` is `x`, without an inversion.
    pub fn has_affine_x(&self, p: &Jacobian<N>, x: &Element<N>) -> bool {
        !p.is_identity() && self.field.mul(x, &self.field.square(&p.z)) == p.x
    }
}

impl<const N: usize> Group for Arithmetic<N> {
    type Point = Jacobian<N>;
    type Entry = Affine<N>;

    fn identity(&self) -> Jacobian<N> {
        Jacobian::IDENTITY
    }

    fn lift(&self, entry: &Affine<N>) -> Jacobian<N> {
        self.jacobian(entry)
    }

    fn double(&self, point: &Jacobian<N>) -> Jacobian<N> {
        Arithmetic::double(self, point)
    }

    fn add(&self, p: &Jacobian<N>, q: &Jacobian<N>) -> Jacobian<N> {
        Arithmetic::add(self, p, q)
    }

    fn add_entry(&self, p: &Jacobian<N>, entry: &Affine<N>, negative: bool) -> Jacobian<N> {
        if negative {
            self.add_affine(p, &self.negate(entry))
        } else {
            self.add_affine(p, entry)
        }
    }

    fn to_entries(&self, points: &[Jacobian<N>]) -> Option<Vec<Affine<N>>> {
        self.to_affine_batch(points)
    }
}
