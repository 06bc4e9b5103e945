"""The dev warehouse: Databend's own engine (PyPI `databend`, the embedded databend-query) behind
the part of Databend's HTTP query protocol that databend-driver uses. A protocol front and nothing
else: every statement text goes to the engine exactly as received; this file parses no SQL.

  POST /v1/session/login        version + session id (the driver reads the version on connect)
  POST /v1/query                run a statement; first page of its result
  GET  /v1/query/:id/page/:n    further pages (next_uri)
  GET|POST /v1/query/:id/final  end of a query; releases its result
  GET|POST /v1/query/:id/kill   release a query (statements run to completion before answering)
  GET  /v1/query/:id            state
  POST /v1/session/heartbeat, /v1/session/logout, GET /v1/verify, GET /health
  POST /v1/dev/tenants          (root) a user of its own for a tenant (users.py, tenants.py)

Transactions span several /v1/query calls the way Databend's HTTP handler carries them
(src/query/service/src/servers/http/v1/query/http_query.rs): the session JSON says `txn_state`
(AutoCommit, Active, Fail), `need_sticky` (true while Active, so a cluster routes the next call to
this node) and `internal` (a JSON string naming this node and the last query id). While a
transaction is Active its engine session is kept here under the last query id, as Databend keeps
its transaction manager (HttpQueryManager::add_txn), until the next statement of the session takes
it or `idle_transaction_timeout_secs` passes (then it is rolled back and dropped).

Run by sandbox/warehouse/server.ts (npm run warehouse, tests): `python server.py --port N
--data-dir DIR`. The engine keeps its meta store and data under DIR/.databend; users other than
root are in DIR/users.json; on engines that cannot separate tenants in one process, each tenant's
engine process keeps its state under DIR/tenants/<tenant>.
"""

import argparse
import base64
import json
import os
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The engine is opened in main(), after chdir: opening it opens its meta store under ./.databend
# of the working directory and holds its lock until the process exits.
from engine import Binding, open_engine
from results import rows_of, schema_of
from tenants import TenantProcesses
from users import ROOT_TENANT, Users, validate

# Databend's node id is per server process: a transaction carried to a restarted front is refused
# as Databend refuses one routed to another node (check_sticky_for_txn).
NODE_ID = "dev-warehouse-" + uuid.uuid4().hex[:8]
NODE_STARTED = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
RESULT_TIMEOUT_SECS = 60
IDLE_RESULT_SECS = 300
DEFAULT_PAGE_ROWS = 10_000

# Codes of errors this front raises itself (Databend's src/common/exception/src/exception_code.rs).
BAD_ARGUMENTS = 1006
UNIMPLEMENTED = 1002
UNKNOWN_QUERY = 1127
USER_ALREADY_EXISTS = 2202
AUTHENTICATE_FAILURE = 5100
# Transaction codes and words (exception_code.rs; interpreter.rs auto_commit_if_not_allowed_in_transaction,
# http_query.rs try_set_txn).
CURRENT_TRANSACTION_IS_ABORTED = 4002
TRANSACTION_TIMEOUT = 4003
ABORTED_WORDS = "Current transaction is aborted, commands ignored until end of transaction block"
DEFAULT_IDLE_TXN_SECS = 14400  # the engine's default idle_transaction_timeout_secs

# Databend's Statement::is_transaction_command: Begin (BEGIN, START TRANSACTION), Commit, Abort
# (ABORT, ROLLBACK). The embedded binding keeps a transaction on one engine session but, unlike
# Databend's HTTP handler (execute_state.rs: Executor::stop sets the session's transaction Fail on
# any error), never marks it failed; the front keeps that state, and needs the statement's first
# words for it. This is the only reading of SQL text in this file.
_TXN_COMMAND = re.compile(r"\s*(?:/\*.*?\*/\s*|--[^\n]*\n\s*)*(BEGIN|START\s+TRANSACTION|COMMIT|ABORT|ROLLBACK)\b", re.I | re.S)


def txn_command(sql: str) -> str | None:
    """'begin' or 'end' (COMMIT/ABORT/ROLLBACK) for a transaction command, else None."""
    m = _TXN_COMMAND.match(sql)
    if not m:
        return None
    word = m.group(1).upper()
    return "begin" if word.startswith(("BEGIN", "START")) else "end"

