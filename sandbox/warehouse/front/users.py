"""The dev warehouse's users other than root, each mapped to a Databend tenant.

root (empty password) is the engine's own user in tenant `default`, as a fresh Databend. Other
users are made by the API through POST /v1/dev/tenants (one per organization) and kept in
<data dir>/users.json, mode 0600, with scrypt password hashes (salt per user), so they survive a
restart and no password is ever stored or shown. The file is replaced atomically.
"""

import hashlib
import hmac
import json
import os
import re
import secrets
import threading

ROOT = "root"
ROOT_TENANT = "default"

# Names as Databend accepts them unquoted, and nothing a path or a log line could misread.
USER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
TENANT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024

# scrypt cost: about 45 ms and 16 MB per hash on this 2-core machine. The driver sends its
# credentials with every request (each statement, page and final), so a check that passed is
# remembered in memory, keyed by an HMAC of user and password under a key made at start (nothing
# that outlives the process or could be reversed), until that user's password changes.
_N, _R, _P = 2**14, 8, 1


def _hash(password: str, salt: bytes, n=_N, r=_R, p=_P) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def validate(body: dict) -> str | None:
    """What is wrong with a provisioning request, as one sentence naming the field, or None."""
    tenant, user, password = body.get("tenant"), body.get("user"), body.get("password")
    if not isinstance(tenant, str) or not TENANT_NAME.fullmatch(tenant):
        return "field 'tenant' must be 1-128 letters, digits, '_' or '-', starting with a letter or digit"
    if tenant == ROOT_TENANT:
        return "field 'tenant' cannot be 'default': that tenant is root's"
    if not isinstance(user, str) or not USER_NAME.fullmatch(user):
        return "field 'user' must be 1-64 letters, digits or '_', not starting with a digit"
    if user == ROOT:
        return "field 'user' cannot be 'root'"
    if not isinstance(password, str) or not (MIN_PASSWORD <= len(password) <= MAX_PASSWORD):
        return f"field 'password' must be a string of {MIN_PASSWORD} to {MAX_PASSWORD} characters"
    return None


class Users:
    def __init__(self, path: str, root_password: str = ""):
        self.path = path
        self.root_password = root_password
        self.lock = threading.Lock()
        self.users: dict = {}
        self._key = secrets.token_bytes(32)
        self._verified: dict = {}  # HMAC(user, password) -> (user, tenant)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.users = json.load(f).get("users", {})

    def tenant_of(self, user: str, password: str) -> str | None:
        """The tenant of a user whose password is right, else None (root: empty password)."""
        if user == ROOT:
            ok = hmac.compare_digest(password.encode("utf-8"), self.root_password.encode("utf-8"))
            return ROOT_TENANT if ok else None
        seen = hmac.new(self._key, user.encode("utf-8") + b"\0" + password.encode("utf-8"), hashlib.sha256).digest()
        with self.lock:
            entry = self.users.get(user)
            remembered = self._verified.get(seen)
        if remembered is not None:
            return remembered[1]
        if entry is None:
            # Spend the same time as a real check, so a name's existence does not show.
            _hash(password, b"0" * 16)
            return None
        h = entry["scrypt"]
        got = _hash(password, bytes.fromhex(h["salt"]), h["n"], h["r"], h["p"])
        if not hmac.compare_digest(got, bytes.fromhex(h["hash"])):
            return None
        with self.lock:
            if self.users.get(user) is entry:  # not replaced while we hashed
                self._verified[seen] = (user, entry["tenant"])
        return entry["tenant"]

    def tenants(self) -> set:
        with self.lock:
            return {e["tenant"] for e in self.users.values()}

    def put(self, tenant: str, user: str, password: str) -> int:
        """201 made, 200 password replaced (same user, same tenant), 409 the user is another tenant's."""
        salt = secrets.token_bytes(16)
        entry = {"tenant": tenant, "scrypt": {"n": _N, "r": _R, "p": _P, "salt": salt.hex(), "hash": _hash(password, salt).hex()}}
        with self.lock:
            old = self.users.get(user)
            if old is not None and old["tenant"] != tenant:
                return 409
            self.users[user] = entry
            self._verified = {k: v for k, v in self._verified.items() if v[0] != user}
            self._write()
        return 200 if old is not None else 201

    def _write(self):
        tmp = self.path + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"users": self.users}, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)
