"""Generates JWT interop fixtures with PyJWT (+ cryptography).

Writes fixtures/pyjwt.json and rebuilds fixtures/jwks.json from every
fixtures/<lib>.json present. Every token is verified with PyJWT (against both
the SPKI PEM and the public JWK) before anything is written.

Usage: .venv/bin/python generate.py   (or: bash regen.sh)
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import cryptography
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import get_default_algorithms

HERE = Path(__file__).resolve().parent
FIXTURES_DIR = HERE / "fixtures"

ISSUER = "https://issuer.example"
AUDIENCE = "api://interop"
IAT = 1764000000
EXP = 4102444800

# alg -> private key factory
ALGS = {
    "RS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "RS384": lambda: rsa.generate_private_key(public_exponent=65537, key_size=3072),
    "RS512": lambda: rsa.generate_private_key(public_exponent=65537, key_size=4096),
    "PS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "PS384": lambda: rsa.generate_private_key(public_exponent=65537, key_size=3072),
    "PS512": lambda: rsa.generate_private_key(public_exponent=65537, key_size=4096),
    "ES256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "ES384": lambda: ec.generate_private_key(ec.SECP384R1()),
    "ES512": lambda: ec.generate_private_key(ec.SECP521R1()),
    "ES256K": lambda: ec.generate_private_key(ec.SECP256K1()),
    "EdDSA": lambda: ed25519.Ed25519PrivateKey.generate(),
}


def claims_for(kid: str) -> dict:
    return {
        "iss": ISSUER,
        "sub": "user-123",
        "aud": AUDIENCE,
        "iat": IAT,
        "nbf": IAT,
        "exp": EXP,
        "jti": f"{kid}-{uuid.uuid4()}",
        "scope": "read write",
        "n": 42,
        "nested": {"a": [1, 2, 3]},
    }


def check(token: str, key, alg: str, claims: dict, kid: str) -> None:
    # Equivalent of jose's currentDate = IAT + 1s: never reject on nbf/iat
    # because the machine clock is behind the fixed claims.
    leeway = max(0, IAT + 1 - int(time.time()))
    decoded = jwt.decode(
        token,
        key,
        algorithms=[alg],
        audience=AUDIENCE,
        issuer=ISSUER,
        leeway=leeway,
        options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]},
    )
    if decoded != claims:
        raise AssertionError(f"{alg}: decoded claims differ: {decoded!r}")
    header = jwt.get_unverified_header(token)
    if header != {"alg": alg, "typ": "JWT", "kid": kid}:
        raise AssertionError(f"{alg}: unexpected header {header!r}")


def make_fixture(alg: str, new_key) -> dict:
    kid = f"pyjwt-{alg}"
    private_key = new_key()
    public_key = private_key.public_key()
    public_key_pem = public_key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    ).decode()
    public_jwk = get_default_algorithms()[alg].to_jwk(public_key, as_dict=True)
    public_jwk["kid"] = kid
    public_jwk["alg"] = alg
    claims = claims_for(kid)
    token = jwt.encode(
        claims, private_key, algorithm=alg, headers={"kid": kid, "typ": "JWT"}
    )

    # Verify with PyJWT itself before writing: against the PEM and the JWK.
    check(token, public_key_pem, alg, claims, kid)
    check(token, jwt.PyJWK(public_jwk).key, alg, claims, kid)

    return {
        "lib": "pyjwt",
        "lib_version": jwt.__version__,
        "alg": alg,
        "token": token,
        "public_key_pem": public_key_pem,
        "public_jwk": public_jwk,
        "claims": claims,
    }


def write_json(name: str, value) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    (FIXTURES_DIR / name).write_text(text, encoding="utf-8")


def rebuild_jwks() -> int:
    keys = []
    for lib in ("jose", "pyjwt"):
        path = FIXTURES_DIR / f"{lib}.json"
        if not path.exists():
            continue
        for entry in json.loads(path.read_text(encoding="utf-8")):
            keys.append(entry["public_jwk"])
    kids = [k["kid"] for k in keys]
    if len(set(kids)) != len(kids):
        raise AssertionError("duplicate kid in JWKS")
    write_json("jwks.json", {"keys": keys})
    return len(keys)


def main() -> None:
    FIXTURES_DIR.mkdir(parents=True, exist_ok=True)
    fixtures = []
    for alg, new_key in ALGS.items():
        fixtures.append(make_fixture(alg, new_key))
        print(
            f"pyjwt {jwt.__version__} (cryptography {cryptography.__version__}): {alg}"
        )
    write_json("pyjwt.json", fixtures)
    n = rebuild_jwks()
    print(f"wrote fixtures/pyjwt.json ({len(fixtures)} tokens)")
    print(f"wrote fixtures/jwks.json ({n} keys)")


if __name__ == "__main__":
    main()
