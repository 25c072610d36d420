// The page's pure modules in Node: claims in words, warnings, the fragment format,
// key descriptions, error explanations.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  describeClaims,
  formatInstant,
  formatSpan,
  relative,
  reviewWarnings,
} from "../claims.js";
import { explain } from "../errors.js";
import { fragmentFor, readFragment } from "../fragment.js";
import { describeKey } from "../keys.js";

const NOW = Date.UTC(2026, 10, 29, 10, 32) / 1000; // 2026-11-29 10:32:00 UTC

test("instants in UTC and spans in words", () => {
  assert.equal(formatInstant(NOW), "2026-11-29 10:32:00 UTC");
  assert.equal(formatInstant(NOW + 0.9), "2026-11-29 10:32:00 UTC");
  assert.equal(formatInstant(1e20), undefined);
  assert.equal(formatInstant(Number.NaN), undefined);
  const cases = [
    [0, "0 s"],
    [59, "59 s"],
    [60, "1 min"],
    [14 * 60 + 20, "14 min"],
    [3600, "1 h"],
    [2 * 3600 + 5 * 60, "2 h 5 min"],
    [3600 + 59 * 60 + 50, "2 h"],
    [86_400, "1 day"],
    [3 * 86_400, "3 days"],
    [90 * 86_400, "3 months"],
    [370 * 86_400, "12 months"],
    [3 * 365 * 86_400, "3 years"],
  ];
  for (const [seconds, words] of cases) {
    assert.equal(formatSpan(seconds), words, String(seconds));
    assert.equal(formatSpan(-seconds), words, String(-seconds));
  }
  assert.equal(relative(NOW + 840, NOW), "in 14 min");
  assert.equal(relative(NOW - 840, NOW), "14 min ago");
});

test("claims: registered ones named and described, in RFC order; custom ones listed", () => {
  const rows = describeClaims(
    {
      role: "admin",
      exp: NOW + 840,
      iat: NOW - 60,
      nbf: NOW + 120,
      aud: ["a", "b"],
      iss: "https://issuer.example",
      jti: "abc",
      sub: "user-1",
      tenant: { id: 7 },
    },
    NOW,
  );
  assert.deepEqual(
    rows.map(({ name, meaning, registered }) => [name, meaning, registered]),
    [
      ["iss", "Issuer", true],
      ["sub", "Subject", true],
      ["aud", "Audience: any of 2 values", true],
      ["exp", "expires in 14 min, 2026-11-29 10:46:00 UTC", true],
      ["nbf", "becomes valid in 2 min, 2026-11-29 10:34:00 UTC", true],
      ["iat", "issued 1 min ago, 2026-11-29 10:31:00 UTC", true],
      ["jti", "JWT ID", true],
      ["role", "custom claim", false],
      ["tenant", "custom claim", false],
    ],
  );
  const [expired, badIat] = describeClaims(
    { exp: NOW - 7200, iat: "yesterday" },
    NOW,
  );
  assert.equal(expired.meaning, "expired 2 h ago, 2026-11-29 08:32:00 UTC");
  assert.equal(badIat.meaning, "not a number: verifiers reject the token");
  assert.deepEqual(describeClaims({}, NOW), []);
  const [nbf, iat] = describeClaims({ nbf: NOW - 120, iat: NOW + 3600 }, NOW);
  assert.equal(nbf.meaning, "became valid 2 min ago, 2026-11-29 10:30:00 UTC");
  assert.equal(
    iat.meaning,
    "issued in 1 h (in the future), 2026-11-29 11:32:00 UTC",
  );
});

test("warnings a reviewer wants", () => {
  const ok = reviewWarnings(
    { alg: "ES256" },
    { iat: NOW, exp: NOW + 3600 },
    NOW,
  );
  assert.deepEqual(ok, []);
  const all = reviewWarnings(
    { alg: "HS256", crit: ["b64x"], jku: "https://evil.example/jwks" },
    { iat: NOW + 3600 },
    NOW,
  );
  assert.equal(all.length, 5, all.join("\n"));
  assert.match(all[0], /HS256, an HMAC shared secret/);
  assert.match(all[1], /No exp claim/);
  assert.match(all[2], /iat is in the future \(in 1 h\)/);
  assert.match(all[3], /crit names header extensions \("b64x"\)/);
  assert.match(all[4], /key material \(jku\)/);
  assert.match(reviewWarnings({ alg: "none" }, { exp: NOW }, NOW)[0], /"none"/);
  const long = reviewWarnings(
    { alg: "RS256" },
    { nbf: NOW, exp: NOW + 30 * 86_400 },
    NOW,
  );
  assert.deepEqual(long, [
    "Lifetime over a day: 30 days from nbf to exp. A leaked token stays usable that long.",
  ]);
  assert.deepEqual(
    reviewWarnings({ alg: "RS256" }, { iat: NOW, exp: NOW + 86_400 }, NOW),
    [],
  );
});

test("fragment: round trip, raw '+' kept, unknown names and bad escapes tolerated", () => {
  const values = {
    token: "a.b.c",
    key: "-----BEGIN PUBLIC KEY-----\nab+/=\n",
    jwks: "",
  };
  const fragment = fragmentFor(values);
  assert.equal(
    fragment,
    "#token=a.b.c&key=-----BEGIN%20PUBLIC%20KEY-----%0Aab%2B%2F%3D%0A",
  );
  assert.deepEqual(readFragment(fragment), { token: "a.b.c", key: values.key });
  assert.deepEqual(readFragment("#key=ab+cd&x=1&token"), { key: "ab+cd" });
  assert.deepEqual(readFragment("#token=%E0%A4%A"), { token: "%E0%A4%A" });
  assert.deepEqual(readFragment(""), {});
  assert.equal(fragmentFor({}), "");
});

test("key descriptions and error explanations", () => {
  assert.equal(describeKey(""), "");
  assert.equal(
    describeKey("-----BEGIN CERTIFICATE-----\nMII"),
    "PEM CERTIFICATE",
  );
  assert.equal(
    describeKey('{"kty":"OKP","crv":"Ed25519","x":"a"}'),
    "JWK: OKP Ed25519",
  );
  assert.equal(
    describeKey(
      '{"keys":[{"kty":"RSA","kid":"r1"},{"kty":"EC","crv":"P-256","alg":"ES256","kid":"e1"}]}',
    ),
    'JWK Set with 2 keys: kid "r1" (RSA), kid "e1" (EC P-256 ES256)',
  );
  assert.equal(describeKey("hello"), "neither PEM nor JSON");
  assert.equal(
    explain({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
      claim: "jti",
      reason: "missing",
    }),
    'A claim check failed. Claim "jti": it is missing.',
  );
  assert.match(
    explain({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" }),
    /signature does not match/,
  );
  assert.equal(explain(new TypeError("x")), "Unexpected error.");
});