# The binding raises RuntimeError("Error: <Name>. Code: <n>, Text = <message>" + backtrace), or on
# 1.2.895 "DataFrame collect error: <Name>. Code: ..." too. The backtrace is either frames
# ("\n\n   0: ...") or, with RUST_BACKTRACE unset or 0 on 1.2.895, "\n\n<Backtrace disabled by
# default. Please use RUST_BACKTRACE=1 to enable>".
_ENGINE_ERROR = re.compile(r"(?:Error|error): (\w+)\. Code: (\d+), Text = (.*)", re.S)
_BACKTRACE = re.compile(r"\n\s*\n(?:\s+0: |<Backtrace disabled).*", re.S)


def engine_error(exc: Exception) -> dict:
    text = str(exc)
    m = _ENGINE_ERROR.search(text)
    if not m:
        return {"code": 1001, "message": text.strip().splitlines()[0] if text.strip() else "engine error", "detail": None}
    message = _BACKTRACE.sub("", m.group(3)).rstrip().rstrip(".") + "."
    if message.endswith(".."):
        message = message[:-1]
    return {"code": int(m.group(2)), "message": message, "detail": None}


def _sql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _sql_ident(value: str) -> str:
    return "`" + value.replace("`", "") + "`"


class Engine:
    """The engine as one tenant sees it; one engine session per statement, carrying the protocol's
    session (current database, settings) in and out, as Databend's HTTP handler does per request."""

    def __init__(self, binding: Binding, tenant: str = ROOT_TENANT):
        self.binding = binding
        self.tenant = tenant
        self.version_text = binding.version_text
        self.version = binding.version

    def open(self, session: dict):
        """A fresh engine session of this tenant carrying the client's session state (current database, settings)."""
        ctx = self.binding.context(self.tenant)
        database = session.get("database") or "default"
        settings = session.get("settings") or {}
        # Restoring the client's session state is part of the protocol, not of the statement.
        ctx.sql(f"USE {_sql_ident(database)}").to_arrow_table()
        for name, value in settings.items():
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                ctx.sql(f"SET {name} = {_sql_string(str(value))}").to_arrow_table()
        return ctx

    def execute(self, sql: str, session: dict, ctx=None):
        """Runs one statement on `ctx` (a transaction's kept engine session) or on a fresh one."""
        if ctx is None:
            ctx = self.open(session)
        table = ctx.sql(sql).to_arrow_table()
        return table, self.state_of(ctx), ctx

    def state_of(self, ctx) -> dict:
        new_db = ctx.sql("SELECT currentDatabase()").to_arrow_table().column(0)[0].as_py()
        return {"database": new_db, "settings": self._session_settings(ctx)}

    @staticmethod
    def rollback(ctx):
        try:
            ctx.sql("ROLLBACK").to_arrow_table()
        except BaseException as exc:  # a session that cannot roll back is dropped all the same
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise

    @staticmethod
    def _session_settings(ctx) -> dict:
        t = ctx.sql("SELECT name, value FROM system.settings WHERE level = 'SESSION'").to_arrow_table()
        return dict(zip(t.column(0).to_pylist(), t.column(1).to_pylist()))


class Query:
    def __init__(self, qid, schema, rows, page_rows, session, running_ms):
        self.id = qid
        self.schema = schema
        self.rows = rows
        self.page_rows = page_rows
        self.session = session
        self.running_ms = running_ms
        self.last_access = time.monotonic()


def _stats(rows: int, running_ms: int) -> dict:
    zero = {"rows": 0, "bytes": 0}
    return {
        "scan_progress": zero,
        "write_progress": zero,
        "result_progress": {"rows": rows, "bytes": 0},
        "total_scan": zero,
        "spill_progress": {"file_nums": 0, "bytes": 0},
        "running_time_ms": running_ms,
    }


def _uris(qid: str) -> dict:
    return {"stats_uri": f"/v1/query/{qid}", "final_uri": f"/v1/query/{qid}/final", "kill_uri": f"/v1/query/{qid}/kill"}


def _response(qid, session, schema, data, state, error, rows, running_ms, next_uri):
    return {
        "id": qid,
        "session_id": None,
        "node_id": NODE_ID,
        "session": session,
        "schema": schema,
        "data": data,
        "state": state,
        "error": error,
        "warnings": [],
        "stats": _stats(rows, running_ms),
        "affect": None,
        "result_timeout_secs": RESULT_TIMEOUT_SECS,
        "settings": None,
        **_uris(qid),
        "next_uri": next_uri,
    }


class Txn:
    """An Active transaction between two statements: its engine session and when it expires."""

    def __init__(self, ctx, idle_secs: int, tenant: str):
        self.ctx = ctx
        self.tenant = tenant
        self.expires = time.monotonic() + idle_secs


