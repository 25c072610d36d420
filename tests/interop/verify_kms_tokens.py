"""Verifies tokens signed by `kmsjwt sign` (KMS keys) with PyJWT, independently of kmsjwt.

Used by the signer's ministack tests (signer/tests/kms/interop.rs), run with the Python of
the ministack venv (tests/ministack.sh installs PyJWT there from requirements.txt).

Usage: python verify_kms_tokens.py CASES.json
  CASES.json: [{"name", "alg", "token", "jwk", "pem", "issuer", "audience"}, ...]
Prints one JSON array: [{"name", "ok": true} | {"name", "ok": false, "error"} |
{"name", "ok": null, "skipped"}]. Each token is decoded with the JWK and with the PEM, and
its kid must equal the RFC 7638 thumbprint computed here with hashlib.
"""

import base64
import hashlib
import json
import sys

import jwt
from jwt.algorithms import get_default_algorithms

REQUIRED = {"EC": ["crv", "kty", "x", "y"], "RSA": ["e", "kty", "n"], "OKP": ["crv", "kty", "x"]}


def thumbprint(jwk):
    members = {name: jwk[name] for name in REQUIRED[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


def check(case):
    header = jwt.get_unverified_header(case["token"])
    assert header["alg"] == case["alg"], header
    assert header["typ"] == "JWT", header
    expected_kid = thumbprint(case["jwk"])
    assert header["kid"] == expected_kid, f"kid {header['kid']} is not the thumbprint {expected_kid}"
    options = {"require": ["iat", "exp"]}
    for key in (jwt.PyJWK(case["jwk"]).key, case["pem"]):
        payload = jwt.decode(
            case["token"],
            key,
            algorithms=[case["alg"]],
            issuer=case["issuer"],
            audience=case["audience"],
            options=options,
        )
        assert payload["iss"] == case["issuer"]


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        cases = json.load(file)
    known = get_default_algorithms()
    results = []
    for case in cases:
        if case["alg"] not in known:
            results.append({"name": case["name"], "ok": None,
                            "skipped": f"PyJWT {jwt.__version__} does not know alg {case['alg']}"})
            continue
        try:
            check(case)
            results.append({"name": case["name"], "ok": True})
        except Exception as error:  # noqa: BLE001 - every failure is reported
            results.append({"name": case["name"], "ok": False, "error": f"{type(error).__name__}: {error}"})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
