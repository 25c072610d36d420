// The package ships two builds of the same core: with WebAssembly SIMD (RSA's Montgomery
// products and P-521's field products are vector code there, which the Rust tests, run
// natively, never execute) and without. Both must reach OpenSSL's verdict on every RSA
// size class and every ECDSA curve, and a runtime without SIMD must get the baseline
// build.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";

import { consumer } from "./harness.mjs";

const installed = join(consumer, "node_modules", "kmsjwt-verify");
const simdWasm = join(installed, "kmsjwt_verify_bg.wasm");
const baselineWasm = join(installed, "kmsjwt_verify_baseline_bg.wasm");

// The baseline build under the name the entry point loads, in a copy of the package.
const baselineCopy = mkdtempSync(join(tmpdir(), "kmsjwt-baseline-"));
cpSync(installed, baselineCopy, { recursive: true });
cpSync(baselineWasm, join(baselineCopy, "kmsjwt_verify_bg.wasm"));
after(() => rmSync(baselineCopy, { recursive: true, force: true }));

const builds = {
  simd: await import(pathToFileURL(join(installed, "node.js")).href),
  baseline: await import(pathToFileURL(join(baselineCopy, "node.js")).href),
};

const base64url = (bytes) => Buffer.from(bytes).toString("base64url");
const HASH = { 256: "sha256", 384: "sha384", 512: "sha512" };

function signToken(alg, privateKey, claims) {
  const input = `${base64url(JSON.stringify({ alg }))}.${base64url(JSON.stringify(claims))}`;
  const bits = alg.slice(2);
  const padding = alg.startsWith("PS")
    ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 }
    : alg.startsWith("ES")
      ? { dsaEncoding: "ieee-p1363" }
      : {};
  const signature = sign(HASH[bits], Buffer.from(input), {
    key: privateKey,
    ...padding,
  });
  return { input, signature };
}

function verdict(build, pem, alg, token) {
  try {
    new build.Verifier(pem, { algorithms: [alg] }).verify(token);
    return "valid";
  } catch (error) {
    return error.code;
  }
}

/** Claims that differ from round to round. */
const roundClaims = (round) => ({
  sub: `user-${round}`,
  n: randomBytes(24).toString("hex"),
});

/** The signature with one bit flipped, at random. */
function flipOneBit(signature) {
  const flipped = Buffer.from(signature);
  flipped[randomBytes(2).readUInt16BE() % flipped.length] ^=
    1 << (randomBytes(1)[0] % 8);
  return flipped;
}

/** Both builds give each `[token, expected verdict]` of `cases`. */
function assertBuildsAgree(pem, alg, round, cases) {
  for (const [token, expected] of cases) {
    for (const [name, build] of Object.entries(builds)) {
      assert.equal(
        verdict(build, pem, alg, token),
        expected,
        `${name} build, ${alg}, round ${round}`,
      );
    }
  }
}

const FAILED = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED";

// Each modulus size at or just past the edge of a limb layout, of the baseline build
// (74 x 28, 110 x 28, 152 x 27, 228 x 27 bits) and of the SIMD build (71 x 29, 106 x 29,
// 147 x 28, 220 x 28), and 5120- and 8192-bit keys from files (slow to generate; the
// largest layouts, 304 x 27 and 293 x 28).
const keys = [2048, 2056, 2064, 2072, 3072, 3080, 4104, 4112].map((bits) => ({
  bits,
  ...generateKeyPairSync("rsa", { modulusLength: bits }),
}));
for (const bits of [5120, 8192]) {
  const privateKey = createPrivateKey(
    readFileSync(new URL(`../tests/keys/rsa${bits}.pem`, import.meta.url)),
  );
  keys.push({ bits, privateKey, publicKey: createPublicKey(privateKey) });
}

for (const { bits, privateKey, publicKey } of keys) {
  test(`RSA ${bits}: both builds agree with OpenSSL on valid, altered and random signatures`, () => {
    const pem = publicKey.export({ type: "spki", format: "pem" });
    const algs = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];
    for (let round = 0; round < 12; round += 1) {
      const alg = algs[round % algs.length];
      const claims = roundClaims(round);
      const { input, signature } = signToken(alg, privateKey, claims);
      // Random bytes below the modulus: a top byte of 0 keeps them under n.
      const random = randomBytes(signature.length);
      random[0] = 0;
      assertBuildsAgree(pem, alg, round, [
        [`${input}.${base64url(signature)}`, "valid"],
        [`${input}.${base64url(flipOneBit(signature))}`, FAILED],
        [`${input}.${base64url(random)}`, FAILED],
      ]);
    }
  });
}

// ES512's products run through the SIMD build's own column sums; ES256 and ES384 share
// one code path in both builds and are here as the control.
for (const [alg, namedCurve] of [
  ["ES256", "P-256"],
  ["ES384", "P-384"],
  ["ES512", "P-521"],
]) {
  test(`${alg}: both builds agree with OpenSSL on valid, altered and random signatures`, () => {
    for (let round = 0; round < 24; round += 1) {
      // A fresh key each round: its point is an input of the products too.
      const { privateKey, publicKey } = generateKeyPairSync("ec", {
        namedCurve,
      });
      const pem = publicKey.export({ type: "spki", format: "pem" });
      const claims = roundClaims(round);
      const { input, signature } = signToken(alg, privateKey, claims);
      // r and s with a zero top byte, below the group order: the whole check runs.
      const random = randomBytes(signature.length);
      random[0] = 0;
      random[signature.length / 2] = 0;
      const other = signToken(alg, privateKey, {
        ...claims,
        sub: "someone-else",
      });
      assertBuildsAgree(pem, alg, round, [
        [`${input}.${base64url(signature)}`, "valid"],
        [`${input}.${base64url(flipOneBit(signature))}`, FAILED],
        [`${input}.${base64url(random)}`, FAILED],
        [`${other.input}.${base64url(signature)}`, FAILED],
      ]);
    }
  });
}

for (const [simd, wasm] of [
  [true, simdWasm],
  [false, baselineWasm],
]) {
  test(`a runtime ${simd ? "with" : "without"} WebAssembly SIMD loads ${wasm.split("/").at(-1)}`, () => {
    // A fresh Node (whose WebAssembly.validate refuses everything when SIMD is to be
    // missing: the entry point's probe is its only caller) records which bytes the
    // entry point compiles, and verifies a token with them.
    const { privateKey, publicKey } = keys[0];
    const { input, signature } = signToken("RS256", privateKey, { sub: "x" });
    const script = `
      if (!${simd}) WebAssembly.validate = () => false;
      const RealModule = WebAssembly.Module;
      let compiledBytes = 0;
      WebAssembly.Module = function (bytes) {
        compiledBytes = bytes.byteLength;
        return new RealModule(bytes);
      };
      const lib = await import(${JSON.stringify(pathToFileURL(join(installed, "node.js")).href)});
      const verifier = new lib.Verifier(process.env.PEM, { algorithms: ["RS256"] });
      const { payload } = verifier.verify(process.env.TOKEN);
      console.log(JSON.stringify({ compiledBytes, sub: payload.sub }));
    `;
    const output = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", script],
      {
        env: {
          ...process.env,
          PEM: publicKey.export({ type: "spki", format: "pem" }),
          TOKEN: `${input}.${base64url(signature)}`,
        },
      },
    );
    assert.deepEqual(JSON.parse(output), {
      compiledBytes: statSync(wasm).size,
      sub: "x",
    });
  });
}