def _idle_txn_secs(settings: dict | None) -> int:
    try:
        value = int((settings or {}).get("idle_transaction_timeout_secs") or DEFAULT_IDLE_TXN_SECS)
    except (TypeError, ValueError):
        value = DEFAULT_IDLE_TXN_SECS
    return max(1, value)


def _internal(session: dict) -> dict:
    raw = session.get("internal")
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        parsed = json.loads(raw)
        return parsed if isinstance(parsed, dict) else {}
    except ValueError:
        return {}


def _with_txn(session: dict, txn_state: str, qid: str | None) -> dict:
    """The session as Databend answers it: txn_state, need_sticky/need_keep_alive while Active, and
    `internal` naming this node and the last query (where an Active transaction is kept)."""
    active = txn_state == "Active"
    internal = _internal(session)
    internal["last_node_id"] = NODE_ID
    if qid:
        internal["last_query_ids"] = [qid]
    return {**session, "txn_state": txn_state, "need_sticky": active, "need_keep_alive": active, "internal": json.dumps(internal)}


class Front:
    def __init__(self, engine: Engine, log: bool, users: Users, tenant_processes: TenantProcesses | None):
        self.engine = engine
        self.log = log
        self.queries: dict = {}
        # Active transactions by the id of their last query (Databend: HttpQueryManager.txn_managers).
        self.txns: dict = {}
        self.lock = threading.Lock()
        self.users = users
        # Engines that separate tenants in one process: one Engine per tenant, made on first use.
        self.engines: dict = {ROOT_TENANT: engine}
        # Engines that cannot: each tenant but root's in a process of its own (tenants.py).
        self.tenant_processes = tenant_processes

    def engine_of(self, tenant: str) -> Engine:
        with self.lock:
            if tenant not in self.engines:
                self.engines[tenant] = Engine(self.engine.binding, tenant)
            return self.engines[tenant]

    def take_txn(self, last_query_id: str, tenant: str):
        with self.lock:
            txn = self.txns.get(last_query_id)
            # Another tenant's user naming the query id finds nothing (and takes nothing).
            if txn is None or txn.tenant != tenant:
                return None
            del self.txns[last_query_id]
        if txn is not None and txn.expires <= time.monotonic():
            self.engine.rollback(txn.ctx)
            return None
        return txn

    def keep_txn(self, qid: str, ctx, idle_secs: int, tenant: str):
        with self.lock:
            self.txns[qid] = Txn(ctx, idle_secs, tenant)

    def page(self, q: Query, n: int) -> dict:
        start = n * q.page_rows
        data = q.rows[start : start + q.page_rows]
        more = start + q.page_rows < len(q.rows)
        nxt = f"/v1/query/{q.id}/page/{n + 1}" if more else f"/v1/query/{q.id}/final"
        return _response(q.id, q.session, q.schema, data, "Succeeded", None, len(q.rows), q.running_ms, nxt)

    def sweep(self):
        now = time.monotonic()
        cutoff = now - IDLE_RESULT_SECS
        with self.lock:
            for qid in [k for k, q in self.queries.items() if q.last_access < cutoff]:
                del self.queries[qid]
            # An abandoned transaction pins its engine session and buffered writes: roll it back.
            expired = [self.txns.pop(k) for k, t in list(self.txns.items()) if t.expires <= now]
        for txn in expired:
            self.engine.rollback(txn.ctx)


