"""The sealed share file (issue 11): one partner's scores, readable only with a short code.

Pure: sealing and opening text, the file format and the code; no files, no environment.
A share file is one line of canonical JSON. Its header (whose file, when, which checklist,
the commitment to its contents, how it is sealed) stays readable, so the partner can be told
what it is before they have the code; the scores are sealed with AES-256-GCM under a key
derived from the code with scrypt, and the header is the cipher's associated data, so a change
to any field is detected. The cryptography package is imported only when a file is sealed or
opened: no other command pays for it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from trustcheck.checklist import ROLES
from trustcheck.dates import iso
from trustcheck.errors import InputError
from trustcheck.exchange import SharedScores, from_dict, moment, to_dict

SCHEMA = "trustcheck/share/v1"
PAYLOAD_SCHEMA = "trustcheck/shared-scores/v1"
# 32 characters without look-alikes (no 0/O, 1/I): 5 bits each, so 10 characters are 50 bits.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
# scrypt with 64 MiB and about a third of a second per guess: opening takes well under a second,
# while trying every code would take millions of years on one core (2**50 guesses).
# Only these parameters are accepted, so a crafted file cannot make opening take hours.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**16, 8, 1
CIPHER = "AES-256-GCM"
KDF = "scrypt"
# Your own check-in must be this close to your partner's to open their file: the two views are
# of the same stretch of the relationship.
WITHIN = timedelta(days=14)
_SALT_BYTES, _NONCE_BYTES, _CHECK_BYTES = 16, 12, 16
MAX_FILE = 1_000_000  # a real share file is a few kilobytes


class ShareFileError(InputError):
    """A share file that cannot be read or opened: one sentence with what to do next."""


class WrongCode(ShareFileError):
    """The code does not open the file."""


class ChangedFile(ShareFileError):
    """The file is not as `trustcheck share` wrote it."""


class SealedFile(NamedTuple):
    """A share file as read, before opening: everything in it the code is not needed for."""

    role: str  # whose file: mentor or mentee
    made_at: datetime  # when `trustcheck share` made it
    taken_at: datetime  # when the check-in it holds was taken: "the file's date"
    checklist: tuple[str, str, str]  # id, version, sha256 of the checklist they answered
    commitment: str  # "sha256:<hex>" of the sealed scores, fixed when the file was made
    salt: bytes
    code_check: bytes
    nonce: bytes
    sealed: bytes
    header: bytes  # the associated data: the canonical header, everything but `sealed`


class Sealed(NamedTuple):
    """A share file just made: its text, the code that opens it, and its commitment."""

    text: str
    code: str  # grouped for reading aloud, e.g. "K7QX-M2PA-9H"
    commitment: str


class ShareRecord(NamedTuple):
    """A share kept in the sender's history, so its code can be shown again."""

    id: str
    made_at: datetime
    role: str
    partner: str | None
    check_in: str  # the id of the check-in it was made from
    code: str  # grouped, as the sender was told it
    commitment: str  # "sha256:<hex>" of what it holds


# --- the code ---------------------------------------------------------------------------------


def new_code(pick: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh code, grouped for reading aloud."""
    return grouped("".join(ALPHABET[pick(len(ALPHABET))] for _ in range(CODE_LENGTH)))


def grouped(code: str) -> str:
    """K7QXM2PA9H as K7QX-M2PA-9H: groups of four are easier to read out and type."""
    return "-".join(code[start:start + 4] for start in range(0, len(code), 4))


def normalised(typed: str) -> str:
    """A code as typed, in any case, with or without dashes and spaces, as its 10 characters."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        raise WrongCode(
            f"'{typed[:40]}' is not a share code: a code has {CODE_LENGTH} letters and digits "
            "like K7QX-M2PA-9H; please ask your partner to read theirs out again.")
    return code


# --- the payload and its commitment -------------------------------------------------------------


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def payload(scores: SharedScores, blinding: bytes) -> bytes:
    """What is sealed: the scores and a random blinding value, so the commitment (a hash of
    these bytes, readable without the code) cannot be matched against guessed scores."""
    return _canonical({"schema": PAYLOAD_SCHEMA, "blinding": blinding.hex(),
                       **to_dict(scores)}).encode("utf-8")


def commitment_of(sealed_payload: bytes) -> str:
    return "sha256:" + hashlib.sha256(sealed_payload).hexdigest()


# --- sealing and opening -------------------------------------------------------------------


