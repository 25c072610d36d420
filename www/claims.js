// Claims and header of a decoded token, described in words for a reviewer. Display
// only: every check that decides validity is made by the core (verify()).

/** The registered claim names of RFC 7519, section 4.1. */
export const REGISTERED_CLAIMS = {
  iss: "Issuer",
  sub: "Subject",
  aud: "Audience",
  exp: "Expiration time",
  nbf: "Not before",
  iat: "Issued at",
  jti: "JWT ID",
};

const TIME_CLAIMS = new Set(["exp", "nbf", "iat"]);
const DAY = 86_400;

/** "2026-11-29 10:32:00 UTC", or undefined when the number is no representable date. */
export function formatInstant(seconds) {
  const date = new Date(Math.floor(seconds) * 1000);
  if (!Number.isFinite(seconds) || Number.isNaN(date.getTime()))
    return undefined;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const plural = (count, unit) => `${count} ${unit}${count === 1 ? "" : "s"}`;

/** A span of time in words, rounded to what a person wants to know: "14 min", "2 h 5 min". */
export function formatSpan(seconds) {
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < DAY) {
    const hours = Math.floor(s / 3600);
    const minutes = Math.round((s % 3600) / 60);
    return minutes === 0 || minutes === 60
      ? `${hours + (minutes === 60 ? 1 : 0)} h`
      : `${hours} h ${minutes} min`;
  }
  if (s < 60 * DAY) return plural(Math.round(s / DAY), "day");
  if (s < 730 * DAY) return plural(Math.round(s / (30.44 * DAY)), "month");
  return plural(Math.round(s / (365.25 * DAY)), "year");
}

/** "in 14 min" or "14 min ago". */
export function relative(seconds, now) {
  const span = formatSpan(seconds - now);
  return seconds >= now ? `in ${span}` : `${span} ago`;
}

function describeTime(name, value, now) {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return `not a number: verifiers reject the token`;
  }
  const at = formatInstant(value);
  if (at === undefined) return "not a representable date";
  const future = value > now;
  const words = {
    exp: future ? "expires" : "expired",
    nbf: future ? "becomes valid" : "became valid",
    iat: "issued",
  }[name];
  const warning = name === "iat" && future ? " (in the future)" : "";
  return `${words} ${relative(value, now)}${warning}, ${at}`;
}

/** Text for a claim value: strings as they are, anything else as JSON. */
export const valueText = (value) =>
  typeof value === "string" ? value : JSON.stringify(value);

/**
 * One row per claim, registered claims first (in RFC order), then custom ones:
 * `{ name, label, value, meaning, registered }`.
 */
export function describeClaims(payload, now) {
  const rows = [];
  for (const [name, label] of Object.entries(REGISTERED_CLAIMS)) {
    if (!Object.hasOwn(payload, name)) continue;
    const value = payload[name];
    let meaning = label;
    if (TIME_CLAIMS.has(name)) meaning = describeTime(name, value, now);
    else if (name === "aud" && Array.isArray(value))
      meaning = `Audience: any of ${plural(value.length, "value")}`;
    rows.push({ name, label, value, meaning, registered: true });
  }
  for (const [name, value] of Object.entries(payload)) {
    if (Object.hasOwn(REGISTERED_CLAIMS, name)) continue;
    rows.push({
      name,
      label: "custom claim",
      value,
      meaning: "custom claim",
      registered: false,
    });
  }
  return rows;
}

const KEY_HEADERS = ["jwk", "jku", "x5u", "x5c"];

/** What a reviewer should look at twice, in words. */
export function reviewWarnings(header, payload, now) {
  const warnings = [];
  const alg = header.alg;
  if (typeof alg === "string" && alg.toLowerCase() === "none") {
    warnings.push(
      'alg is "none": the token is not signed. Never accept it; kmsjwt refuses it.',
    );
  } else if (typeof alg === "string" && /^HS\d+$/i.test(alg)) {
    warnings.push(
      `alg is ${alg}, an HMAC shared secret: whoever can verify can also sign, and a verifier that takes a public key as the secret is open to algorithm confusion. kmsjwt refuses HS*.`,
    );
  }
  if (!Object.hasOwn(payload, "exp")) {
    warnings.push("No exp claim: the token never expires.");
  } else if (typeof payload.exp === "number") {
    const start =
      typeof payload.iat === "number"
        ? ["iat", payload.iat]
        : typeof payload.nbf === "number"
          ? ["nbf", payload.nbf]
          : undefined;
    if (start !== undefined && payload.exp - start[1] > DAY) {
      warnings.push(
        `Lifetime over a day: ${formatSpan(payload.exp - start[1])} from ${start[0]} to exp. A leaked token stays usable that long.`,
      );
    }
  }
  if (typeof payload.iat === "number" && payload.iat > now + 60) {
    warnings.push(`iat is in the future (${relative(payload.iat, now)}).`);
  }
  if (Object.hasOwn(header, "crit")) {
    const names = Array.isArray(header.crit)
      ? header.crit.map((name) => `"${name}"`).join(", ")
      : JSON.stringify(header.crit);
    warnings.push(
      `crit names header extensions (${names}) that a verifier must understand or else reject the token. This page understands none, so verification fails with ERR_JOSE_NOT_SUPPORTED.`,
    );
  }
  const carried = KEY_HEADERS.filter((name) => Object.hasOwn(header, name));
  if (carried.length > 0) {
    warnings.push(
      `The header carries key material (${carried.join(", ")}). A verifier must never take its key from the token; kmsjwt ignores it.`,
    );
  }
  return warnings;
}