def _error_body(code: int, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "databend-dev-warehouse"
    # http.server writes a response's headers and its body in two sends; with Nagle's algorithm on,
    # the body then waits for the client's delayed ACK (about 40 ms on Linux), twice per statement
    # (the query and its final_uri): 88 of a SELECT 1's 100 ms were that wait, not the engine.
    # Databend's own server sends a response whole, so the front turns Nagle off
    # (socketserver.StreamRequestHandler.disable_nagle_algorithm).
    disable_nagle_algorithm = True
    front: Front

    def log_message(self, fmt, *args):  # request lines only when logging is on; never bodies
        if self.front.log:
            sys.stderr.write("warehouse: " + (fmt % args) + "\n")

    def _send(self, status: int, body: dict, headers: dict | None = None):
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        self.raw_body = b""
        if length <= 0:
            return {}
        try:
            self.raw_body = self.rfile.read(length)
            parsed = json.loads(self.raw_body or b"{}")
            return parsed if isinstance(parsed, dict) else {}
        except ValueError:
            return {}

    def _authenticated(self) -> bool:
        """Sets self.user and self.tenant from HTTP basic auth, or answers 401 (5100)."""
        header = self.headers.get("Authorization") or ""
        m = re.match(r"Basic\s+(.+)$", header, re.I)
        if not m:
            self._send(401, _error_body(AUTHENTICATE_FAILURE, "the dev warehouse accepts HTTP basic authentication: user root with an empty password, or a user made by POST /v1/dev/tenants"))
            return False
        try:
            user, _, password = base64.b64decode(m.group(1)).decode("utf-8").partition(":")
        except ValueError:
            user, password = "", "?"
        tenant = self.front.users.tenant_of(user, password)
        if tenant is None:
            shown = user if re.fullmatch(r"[A-Za-z0-9_]{1,64}", user) else "?"
            self._send(401, _error_body(AUTHENTICATE_FAILURE, f"wrong password or unknown user '{shown}'"))
            return False
        self.user, self.tenant = user, tenant
        return True

    def _provision(self, body: dict):
        """POST /v1/dev/tenants (root): {tenant, user, password} -> 201/200 {tenant, user}, 409."""
        if self.user != "root":
            return self._send(401, _error_body(AUTHENTICATE_FAILURE, "only root may provision tenants"))
        problem = validate(body)
        if problem:
            return self._send(400, _error_body(BAD_ARGUMENTS, problem))
        status = self.front.users.put(body["tenant"], body["user"], body["password"])
        if status == 409:
            return self._send(409, _error_body(USER_ALREADY_EXISTS, f"user '{body['user']}' exists for another tenant"))
        if self.front.log:
            sys.stderr.write(f"warehouse: user {body['user']} of tenant {body['tenant']} {'made' if status == 201 else 'given a new password'}\n")
        return self._send(status, {"tenant": body["tenant"], "user": body["user"]})

    def _forward(self, method: str, path: str):
        """A tenant of its own engine process (tenants.py): its answer to the same request."""
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type",) or k.lower().startswith("x-databend-")}
        try:
            status, passed, raw = self.front.tenant_processes.forward(self.tenant, method, self.path, getattr(self, "raw_body", b""), headers)
        except (OSError, RuntimeError) as exc:
            return self._send(503, _error_body(1001, f"the engine of tenant {self.tenant} is not answering: {exc}"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for k, v in passed.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def _route(self, method: str):
        path = self.path.split("?", 1)[0]
        if path == "/health":
            return self._send(200, {"status": "ok", "version": self.front.engine.version_text})
        body = self._body() if method == "POST" else {}
        if not self._authenticated():
            return
        f = self.front
        if path == "/v1/verify":
            return self._send(200, {"tenant": self.tenant, "user": self.user})
        if path == "/v1/dev/tenants" and method == "POST":
            return self._provision(body)
        if self.tenant != ROOT_TENANT and f.tenant_processes is not None:
            return self._forward(method, path)
        self.engine = f.engine_of(self.tenant)
        if path == "/v1/session/login" and method == "POST":
            database = body.get("database")
            if isinstance(database, str) and database:
                try:
                    self.engine.execute("SELECT 1", {"database": database})
                except BaseException as exc:
                    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                        raise
                    return self._send(400, {"error": engine_error(exc)})
            sid = uuid.uuid4().hex
            return self._send(200, {"version": f.engine.version, "session_id": sid}, {"X-DATABEND-SESSION-ID": sid})
        if path == "/v1/session/logout":
            return self._send(200, {})
        if path == "/v1/session/heartbeat":
            ids = [i for v in (body.get("node_to_queries") or {}).values() for i in v]
            with f.lock:
                for i in ids:
                    if i in f.queries:
                        f.queries[i].last_access = time.monotonic()
                gone = [i for i in ids if i not in f.queries]
            return self._send(200, {"queries_to_remove": gone})
        if path == "/v1/query" and method == "POST":
            return self._query(body)
        m = re.fullmatch(r"/v1/query/([0-9a-f]+)(?:/(page)/(\d+)|/(final|kill))?", path)
        if m:
            return self._query_uri(m.group(1), m.group(2), m.group(3), m.group(4))
        return self._send(404, _error_body(UNIMPLEMENTED, f"{method} {path} is not implemented by the dev warehouse"))

    def _failed(self, qid, session_in: dict, err: dict, running: int, headers: dict, txn_state: str):
        f = self.front
        if f.log:
            sys.stderr.write(f"warehouse: query {qid} failed [{err['code']}] in {running} ms\n")
        session = _with_txn(session_in, txn_state, qid)
        return self._send(200, _response(qid, session, [], [], "Failed", err, 0, running, None), headers)

    def _query(self, body: dict):
        f = self.front
        qid = uuid.uuid4().hex
        headers = {"X-DATABEND-QUERY-ID": qid}
        session_in = body.get("session") if isinstance(body.get("session"), dict) else {}
        sql = body.get("sql")
        if not isinstance(sql, str):
            return self._send(400, _error_body(BAD_ARGUMENTS, "request body needs a 'sql' string"), headers)
        txn_in = session_in.get("txn_state") if session_in.get("txn_state") in ("Active", "Fail") else "AutoCommit"
        if body.get("stage_attachment"):
            err = {"code": UNIMPLEMENTED, "message": "stage attachments (driver load/streamLoad) are not supported by the dev warehouse", "detail": None}
            return self._failed(qid, session_in, err, 0, headers, "Fail" if txn_in == "Active" else txn_in)
        command = txn_command(sql)
        ctx = None
        if txn_in == "Active":
            # Databend's try_set_txn: the transaction lives on the node that ran its last query.
            internal = _internal(session_in)
            last_ids = internal.get("last_query_ids") or []
            if internal.get("last_node_id") != NODE_ID:
                err = {"code": CURRENT_TRANSACTION_IS_ABORTED, "message": f"transaction is aborted because server restarted at {NODE_STARTED}.", "detail": None}
                return self._failed(qid, session_in, err, 0, headers, "Fail")
            txn = f.take_txn(last_ids[0], self.tenant) if last_ids and isinstance(last_ids[0], str) else None
            if txn is None:
                last = last_ids[0] if last_ids else ""
                err = {"code": TRANSACTION_TIMEOUT, "message": f"Transaction timeout: last_query_id {last} not found on this server", "detail": None}
                return self._failed(qid, session_in, err, 0, headers, "Fail")
            ctx = txn.ctx
        elif txn_in == "Fail" and command is None:
            # Databend: every statement but BEGIN/COMMIT/ROLLBACK fails until the transaction ends.
            err = {"code": CURRENT_TRANSACTION_IS_ABORTED, "message": ABORTED_WORDS, "detail": None}
            return self._failed(qid, session_in, err, 0, headers, "Fail")
        started = time.monotonic()
        try:
            table, state, ctx = self.engine.execute(sql, session_in, ctx)
        except BaseException as exc:  # the engine's own error, passed on with its code
            # The binding raises PanicException (a BaseException) where the engine panics; that is
            # still one failed statement, not a reason to drop the connection.
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            running = int((time.monotonic() - started) * 1000)
            if txn_in == "Active":
                # Fail until ROLLBACK, as Databend's handler does; the engine's writes are discarded
                # now (Databend drops a failed transaction's manager: only Active ones are kept).
                f.engine.rollback(ctx)
                return self._failed(qid, session_in, engine_error(exc), running, headers, "Fail")
            return self._failed(qid, session_in, engine_error(exc), running, headers, "AutoCommit" if txn_in == "AutoCommit" else txn_in)
        if command == "begin":
            txn_out = "Active"
        elif command == "end":
            txn_out = "AutoCommit"  # COMMIT or ROLLBACK of a failed transaction commits nothing
        else:
            txn_out = txn_in
        session_out = {**session_in, "database": state["database"]}
        if state["settings"] or session_in.get("settings"):
            session_out["settings"] = state["settings"]
        session_out = _with_txn(session_out, txn_out, qid)
        if txn_out == "Active":
            f.keep_txn(qid, ctx, _idle_txn_secs(state["settings"]), self.tenant)
        running = int((time.monotonic() - started) * 1000)
        pagination = body.get("pagination") if isinstance(body.get("pagination"), dict) else {}
        page_rows = max(1, int(pagination.get("max_rows_per_page") or DEFAULT_PAGE_ROWS))
        q = Query(qid, schema_of(table.schema), rows_of(table), page_rows, session_out, running)
        q.tenant = self.tenant
        with f.lock:
            f.queries[qid] = q
        if f.log:
            sys.stderr.write(f"warehouse: query {qid} succeeded, {len(q.rows)} rows in {running} ms\n")
        return self._send(200, f.page(q, 0), headers)

    def _query_uri(self, qid, page, n, action):
        f = self.front
        with f.lock:
            q = f.queries.get(qid)
            if q is not None and q.tenant != self.tenant:  # another tenant's query is no query
                q = None
            elif action in ("final", "kill"):
                f.queries.pop(qid, None)
        if action == "final":
            if q is None:
                return self._send(200, _response(qid, None, [], [], "Succeeded", None, 0, 0, None))
            return self._send(200, _response(qid, q.session, q.schema, [], "Succeeded", None, len(q.rows), q.running_ms, None))
        if q is None:
            return self._send(404, _error_body(UNKNOWN_QUERY, f"query id not found {qid}"))
        if action == "kill":
            return self._send(200, {})
        if page:
            k = int(n)
            if k * q.page_rows > len(q.rows):
                return self._send(404, _error_body(UNKNOWN_QUERY, f"wrong page number {k} for query {qid}"))
            q.last_access = time.monotonic()
            return self._send(200, f.page(q, k))
        return self._send(200, _response(qid, q.session, q.schema, [], "Succeeded", None, len(q.rows), q.running_ms, None))


_META_DIR = os.path.join(".databend", "meta")
_META_PREFIX = "MetaStoreProvider-created-"


def _meta_entries(data_dir: str) -> set:
    meta = os.path.join(data_dir, _META_DIR)
    return {n for n in os.listdir(meta) if n.startswith(_META_PREFIX)} if os.path.isdir(meta) else set()


def drop_stale_meta_links(data_dir: str) -> set:
    """The previous process's links (keepmeta.c) name ports that mean nothing now; the stores they
    point at (store-<k>) stay. Returns the entries left (plain directories of a run without it)."""
    meta = os.path.join(data_dir, _META_DIR)
    for n in _meta_entries(data_dir):
        if os.path.islink(os.path.join(meta, n)):
            os.unlink(os.path.join(meta, n))
    return _meta_entries(data_dir)


def check_meta_kept(data_dir: str, before: set):
    """1.2.895 opens its meta stores under .databend/meta/MetaStoreProvider-created-<port>, a new
    port each process: without front/keepmeta.c preloaded they are plain directories and the
    catalog would be lost at the next start. Refuse to run like that rather than lose tables."""
    meta = os.path.join(data_dir, _META_DIR)
    made = _meta_entries(data_dir) - before
    if any(not os.path.islink(os.path.join(meta, n)) for n in made):
        sys.stderr.write(
            "warehouse: this engine keeps its catalog only with keepmeta.so preloaded (LD_PRELOAD); "
            "start it with `npm run warehouse`, which does, after `npm install` built it\n"
        )
        sys.exit(3)


def main():
    parser = argparse.ArgumentParser(description="Databend's embedded engine behind Databend's HTTP query protocol")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--log", action="store_true")
    parser.add_argument("--exit-with-stdin", action="store_true", help="exit when stdin closes (the launcher died)")
    parser.add_argument("--tenant-child", action="store_true", help="one tenant's engine process behind another front (tenants.py)")
    args = parser.parse_args()
    os.makedirs(args.data_dir, exist_ok=True)
    data_dir = os.path.abspath(args.data_dir)
    # The binding keeps its meta store, data, cache and logs under ./.databend of the working directory.
    os.chdir(data_dir)
    started = time.monotonic()
    before = drop_stale_meta_links(data_dir)
    binding = open_engine()
    check_meta_kept(data_dir, before)
    engine = Engine(binding)
    if args.tenant_child:
        users = Users(os.path.join(data_dir, "users.json"), root_password=os.environ.pop("WAREHOUSE_ROOT_PASSWORD", ""))
        tenant_processes = None
    else:
        users = Users(os.path.join(data_dir, "users.json"))
        tenant_processes = None if binding.isolates_tenants else TenantProcesses(data_dir, args.log)
    Handler.front = Front(engine, args.log, users, tenant_processes)
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True

    def sweeper():
        while True:
            time.sleep(30)
            Handler.front.sweep()

    threading.Thread(target=sweeper, daemon=True).start()

    def parent_watch():
        # The launcher holds our stdin open; when it goes away (even by SIGKILL) so do we.
        sys.stdin.read()
        os._exit(0)

    if args.exit_with_stdin:
        threading.Thread(target=parent_watch, daemon=True).start()
    ready = {"port": httpd.server_address[1], "version": engine.version_text, "startup_ms": int((time.monotonic() - started) * 1000)}
    # The launcher waits for this line to learn the port (0 picks a free one).
    sys.stdout.write("WAREHOUSE_READY " + json.dumps(ready) + "\n")
    sys.stdout.flush()
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