def _keys(code: str, salt: bytes) -> tuple[bytes, bytes]:
    """The cipher key, and a check value that tells a wrong code from a changed file."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    derived = Scrypt(salt=salt, length=64, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        code.encode("ascii"))
    # The check gives a guesser nothing the cipher's own tag would not: both need scrypt.
    return derived[:32], hashlib.sha256(derived[32:]).digest()[:_CHECK_BYTES]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _header(role: str, made_at: datetime, taken_at: datetime, checklist: tuple[str, str, str],
            commitment: str, salt: bytes, code_check: bytes, nonce: bytes) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "role": role,
        "made_at": iso(made_at),
        "taken_at": iso(taken_at),
        "checklist": dict(zip(("id", "version", "sha256"), checklist, strict=True)),
        "commitment": commitment,
        "seal": {"kdf": KDF, "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt),
                 "code_check": _b64(code_check), "cipher": CIPHER, "nonce": _b64(nonce)},
    }


def seal(scores: SharedScores, *, made_at: datetime, code: str | None = None,
         random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> Sealed:
    """A share file holding `scores`, sealed with `code` (a fresh one when None)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    code = code or new_code()
    salt, nonce = random_bytes(_SALT_BYTES), random_bytes(_NONCE_BYTES)
    sealed_payload = payload(scores, random_bytes(16))
    commitment = commitment_of(sealed_payload)
    key, code_check = _keys(normalised(code), salt)
    header = _header(scores.role, made_at.astimezone(timezone.utc).replace(microsecond=0),
                     scores.taken_at, scores.checklist, commitment, salt, code_check, nonce)
    associated = _canonical(header).encode("utf-8")
    sealed = AESGCM(key).encrypt(nonce, sealed_payload, associated)
    return Sealed(_canonical({**header, "sealed": _b64(sealed)}) + "\n",
                  grouped(normalised(code)), commitment)


def looks_sealed(start: bytes) -> bool:
    """Whether the first bytes of a file are those of a share file (not a result file)."""
    return start.lstrip().startswith(b"{") and f'"schema":"{SCHEMA}"'.encode() in start[:4096]


def read(text: bytes, source: str) -> SealedFile:
    """A share file's header, checked to be exactly as trustcheck writes it (one canonical line,
    nothing added or re-encoded), so that any change to the file is refused."""
    if len(text) > MAX_FILE:
        raise ChangedFile(f"{source} is too big to be a share file; please use the file your "
                          "partner made with `trustcheck share`.")
    try:
        data = json.loads(text.decode("utf-8"))
        schema = data.get("schema")
        if schema != SCHEMA and isinstance(schema, str) and schema.startswith("trustcheck/share/"):
            raise ShareFileError(f"{source} is a share file of a newer kind than this "
                                 "trustcheck reads; please update trustcheck.")
        header = {key: value for key, value in data.items() if key != "sealed"}
        seal_part = header["seal"]
        named = header["checklist"]
        found = SealedFile(
            role=header["role"],
            made_at=moment(header["made_at"]),
            taken_at=moment(header["taken_at"]),
            checklist=(named["id"], named["version"], named["sha256"]),
            commitment=header["commitment"],
            salt=_unb64(seal_part["salt"]),
            code_check=_unb64(seal_part["code_check"]),
            nonce=_unb64(seal_part["nonce"]),
            sealed=_unb64(data["sealed"]),
            header=_canonical(header).encode("utf-8"),
        )
        exact = (_canonical(data) + "\n").encode("utf-8") == text
        rebuilt = _header(found.role, found.made_at, found.taken_at, found.checklist,
                          found.commitment, found.salt, found.code_check, found.nonce)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError,
            binascii.Error, RecursionError):
        raise ChangedFile(_changed(source)) from None
    if not exact or rebuilt != header or schema != SCHEMA or found.role not in ROLES:
        raise ChangedFile(_changed(source))
    return found


def _changed(source: str) -> str:
    return (f"{source} has been changed since `trustcheck share` made it (or is not a share "
            "file), so it cannot be trusted; please ask your partner for a fresh file.")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise TypeError
    data = base64.b64decode(text, validate=True)
    if _b64(data) != text:  # another spelling of the same bytes is still a change
        raise ValueError
    return data


def open_sealed(found: SealedFile, code: str, source: str) -> SharedScores:
    """The scores in a share file; WrongCode or ChangedFile when they cannot be trusted."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key, code_check = _keys(normalised(code), found.salt)
    if not secrets.compare_digest(code_check, found.code_check):
        raise WrongCode("That code does not open this file; please check it with your partner "
                        "(letters and digits only, any case, dashes optional) and try again.")
    try:
        opened = AESGCM(key).decrypt(found.nonce, found.sealed, found.header)
    except InvalidTag:
        raise ChangedFile(_changed(source)) from None
    if commitment_of(opened) != found.commitment:
        raise ChangedFile(_changed(source))
    try:
        scores = scores_from_payload(json.loads(opened.decode("utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ChangedFile(_changed(source)) from None
    if (scores.role, scores.taken_at, scores.checklist) != (found.role, found.taken_at,
                                                            found.checklist):
        raise ChangedFile(_changed(source))
    return scores


def scores_from_payload(data: Mapping[str, Any]) -> SharedScores:
    """The SharedScores in an opened payload, every field checked (ValueError when not)."""
    if data["schema"] != PAYLOAD_SCHEMA:
        raise ValueError("not a payload")
    try:
        return from_dict(data, "the sealed contents")
    except InputError:
        raise ValueError("not a payload") from None


# --- the rules of opening ------------------------------------------------------------------


def close_enough(mine: datetime, theirs: datetime) -> bool:
    """Whether your check-in and your partner's are within WITHIN of each other."""
    return abs(mine - theirs) <= WITHIN
