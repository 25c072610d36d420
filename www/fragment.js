// The URL fragment (#token=…&key=…&jwks=…) is how a token is shared: browsers never
// send the fragment to a server, unlike a ?query. Values are percent-encoded; a raw
// "+" stays a "+" (PEM base64 has them), unlike URLSearchParams.

const NAMES = ["token", "key", "jwks"];

function decodePart(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `{ token?, key?, jwks? }` from `location.hash`; unknown names are ignored. */
export function readFragment(hash) {
  const values = {};
  const body = hash.startsWith("#") ? hash.slice(1) : hash;
  for (const part of body.split("&")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at);
    if (NAMES.includes(name)) values[name] = decodePart(part.slice(at + 1));
  }
  return values;
}

/** The fragment for the non-empty values, e.g. "#token=eyJ…&key=%7B…", or "". */
export function fragmentFor(values) {
  const parts = NAMES.filter((name) => values[name]).map(
    (name) => `${name}=${encodeURIComponent(values[name])}`,
  );
  return parts.length === 0 ? "" : `#${parts.join("&")}`;
}
